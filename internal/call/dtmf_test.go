package call

import (
	"context"
	"fmt"
	"slices"
	"testing"

	"github.com/switchboard-cc/switchboard/internal/desk"
)

// Keys go to the media only from the call's agent while talking, as 1-32
// valid keys; a customer who takes none is a conflict with its own code,
// also when the media wraps the media hub's error. Nothing reaches the
// timeline (keys may be a PIN).
func TestDTMF(t *testing.T) {
	ctx := context.Background()
	s, st, _, m := newTestService(7, 8)
	c, err := s.Inbound(ctx, 100, 1, 7)
	mustNoErr(t, err)
	_, err = s.DTMF(ctx, c.ID, 7, "1")
	if desk.ErrorCode(err) != "call_state" {
		t.Fatalf("keys while ringing: %v", err)
	}
	if s.View(c).DTMF {
		t.Fatal("the view offers keys while ringing")
	}
	c, err = s.Answer(ctx, c.ID, 7)
	mustNoErr(t, err)
	if !s.View(c).DTMF {
		t.Fatal("the view offers no keys in a call whose customer takes them")
	}
	events := len(st.actions())
	for _, bad := range []string{"", "12x", "123456789012345678901234567890123"} {
		if _, err := s.DTMF(ctx, c.ID, 7, bad); desk.ErrorKind(err) != desk.EINVALID || desk.ErrorField(err) != "digits" {
			t.Fatalf("keys %q: %v", bad, err)
		}
	}
	if _, err := s.DTMF(ctx, c.ID, 8, "1"); desk.ErrorCode(err) != "not_your_call" {
		t.Fatalf("keys from another agent: %v", err)
	}
	_, err = s.DTMF(ctx, c.ID, 7, "12#")
	mustNoErr(t, err)
	if !slices.Contains(m.calls, "dtmf:12#") {
		t.Fatalf("media calls %v", m.calls)
	}
	m.noDTMF = true
	if s.View(c).DTMF {
		t.Fatal("the view offers keys to a customer who takes none")
	}
	if _, err := s.DTMF(ctx, c.ID, 7, "1"); desk.ErrorCode(err) != "dtmf_unsupported" || desk.ErrorKind(err) != desk.ECONFLICT {
		t.Fatalf("a customer without telephone-event: %v", err)
	}
	if !isNoDTMF(fmt.Errorf("wrapped: %w", marked{})) {
		t.Fatal("the media hub's marked error is not recognised")
	}
	if got := len(st.actions()); got != events {
		t.Fatalf("keys reached the timeline: %v", st.actions()[events:])
	}
}

// marked is an error like the media hub's ErrNoDTMF.
type marked struct{}

func (marked) Error() string { return "no telephone-events" }
func (marked) NoDTMF() bool  { return true }
