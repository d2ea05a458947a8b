package sqlstore

import "github.com/switchboard-cc/switchboard/internal/desk"

// waitingConv is a conversation of the waiting queue, as the planner sees it.
type waitingConv struct {
	id      desk.ID
	channel string
	since   int64
	rank    int // priority_rank: the page key with since and id
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
// below capacity and below their cap on the conversation's channel. A
// conversation nobody can take (every agent with room is at its cap on
// that channel) is passed over and waits, so it never holds back the
// conversations of other channels behind it (A10/B3); the plan ends when
// every agent is at capacity. count returns an agent's active
// conversations on a channel (asked once per agent and capped channel);
// now stamps each assignment.
func planAssignments(convs []waitingConv, cands []*candidate, count func(agent desk.ID, channel string) (int, error),
	now func() int64) ([]plannedAssignment, error) {
	p := newPlanner(cands, count, now)
	err := p.take(convs, len(convs))
	return p.out, err
}

// planner plans a queue's assignments over one or more pages of waiting
// conversations (see autoAssignTx), carrying the agents' planned loads and
// the channels nobody can take more of.
type planner struct {
	cands []*candidate
	count func(agent desk.ID, channel string) (int, error)
	now   func() int64
	seq   int
	// blocked lists channels on which no agent has room: loads only grow
	// within a plan, so every later conversation there waits too.
	blocked map[string]bool
	out     []plannedAssignment
}

func newPlanner(cands []*candidate, count func(agent desk.ID, channel string) (int, error), now func() int64) *planner {
	return &planner{cands: cands, count: count, now: now, blocked: map[string]bool{}}
}

// full reports whether every agent is at capacity.
func (p *planner) full() bool {
	for _, c := range p.cands {
		if c.load < c.capacity {
			return false
		}
	}
	return true
}

// take plans convs in order until the plan holds max assignments or every
// agent is full, passing over conversations nobody can take.
func (p *planner) take(convs []waitingConv, max int) error {
	for _, cv := range convs {
		if len(p.out) >= max || p.full() {
			return nil
		}
		if p.blocked[cv.channel] {
			continue
		}
		var best *candidate
		for _, c := range p.cands {
			if c.load >= c.capacity || (best != nil && !c.before(best)) {
				continue
			}
			ok, err := c.roomOn(cv.channel, p.count)
			if err != nil {
				return err
			} else if ok {
				best = c
			}
		}
		if best == nil {
			p.blocked[cv.channel] = true
			continue
		}
		at := p.now()
		p.seq++
		best.load++
		best.lastAssigned, best.seq = at, p.seq
		if _, capped := best.channels[cv.channel]; capped {
			best.onChannel[cv.channel]++ // counted by roomOn
		}
		p.out = append(p.out, plannedAssignment{conv: cv, agent: best, at: at})
	}
	return nil
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
