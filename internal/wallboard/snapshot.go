// Package wallboard is the supervisors' live wallboard (issue 23): per
// queue and channel, what waits now and for how long, the last hour's
// average wait and service level, and the agents by status with their load
// against capacity. Build turns the store's raw figures into a snapshot;
// Board keeps one up to date from the bus's events and pushes it to the
// wallboards open on this node. Nothing here costs anything per waiting
// conversation per second: the store counts per queue, the browser ticks
// the longest wait from its start.
package wallboard

import (
	"cmp"
	"context"
	"slices"
	"time"

	"github.com/switchboard-cc/switchboard/internal/desk"
)

// Snapshot is the wallboard at one instant.
type Snapshot struct {
	At            time.Time `json:"at"`
	WindowSeconds int       `json:"window_seconds"`
	Queues        []Queue   `json:"queues"`
	// Channels sums every queue per channel; Total sums everything, each
	// agent counted once however many queues they belong to.
	Channels []Figures `json:"channels"`
	Total    Total     `json:"total"`
}

// Figures are the waiting figures of a queue, a channel, or both.
type Figures struct {
	Channel string `json:"channel,omitempty"`
	// Waiting conversations now, and when the longest of those waits
	// began (nil when none waits): the browser ticks it.
	Waiting            int        `json:"waiting"`
	OldestWaitingSince *time.Time `json:"oldest_waiting_since"`
	// Waits that ended in the window: answered by an agent (within the
	// queue's target), abandoned (solved or closed unanswered, after the
	// target).
	Answered       int `json:"answered"`
	AnsweredWithin int `json:"answered_within"`
	Abandoned      int `json:"abandoned"`
	AbandonedAfter int `json:"abandoned_after"`
	// AverageWaitSeconds is the mean wait of the answered waits;
	// ServiceLevel the percentage answered within target of the answered
	// and abandoned-after-target waits. Nil without such waits.
	AverageWaitSeconds *float64 `json:"average_wait_seconds"`
	ServiceLevel       *float64 `json:"service_level"`

	answeredWait float64
}

// Agents counts a queue's members by the status they show.
type Agents struct {
	Total int `json:"total"`
	// ByStatus keys agents by the status they show: the automatic one
	// while Available or in a call (idle, under_capacity, full_capacity,
	// ringing, in_call, on_hold, wrap_up), else the one set by hand
	// (busy, away, offline, a custom status).
	ByStatus map[string]int `json:"by_status"`
	// Available: set Available and not in a call; OnCall: ringing, in a
	// call or on hold; WrapUp: in after-call work; Offline: signed off.
	Available int `json:"available"`
	OnCall    int `json:"on_call"`
	WrapUp    int `json:"wrap_up"`
	Offline   int `json:"offline"`
	// Load is the members' assigned open or waiting conversations;
	// Capacity what the members who are not offline may hold.
	Load     int `json:"load"`
	Capacity int `json:"capacity"`
}

// Queue is one queue's board.
type Queue struct {
	QueueID             desk.ID `json:"queue_id"`
	Name                string  `json:"name"`
	ServiceLevelSeconds int     `json:"service_level_seconds"`
	Figures
	Channels []Figures `json:"channels"`
	Agents   Agents    `json:"agents"`
}

// Total is every queue together.
type Total struct {
	Figures
	Agents Agents `json:"agents"`
}

// ShownStatus is the status an agent shows on the board (see Agents).
func ShownStatus(status, callState string, load, capacity int) string {
	if s := desk.DeriveAutoStatus(status, callState, load, capacity); s != "" {
		return s
	}
	return status
}

// Build turns the store's raw figures into a snapshot at now. Queues keep
// the store's order; channels are sorted by name.
func Build(d *desk.WallboardData, now time.Time) *Snapshot {
	snap := &Snapshot{At: now.UTC(), WindowSeconds: int(desk.WallboardWindow / time.Second), Queues: []Queue{}, Channels: []Figures{}}
	index := make(map[desk.ID]int, len(d.Queues))
	for _, q := range d.Queues {
		index[q.QueueID] = len(snap.Queues)
		snap.Queues = append(snap.Queues, Queue{QueueID: q.QueueID, Name: q.Name, ServiceLevelSeconds: q.ServiceLevelSeconds,
			Channels: []Figures{}, Agents: Agents{ByStatus: map[string]int{}}})
	}
	byChannel := map[string]*Figures{}
	for _, r := range d.Channels {
		i, ok := index[r.QueueID]
		if !ok {
			continue
		}
		f := Figures{Channel: r.Channel, Waiting: r.Waiting, OldestWaitingSince: r.OldestSince, Answered: r.Answered,
			AnsweredWithin: r.AnsweredWithin, Abandoned: r.Abandoned, AbandonedAfter: r.AbandonedAfter, answeredWait: r.AnsweredWait}
		q := &snap.Queues[i]
		q.Channels = append(q.Channels, f)
		q.Figures.add(f)
		if byChannel[r.Channel] == nil {
			byChannel[r.Channel] = &Figures{Channel: r.Channel}
		}
		byChannel[r.Channel].add(f)
		snap.Total.Figures.add(f)
	}
	seen := map[desk.ID]bool{}
	snap.Total.Agents.ByStatus = map[string]int{}
	for _, a := range d.Agents {
		i, ok := index[a.QueueID]
		if !ok {
			continue
		}
		snap.Queues[i].Agents.add(a)
		if !seen[a.AgentID] {
			seen[a.AgentID] = true
			snap.Total.Agents.add(a)
		}
	}
	for i := range snap.Queues {
		q := &snap.Queues[i]
		slices.SortFunc(q.Channels, func(a, b Figures) int { return cmp.Compare(a.Channel, b.Channel) })
		for j := range q.Channels {
			q.Channels[j].finish()
		}
		q.Figures.finish()
	}
	for _, f := range byChannel {
		f.finish()
		snap.Channels = append(snap.Channels, *f)
	}
	slices.SortFunc(snap.Channels, func(a, b Figures) int { return cmp.Compare(a.Channel, b.Channel) })
	snap.Total.Figures.finish()
	return snap
}

// add sums o into f (the channel name stays f's).
func (f *Figures) add(o Figures) {
	f.Waiting += o.Waiting
	if o.OldestWaitingSince != nil && (f.OldestWaitingSince == nil || o.OldestWaitingSince.Before(*f.OldestWaitingSince)) {
		t := *o.OldestWaitingSince
		f.OldestWaitingSince = &t
	}
	f.Answered += o.Answered
	f.AnsweredWithin += o.AnsweredWithin
	f.Abandoned += o.Abandoned
	f.AbandonedAfter += o.AbandonedAfter
	f.answeredWait += o.answeredWait
}

// finish computes the average wait and the service level from the sums.
func (f *Figures) finish() {
	f.AverageWaitSeconds, f.ServiceLevel = nil, nil
	if f.Answered > 0 {
		avg := f.answeredWait / float64(f.Answered)
		f.AverageWaitSeconds = &avg
	}
	if n := f.Answered + f.AbandonedAfter; n > 0 {
		sl := 100 * float64(f.AnsweredWithin) / float64(n)
		f.ServiceLevel = &sl
	}
}

func (g *Agents) add(a desk.WallboardAgentRow) {
	s := ShownStatus(a.Status, a.CallState, a.Load, a.Capacity)
	g.Total++
	g.ByStatus[s]++
	switch {
	case a.CallState == desk.CallWrapUp:
		g.WrapUp++
	case a.CallState != "":
		g.OnCall++
	case a.Status == desk.StatusAvailable:
		g.Available++
	}
	g.Load += a.Load
	if a.Status == desk.StatusOffline {
		g.Offline++
	} else {
		g.Capacity += a.Capacity
	}
}

// Take reads a snapshot of every queue the actor may see (supervisors and
// admins; agents get EFORBIDDEN).
func Take(ctx context.Context, s desk.WallboardStore, now time.Time) (*Snapshot, error) {
	if _, err := desk.RequireRole(ctx, desk.RoleSupervisor); err != nil {
		return nil, err
	}
	d, err := s.WallboardData(ctx, nil, now.Add(-desk.WallboardWindow))
	if err != nil {
		return nil, err
	}
	return Build(d, now), nil
}
