package app

import (
	"bytes"
	"log/slog"
	"strings"
	"testing"
)

// TestCustomerURL covers --public-url: checked at start, --base-url as
// its fallback, and a warning when neither is set (surveys then carry no
// link).
func TestCustomerURL(t *testing.T) {
	tests := []struct {
		name, public, base string
		want, err          string
		warns              bool
	}{
		{"public URL", "https://desk.example.com/", "", "https://desk.example.com", "", false},
		{"public URL wins over base URL", "https://desk.example.com", "https://agents.example.com", "https://desk.example.com", "", false},
		{"base URL as fallback", "", "https://desk.example.com/sb", "https://desk.example.com/sb", "", false},
		{"neither: no links, a warning", "", "", "", "", true},
		{"no scheme", "desk.example.com", "", "", "--public-url", false},
		{"not http", "ftp://desk.example.com", "", "", "--public-url", false},
		{"with a query", "https://desk.example.com/?a=1", "", "", "--public-url", false},
		{"bad base URL", "", "desk", "", "--base-url", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var logs bytes.Buffer
			got, err := customerURL(&Config{PublicURL: tt.public, BaseURL: tt.base}, slog.New(slog.NewJSONHandler(&logs, nil)))
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) {
					t.Fatalf("err = %v, want one naming %s", err, tt.err)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Fatalf("= %q, %v; want %q", got, err, tt.want)
			}
			if warned := strings.Contains(logs.String(), "no public URL"); warned != tt.warns {
				t.Fatalf("warning logged %v, want %v: %s", warned, tt.warns, logs.String())
			}
		})
	}
}
