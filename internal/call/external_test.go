package call

import (
	"context"
	"testing"
	"time"

	"github.com/switchboard-cc/switchboard/internal/desk"
)

// fakeDialer keeps the events of the last dial for the test to fire.
type fakeDialer struct {
	number string
	ev     ExternalEvents
	hangup []string
}

func (d *fakeDialer) Dial(ctx context.Context, callID, number string, ev ExternalEvents) {
	d.number, d.ev = number, ev
}
func (d *fakeDialer) DialCustomer(ctx context.Context, callID, number string, ev ExternalEvents) {
	d.number, d.ev = number, ev
}
func (d *fakeDialer) Hangup(callID string) { d.hangup = append(d.hangup, callID) }

// Transfer to an external number (I3): answered → the call continues
// without an agent; the far side's BYE ends it; a busy number returns the
// call to the agent, ringing, with the reason.
func TestTransferExternal(t *testing.T) {
	ctx := context.Background()
	alone, _, _, _ := newTestService(7)
	c, _ := alone.Inbound(ctx, 100, 1, 0)
	_, _ = alone.Answer(ctx, c.ID, 7)
	if _, err := alone.TransferExternal(ctx, c.ID, 7, "+14155550100"); desk.ErrorCode(err) != "no_trunk" {
		t.Fatalf("no trunk: %v", err)
	}
	d := &fakeDialer{}
	s, st, clk, m := newDialingService(d, 7)
	c, _ = s.Inbound(ctx, 100, 1, 0)
	_, _ = s.Answer(ctx, c.ID, 7)
	if _, err := s.TransferExternal(ctx, c.ID, 7, "+1555"); desk.ErrorCode(err) != desk.EINVALID {
		t.Fatalf("bad number: %v", err)
	}
	_, err := s.TransferExternal(ctx, c.ID, 7, "+14155550100")
	mustNoErr(t, err)
	if d.number != "+14155550100" || st.state(7) != desk.CallWrapUp {
		t.Fatalf("dialed %q, agent %q", d.number, st.state(7))
	}
	clk.advance(2 * time.Second)
	d.ev.Answered()
	c, _ = s.Find(c.ID)
	if c.State != InCall || c.AgentID != 0 || st.lastEvent("answered")["number"] != "+14155550100" {
		t.Fatalf("after answer: %s %s", c.State, c.AgentID)
	}
	d.ev.Ended()
	c, _ = s.Find(c.ID)
	// The trunk is told to hang up whatever SIP legs are left (none here:
	// the one that sent BYE is gone already).
	if c.State != Ended || st.lastEvent("ended")["by"] != ByExternal || len(d.hangup) != 1 {
		t.Fatalf("after BYE: %s, hangups %v", c.State, d.hangup)
	}
	if m.calls[0] != "drop" {
		t.Fatalf("media %v", m.calls)
	}

	// Busy: back to the agent.
	_, _ = s.FinishWrapUp(ctx, 7, "")
	c2, _ := s.Inbound(ctx, 101, 1, 0)
	_, _ = s.Answer(ctx, c2.ID, 7)
	_, _ = s.TransferExternal(ctx, c2.ID, 7, "+14155550199")
	d.ev.Failed("busy")
	c2, _ = s.Find(c2.ID)
	if c2.State != Ringing || c2.AgentID != 7 || st.state(7) != desk.CallRinging || s.WrapUpOf(7) != nil {
		t.Fatalf("after busy: %s %s %q", c2.State, c2.AgentID, st.state(7))
	}
	if ev := st.lastEvent("transfer_failed"); ev["reason"] != "busy" || ev["number"] != "+14155550199" {
		t.Fatalf("event %v", ev)
	}
	_, err = s.Answer(ctx, c2.ID, 7)
	mustNoErr(t, err)
	// The customer hangs up while an external leg runs: the trunk hangs up.
	_, _ = s.TransferExternal(ctx, c2.ID, 7, "+14155550100")
	d.ev.Answered()
	d.hangup = nil
	_, _ = s.Hangup(ctx, c2.ID, 0, ByCustomer)
	if len(d.hangup) != 1 || d.hangup[0] != c2.ID {
		t.Fatalf("trunk hangups %v", d.hangup)
	}
}
