package call

import (
	"context"
	"testing"

	"github.com/switchboard-cc/switchboard/internal/desk"
)

// An agent's outbound call over the trunk: a bad number and a missing
// trunk are refused; the customer answering connects the call, their BYE
// ends it and the agent wraps up; a busy number ends the call with the
// reason; our hang-up reaches the trunk.
func TestDialOut(t *testing.T) {
	ctx := context.Background()
	alone, _, _, _ := newTestService(7)
	c, err := alone.Outbound(ctx, 100, 1, 7)
	mustNoErr(t, err)
	if _, err := alone.DialOut(ctx, c.ID, 7, "+14155550100"); desk.ErrorCode(err) != "no_trunk" {
		t.Fatalf("no trunk: %v", err)
	}
	d := &fakeDialer{}
	s, st, _, _ := newDialingService(d, 7, 8)
	c, err = s.Outbound(ctx, 100, 1, 7)
	mustNoErr(t, err)
	if _, err := s.DialOut(ctx, c.ID, 7, "555-0100"); desk.ErrorCode(err) != desk.EINVALID {
		t.Fatalf("bad number: %v", err)
	}
	if _, err := s.DialOut(ctx, c.ID, 8, "+14155550100"); !isCode(err, "not_your_call") {
		t.Fatalf("another agent dials: %v", err)
	}
	_, err = s.DialOut(ctx, c.ID, 7, "+14155550100")
	mustNoErr(t, err)
	if _, err := s.DialOut(ctx, c.ID, 7, "+14155550100"); !isCode(err, "call_state") {
		t.Fatalf("dialing twice: %v", err)
	}
	if d.number != "+14155550100" || st.lastEvent("dialing_number")["number"] != "+14155550100" {
		t.Fatalf("dialed %q", d.number)
	}
	d.ev.Answered()
	if c, _ = s.Find(c.ID); c.State != InCall || st.state(7) != desk.CallInCall {
		t.Fatalf("after answer: %s %q", c.State, st.state(7))
	}
	d.ev.Ended()
	if c, _ = s.Find(c.ID); c.State != Ended || st.lastEvent("ended")["by"] != ByCustomer || st.state(7) != desk.CallWrapUp {
		t.Fatalf("after the customer's BYE: %s %q", c.State, st.state(7))
	}
	_, _ = s.FinishWrapUp(ctx, 7, "")

	// Busy: the call ends with the reason, the agent wraps up.
	c2, _ := s.Outbound(ctx, 101, 1, 7)
	_, _ = s.DialOut(ctx, c2.ID, 7, "+14155550199")
	d.ev.Failed("busy")
	if c2, _ = s.Find(c2.ID); c2.State != Ended || st.lastEvent("not_answered")["reason"] != "busy" {
		t.Fatalf("after busy: %s %v", c2.State, st.lastEvent("not_answered"))
	}
	for _, id := range d.hangup {
		if id == c2.ID {
			t.Fatalf("hung up a leg that never came up: %v", d.hangup)
		}
	}
	_, _ = s.FinishWrapUp(ctx, 7, "")

	// The agent hangs up: the trunk sends BYE.
	c3, _ := s.Outbound(ctx, 102, 1, 7)
	_, _ = s.DialOut(ctx, c3.ID, 7, "+14155550100")
	d.ev.Answered()
	d.hangup = nil
	_, err = s.Hangup(ctx, c3.ID, 7, ByAgent)
	mustNoErr(t, err)
	if len(d.hangup) != 1 || d.hangup[0] != c3.ID {
		t.Fatalf("hangups %v", d.hangup)
	}
}

// An agent busy with a call of another node (the store's call state) may
// not start an outbound call here.
func TestOutboundRefusedWhileBusyElsewhere(t *testing.T) {
	ctx := context.Background()
	s, st, _, _ := newTestService(7)
	st.agents[7].CallState = desk.CallInCall
	if _, err := s.Outbound(ctx, 100, 1, 7); desk.ErrorKind(err) != desk.ECONFLICT {
		t.Fatalf("outbound while in a call elsewhere: %v", err)
	}
	st.agents[7].CallState = ""
	_, err := s.Outbound(ctx, 100, 1, 7)
	mustNoErr(t, err)
}
