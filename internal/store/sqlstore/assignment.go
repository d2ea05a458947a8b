package sqlstore

import (
	"context"
	"database/sql"
	"errors"

	"github.com/switchboard-cc/switchboard/internal/desk"
	"github.com/switchboard-cc/switchboard/internal/routing"
)

// qAssign is the whole of B4: it assigns only if nobody holds the
// conversation, it is not closed and the agent is a member of its queue,
// all checked by the database in the one statement that writes, so two
// takers can never both win, on one node or many.
const qAssign = `UPDATE conversations SET assignee_id = $1, updated_at = $2
	WHERE id = $3 AND assignee_id IS NULL AND status <> 'closed'
	AND EXISTS (SELECT 1 FROM queue_members m WHERE m.queue_id = conversations.queue_id AND m.agent_id = $1)`

// AssignConversation gives an unassigned conversation to an agent with one
// conditional UPDATE (B4). The loser gets ECONFLICT already_assigned naming
// the holder; assigning to the current holder changes nothing.
func (s *Conversations) AssignConversation(ctx context.Context, id, agentID desk.ID) (*desk.Conversation, error) {
	actor, err := desk.RequireActor(ctx)
	if err != nil {
		return nil, err
	}
	if !actor.SeesAllQueues() && agentID != actor.AgentID {
		return nil, desk.Errorf(desk.EFORBIDDEN, "agents can only take conversations for themselves")
	}
	if _, err := s.findConversation(ctx, s.rd, actor, id); err != nil {
		return nil, err
	}
	assigned := false
	err = s.inTx(ctx, func(tx *sql.Tx) error {
		if err := s.lockAgentsTx(ctx, tx, &agentID); err != nil {
			return err
		}
		// A holder can let go between a failed update and the look at why it
		// failed; then the update is simply tried again.
		for attempt := 0; ; attempt++ {
			now := micros(s.now())
			res, err := tx.ExecContext(ctx, qAssign, int64(agentID), now, int64(id))
			if err != nil {
				return err
			}
			if n, _ := res.RowsAffected(); n == 1 {
				var name string
				if err := tx.QueryRowContext(ctx, `SELECT name FROM agents WHERE id = $1`, int64(agentID)).Scan(&name); err != nil {
					return err
				}
				if err := s.refreshLoadTx(ctx, tx, &agentID); err != nil {
					return err
				}
				assigned = true
				return s.insertEventTx(ctx, tx, id, desk.EventAssigned, actor, now, map[string]any{"agent_id": agentID.String(), "agent_name": name})
			}
			if err := s.assignConflictTx(ctx, tx, id, agentID); err != errRetryAssign || attempt == 3 {
				return err
			}
		}
	})
	if err != nil {
		return nil, err
	}
	c, err := s.findConversation(ctx, s.rd, desk.SystemActor, id)
	if err == nil && assigned {
		s.publish(s.conversationChange(desk.ChangeConversationAssigned, c))
	}
	return c, err
}

// errRetryAssign says the conditional assignment may succeed if run again.
var errRetryAssign = errors.New("assignment: retry")

// assignConflictTx explains why the conditional assignment changed nothing:
// already held by the same agent (no-op, nil), by another (already_assigned),
// closed, or the agent is not a member of the queue.
func (s *Conversations) assignConflictTx(ctx context.Context, tx *sql.Tx, id, agentID desk.ID) error {
	var holder sql.NullInt64
	var holderName sql.NullString
	var status string
	var member bool
	err := tx.QueryRowContext(ctx, `SELECT c.assignee_id, a.name, c.status,
		EXISTS (SELECT 1 FROM queue_members m WHERE m.queue_id = c.queue_id AND m.agent_id = $2)
		FROM conversations c LEFT JOIN agents a ON a.id = c.assignee_id WHERE c.id = $1`,
		int64(id), int64(agentID)).Scan(&holder, &holderName, &status, &member)
	if isNoRows(err) {
		return notFound("conversation")
	} else if err != nil {
		return err
	}
	switch {
	case holder.Valid && desk.ID(holder.Int64) == agentID:
		return nil
	case holder.Valid:
		return &desk.Error{Kind: desk.ECONFLICT, Code: "already_assigned",
			Message: "another agent has already been assigned: " + holderName.String,
			Detail:  map[string]any{"assignee_id": desk.ID(holder.Int64).String(), "assignee_name": holderName.String}}
	case status == desk.ConversationClosed:
		return desk.CodedErrorf(desk.ECONFLICT, "conversation_closed", "the conversation is closed")
	case !member:
		return desk.FieldErrorf("agent_id", "the agent is not a member of the conversation's queue")
	}
	return errRetryAssign
}

// UnassignConversation returns a conversation to its queue. Agents may
// unassign only what they hold.
func (s *Conversations) UnassignConversation(ctx context.Context, id desk.ID) (*desk.Conversation, error) {
	actor, err := desk.RequireActor(ctx)
	if err != nil {
		return nil, err
	}
	c, err := s.findConversation(ctx, s.rd, actor, id)
	if err != nil {
		return nil, err
	}
	if c.AssigneeID == nil {
		return c, nil
	}
	if !actor.SeesAllQueues() && *c.AssigneeID != actor.AgentID {
		return nil, desk.Errorf(desk.EFORBIDDEN, "only the assignee or a supervisor can unassign")
	}
	err = s.inTx(ctx, func(tx *sql.Tx) error {
		if err := s.lockAgentsTx(ctx, tx, c.AssigneeID); err != nil {
			return err
		}
		now := micros(s.now())
		res, err := tx.ExecContext(ctx, `UPDATE conversations SET assignee_id = NULL, updated_at = $1, waiting_since = $1 WHERE id = $2 AND assignee_id = $3`,
			now, int64(id), int64(*c.AssigneeID))
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return desk.CodedErrorf(desk.ECONFLICT, "assignment_changed", "the assignment changed meanwhile; reload")
		}
		if err := s.refreshLoadTx(ctx, tx, c.AssigneeID); err != nil {
			return err
		}
		return s.insertEventTx(ctx, tx, id, desk.EventUnassigned, actor, now, map[string]any{"agent_id": c.AssigneeID.String()})
	})
	if err != nil {
		return nil, err
	}
	fresh, err := s.findConversation(ctx, s.rd, desk.SystemActor, id)
	if err != nil {
		return nil, err
	}
	ch := s.conversationChange(desk.ChangeConversationUnassigned, fresh)
	ch.FreedAgentID = *c.AssigneeID
	s.publish(ch)
	return fresh, nil
}

// TransferConversation moves a conversation to an agent or a queue (B5).
// Agents may transfer what they hold or what is unassigned.
func (s *Conversations) TransferConversation(ctx context.Context, id desk.ID, t desk.Transfer) (*desk.Conversation, error) {
	actor, err := desk.RequireActor(ctx)
	if err != nil {
		return nil, err
	}
	if (t.AgentID == nil) == (t.QueueID == nil) {
		return nil, desk.FieldErrorf("agent_id", "give exactly one of agent_id and queue_id")
	}
	c, err := s.findConversation(ctx, s.rd, actor, id)
	if err != nil {
		return nil, err
	}
	if !actor.SeesAllQueues() && c.AssigneeID != nil && *c.AssigneeID != actor.AgentID {
		return nil, desk.Errorf(desk.EFORBIDDEN, "only the assignee or a supervisor can transfer")
	}
	if c.Status == desk.ConversationClosed {
		return nil, desk.CodedErrorf(desk.ECONFLICT, "conversation_closed", "the conversation is closed")
	}
	err = s.inTx(ctx, func(tx *sql.Tx) error {
		if err := s.lockAgentsTx(ctx, tx, c.AssigneeID, t.AgentID); err != nil {
			return err
		}
		now := micros(s.now())
		data := map[string]any{"from_queue_id": c.QueueID.String()}
		if c.AssigneeID != nil {
			data["from_agent_id"] = c.AssigneeID.String()
		}
		var res sql.Result
		if t.QueueID != nil {
			if err := existsTx(ctx, tx, "queues", *t.QueueID, "queue"); err != nil {
				return desk.FieldErrorf("queue_id", "unknown queue")
			}
			data["to_queue_id"] = t.QueueID.String()
			res, err = tx.ExecContext(ctx, `UPDATE conversations SET queue_id = $1, assignee_id = NULL, updated_at = $2, waiting_since = $2 WHERE id = $3 AND `+sameHolder(c),
				append([]any{int64(*t.QueueID), now, int64(id)}, holderArg(c)...)...)
		} else {
			name, err := mayHoldTx(ctx, tx, *t.AgentID, c.QueueID, "agent_id")
			if err != nil {
				return err
			}
			data["to_agent_id"], data["to_agent_name"] = t.AgentID.String(), name
			res, err = tx.ExecContext(ctx, `UPDATE conversations SET assignee_id = $1, updated_at = $2 WHERE id = $3 AND `+sameHolder(c),
				append([]any{int64(*t.AgentID), now, int64(id)}, holderArg(c)...)...)
		}
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return desk.CodedErrorf(desk.ECONFLICT, "assignment_changed", "the assignment changed meanwhile; reload")
		}
		if err := s.refreshLoadTx(ctx, tx, c.AssigneeID, t.AgentID); err != nil {
			return err
		}
		return s.insertEventTx(ctx, tx, id, desk.EventTransferred, actor, now, data)
	})
	if err != nil {
		return nil, err
	}
	fresh, err := s.findConversation(ctx, s.rd, desk.SystemActor, id)
	if err != nil {
		return nil, err
	}
	ch := s.conversationChange(desk.ChangeConversationTransferred, fresh)
	if fresh.QueueID != c.QueueID {
		ch.FromQueueID = c.QueueID
	}
	if c.AssigneeID != nil && (fresh.AssigneeID == nil || *fresh.AssigneeID != *c.AssigneeID) {
		ch.FreedAgentID = *c.AssigneeID
	}
	s.publish(ch)
	return fresh, nil
}

// sameHolder guards an update on the holder seen when it was decided, so a
// concurrent take or transfer is not overwritten silently ($4 is the holder).
func sameHolder(c *desk.Conversation) string {
	if c.AssigneeID == nil {
		return `assignee_id IS NULL`
	}
	return `assignee_id = $4`
}

func holderArg(c *desk.Conversation) []any {
	if c.AssigneeID == nil {
		return nil
	}
	return []any{int64(*c.AssigneeID)}
}

// mayHoldTx reads the agent's role and membership of the queue in tx and
// checks, by routing.MayHold, that the agent may be given a conversation
// of the queue (queue isolation). It returns the agent's name; field names
// the input at fault.
func mayHoldTx(ctx context.Context, tx *sql.Tx, agentID, queueID desk.ID, field string) (string, error) {
	var name string
	var role desk.Role
	var member bool
	err := tx.QueryRowContext(ctx, `SELECT name, role, EXISTS (SELECT 1 FROM queue_members m WHERE m.queue_id = $2 AND m.agent_id = agents.id)
		FROM agents WHERE id = $1`, int64(agentID), int64(queueID)).Scan(&name, &role, &member)
	if isNoRows(err) {
		return "", desk.FieldErrorf(field, "unknown agent")
	} else if err != nil {
		return "", err
	}
	if !routing.MayHold(role, member) {
		return "", desk.FieldErrorf(field, "the agent is not a member of the conversation's queue")
	}
	return name, nil
}
