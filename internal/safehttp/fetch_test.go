package safehttp

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"syscall"
	"testing"
)

func TestFetch(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "Bearer k" {
			http.Error(w, "no", http.StatusUnauthorized)
			return
		}
		io.WriteString(w, "bytes")
	}))
	defer srv.Close()
	client := srv.Client()
	auth := func(r *http.Request) { r.Header.Set("Authorization", "Bearer k") }
	body, err := Fetch(context.Background(), client, srv.URL+"/f", "test media", auth)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(body)
	body.Close()
	if string(b) != "bytes" {
		t.Fatalf("body %q", b)
	}
	if _, err := Fetch(context.Background(), client, srv.URL+"/f", "test media", nil); err == nil || !strings.Contains(err.Error(), "test media: HTTP 401") {
		t.Fatalf("non-2xx: %v", err)
	}
	for _, u := range []string{"file:///etc/passwd", "ftp://x/y", "::"} {
		if _, err := Fetch(context.Background(), client, u, "test media", auth); err == nil || !strings.Contains(err.Error(), "bad URL") {
			t.Fatalf("%s: %v", u, err)
		}
	}
}

// TestFetchErrorsHideTheQuery: a failed fetch names the URL without its
// (often signed) query, and keeps the cause for errors.Is.
func TestFetchErrorsHideTheQuery(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	_, err = Fetch(context.Background(), &http.Client{}, "http://"+addr+"/media/1?signature=SECRET-SIG", "test media", nil)
	if err == nil || strings.Contains(err.Error(), "SECRET-SIG") || !strings.Contains(err.Error(), addr+"/media/1") || !errors.Is(err, syscall.ECONNREFUSED) {
		t.Fatalf("error %v", err)
	}
}
