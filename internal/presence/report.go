package presence

import (
	"context"
	"encoding/csv"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/switchboard-cc/switchboard/internal/desk"
)

// reportStore is what the utilization report reads.
type reportStore interface {
	Utilization(ctx context.Context, from, to time.Time) ([]*desk.Utilization, error)
	Activity(ctx context.Context, from, to time.Time, agentID *desk.ID, timeline bool) ([]*desk.AgentActivity, error)
	FindQueues(ctx context.Context, f desk.QueueFilter) ([]*desk.Queue, string, error)
	FindAgents(ctx context.Context, f desk.AgentFilter) ([]*desk.Agent, string, error)
}

// ReportRequest selects a utilization report (A6).
type ReportRequest struct {
	From, To time.Time
	// QueueID restricts to the queue's agents; AgentID to one agent.
	QueueID, AgentID *desk.ID
	// Timeline adds each agent's status periods.
	Timeline bool
}

// QueueActivity sums a queue's agents' time per status (A6).
type QueueActivity struct {
	QueueID   desk.ID            `json:"queue_id"`
	QueueName string             `json:"queue_name"`
	Agents    int                `json:"agents"`
	Seconds   map[string]float64 `json:"seconds"`
	Total     float64            `json:"total"`
}

// Report is the utilization report: per agent the time in every status
// passed through (activity, automatic statuses included) and in the
// statuses set by hand (items, as before), and per queue the sums of its
// agents' activity.
type Report struct {
	From     time.Time             `json:"from"`
	To       time.Time             `json:"to"`
	Items    []*desk.Utilization   `json:"items"`
	Activity []*desk.AgentActivity `json:"activity"`
	Queues   []*QueueActivity      `json:"queues"`
}

// BuildReport reads the report (supervisor+; EFORBIDDEN otherwise).
func BuildReport(ctx context.Context, st reportStore, req ReportRequest) (*Report, error) {
	set, err := st.Utilization(ctx, req.From, req.To)
	if err != nil {
		return nil, err
	}
	act, err := st.Activity(ctx, req.From, req.To, req.AgentID, req.Timeline)
	if err != nil {
		return nil, err
	}
	var queues []*desk.Queue
	if req.QueueID != nil {
		qs, _, err := st.FindQueues(ctx, desk.QueueFilter{Limit: 200})
		if err != nil {
			return nil, err
		}
		for _, q := range qs {
			if q.ID == *req.QueueID {
				queues = append(queues, q)
			}
		}
		if len(queues) == 0 {
			return nil, desk.FieldErrorf("queue_id", "unknown queue")
		}
	} else if queues, _, err = st.FindQueues(ctx, desk.QueueFilter{Limit: 200}); err != nil {
		return nil, err
	}
	byAgent := map[desk.ID]*desk.AgentActivity{}
	for _, a := range act {
		byAgent[a.AgentID] = a
	}
	rep := &Report{From: req.From, To: req.To, Items: set, Activity: act, Queues: []*QueueActivity{}}
	var keep map[desk.ID]bool
	for _, q := range queues {
		members, _, err := st.FindAgents(ctx, desk.AgentFilter{QueueID: &q.ID, Limit: 1000})
		if err != nil {
			return nil, err
		}
		qa := &QueueActivity{QueueID: q.ID, QueueName: q.Name, Agents: len(members), Seconds: map[string]float64{}}
		if req.QueueID != nil {
			keep = map[desk.ID]bool{}
		}
		for _, m := range members {
			if keep != nil {
				keep[m.ID] = true
			}
			if a := byAgent[m.ID]; a != nil {
				for st, sec := range a.Seconds {
					qa.Seconds[st] += sec
				}
				qa.Total += a.Total
			}
		}
		rep.Queues = append(rep.Queues, qa)
	}
	if keep != nil {
		rep.Activity = slices.DeleteFunc(rep.Activity, func(a *desk.AgentActivity) bool { return !keep[a.AgentID] })
		rep.Items = slices.DeleteFunc(rep.Items, func(u *desk.Utilization) bool { return !keep[u.AgentID] })
	}
	if req.AgentID != nil {
		rep.Items = slices.DeleteFunc(rep.Items, func(u *desk.Utilization) bool { return u.AgentID != *req.AgentID })
	}
	return rep, nil
}

// WriteCSV writes the report's activity as CSV: one row per agent and
// status (agent_id, agent_name, status, seconds), or with the timeline one
// row per period (agent_id, agent_name, status, from, to, seconds). Cells
// a spreadsheet would take for a formula are quoted with a leading '.
func (r *Report) WriteCSV(w io.Writer, timeline bool) error {
	cw := csv.NewWriter(w)
	sec := func(f float64) string { return strconv.FormatFloat(f, 'f', 3, 64) }
	if timeline {
		cw.Write([]string{"agent_id", "agent_name", "status", "from", "to", "seconds"})
	} else {
		cw.Write([]string{"agent_id", "agent_name", "status", "seconds"})
	}
	for _, a := range r.Activity {
		name := safeCell(a.AgentName)
		if timeline {
			for _, sp := range a.Timeline {
				cw.Write([]string{a.AgentID.String(), name, sp.Status, sp.From.UTC().Format(time.RFC3339), sp.To.UTC().Format(time.RFC3339), sec(sp.To.Sub(sp.From).Seconds())})
			}
			continue
		}
		statuses := make([]string, 0, len(a.Seconds))
		for st := range a.Seconds {
			statuses = append(statuses, st)
		}
		slices.Sort(statuses)
		for _, st := range statuses {
			cw.Write([]string{a.AgentID.String(), name, safeCell(st), sec(a.Seconds[st])})
		}
	}
	cw.Flush()
	return cw.Error()
}

// safeCell keeps a spreadsheet from reading user text as a formula.
func safeCell(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}
