package sqlstore

import "github.com/switchboard-cc/switchboard/internal/desk"

// waitingConv is a conversation of the waiting queue, as the planner sees it.
type waitingConv struct {
	id      desk.ID
	channel string
	since   int64
}

// candidate is an agent who may take conversations, with what the planner
// needs to choose: load and capacity (A10), per-channel caps and the
// agent's count on each capped channel, and when the agent was last given
// work (longest idle first).
type candidate struct {
	id           desk.ID
	name         string
	channels     map[string]int // per-channel caps
	load         int            // as planned so far
	readLoad     int            // as read
	capacity     int
	lastAssigned int64
	// onChannel counts the agent's active conversations per capped
	// channel, filled on first need.
	onChannel map[string]int
	// seq orders the agents the plan gave work to (0: none yet), so that
	// among assignments stamped in the same microsecond the earlier one
	// still counts as the longer idle.
	seq int
}

// plannedAssignment is one conversation given to one agent at a time.
type plannedAssignment struct {
	conv  waitingConv
	agent *candidate
	at    int64
}

// planAssignments decides, from one read of a queue's waiting
// conversations (in priority, then waiting order) and its eligible agents,
// who takes what, exactly as one-at-a-time assignment would: each
// conversation in turn goes to the agent with the fewest active
// conversations, then the longest idle (then the lowest ID), among those
// below capacity and below their cap on the conversation's channel. It
// stops at the first conversation nobody can take, so a later one never
// overtakes it. count returns an agent's active conversations on a channel
// (asked once per agent and capped channel); now stamps each assignment.
func planAssignments(convs []waitingConv, cands []*candidate, count func(agent desk.ID, channel string) (int, error),
	now func() int64) ([]plannedAssignment, error) {
	var out []plannedAssignment
	seq := 0
	for _, cv := range convs {
		var best *candidate
		for _, c := range cands {
			if c.load >= c.capacity || (best != nil && !c.before(best)) {
				continue
			}
			ok, err := c.roomOn(cv.channel, count)
			if err != nil {
				return nil, err
			} else if ok {
				best = c
			}
		}
		if best == nil {
			return out, nil
		}
		at := now()
		seq++
		best.load++
		best.lastAssigned, best.seq = at, seq
		if _, capped := best.channels[cv.channel]; capped {
			best.onChannel[cv.channel]++ // counted by roomOn
		}
		out = append(out, plannedAssignment{conv: cv, agent: best, at: at})
	}
	return out, nil
}

// before reports whether c comes before o in the order work is offered:
// fewest active conversations, then longest idle, then lowest ID.
func (c *candidate) before(o *candidate) bool {
	if c.load != o.load {
		return c.load < o.load
	}
	if c.lastAssigned != o.lastAssigned {
		return c.lastAssigned < o.lastAssigned
	}
	if c.seq != o.seq {
		return c.seq < o.seq
	}
	return c.id < o.id
}

// roomOn reports whether the agent is below its cap on channel, counting
// its conversations there on first need.
func (c *candidate) roomOn(channel string, count func(agent desk.ID, channel string) (int, error)) (bool, error) {
	limit, capped := c.channels[channel]
	if !capped {
		return true, nil
	}
	if c.onChannel == nil {
		c.onChannel = map[string]int{}
	}
	n, known := c.onChannel[channel]
	if !known {
		var err error
		if n, err = count(c.id, channel); err != nil {
			return false, err
		}
		c.onChannel[channel] = n
	}
	return n < limit, nil
}
