package storetest

import (
	"testing"
	"time"

	"github.com/switchboard-cc/switchboard/internal/desk"
)

// testCalls: call records upsert and keep their recording; call events join
// the timeline and are announced; only the system writes; agents outside
// the conversation's queue do not see the call; on_hold is a call state.
func testCalls(t *testing.T, open Opener) {
	f := newFixture(t, open)
	sales := f.MustQueue("Sales")
	a := f.MustAgent("a@example.com", desk.RoleAgent)
	outsider := f.MustAgent("o@example.com", desk.RoleAgent)
	c := f.MustIngest("+15550001", "in1", "please call me", sales.ID).Conversation
	if err := f.s.AddQueueMember(f.sys, sales.ID, a.ID); err != nil {
		t.Fatal(err)
	}
	var changes []desk.Change
	f.onChanges(func(ch []desk.Change) { changes = append(changes, ch...) })

	now := f.clock.Now()
	rec := &desk.CallRecord{ID: "call1", ConversationID: c.ID, Direction: desk.CallInbound, State: "ringing", AgentID: &a.ID, QueueID: sales.ID, CreatedAt: now}
	wantCode(t, f.s.SaveCall(f.as(a), rec), desk.EFORBIDDEN)
	if err := f.s.SaveCall(f.sys, rec); err != nil {
		t.Fatal(err)
	}
	rec.Recording = "/data/recordings/call1.wav"
	if err := f.s.SaveCall(f.sys, rec); err != nil {
		t.Fatal(err)
	}
	ended := now.Add(90 * time.Second)
	rec.State, rec.EndedAt, rec.HoldSeconds, rec.Recording = "ended", &ended, 12.5, ""
	if err := f.s.SaveCall(f.sys, rec); err != nil {
		t.Fatal(err)
	}
	got, err := f.s.FindCallByID(f.as(a), "call1")
	if err != nil {
		t.Fatal(err)
	}
	if got.State != "ended" || got.HoldSeconds != 12.5 || got.Recording != "/data/recordings/call1.wav" || got.EndedAt == nil || !got.EndedAt.Equal(ended) || *got.AgentID != a.ID {
		t.Fatalf("call = %+v", got)
	}
	_, err = f.s.FindCallByID(f.as(outsider), "call1")
	wantCode(t, err, desk.ENOTFOUND)

	wantCode(t, f.s.RecordCallEvent(f.as(a), c.ID, map[string]any{"action": "hold"}), desk.EFORBIDDEN)
	if err := f.s.RecordCallEvent(f.sys, c.ID, map[string]any{"action": "hold", "call_id": "call1"}); err != nil {
		t.Fatal(err)
	}
	wantCode(t, f.s.RecordCallEvent(f.sys, 999999, map[string]any{"action": "hold"}), desk.ENOTFOUND)
	evs, err := f.s.FindEvents(f.as(a), c.ID)
	if err != nil {
		t.Fatal(err)
	}
	last := evs[len(evs)-1]
	if last.Type != desk.EventCall || last.Data["action"] != "hold" || last.ActorName != "system" {
		t.Fatalf("last event = %+v", last)
	}
	if len(changes) != 1 || changes[0].Type != desk.ChangeCallEvent || changes[0].QueueID != sales.ID {
		t.Fatalf("changes = %+v", changes)
	}

	ag, err := f.s.SetCallState(f.sys, a.ID, desk.CallOnHold)
	if err != nil || ag.CallState != desk.CallOnHold || ag.AcceptsWork {
		t.Fatalf("on hold: %+v %v", ag, err)
	}

	testLiveCalls(t, f, c.ID, sales.ID, a)
}

// testLiveCalls: live calls are listed oldest first, ended ones not;
// EndCall ends a call exactly once (a second sweeper gets ECONFLICT) and
// returns it as it was; only the system may do either.
func testLiveCalls(t *testing.T, f *fixture, conv, queue desk.ID, a *desk.Agent) {
	t.Helper()
	now := f.clock.Now()
	for i, id := range []string{"n1.live2", "n1.live1"} {
		at := now.Add(time.Duration(10-i) * time.Second) // live1 is older
		if err := f.s.SaveCall(f.sys, &desk.CallRecord{ID: id, ConversationID: conv, Direction: desk.CallInbound, State: "in_call", AgentID: &a.ID, QueueID: queue, CreatedAt: at}); err != nil {
			t.Fatal(err)
		}
	}
	_, err := f.s.FindLiveCalls(f.as(a))
	wantCode(t, err, desk.EFORBIDDEN)
	live, err := f.s.FindLiveCalls(f.sys)
	if err != nil {
		t.Fatal(err)
	}
	if len(live) != 2 || live[0].ID != "n1.live1" || live[1].ID != "n1.live2" || live[0].State != "in_call" || *live[0].AgentID != a.ID {
		t.Fatalf("live calls = %+v", live)
	}
	_, err = f.s.EndCall(f.as(a), "n1.live1", now)
	wantCode(t, err, desk.EFORBIDDEN)
	at := now.Add(time.Minute)
	before, err := f.s.EndCall(f.sys, "n1.live1", at)
	if err != nil || before.State != "in_call" || before.ConversationID != conv {
		t.Fatalf("end: %+v %v", before, err)
	}
	_, err = f.s.EndCall(f.sys, "n1.live1", at)
	wantCode(t, err, desk.ECONFLICT)
	_, err = f.s.EndCall(f.sys, "nope", at)
	wantCode(t, err, desk.ENOTFOUND)
	got, err := f.s.FindCallByID(f.sys, "n1.live1")
	if err != nil || got.State != "ended" || got.EndedAt == nil || !got.EndedAt.Equal(at) {
		t.Fatalf("ended call = %+v %v", got, err)
	}
	if live, _ = f.s.FindLiveCalls(f.sys); len(live) != 1 || live[0].ID != "n1.live2" {
		t.Fatalf("live after end = %+v", live)
	}

	// Wrap-ups: only agents in wrap_up, each with their latest call.
	_, err = f.s.FindWrapUps(f.as(a))
	wantCode(t, err, desk.EFORBIDDEN)
	if ups, err := f.s.FindWrapUps(f.sys); err != nil || len(ups) != 0 {
		t.Fatalf("wrap-ups while on hold: %+v %v", ups, err)
	}
	if _, err := f.s.SetCallState(f.sys, a.ID, desk.CallWrapUp); err != nil {
		t.Fatal(err)
	}
	ups, err := f.s.FindWrapUps(f.sys)
	if err != nil || len(ups) != 1 || ups[0].AgentID != a.ID || ups[0].CallID != "n1.live2" || ups[0].ConversationID != conv {
		t.Fatalf("wrap-ups = %+v %v", ups, err)
	}
}
