package http

import (
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"strings"
)

// ParseTrustedProxies parses --trusted-proxies: comma-separated CIDR
// prefixes or single addresses of the reverse proxies whose forwarded
// headers are believed.
func ParseTrustedProxies(s string) ([]netip.Prefix, error) {
	var out []netip.Prefix
	for _, f := range strings.Split(s, ",") {
		f = strings.TrimSpace(f)
		if f == "" {
			continue
		}
		if p, err := netip.ParsePrefix(f); err == nil {
			out = append(out, p.Masked())
			continue
		}
		a, err := netip.ParseAddr(f)
		if err != nil {
			return nil, fmt.Errorf("--trusted-proxies: %q is neither an address nor a CIDR prefix", f)
		}
		a = a.Unmap()
		out = append(out, netip.PrefixFrom(a, a.BitLen()))
	}
	return out, nil
}

// clientIP is the address of the client a request comes from. It is the
// connection's peer unless that peer is one of the trusted proxies: then
// the forwarded headers (Forwarded, RFC 7239, else X-Forwarded-For) are
// walked from the nearest hop back, skipping trusted proxies, and the
// first other address is the client. A client cannot name its own address
// to dodge throttling: headers from untrusted peers are ignored, and so
// are the hops it could have written before the trusted proxy appended
// the real one.
func (s *Server) clientIP(r *http.Request) string {
	peer := peerIP(r.RemoteAddr)
	if !s.trusted(peer) {
		return peer
	}
	hops := forwardedFor(r.Header.Values("Forwarded"))
	if len(hops) == 0 {
		for _, v := range r.Header.Values("X-Forwarded-For") {
			for _, h := range strings.Split(v, ",") {
				hops = append(hops, strings.TrimSpace(h))
			}
		}
	}
	for i := len(hops) - 1; i >= 0; i-- {
		a, err := netip.ParseAddr(stripPort(hops[i]))
		if err != nil {
			return peer // a hop we cannot read ("unknown", obfuscated): stop at the last we trust
		}
		a = a.Unmap()
		if !s.trusted(a.String()) {
			return a.String()
		}
	}
	return peer
}

func (s *Server) trusted(ip string) bool {
	a, err := netip.ParseAddr(ip)
	if err != nil {
		return false
	}
	a = a.Unmap()
	for _, p := range s.cfg.TrustedProxies {
		if p.Contains(a) {
			return true
		}
	}
	return false
}

func peerIP(remote string) string {
	host, _, err := net.SplitHostPort(remote)
	if err != nil {
		host = remote
	}
	if a, err := netip.ParseAddr(host); err == nil {
		return a.Unmap().String()
	}
	return host
}

// forwardedFor returns the for= values of Forwarded headers in order.
func forwardedFor(values []string) []string {
	var out []string
	for _, v := range values {
		for _, elem := range strings.Split(v, ",") {
			for _, pair := range strings.Split(elem, ";") {
				k, val, ok := strings.Cut(strings.TrimSpace(pair), "=")
				if ok && strings.EqualFold(k, "for") {
					out = append(out, strings.Trim(val, `"`))
				}
			}
		}
	}
	return out
}

// stripPort turns "[2001:db8::1]:4711", "192.0.2.1:80" or "[2001:db8::1]"
// into the bare address.
func stripPort(h string) string {
	if host, _, err := net.SplitHostPort(h); err == nil {
		return host
	}
	return strings.TrimSuffix(strings.TrimPrefix(h, "["), "]")
}
