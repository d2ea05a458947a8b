package desk

import (
	"context"
	"time"
)

// DefaultServiceLevelSeconds is a new queue's service-level target: the
// share of waits answered within it is the queue's service level (issue 23).
const DefaultServiceLevelSeconds = 60

// MaxServiceLevelSeconds bounds the target (one day, for email queues).
const MaxServiceLevelSeconds = 86400

// WallboardWindow is how far back the wallboard's average wait and service
// level look: the waits that ended in the last hour.
const WallboardWindow = time.Hour

// QueueWaitsKept is how long the record of an ended wait is kept (the
// retention run deletes older ones): the wallboard reads the last hour.
const QueueWaitsKept = 7 * 24 * time.Hour

// WallboardQueueRow is one queue the wallboard reads: its name and target.
type WallboardQueueRow struct {
	QueueID             ID
	Name                string
	ServiceLevelSeconds int
}

// WallboardChannelRow is what the store counts for one queue and channel:
// the conversations waiting now and the waits that ended in the window.
// A wait is the time a conversation spends in a queue with nobody holding
// it (no assignee, no bot, open or waiting), from its waiting_since.
type WallboardChannelRow struct {
	QueueID ID
	Channel string
	// Waiting is how many wait now; OldestSince when the longest began.
	Waiting     int
	OldestSince *time.Time
	// Answered waits (an agent took the conversation in this queue), how
	// many within the queue's target, and their total length in seconds.
	Answered       int
	AnsweredWithin int
	AnsweredWait   float64
	// Abandoned waits (solved or closed with nobody holding it), and how
	// many of those after the target had passed.
	Abandoned      int
	AbandonedAfter int
}

// WallboardAgentRow is one member of a queue as the wallboard shows it.
type WallboardAgentRow struct {
	QueueID   ID
	AgentID   ID
	Status    string // set by hand (available, busy, ..., a custom status)
	CallState string // ringing, in_call, on_hold, wrap_up or ""
	Load      int    // assigned open or waiting conversations
	Capacity  int
}

// WallboardData is the raw material of a wallboard snapshot.
type WallboardData struct {
	Queues   []WallboardQueueRow
	Channels []WallboardChannelRow
	Agents   []WallboardAgentRow
}

// WallboardStore reads the wallboard's figures.
type WallboardStore interface {
	// WallboardData reads the given queues (every queue when ids is
	// empty) that the actor may see, with the waits that ended at or after
	// since. Supervisors and admins only.
	WallboardData(ctx context.Context, ids []ID, since time.Time) (*WallboardData, error)
}
