package routing

import "github.com/switchboard-cc/switchboard/internal/desk"

// Waiting is a conversation of a queue's waiting list, as the assignment
// planner sees it. The store reads it in priority, then waiting order.
type Waiting struct {
	ID      desk.ID
	Channel string
	// Since is when the conversation started waiting (microseconds).
	Since int64
	// Rank is its priority_rank; with Since and ID it is the page key.
	Rank int
}

// Candidate is an agent who may take conversations, with what the planner
// needs to choose: load and capacity (A10), per-channel caps and the
// agent's count on each capped channel, and when the agent was last given
// work (longest idle first). The planner raises Load and LastAssigned as
// it plans, so a Candidate is read fresh for each plan.
type Candidate struct {
	ID desk.ID
	// Name is carried for the caller's timeline record; the plan ignores it.
	Name string
	// Channels holds the agent's per-channel caps (no entry: no cap).
	Channels map[string]int
	// Load is the agent's active conversations, as planned so far.
	Load     int
	Capacity int
	// LastAssigned is when the agent was last given work (microseconds, 0:
	// never), as planned so far.
	LastAssigned int64
	// onChannel counts the agent's active conversations per capped
	// channel, filled on first need.
	onChannel map[string]int
	// seq orders the agents the plan gave work to (0: none yet), so that
	// among assignments stamped in the same microsecond the earlier one
	// still counts as the longer idle.
	seq int
}

// Planned is one conversation given to one agent at a time (microseconds).
type Planned struct {
	Conv  Waiting
	Agent *Candidate
	At    int64
}

// ChannelCount returns an agent's active conversations on a channel; the
// planner asks it once per agent and capped channel.
type ChannelCount func(agent desk.ID, channel string) (int, error)

// Plan decides, from one read of a queue's waiting conversations (in
// priority, then waiting order) and its eligible agents, who takes what,
// exactly as one-at-a-time assignment would (B3): each conversation in turn
// goes to the agent with the fewest active conversations, then the longest
// idle (then the lowest ID), among those below capacity and below their
// cap on the conversation's channel. A conversation nobody can take (every
// agent with room is at its cap on that channel) is passed over and waits,
// so it never holds back the conversations of other channels behind it
// (A10/B3); the plan ends when every agent is at capacity. now stamps each
// assignment.
func Plan(convs []Waiting, cands []*Candidate, count ChannelCount, now func() int64) ([]Planned, error) {
	p := NewPlanner(cands, count, now)
	err := p.Take(convs, len(convs))
	return p.out, err
}

// Planner plans a queue's assignments over one or more pages of waiting
// conversations (the store reads the next page while a batch has room),
// carrying the agents' planned loads and the channels nobody can take more
// of. It decides only; the store writes the plan in its transaction.
type Planner struct {
	cands []*Candidate
	count ChannelCount
	now   func() int64
	seq   int
	// blocked lists channels on which no agent has room: loads only grow
	// within a plan, so every later conversation there waits too.
	blocked map[string]bool
	out     []Planned
}

// NewPlanner returns a Planner over the agents cands (see Plan).
func NewPlanner(cands []*Candidate, count ChannelCount, now func() int64) *Planner {
	return &Planner{cands: cands, count: count, now: now, blocked: map[string]bool{}}
}

// Planned returns the assignments planned so far, in plan order.
func (p *Planner) Planned() []Planned { return p.out }

// Blocked reports the channels on which no agent has room left: a next
// page of the waiting list need not hold their conversations.
func (p *Planner) Blocked() map[string]bool { return p.blocked }

// Full reports whether every agent is at capacity.
func (p *Planner) Full() bool {
	for _, c := range p.cands {
		if c.Load < c.Capacity {
			return false
		}
	}
	return true
}

// Take plans convs in order until the plan holds max assignments or every
// agent is full, passing over conversations nobody can take. It returns
// the first error of the planner's ChannelCount.
func (p *Planner) Take(convs []Waiting, max int) error {
	for _, cv := range convs {
		if len(p.out) >= max || p.Full() {
			return nil
		}
		if p.blocked[cv.Channel] {
			continue
		}
		var best *Candidate
		for _, c := range p.cands {
			if c.Load >= c.Capacity || (best != nil && !c.before(best)) {
				continue
			}
			ok, err := c.roomOn(cv.Channel, p.count)
			if err != nil {
				return err
			} else if ok {
				best = c
			}
		}
		if best == nil {
			p.blocked[cv.Channel] = true
			continue
		}
		at := p.now()
		p.seq++
		best.Load++
		best.LastAssigned, best.seq = at, p.seq
		if _, capped := best.Channels[cv.Channel]; capped {
			best.onChannel[cv.Channel]++ // counted by roomOn
		}
		p.out = append(p.out, Planned{Conv: cv, Agent: best, At: at})
	}
	return nil
}

// before reports whether c comes before o in the order work is offered:
// fewest active conversations, then longest idle, then lowest ID.
func (c *Candidate) before(o *Candidate) bool {
	if c.Load != o.Load {
		return c.Load < o.Load
	}
	if c.LastAssigned != o.LastAssigned {
		return c.LastAssigned < o.LastAssigned
	}
	if c.seq != o.seq {
		return c.seq < o.seq
	}
	return c.ID < o.ID
}

// roomOn reports whether the agent is below its cap on channel, counting
// its conversations there on first need.
func (c *Candidate) roomOn(channel string, count ChannelCount) (bool, error) {
	limit, capped := c.Channels[channel]
	if !capped {
		return true, nil
	}
	if c.onChannel == nil {
		c.onChannel = map[string]int{}
	}
	n, known := c.onChannel[channel]
	if !known {
		var err error
		if n, err = count(c.ID, channel); err != nil {
			return false, err
		}
		c.onChannel[channel] = n
	}
	return n < limit, nil
}
