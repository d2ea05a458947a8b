package wallboard

import (
	"context"
	"encoding/json"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/switchboard-cc/switchboard/internal/desk"
)

var t0 = time.Date(2026, 12, 7, 10, 0, 0, 0, time.UTC)

func at(sec int) *time.Time { t := t0.Add(time.Duration(sec) * time.Second); return &t }

// TestBuild: the aggregation rules. Average wait is over answered waits;
// service level is answered within target over answered plus abandoned
// after target (abandoned within target left out); the oldest wait is the
// earliest start; per-channel rows sum across queues with each queue's own
// target already applied; agents count by the status they show, once in
// the total however many queues they belong to, capacity without offline
// members.
func TestBuild(t *testing.T) {
	d := &desk.WallboardData{
		Queues: []desk.WallboardQueueRow{{QueueID: 1, Name: "Default", ServiceLevelSeconds: 60}, {QueueID: 2, Name: "Sales", ServiceLevelSeconds: 20}},
		Channels: []desk.WallboardChannelRow{
			{QueueID: 1, Channel: "sms", Waiting: 2, OldestSince: at(30), Answered: 4, AnsweredWithin: 3, AnsweredWait: 100, Abandoned: 2, AbandonedAfter: 1},
			{QueueID: 1, Channel: "email", Waiting: 1, OldestSince: at(10)},
			{QueueID: 2, Channel: "sms", Waiting: 0, Answered: 1, AnsweredWithin: 0, AnsweredWait: 50, Abandoned: 1, AbandonedAfter: 0},
			{QueueID: 9, Channel: "sms", Waiting: 5}, // a queue not read: ignored
		},
		Agents: []desk.WallboardAgentRow{
			{QueueID: 1, AgentID: 10, Status: desk.StatusAvailable, Load: 0, Capacity: 3},
			{QueueID: 1, AgentID: 11, Status: desk.StatusAvailable, Load: 2, Capacity: 3},
			{QueueID: 1, AgentID: 12, Status: desk.StatusAvailable, CallState: desk.CallInCall, Load: 1, Capacity: 2},
			{QueueID: 1, AgentID: 13, Status: desk.StatusOffline, Load: 1, Capacity: 5},
			{QueueID: 2, AgentID: 11, Status: desk.StatusAvailable, Load: 2, Capacity: 3},
			{QueueID: 2, AgentID: 14, Status: "lunch", CallState: desk.CallWrapUp, Load: 0, Capacity: 4},
		},
	}
	s := Build(d, t0.Add(time.Minute))
	if len(s.Queues) != 2 || s.Queues[0].Name != "Default" || s.WindowSeconds != 3600 {
		t.Fatalf("queues: %+v", s.Queues)
	}
	q := s.Queues[0]
	if q.Waiting != 3 || !q.OldestWaitingSince.Equal(*at(10)) {
		t.Fatalf("waiting: %d since %v", q.Waiting, q.OldestWaitingSince)
	}
	if q.AverageWaitSeconds == nil || *q.AverageWaitSeconds != 25 {
		t.Fatalf("average: %v", q.AverageWaitSeconds)
	}
	if q.ServiceLevel == nil || *q.ServiceLevel != 60 { // 3 / (4 + 1)
		t.Fatalf("service level: %v", q.ServiceLevel)
	}
	if len(q.Channels) != 2 || q.Channels[0].Channel != "email" || q.Channels[0].ServiceLevel != nil || q.Channels[0].AverageWaitSeconds != nil {
		t.Fatalf("channels sorted, none answered by email: %+v", q.Channels)
	}
	ag := q.Agents
	want := map[string]int{desk.AutoIdle: 1, desk.AutoUnderCapacity: 1, desk.CallInCall: 1, desk.StatusOffline: 1}
	if ag.Total != 4 || !mapsEqual(ag.ByStatus, want) || ag.Available != 2 || ag.OnCall != 1 || ag.Offline != 1 || ag.Load != 4 || ag.Capacity != 8 {
		t.Fatalf("agents: %+v", ag)
	}
	sales := s.Queues[1]
	if sales.ServiceLevel == nil || *sales.ServiceLevel != 0 || sales.Agents.WrapUp != 1 || sales.Agents.ByStatus[desk.CallWrapUp] != 1 {
		t.Fatalf("sales: %+v", sales)
	}
	// By channel, across queues: sms answered 5, 3 within, 1 abandoned after.
	if len(s.Channels) != 2 || s.Channels[1].Channel != "sms" || s.Channels[1].Waiting != 2 || *s.Channels[1].ServiceLevel != 50 ||
		*s.Channels[1].AverageWaitSeconds != 30 {
		t.Fatalf("by channel: %+v", s.Channels)
	}
	tot := s.Total
	if tot.Waiting != 3 || !tot.OldestWaitingSince.Equal(*at(10)) || tot.Answered != 5 || *tot.ServiceLevel != 50 {
		t.Fatalf("total: %+v", tot.Figures)
	}
	// Agent 11 is in both queues: counted once.
	if tot.Agents.Total != 5 || tot.Agents.Load != 4 || tot.Agents.Capacity != 3+3+2+4 {
		t.Fatalf("total agents: %+v", tot.Agents)
	}
	// Nothing at all: empty lists, nil figures, valid JSON.
	e := Build(&desk.WallboardData{}, t0)
	b, _ := json.Marshal(e)
	if e.Total.ServiceLevel != nil || e.Total.OldestWaitingSince != nil || string(b) == "" || e.Queues == nil || e.Channels == nil {
		t.Fatalf("empty: %s", b)
	}
}

func mapsEqual(a, b map[string]int) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}

// TestTouched: which queues a change marks. An assignment marks the
// conversation's queue and every queue of the agents whose load changed;
// a status change the agent's queues; a message nothing; an agent not yet
// read everything.
func TestTouched(t *testing.T) {
	agentQueues := func(id desk.ID) []desk.ID {
		return map[desk.ID][]desk.ID{7: {1, 2}, 8: {3}}[id]
	}
	sorted := func(ids []desk.ID) []desk.ID { ids = slices.Clone(ids); slices.Sort(ids); return slices.Compact(ids) }
	for _, c := range []struct {
		name string
		ch   desk.Change
		ids  []desk.ID
		all  bool
	}{
		{"created", desk.Change{Type: desk.ChangeConversationCreated, QueueID: 4}, []desk.ID{4}, false},
		{"assigned", desk.Change{Type: desk.ChangeConversationAssigned, QueueID: 4, AgentID: 7}, []desk.ID{1, 2, 4}, false},
		{"transferred", desk.Change{Type: desk.ChangeConversationTransferred, QueueID: 4, FromQueueID: 5, FreedAgentID: 8}, []desk.ID{3, 4, 5}, false},
		{"status", desk.Change{Type: desk.ChangeAgentStatus, AgentID: 7, QueueIDs: []desk.ID{1, 2}}, []desk.ID{1, 2}, false},
		{"status, queues not sent", desk.Change{Type: desk.ChangeAgentStatus, AgentID: 8}, []desk.ID{3}, false},
		{"unknown agent", desk.Change{Type: desk.ChangeAgentStatus, AgentID: 99}, nil, true},
		{"members", desk.Change{Type: desk.ChangeQueueMembers, QueueID: 6, AgentID: 8}, []desk.ID{3, 6}, false},
		{"queue", desk.Change{Type: desk.ChangeQueueUpdated, QueueID: 6}, []desk.ID{6}, false},
		{"message", desk.Change{Type: desk.ChangeMessageCreated, QueueID: 4, ConversationID: 1}, nil, false},
	} {
		ids, all := Touched(c.ch, agentQueues)
		if all != c.all || !slices.Equal(sorted(ids), c.ids) {
			t.Errorf("%s: %v %v, want %v %v", c.name, sorted(ids), all, c.ids, c.all)
		}
	}
}

type fakeStore struct {
	data  func(ids []desk.ID) *desk.WallboardData
	asked [][]desk.ID
	fail  bool
}

func (f *fakeStore) WallboardData(ctx context.Context, ids []desk.ID, since time.Time) (*desk.WallboardData, error) {
	f.asked = append(f.asked, ids)
	if f.fail {
		return nil, errors.New("down")
	}
	return f.data(ids), nil
}

type fakePub struct {
	watchers int
	frames   []Frame
}

func (p *fakePub) WallboardWatchers() int { return p.watchers }
func (p *fakePub) PublishWallboard(b []byte) {
	var f Frame
	if err := json.Unmarshal(b, &f); err != nil {
		panic(err)
	}
	p.frames = append(p.frames, f)
}

// TestBoard: the board reads nothing while nobody watches; then every
// queue once, then only the queues changes marked (merged into what it
// holds), and publishes the whole snapshot each time; a failed read is
// retried; a queue deleted meanwhile leaves the board.
func TestBoard(t *testing.T) {
	waiting := map[desk.ID]int{1: 1, 2: 0}
	queues := []desk.WallboardQueueRow{{QueueID: 1, Name: "A"}, {QueueID: 2, Name: "B"}}
	st := &fakeStore{data: func(ids []desk.ID) *desk.WallboardData {
		d := &desk.WallboardData{}
		for _, q := range queues {
			if len(ids) == 0 || slices.Contains(ids, q.QueueID) {
				d.Queues = append(d.Queues, q)
				d.Channels = append(d.Channels, desk.WallboardChannelRow{QueueID: q.QueueID, Channel: "sms", Waiting: waiting[q.QueueID]})
				d.Agents = append(d.Agents, desk.WallboardAgentRow{QueueID: q.QueueID, AgentID: 7, Status: desk.StatusAvailable, Capacity: 2})
			}
		}
		return d
	}}
	pub := &fakePub{}
	b := &Board{Store: st, Pub: pub, Now: func() time.Time { return t0 }}
	ctx := desk.NewContextWithActor(t.Context(), desk.SystemActor)
	step := func() {
		t.Helper()
		if err := b.Step(ctx); err != nil {
			t.Fatal(err)
		}
	}
	b.OnEvent(desk.Change{Type: desk.ChangeConversationCreated, QueueID: 1})
	step()
	if len(st.asked) != 0 || len(pub.frames) != 0 {
		t.Fatalf("nobody watches, yet read %v published %d", st.asked, len(pub.frames))
	}
	pub.watchers = 1
	b.OnEvent(desk.Change{Type: desk.ChangeConversationCreated, QueueID: 2})
	step()
	if len(st.asked) != 1 || st.asked[0] != nil || len(pub.frames) != 1 || len(pub.frames[0].Snapshot.Queues) != 2 {
		t.Fatalf("first read is whole: %v %+v", st.asked, pub.frames)
	}
	step()
	if len(st.asked) != 1 {
		t.Fatalf("nothing marked, yet read: %v", st.asked)
	}
	waiting[2] = 3
	b.OnEvent(desk.Change{Type: desk.ChangeConversationCreated, QueueID: 2})
	b.OnEvent(desk.Change{Type: desk.ChangeMessageCreated, QueueID: 1})
	step()
	if !slices.Equal(st.asked[1], []desk.ID{2}) {
		t.Fatalf("only queue 2 read: %v", st.asked)
	}
	snap := pub.frames[len(pub.frames)-1].Snapshot
	if pub.frames[len(pub.frames)-1].Type != "wallboard" || len(snap.Queues) != 2 || snap.Queues[0].Waiting != 1 || snap.Queues[1].Waiting != 3 || snap.Total.Waiting != 4 {
		t.Fatalf("merged snapshot: %+v", snap)
	}
	if snap.Total.Agents.Total != 1 {
		t.Fatalf("agent 7 once: %+v", snap.Total.Agents)
	}
	// The agent's load changes: both of its queues are read.
	b.OnEvent(desk.Change{Type: desk.ChangeConversationAssigned, QueueID: 1, AgentID: 7})
	step()
	if got := slices.Sorted(slices.Values(st.asked[2])); !slices.Equal(got, []desk.ID{1, 2}) {
		t.Fatalf("agent's queues: %v", st.asked[2])
	}
	// A failed read is marked again.
	st.fail = true
	b.OnEvent(desk.Change{Type: desk.ChangeQueueUpdated, QueueID: 2})
	if err := b.Step(ctx); err == nil {
		t.Fatal("no error")
	}
	st.fail = false
	queues = queues[:1] // queue 2 deleted
	step()
	if !slices.Equal(st.asked[len(st.asked)-1], []desk.ID{2}) {
		t.Fatalf("retried: %v", st.asked)
	}
	snap = pub.frames[len(pub.frames)-1].Snapshot
	if len(snap.Queues) != 1 || snap.Queues[0].QueueID != 1 || snap.Total.Waiting != 1 {
		t.Fatalf("deleted queue left: %+v", snap.Queues)
	}
	// Nobody watches any more: the next watcher gets a whole read.
	pub.watchers = 0
	b.OnEvent(desk.Change{Type: desk.ChangeConversationCreated, QueueID: 1})
	step()
	pub.watchers = 1
	b.OnEvent(desk.Change{Type: desk.ChangeConversationCreated, QueueID: 1})
	step()
	if st.asked[len(st.asked)-1] != nil {
		t.Fatalf("stale after idling, yet partial: %v", st.asked[len(st.asked)-1])
	}
}
