package call

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/switchboard-cc/switchboard/internal/desk"
)

// fakeClock is a settable clock.
type fakeClock struct{ t time.Time }

func (c *fakeClock) Now() time.Time          { return c.t }
func (c *fakeClock) advance(d time.Duration) { c.t = c.t.Add(d) }
func newClock() *fakeClock                   { return &fakeClock{t: time.Date(2026, 1, 2, 9, 0, 0, 0, time.UTC)} }
func (f *fakeStore) state(id desk.ID) string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.agents[id].CallState
}
func (f *fakeStore) setAvailable(id desk.ID, ok bool) {
	f.mu.Lock()
	f.agents[id].AcceptsWork = ok
	f.mu.Unlock()
}

// fakeStore keeps agents, queues, events and call records in memory.
type fakeStore struct {
	mu      sync.Mutex
	agents  map[desk.ID]*desk.Agent
	queues  map[desk.ID]*desk.Queue
	events  []map[string]any
	records map[string]*desk.CallRecord
	// presence is every SetCallState, "agent:state".
	presence []string
}

func newFakeStore(agents ...desk.ID) *fakeStore {
	f := &fakeStore{agents: map[desk.ID]*desk.Agent{}, queues: map[desk.ID]*desk.Queue{
		1: {ID: 1, Name: "Default queue", AutoAssign: true}, 2: {ID: 2, Name: "Manual"}, 3: {ID: 3, Name: "Sales", AutoAssign: true}},
		records: map[string]*desk.CallRecord{}}
	for i, id := range agents {
		since := time.Date(2026, 1, 2, 8, i, 0, 0, time.UTC) // earlier agents idle longer
		f.agents[id] = &desk.Agent{ID: id, Status: desk.StatusAvailable, AcceptsWork: true, QueueIDs: []desk.ID{1}, StatusChangedAt: &since}
	}
	return f
}

func (f *fakeStore) FindAgents(ctx context.Context, flt desk.AgentFilter) ([]*desk.Agent, string, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []*desk.Agent
	for _, a := range f.agents {
		if (flt.QueueID == nil || contains(a.QueueIDs, *flt.QueueID)) && (flt.ID == nil || *flt.ID == a.ID) {
			cp := *a
			out = append(out, &cp)
		}
	}
	return out, "", nil
}

func (f *fakeStore) FindQueueByID(ctx context.Context, id desk.ID) (*desk.Queue, error) {
	if q := f.queues[id]; q != nil {
		return q, nil
	}
	return nil, desk.Errorf(desk.ENOTFOUND, "queue not found")
}

func (f *fakeStore) SetCallState(ctx context.Context, id desk.ID, state string) (*desk.Agent, error) {
	if a := desk.ActorFromContext(ctx); a == nil || !a.System {
		panic("SetCallState without the system actor")
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	a := f.agents[id]
	a.CallState = state
	a.AcceptsWork = state == "" && a.Status == desk.StatusAvailable
	f.presence = append(f.presence, id.String()+":"+state)
	return a, nil
}

func (f *fakeStore) SaveCall(ctx context.Context, c *desk.CallRecord) error {
	f.mu.Lock()
	f.records[c.ID] = c
	f.mu.Unlock()
	return nil
}

func (f *fakeStore) FindCallByID(ctx context.Context, id string) (*desk.CallRecord, error) {
	return f.records[id], nil
}

func (f *fakeStore) FindLiveCalls(ctx context.Context) ([]*desk.CallRecord, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []*desk.CallRecord
	for _, r := range f.records {
		if r.State != string(Ended) {
			cp := *r
			out = append(out, &cp)
		}
	}
	return out, nil
}

func (f *fakeStore) EndCall(ctx context.Context, id string, at time.Time) (*desk.CallRecord, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	r := f.records[id]
	if r == nil {
		return nil, desk.Errorf(desk.ENOTFOUND, "call not found")
	}
	if r.State == string(Ended) {
		return nil, desk.Errorf(desk.ECONFLICT, "the call has ended already")
	}
	before := *r
	r.State, r.EndedAt = string(Ended), &at
	return &before, nil
}

func (f *fakeStore) FindWrapUps(ctx context.Context) ([]desk.AgentCall, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []desk.AgentCall
	for _, a := range f.agents {
		if a.CallState != desk.CallWrapUp {
			continue
		}
		ac := desk.AgentCall{AgentID: a.ID}
		var latest time.Time
		for _, r := range f.records {
			if r.AgentID != nil && *r.AgentID == a.ID && !r.CreatedAt.Before(latest) {
				ac.CallID, ac.ConversationID, latest = r.ID, r.ConversationID, r.CreatedAt
			}
		}
		out = append(out, ac)
	}
	return out, nil
}

func (f *fakeStore) RecordCallEvent(ctx context.Context, conv desk.ID, data map[string]any) error {
	f.mu.Lock()
	f.events = append(f.events, data)
	f.mu.Unlock()
	return nil
}

// actions lists the timeline's actions in order.
func (f *fakeStore) actions() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	out := make([]string, len(f.events))
	for i, e := range f.events {
		out[i] = e["action"].(string)
	}
	return out
}

func (f *fakeStore) lastEvent(action string) map[string]any {
	f.mu.Lock()
	defer f.mu.Unlock()
	for i := len(f.events) - 1; i >= 0; i-- {
		if f.events[i]["action"] == action {
			return f.events[i]
		}
	}
	return nil
}

// fakeMedia records what the service asked of the media.
type fakeMedia struct {
	calls  []string
	noDTMF bool
}

func (m *fakeMedia) Hold(id string, on bool) {
	if on {
		m.calls = append(m.calls, "hold")
	} else {
		m.calls = append(m.calls, "resume")
	}
}
func (m *fakeMedia) DropAgent(id string)      { m.calls = append(m.calls, "drop") }
func (m *fakeMedia) End(id string)            { m.calls = append(m.calls, "end") }
func (m *fakeMedia) TakesDTMF(id string) bool { return !m.noDTMF }
func (m *fakeMedia) SendDTMF(id, digits string) error {
	if m.noDTMF {
		return ErrNoDTMF
	}
	m.calls = append(m.calls, "dtmf:"+digits)
	return nil
}

func mustNoErr(tb testing.TB, err error) {
	tb.Helper()
	if err != nil {
		tb.Fatal(err)
	}
}
