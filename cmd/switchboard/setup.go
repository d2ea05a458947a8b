package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net"
	"net/url"
	"strings"

	"github.com/switchboard-cc/switchboard/internal/desk"
)

// firstRunToken returns a one-time setup token when the data folder has
// no admin yet, else "". It lives in this process only: the link printed
// on stdout is the way in, and a restart prints a new one.
func firstRunToken(ctx context.Context, store desk.Store) (string, error) {
	ss, ok := store.(desk.SetupStore)
	if !ok {
		return "", nil
	}
	need, err := ss.SetupNeeded(desk.NewContextWithActor(ctx, desk.SystemActor))
	if err != nil || !need {
		return "", err
	}
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	return hex.EncodeToString(b), nil
}

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
