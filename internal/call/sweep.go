package call

import (
	"context"
	"strings"
	"time"

	"github.com/switchboard-cc/switchboard/internal/desk"
)

// ReasonNodeLost is the reason of the ended event the sweeper records for
// a call whose node died.
const ReasonNodeLost = "node_lost"

// NodeDirectory tells which nodes are running (see
// docs/calls-across-nodes.md); an error means "cannot tell", and the
// sweeper then leaves the node's calls alone.
type NodeDirectory interface {
	Alive(ctx context.Context, node string) (bool, error)
}

// NodeOf returns the node that owns a call: the prefix of its ID before
// the first dot, "" for an ID without one (made before calls had owners).
func NodeOf(callID string) string {
	node, _, ok := strings.Cut(callID, ".")
	if !ok {
		return ""
	}
	return node
}

// newID returns a fresh call ID, prefixed with this node's ID when it has
// one, so any node can tell where the call lives without a lookup.
func (s *Service) newID() string {
	if s.cfg.Node == "" {
		return newID()
	}
	return s.cfg.Node + "." + newID()
}

// Sweep ends the calls of nodes that are gone: a call's state machine and
// media live in its node's process, so when the node dies its calls are
// lost, but their rows would stay live and their agents "In a call"
// forever. Each such call is marked ended (by the system, reason
// node_lost) on its timeline, its agent's call state is cleared, and the
// agent's clients get call.ended. Agents wrapping up after a call of a
// gone node are freed the same way (the wrap-up lived in its memory). A
// row of this node's own prefix that its state machine does not know (an
// earlier run with the same --node-id) counts as lost too. Several nodes
// may sweep at once: the store lets one win per call. Returns how many
// calls and wrap-ups it ended.
func (s *Service) Sweep(ctx context.Context, dir NodeDirectory) int {
	sys := desk.NewContextWithActor(context.WithoutCancel(ctx), desk.SystemActor)
	live, err := s.store.FindLiveCalls(sys)
	if err != nil {
		s.cfg.Log.Error("call: sweeper: listing live calls", "err", err)
		return 0
	}
	alive := map[string]bool{}
	gone := func(callID string, known func() bool) bool {
		owner := NodeOf(callID)
		if owner != "" && owner == s.cfg.Node {
			return !known()
		}
		up, seen := alive[owner]
		if !seen {
			var err error
			if up, err = dir.Alive(ctx, owner); err != nil {
				s.cfg.Log.Warn("call: sweeper: cannot tell whether a node runs", "node", owner, "err", err)
				return false
			}
			alive[owner] = up
		}
		return !up
	}
	ended := 0
	for _, r := range live {
		if gone(r.ID, func() bool { _, err := s.Find(r.ID); return err == nil }) && s.endLost(sys, r) {
			ended++
		}
	}
	ups, err := s.store.FindWrapUps(sys)
	if err != nil {
		s.cfg.Log.Error("call: sweeper: listing wrap-ups", "err", err)
		return ended
	}
	for _, u := range ups {
		if u.CallID != "" && gone(u.CallID, func() bool { return s.WrapUpOf(u.AgentID) != nil }) && s.endLostWrapUp(sys, u) {
			ended++
		}
	}
	return ended
}

// endLostWrapUp frees an agent whose wrap-up was on a node that is gone;
// false when they are no longer wrapping up or the store failed.
func (s *Service) endLostWrapUp(sys context.Context, u desk.AgentCall) bool {
	// Read again: the wrap-up may have finished and the agent been rung
	// since the list was read.
	if agents, _, err := s.store.FindAgents(sys, desk.AgentFilter{ID: &u.AgentID, Limit: 1}); err != nil || len(agents) == 0 || agents[0].CallState != desk.CallWrapUp {
		return false
	}
	s.cfg.Log.Warn("call: ended a wrap-up whose node is gone", "agent", u.AgentID, "call", u.CallID)
	if _, err := s.store.SetCallState(sys, u.AgentID, ""); err != nil {
		s.cfg.Log.Error("call: sweeper: freeing the agent", "agent", u.AgentID, "err", err)
		return false
	}
	ev := map[string]any{"action": "wrap_up_done", "call_id": u.CallID, "agent_id": u.AgentID.String(), "reason": ReasonNodeLost}
	if err := s.store.RecordCallEvent(sys, u.ConversationID, ev); err != nil {
		s.cfg.Log.Error("call: sweeper: recording the end of a wrap-up", "conversation", u.ConversationID, "err", err)
	}
	return true
}

// endLost ends one call of a node that is gone; false when another node
// did first or the store failed.
func (s *Service) endLost(sys context.Context, r *desk.CallRecord) bool {
	before, err := s.store.EndCall(sys, r.ID, s.cfg.Clock.Now())
	if desk.ErrorKind(err) == desk.ECONFLICT || desk.ErrorKind(err) == desk.ENOTFOUND {
		return false
	} else if err != nil {
		s.cfg.Log.Error("call: sweeper: ending a lost call", "call", r.ID, "err", err)
		return false
	}
	s.cfg.Log.Warn("call: ended a call whose node is gone", "call", r.ID, "node", NodeOf(r.ID), "state", before.State)
	ev := map[string]any{"action": "ended", "call_id": r.ID, "by": BySystem, "reason": ReasonNodeLost}
	view := View{ID: r.ID, ConversationID: r.ConversationID, QueueID: r.QueueID, Direction: r.Direction, State: Ended, HoldSeconds: r.HoldSeconds}
	if before.AgentID != nil {
		agent := *before.AgentID
		ev["agent_id"], view.AgentID = agent.String(), agent
		if _, err := s.store.SetCallState(sys, agent, ""); err != nil {
			s.cfg.Log.Error("call: sweeper: freeing the agent", "agent", agent, "err", err)
		}
	}
	// The timeline first, then call.ended, as apply does: a client that
	// refreshes on the frame finds the end on the timeline.
	if err := s.store.RecordCallEvent(sys, r.ConversationID, ev); err != nil {
		s.cfg.Log.Error("call: sweeper: recording the end", "conversation", r.ConversationID, "err", err)
	}
	if before.AgentID != nil && s.notify != nil {
		s.notify.NotifyAgent(*before.AgentID, Frame{Type: desk.FrameCallEnded, Call: view})
	}
	return true
}

// RunSweeper sweeps every interval until ctx ends, starting at once (a
// restarted single node ends what its previous run left live).
func (s *Service) RunSweeper(ctx context.Context, dir NodeDirectory, every time.Duration) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		s.Sweep(ctx, dir)
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}
