package twilio

import (
	"slices"
	"testing"
)

func TestURLVariants(t *testing.T) {
	tests := []struct {
		in   string
		want []string
	}{
		{"https://sb.example.com/webhooks/twilio/7?x=1", []string{"https://sb.example.com/webhooks/twilio/7?x=1", "https://sb.example.com:443/webhooks/twilio/7?x=1"}},
		{"https://sb.example.com:443/w", []string{"https://sb.example.com/w", "https://sb.example.com:443/w"}},
		{"http://sb.example.com/w", []string{"http://sb.example.com/w", "http://sb.example.com:80/w"}},
		{"http://127.0.0.1:8080/w", []string{"http://127.0.0.1/w", "http://127.0.0.1:8080/w"}},
		{"https://[::1]:8443/w", []string{"https://[::1]/w", "https://[::1]:8443/w"}},
	}
	for _, tt := range tests {
		if got := urlVariants(tt.in); !slices.Equal(got, tt.want) {
			t.Errorf("urlVariants(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
