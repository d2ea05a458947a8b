package call

import (
	"testing"
	"time"

	"github.com/switchboard-cc/switchboard/internal/desk"
)

func TestLinks(t *testing.T) {
	clk := newClock()
	l := &Links{Secret: []byte("s3cret"), Clock: clk}
	tok, exp := l.Sign(42, time.Hour)
	if !exp.Equal(clk.Now().Add(time.Hour)) {
		t.Fatalf("expires %s", exp)
	}
	if id, err := l.Verify(tok); err != nil || id != 42 {
		t.Fatalf("verify: %s %v", id, err)
	}
	other := &Links{Secret: []byte("other"), Clock: clk}
	forged, _ := other.Sign(42, time.Hour)
	for _, bad := range []string{"", "x", tok + "x", forged, "bm9wZQ." + tok[len(tok)-10:]} {
		if _, err := l.Verify(bad); desk.ErrorCode(err) != "call_link_invalid" {
			t.Errorf("Verify(%q) = %v", bad, err)
		}
	}
	clk.advance(time.Hour)
	if _, err := l.Verify(tok); desk.ErrorCode(err) != "call_link_expired" {
		t.Fatalf("expired: %v", err)
	}
}
