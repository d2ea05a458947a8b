package routing

import (
	"errors"
	"testing"

	"github.com/switchboard-cc/switchboard/internal/desk"
)

// planOf runs the planner with a clock that ticks once per assignment and
// returns conversation → agent in plan order.
func planOf(t *testing.T, convs []Waiting, cands []*Candidate, onChannel map[desk.ID]map[string]int) ([][2]desk.ID, map[desk.ID]int) {
	t.Helper()
	asked := map[desk.ID]int{}
	clock := int64(1000)
	plan, err := Plan(convs, cands, func(agent desk.ID, channel string) (int, error) {
		asked[agent]++
		return onChannel[agent][channel], nil
	}, func() int64 { clock++; return clock })
	if err != nil {
		t.Fatal(err)
	}
	var out [][2]desk.ID
	for i, p := range plan {
		if p.At != int64(1001+i) {
			t.Fatalf("assignment %d stamped %d", i, p.At)
		}
		out = append(out, [2]desk.ID{p.Conv.ID, p.Agent.ID})
	}
	return out, asked
}

func sms(ids ...desk.ID) []Waiting {
	out := make([]Waiting, len(ids))
	for i, id := range ids {
		out[i] = Waiting{ID: id, Channel: desk.ChannelSMS}
	}
	return out
}

func TestPlanLeastLoadedThenLongestIdle(t *testing.T) {
	cands := []*Candidate{
		{ID: 1, Load: 2, Capacity: 10, LastAssigned: 10},
		{ID: 2, Load: 0, Capacity: 10, LastAssigned: 50},
		{ID: 3, Load: 0, Capacity: 10, LastAssigned: 20},
		{ID: 4, Load: 1, Capacity: 10, LastAssigned: 0},
	}
	got, _ := planOf(t, sms(101, 102, 103, 104, 105, 106, 107), cands, nil)
	// Agents 3 and 2 (load 0; 3 idle longer), then 4, 3, 2 at load 1 (4
	// never since; 3 before 2 as it got its first earlier), then 1 and 4
	// at load 2 (1 idle since 10; 4 was given work in this plan).
	want := [][2]desk.ID{{101, 3}, {102, 2}, {103, 4}, {104, 3}, {105, 2}, {106, 1}, {107, 4}}
	if len(got) != len(want) {
		t.Fatalf("plan %v, want %v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("plan %v, want %v", got, want)
		}
	}
	if cands[0].Load != 3 || cands[1].Load != 2 || cands[2].Load != 2 || cands[3].Load != 3 {
		t.Fatalf("loads after the plan: %d %d %d %d", cands[0].Load, cands[1].Load, cands[2].Load, cands[3].Load)
	}
}

func TestPlanEqualStampsKeepPlanOrder(t *testing.T) {
	cands := []*Candidate{{ID: 1, Capacity: 5}, {ID: 2, Capacity: 5}, {ID: 3, Capacity: 5}}
	plan, err := Plan(sms(1, 2, 3, 4, 5, 6), cands, nil, func() int64 { return 7 })
	if err != nil {
		t.Fatal(err)
	}
	for i, p := range plan {
		if want := desk.ID(i%3 + 1); p.Agent.ID != want {
			t.Fatalf("assignment %d to %s, want %s (a frozen clock must not reorder who is idle longer)", i, p.Agent.ID, want)
		}
	}
}

func TestPlanNeverAboveCapacity(t *testing.T) {
	cands := []*Candidate{{ID: 1, Load: 1, Capacity: 2}, {ID: 2, Load: 0, Capacity: 1}}
	got, _ := planOf(t, sms(1, 2, 3, 4), cands, nil)
	// Room for two: agent 2 (load 0) then agent 1; the rest waits.
	if len(got) != 2 || got[0] != [2]desk.ID{1, 2} || got[1] != [2]desk.ID{2, 1} {
		t.Fatalf("plan %v", got)
	}
	if cands[0].Load != 2 || cands[1].Load != 1 {
		t.Fatalf("loads %d %d", cands[0].Load, cands[1].Load)
	}
	if got, _ := planOf(t, sms(5), cands, nil); len(got) != 0 {
		t.Fatalf("everyone full, yet planned %v", got)
	}
}

func TestPlanChannelCaps(t *testing.T) {
	// Agent 1 is least loaded but may hold 2 SMS and already holds 1; it
	// takes one SMS, is passed over for the next, and still takes email.
	cands := []*Candidate{
		{ID: 1, Load: 1, Capacity: 10, Channels: map[string]int{desk.ChannelSMS: 2}},
		{ID: 2, Load: 3, Capacity: 10},
	}
	convs := []Waiting{{ID: 1, Channel: desk.ChannelSMS}, {ID: 2, Channel: desk.ChannelSMS}, {ID: 3, Channel: desk.ChannelSMS},
		{ID: 4, Channel: desk.ChannelEmail}}
	got, asked := planOf(t, convs, cands, map[desk.ID]map[string]int{1: {desk.ChannelSMS: 1}})
	want := [][2]desk.ID{{1, 1}, {2, 2}, {3, 2}, {4, 1}}
	if len(got) != len(want) {
		t.Fatalf("plan %v, want %v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("plan %v, want %v", got, want)
		}
	}
	if asked[1] != 1 || asked[2] != 0 {
		t.Fatalf("channel loads asked %v; want once for the capped agent only", asked)
	}
}

func TestPlanPassesOverConversationNobodyTakes(t *testing.T) {
	// The only agent may take no SMS: the SMS waits, the email and the
	// chat behind it are taken (A10: one unassignable conversation never
	// holds back the others), and the SMS behind is not even weighed.
	cands := []*Candidate{{ID: 1, Capacity: 2, Channels: map[string]int{desk.ChannelSMS: 0}}}
	convs := []Waiting{{ID: 1, Channel: desk.ChannelSMS}, {ID: 2, Channel: desk.ChannelEmail}, {ID: 3, Channel: desk.ChannelSMS},
		{ID: 4, Channel: desk.ChannelLiveChat}, {ID: 5, Channel: desk.ChannelEmail}}
	got, asked := planOf(t, convs, cands, nil)
	if len(got) != 2 || got[0] != [2]desk.ID{2, 1} || got[1] != [2]desk.ID{4, 1} {
		t.Fatalf("plan %v", got)
	}
	if asked[1] != 1 {
		t.Fatalf("SMS load asked %d times, want once", asked[1])
	}
}

func TestPlanCountError(t *testing.T) {
	boom := errors.New("boom")
	cands := []*Candidate{{ID: 1, Capacity: 10, Channels: map[string]int{desk.ChannelSMS: 3}}}
	_, err := Plan(sms(1), cands, func(desk.ID, string) (int, error) { return 0, boom }, func() int64 { return 1 })
	if !errors.Is(err, boom) {
		t.Fatalf("err %v", err)
	}
}
