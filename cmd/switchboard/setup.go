package main

import (
	"fmt"
	"net"
	"net/url"
	"strings"
)

// setupLink is the browser address of the first-run setup: the public
// URL when set, else the listening address (localhost for a wildcard).
func setupLink(baseURL string, addr net.Addr, token string) string {
	base := strings.TrimRight(baseURL, "/")
	if base == "" {
		host, port, err := net.SplitHostPort(addr.String())
		if err != nil {
			host, port = addr.String(), ""
		}
		if ip := net.ParseIP(host); ip == nil || ip.IsUnspecified() {
			if ip != nil {
				host = "localhost"
			}
		}
		base = "http://" + net.JoinHostPort(host, port)
	}
	return fmt.Sprintf("%s/setup?token=%s", base, url.QueryEscape(token))
}
