// Package safehttp is the HTTP client for requests the server makes on
// its users' behalf (context cards, bot webhooks, integrations), where the
// URL comes from configuration an attacker may influence. It refuses to
// connect to private, loopback, link-local, multicast and other special
// addresses (SSRF), checked on the address actually dialed, after DNS
// resolution and on every redirect, so DNS rebinding and redirects to
// internal hosts gain nothing. Admins may allow chosen private networks.
// Responses are bounded in time and size.
package safehttp

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/netip"
	"syscall"
	"time"
)

// Config bounds outbound requests. Zero fields take the defaults.
type Config struct {
	// Allow lists networks that may be reached although Blocked would
	// refuse them (an on-premises CRM, say).
	Allow []netip.Prefix
	// Timeout bounds a whole request, body included (default 10 s).
	Timeout time.Duration
	// MaxBodyBytes caps a response body (default 5 MiB); reading past it
	// fails with ErrTooLarge.
	MaxBodyBytes int64
	// MaxRedirects caps followed redirects (default 3).
	MaxRedirects int
	// MaxIdleConns and MaxIdleConnsPerHost size the pool of kept-alive
	// connections (defaults 20 and Go's 2); the provider APIs' client
	// keeps more.
	MaxIdleConns        int
	MaxIdleConnsPerHost int
}

// ErrBlocked is returned (wrapped) when the destination address is not
// allowed.
var ErrBlocked = errors.New("safehttp: destination address not allowed")

// ErrTooLarge is returned when a response body exceeds MaxBodyBytes.
var ErrTooLarge = errors.New("safehttp: response body too large")

// NewClient returns a client enforcing cfg.
func NewClient(cfg Config) *http.Client {
	if cfg.Timeout <= 0 {
		cfg.Timeout = 10 * time.Second
	}
	if cfg.MaxBodyBytes <= 0 {
		cfg.MaxBodyBytes = 5 << 20
	}
	if cfg.MaxRedirects <= 0 {
		cfg.MaxRedirects = 3
	}
	dialer := &net.Dialer{Timeout: 5 * time.Second, KeepAlive: 30 * time.Second, Control: control(cfg.Allow)}
	tr := &http.Transport{
		// No proxy: a proxy would dial on our behalf, out of the guard's sight.
		Proxy:                  nil,
		DialContext:            dialer.DialContext,
		TLSHandshakeTimeout:    5 * time.Second,
		ResponseHeaderTimeout:  cfg.Timeout,
		MaxIdleConns:           max(cfg.MaxIdleConns, 20),
		MaxIdleConnsPerHost:    cfg.MaxIdleConnsPerHost,
		IdleConnTimeout:        60 * time.Second,
		MaxResponseHeaderBytes: 64 << 10,
	}
	return &http.Client{
		Transport: &limitTransport{next: tr, max: cfg.MaxBodyBytes},
		Timeout:   cfg.Timeout,
		CheckRedirect: func(req *http.Request, via []*http.Request) error {
			if len(via) > cfg.MaxRedirects {
				return fmt.Errorf("safehttp: more than %d redirects", cfg.MaxRedirects)
			}
			if req.URL.Scheme != "http" && req.URL.Scheme != "https" {
				return fmt.Errorf("safehttp: redirect to scheme %q refused", req.URL.Scheme)
			}
			return nil
		},
	}
}

// control runs after DNS resolution, on each address the dialer is about
// to connect to, which is what makes the check immune to DNS tricks.
func control(allow []netip.Prefix) func(network, address string, c syscall.RawConn) error {
	return func(network, address string, _ syscall.RawConn) error {
		ap, err := netip.ParseAddrPort(address)
		if err != nil {
			return fmt.Errorf("%w: %s", ErrBlocked, address)
		}
		addr := ap.Addr().Unmap()
		for _, p := range allow {
			if p.Contains(addr) {
				return nil
			}
		}
		if Blocked(addr) {
			return fmt.Errorf("%w: %s", ErrBlocked, addr)
		}
		return nil
	}
}

// limitTransport caps response bodies.
type limitTransport struct {
	next http.RoundTripper
	max  int64
}

// RoundTrip refuses a declared oversize body at once and caps the rest.
func (t *limitTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := t.next.RoundTrip(req)
	if err != nil {
		return nil, err
	}
	if resp.ContentLength > t.max {
		resp.Body.Close()
		return nil, fmt.Errorf("%w: %d bytes declared", ErrTooLarge, resp.ContentLength)
	}
	resp.Body = &limitedBody{rc: resp.Body, left: t.max}
	return resp, nil
}

type limitedBody struct {
	rc   io.ReadCloser
	left int64
}

func (b *limitedBody) Read(p []byte) (int, error) {
	if b.left <= 0 {
		// One byte more than allowed tells a body at the limit from one
		// over it.
		var one [1]byte
		if n, _ := b.rc.Read(one[:]); n > 0 {
			return 0, ErrTooLarge
		}
		return 0, io.EOF
	}
	if int64(len(p)) > b.left {
		p = p[:b.left]
	}
	n, err := b.rc.Read(p)
	b.left -= int64(n)
	return n, err
}

func (b *limitedBody) Close() error { return b.rc.Close() }

// Get is a convenience for a GET with a context.
func Get(ctx context.Context, c *http.Client, url string) (*http.Response, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return nil, err
	}
	return c.Do(req)
}
