package desk

import "context"

// QueueCount is how many conversations a queue holds that are not closed,
// split the way the workspace's views split them (C6): Unassigned (nobody
// and no bot holds it), assigned to an agent, and held by a bot.
type QueueCount struct {
	QueueID    ID  `json:"queue_id"`
	Unassigned int `json:"unassigned"`
	Assigned   int `json:"assigned"`
	Bots       int `json:"bots"`
}

// QueueCountService counts queues for the live queue list (issue 4).
type QueueCountService interface {
	// CountQueues counts the given queues (every queue when ids is empty)
	// that the actor may see: agents only their own queues (J2). A queue
	// without open conversations is returned with zero counts; unknown
	// queues are left out.
	CountQueues(ctx context.Context, ids []ID) ([]QueueCount, error)
}
