package safehttp

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
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
