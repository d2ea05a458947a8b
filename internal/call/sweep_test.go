package call

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/switchboard-cc/switchboard/internal/desk"
)

// directory is a NodeDirectory with a fixed set of running nodes; err
// makes every lookup fail.
type directory struct {
	up  map[string]bool
	err error
}

func (d directory) Alive(ctx context.Context, node string) (bool, error) { return d.up[node], d.err }

// notes records the frames sent to agents.
type notes struct {
	mu     sync.Mutex
	frames []string
}

func (n *notes) NotifyAgent(agent desk.ID, frame any) {
	n.mu.Lock()
	defer n.mu.Unlock()
	n.frames = append(n.frames, agent.String()+":"+frame.(Frame).Type)
}

// Two nodes share one store. Node a's answered call is left alone while a
// runs or cannot be looked up; once a is gone, node b's sweeper ends it
// once: the row is ended, the timeline says why, the agent is free and
// told. b never sweeps its own calls.
func TestSweepEndsCallsOfLostNodes(t *testing.T) {
	ctx := context.Background()
	st, clk := newFakeStore(7, 8), newClock()
	a := NewService(st, nil, nil, Config{Clock: clk, Node: "a"})
	told := &notes{}
	b := NewService(st, nil, told, Config{Clock: clk, Node: "b"})
	c, err := a.Inbound(ctx, 100, 1, 7)
	mustNoErr(t, err)
	if !strings.HasPrefix(c.ID, "a.") || NodeOf(c.ID) != "a" {
		t.Fatalf("call ID %q does not name its node", c.ID)
	}
	_, err = a.Answer(ctx, c.ID, 7)
	mustNoErr(t, err)
	own, err := b.Inbound(ctx, 101, 1, 8)
	mustNoErr(t, err)

	if n := b.Sweep(ctx, directory{up: map[string]bool{"a": true}}); n != 0 {
		t.Fatalf("swept %d calls of a running node", n)
	}
	if n := b.Sweep(ctx, directory{err: errors.New("nats down")}); n != 0 || st.state(7) != desk.CallInCall {
		t.Fatalf("swept %d calls without knowing; agent %q", n, st.state(7))
	}
	clk.advance(time.Minute)
	if n := b.Sweep(ctx, directory{}); n != 1 {
		t.Fatalf("swept %d calls, want 1", n)
	}
	if st.records[c.ID].State != string(Ended) || !st.records[c.ID].EndedAt.Equal(clk.Now()) {
		t.Fatalf("record %+v", st.records[c.ID])
	}
	if ev := st.lastEvent("ended"); ev["call_id"] != c.ID || ev["reason"] != ReasonNodeLost || ev["by"] != BySystem || ev["agent_id"] != "7" {
		t.Fatalf("ended event %v", ev)
	}
	if st.state(7) != "" {
		t.Fatalf("agent 7 still %q", st.state(7))
	}
	if len(told.frames) == 0 || told.frames[len(told.frames)-1] != "7:call.ended" {
		t.Fatalf("frames %v", told.frames)
	}
	if n := b.Sweep(ctx, directory{}); n != 0 {
		t.Fatalf("swept again: %d", n)
	}
	if st.records[own.ID].State == string(Ended) || st.state(8) != desk.CallRinging {
		t.Fatalf("b swept its own call: %+v, agent 8 %q", st.records[own.ID], st.state(8))
	}
}

// A wrap-up lives in its node's memory: when that node is gone the agent
// is freed (wrap_up_done, reason node_lost), not before. A node restarted
// with the same ID ends the live rows of its earlier run, which its state
// machine does not know, but never a call it runs.
func TestSweepWrapUpsAndEarlierRuns(t *testing.T) {
	ctx := context.Background()
	st, clk := newFakeStore(7, 8), newClock()
	a := NewService(st, nil, nil, Config{Clock: clk, Node: "a"})
	b := NewService(st, nil, nil, Config{Clock: clk, Node: "b"})
	c, err := a.Inbound(ctx, 100, 1, 7)
	mustNoErr(t, err)
	_, err = a.Answer(ctx, c.ID, 7)
	mustNoErr(t, err)
	clk.advance(time.Second) // the next call is the newer
	_, err = a.Hangup(ctx, c.ID, 0, ByCustomer)
	mustNoErr(t, err)
	if st.state(7) != desk.CallWrapUp {
		t.Fatalf("agent 7 %q", st.state(7))
	}
	running := directory{up: map[string]bool{"a": true}}
	if n := b.Sweep(ctx, running); n != 0 || st.state(7) != desk.CallWrapUp {
		t.Fatalf("swept %d while a runs; agent 7 %q", n, st.state(7))
	}
	if n := a.Sweep(ctx, running); n != 0 || st.state(7) != desk.CallWrapUp {
		t.Fatalf("a swept its own wrap-up: %d; agent 7 %q", n, st.state(7))
	}
	ringing, err := a.Inbound(ctx, 101, 1, 8)
	mustNoErr(t, err)
	if n := a.Sweep(ctx, running); n != 0 {
		t.Fatalf("a swept %d of its own", n)
	}
	// a restarts as "a": neither the wrap-up nor the ringing call is known.
	a2 := NewService(st, nil, nil, Config{Clock: clk, Node: "a"})
	if n := a2.Sweep(ctx, running); n != 2 {
		t.Fatalf("the restarted node swept %d, want the call and the wrap-up", n)
	}
	if st.state(7) != "" || st.state(8) != "" || st.records[ringing.ID].State != string(Ended) {
		t.Fatalf("agents %q %q, call %+v", st.state(7), st.state(8), st.records[ringing.ID])
	}
	if ev := st.lastEvent("wrap_up_done"); ev["reason"] != ReasonNodeLost || ev["agent_id"] != "7" || ev["call_id"] != c.ID {
		t.Fatalf("wrap-up event %v", ev)
	}
}
