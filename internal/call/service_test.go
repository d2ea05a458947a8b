package call

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/switchboard-cc/switchboard/internal/desk"
)

func newTestService(agents ...desk.ID) (*Service, *fakeStore, *fakeClock, *fakeMedia) {
	return newDialingService(nil, agents...)
}

// newDialingService is newTestService with d as its SIP trunk (nil: none).
func newDialingService(d Dialer, agents ...desk.ID) (*Service, *fakeStore, *fakeClock, *fakeMedia) {
	st, clk, m := newFakeStore(agents...), newClock(), &fakeMedia{}
	return NewService(st, m, nil, Config{RingTimeout: 20 * time.Second, WrapUp: 30 * time.Second, Clock: clk, Dialer: d}), st, clk, m
}

// The full lifecycle of I1: ringing → in a call ⇄ on hold → ended →
// wrap-up (+10 s, summary) → available, with presence following (A3) and
// hold time on the timeline (I2).
func TestLifecycle(t *testing.T) {
	ctx := context.Background()
	s, st, clk, m := newTestService(7)
	c, err := s.Inbound(ctx, 100, 1, 0)
	mustNoErr(t, err)
	if c.State != Ringing || c.AgentID != 7 || st.state(7) != desk.CallRinging {
		t.Fatalf("after inbound: %s agent %s presence %q", c.State, c.AgentID, st.state(7))
	}
	clk.advance(3 * time.Second)
	_, err = s.Answer(ctx, c.ID, 7)
	mustNoErr(t, err)
	if st.state(7) != desk.CallInCall || st.lastEvent("answered")["wait_seconds"] != 3.0 {
		t.Fatalf("answer: presence %q event %v", st.state(7), st.lastEvent("answered"))
	}
	clk.advance(10 * time.Second)
	_, err = s.Hold(ctx, c.ID, 7)
	mustNoErr(t, err)
	if st.state(7) != desk.CallOnHold {
		t.Fatalf("hold: presence %q", st.state(7))
	}
	clk.advance(12 * time.Second)
	_, err = s.Resume(ctx, c.ID, 7)
	mustNoErr(t, err)
	if ev := st.lastEvent("resumed"); ev["hold_seconds"] != 12.0 {
		t.Fatalf("resumed event %v", ev)
	}
	clk.advance(5 * time.Second)
	_, err = s.Hangup(ctx, c.ID, 0, ByCustomer)
	mustNoErr(t, err)
	ended := st.lastEvent("ended")
	if ended["duration_seconds"] != 27.0 || ended["hold_seconds"] != 12.0 || ended["by"] != ByCustomer {
		t.Fatalf("ended event %v", ended)
	}
	if st.state(7) != desk.CallWrapUp {
		t.Fatalf("after hang-up presence %q", st.state(7))
	}
	// +10 s: 30 s of wrap-up become 40.
	clk.advance(25 * time.Second)
	_, err = s.ExtendWrapUp(ctx, 7)
	mustNoErr(t, err)
	clk.advance(10 * time.Second)
	s.Tick(ctx)
	if st.state(7) != desk.CallWrapUp {
		t.Fatal("the extension did not keep the agent in wrap-up")
	}
	w, err := s.FinishWrapUp(ctx, 7, "Customer asked about invoices")
	mustNoErr(t, err)
	if st.state(7) != "" || w.Summary != "Customer asked about invoices" {
		t.Fatalf("after wrap-up presence %q summary %q", st.state(7), w.Summary)
	}
	want := []string{"incoming", "ringing", "answered", "hold", "resumed", "ended", "wrap_up", "wrap_up_extended", "wrap_up_done"}
	if got := st.actions(); !slices.Equal(got, want) {
		t.Fatalf("timeline %v, want %v", got, want)
	}
	if !slices.Equal(m.calls, []string{"hold", "resume", "end"}) {
		t.Fatalf("media %v", m.calls)
	}
	if r := st.records[c.ID]; r.State != string(Ended) || r.HoldSeconds != 12 || r.AnsweredAt == nil {
		t.Fatalf("record %+v", r)
	}
}

// The wrap-up ends by itself when its time runs out.
func TestWrapUpTimesOut(t *testing.T) {
	ctx := context.Background()
	s, st, clk, _ := newTestService(7)
	c, _ := s.Inbound(ctx, 100, 1, 0)
	_, _ = s.Answer(ctx, c.ID, 7)
	_, _ = s.Hangup(ctx, c.ID, 7, ByAgent)
	clk.advance(29 * time.Second)
	s.Tick(ctx)
	if st.state(7) != desk.CallWrapUp {
		t.Fatal("wrap-up ended early")
	}
	clk.advance(time.Second)
	s.Tick(ctx)
	if st.state(7) != "" || st.lastEvent("wrap_up_done")["reason"] != "timeout" {
		t.Fatalf("presence %q event %v", st.state(7), st.lastEvent("wrap_up_done"))
	}
	if _, err := s.FinishWrapUp(ctx, 7, ""); err == nil {
		t.Fatal("finishing a finished wrap-up succeeded")
	}
}

// Not answered in the ring timeout → the next agent (longest idle first);
// after everyone, a new round.
func TestRingTimeoutGoesToNextAgent(t *testing.T) {
	ctx := context.Background()
	s, st, clk, _ := newTestService(7, 8)
	c, _ := s.Inbound(ctx, 100, 1, 0)
	if c.AgentID != 7 {
		t.Fatalf("rang %s first, want the longest idle 7", c.AgentID)
	}
	clk.advance(20 * time.Second)
	s.Tick(ctx)
	c, _ = s.Find(c.ID)
	if c.AgentID != 8 || st.state(7) != "" || st.state(8) != desk.CallRinging {
		t.Fatalf("after timeout: agent %s, presence 7 %q 8 %q", c.AgentID, st.state(7), st.state(8))
	}
	_, err := s.Decline(ctx, c.ID, 8)
	mustNoErr(t, err)
	c, _ = s.Find(c.ID)
	if c.State != Queued {
		t.Fatalf("after everyone missed: %s", c.State)
	}
	s.Tick(ctx) // a new round
	c, _ = s.Find(c.ID)
	if c.State != Ringing || c.AgentID != 7 {
		t.Fatalf("new round: %s %s", c.State, c.AgentID)
	}
	if _, err := s.Answer(ctx, c.ID, 8); !isCode(err, "not_your_call") {
		t.Fatalf("answering another's call: %v", err)
	}
}

// A busy agent is never rung; the call waits until someone is available.
func TestQueuedUntilAvailable(t *testing.T) {
	ctx := context.Background()
	s, st, _, _ := newTestService(7)
	st.setAvailable(7, false)
	c, _ := s.Inbound(ctx, 100, 1, 0)
	if c.State != Queued {
		t.Fatalf("state %s", c.State)
	}
	st.setAvailable(7, true)
	s.Tick(ctx)
	if c, _ = s.Find(c.ID); c.State != Ringing {
		t.Fatalf("state %s", c.State)
	}
}

// Blind transfer (I3) to an agent: the first agent wraps up, the second
// rings and answers; recording stops at the transfer (I4).
func TestTransferToAgent(t *testing.T) {
	ctx := context.Background()
	s, st, clk, m := newTestService(7, 8)
	c, _ := s.Inbound(ctx, 100, 1, 0)
	_, _ = s.Answer(ctx, c.ID, 7)
	clk.advance(8 * time.Second)
	_, err := s.Transfer(ctx, c.ID, 7, 8, 0)
	mustNoErr(t, err)
	c, _ = s.Find(c.ID)
	if c.State != Ringing || c.AgentID != 8 || st.state(7) != desk.CallWrapUp || st.state(8) != desk.CallRinging {
		t.Fatalf("after transfer: %s %s presence 7 %q 8 %q", c.State, c.AgentID, st.state(7), st.state(8))
	}
	if c.RecordingUntil.Sub(c.AnsweredAt) != 8*time.Second {
		t.Fatalf("recording ran %s", c.RecordingUntil.Sub(c.AnsweredAt))
	}
	_, err = s.Answer(ctx, c.ID, 8)
	mustNoErr(t, err)
	if st.state(8) != desk.CallInCall || st.lastEvent("transferred")["to_agent_id"] != "8" {
		t.Fatalf("presence %q, event %v", st.state(8), st.lastEvent("transferred"))
	}
	if !slices.Equal(m.calls, []string{"drop"}) {
		t.Fatalf("media %v", m.calls)
	}
}

// A transfer nobody answers returns the call to the transferring agent,
// whose wrap-up is cancelled, with the reason (I3).
func TestFailedTransferReturns(t *testing.T) {
	ctx := context.Background()
	s, st, clk, _ := newTestService(7, 8)
	c, _ := s.Inbound(ctx, 100, 1, 0)
	_, _ = s.Answer(ctx, c.ID, 7)
	_, _ = s.Hold(ctx, c.ID, 7)
	clk.advance(4 * time.Second)
	_, _ = s.Transfer(ctx, c.ID, 7, 8, 0)
	clk.advance(20 * time.Second)
	s.Tick(ctx)
	c, _ = s.Find(c.ID)
	if c.State != Ringing || c.AgentID != 7 || st.state(7) != desk.CallRinging || s.WrapUpOf(7) != nil {
		t.Fatalf("after failed transfer: %s %s presence %q", c.State, c.AgentID, st.state(7))
	}
	if ev := st.lastEvent("transfer_failed"); ev["reason"] != "no_answer" {
		t.Fatalf("event %v", ev)
	}
	_, err := s.Answer(ctx, c.ID, 7)
	mustNoErr(t, err)
	if c, _ = s.Find(c.ID); c.Held != 4*time.Second {
		t.Fatalf("held %s", c.Held)
	}
}

// Transfer targets are checked: only queues with automatic assignment,
// only available agents of the call's queue.
func TestTransferTargets(t *testing.T) {
	ctx := context.Background()
	s, st, _, _ := newTestService(7, 8)
	c, _ := s.Inbound(ctx, 100, 1, 0)
	_, _ = s.Answer(ctx, c.ID, 7)
	st.setAvailable(8, false)
	for _, tc := range []struct {
		agent, queue desk.ID
		code         string
	}{{0, 2, "queue_not_automatic"}, {8, 0, "agent_unavailable"}, {9, 0, "agent_not_in_queue"}, {7, 0, "agent_unavailable"}, {8, 3, "invalid"}} {
		if _, err := s.Transfer(ctx, c.ID, 7, tc.agent, tc.queue); !isCode(err, tc.code) {
			t.Errorf("transfer to agent %s queue %s: %v, want %s", tc.agent, tc.queue, err, tc.code)
		}
	}
	_, err := s.Transfer(ctx, c.ID, 7, 0, 3)
	mustNoErr(t, err)
	if c, _ = s.Find(c.ID); c.QueueID != 3 || c.State != Queued {
		t.Fatalf("after queue transfer: queue %s state %s", c.QueueID, c.State)
	}
}

// Outbound: the agent is in a call while the customer's phone rings.
func TestOutbound(t *testing.T) {
	ctx := context.Background()
	s, st, _, _ := newTestService(7)
	c, err := s.Outbound(ctx, 100, 1, 7)
	mustNoErr(t, err)
	if c.State != Dialing || st.state(7) != desk.CallInCall {
		t.Fatalf("%s %q", c.State, st.state(7))
	}
	_, err = s.Answer(ctx, c.ID, 7)
	mustNoErr(t, err)
	_, _ = s.Hangup(ctx, c.ID, 7, ByAgent)
	if _, err := s.Outbound(ctx, 101, 1, 7); !isCode(err, desk.ECONFLICT) {
		t.Fatalf("calling during wrap-up: %v", err)
	}
}

// A state that does not allow the action is a conflict.
func TestWrongState(t *testing.T) {
	ctx := context.Background()
	s, _, _, _ := newTestService(7)
	c, _ := s.Inbound(ctx, 100, 1, 0)
	if _, err := s.Hold(ctx, c.ID, 7); !isCode(err, "call_state") {
		t.Fatalf("hold while ringing: %v", err)
	}
	if _, err := s.Answer(ctx, "nope", 7); !isCode(err, desk.ENOTFOUND) {
		t.Fatalf("unknown call: %v", err)
	}
}

func isCode(err error, code string) bool {
	var e *desk.Error
	if !errors.As(err, &e) {
		return false
	}
	return e.Code == code || (e.Code == "" && e.Kind == code)
}

// The conversation's assignee is rung first when they can take the call.
func TestPreferAssignee(t *testing.T) {
	s, _, _, _ := newTestService(7, 8)
	c, _ := s.Inbound(context.Background(), 100, 1, 8)
	if c.AgentID != 8 {
		t.Fatalf("rang %s, want the assignee 8", c.AgentID)
	}
}
