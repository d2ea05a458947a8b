package sqlstore

import (
	"context"
	"database/sql"

	"github.com/switchboard-cc/switchboard/internal/desk"
)

// WriteMacro writes the outcome of a macro applied to a conversation,
// which internal/macro decided (E2): every change in one transaction, one
// macro_applied event naming the macro and listing the changes, loads
// recounted for the agents concerned. Under the agents' locks it guards
// what must still hold (the queue moved to exists, the holder may hold
// it, a new assignee is a member) and refuses the write when the holder
// changed since w.Before was read (ECONFLICT assignment_changed).
func (s *Conversations) WriteMacro(ctx context.Context, w *desk.MacroWrite) (*desk.Conversation, error) {
	actor, err := desk.RequireActor(ctx)
	if err != nil {
		return nil, err
	}
	c, after, m := w.Before, w.After, w.Macro
	var surveyMsg desk.ID
	err = s.inTx(ctx, func(tx *sql.Tx) error {
		if err := s.lockAgentsTx(ctx, tx, c.AssigneeID, after.AssigneeID); err != nil {
			return err
		}
		if after.QueueID != c.QueueID {
			if err := existsTx(ctx, tx, "queues", after.QueueID, "queue"); err != nil {
				return desk.FieldErrorf("actions.queue_id", "the macro's queue no longer exists")
			}
			if after.AssigneeID != nil && c.AssigneeID != nil && *after.AssigneeID == *c.AssigneeID {
				if _, err := mayHoldTx(ctx, tx, *after.AssigneeID, after.QueueID, "actions.queue_id"); err != nil {
					return err
				}
			}
		}
		if after.AssigneeID != nil && (c.AssigneeID == nil || *after.AssigneeID != *c.AssigneeID) {
			var one int
			err := tx.QueryRowContext(ctx, `SELECT 1 FROM queue_members WHERE queue_id = $1 AND agent_id = $2`, int64(after.QueueID), int64(*after.AssigneeID)).Scan(&one)
			if isNoRows(err) {
				return desk.FieldErrorf("actions.assignee_id", "the macro's assignee is not a member of the conversation's queue")
			} else if err != nil {
				return err
			}
		}
		now := micros(s.now())
		var closedAt any
		if after.Status == desk.ConversationClosed {
			closedAt = now
		}
		upd, err := tx.ExecContext(ctx, `UPDATE conversations SET subject = $1, topic = $2, status = $3, priority = $4, priority_rank = $5,
			queue_id = $6, assignee_id = $7, closed_at = $8, updated_at = $9,
			waiting_since = CASE WHEN $10 THEN $9 ELSE waiting_since END, form_id = $11, form_values = $12, sender_address = $13
			WHERE id = $14 AND `+sameHolderAt(c, 15),
			append([]any{after.Subject, after.Topic, after.Status, after.Priority, desk.PriorityRank(after.Priority),
				int64(after.QueueID), idArg(after.AssigneeID), closedAt, now, after.QueueID != c.QueueID,
				idArg(after.FormID), mustJSON(after.FormValues), after.SenderAddress, int64(c.ID)}, holderArg(c)...)...)
		if err != nil {
			return err
		}
		if n, _ := upd.RowsAffected(); n == 0 {
			return desk.CodedErrorf(desk.ECONFLICT, "assignment_changed", "the assignment changed meanwhile; reload")
		}
		if err := setTagsTx(ctx, tx, "conversations", c.ID, after.Tags); err != nil {
			return err
		}
		if err := s.refreshLoadTx(ctx, tx, c.AssigneeID, after.AssigneeID); err != nil {
			return err
		}
		if w.Draft != nil {
			if err := upsertDraftTx(ctx, tx, w.Draft); err != nil {
				return err
			}
		}
		if w.Survey {
			if surveyMsg, err = s.sendSurveyNowTx(ctx, tx, actor, after, fromMicros(now)); err != nil {
				return err
			}
		}
		return s.insertEventTx(ctx, tx, c.ID, desk.EventMacroApplied, actor, now,
			map[string]any{"macro_id": m.ID.String(), "macro_name": m.Name, "changes": w.Changes})
	})
	if err != nil {
		return nil, err
	}
	fresh, err := s.findConversation(ctx, s.rd, desk.SystemActor, c.ID)
	if err != nil {
		return nil, err
	}
	ch := s.conversationChange(desk.ChangeConversationUpdated, fresh)
	if fresh.QueueID != c.QueueID {
		ch.FromQueueID = c.QueueID
	}
	if c.AssigneeID != nil && holdsCapacity(c.Status) &&
		(fresh.AssigneeID == nil || *fresh.AssigneeID != *c.AssigneeID || !holdsCapacity(fresh.Status)) {
		ch.FreedAgentID = *c.AssigneeID
	}
	if surveyMsg != 0 {
		msg := s.conversationChange(desk.ChangeMessageCreated, fresh)
		msg.MessageID = surveyMsg
		s.publish(ch, msg)
	} else {
		s.publish(ch)
	}
	return fresh, nil
}

// ChannelSenders lists the senders of the configured channels of a kind.
func (s *Conversations) ChannelSenders(ctx context.Context, kind string) ([]string, error) {
	rows, err := s.rd.QueryContext(ctx, `SELECT sender FROM channels WHERE kind = $1`, kind)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	senders := []string{}
	for rows.Next() {
		var sender string
		if err := rows.Scan(&sender); err != nil {
			return nil, err
		}
		senders = append(senders, sender)
	}
	return senders, rows.Err()
}

// AgentQueueAccess returns an agent's role and whether it is a member of
// the queue (queue isolation); ENOTFOUND for an unknown agent.
func (s *Conversations) AgentQueueAccess(ctx context.Context, agentID, queueID desk.ID) (desk.Role, bool, error) {
	var role desk.Role
	var member bool
	err := s.rd.QueryRowContext(ctx, `SELECT role, EXISTS (SELECT 1 FROM queue_members m WHERE m.queue_id = $2 AND m.agent_id = agents.id)
		FROM agents WHERE id = $1`, int64(agentID), int64(queueID)).Scan(&role, &member)
	if isNoRows(err) {
		return "", false, notFound("agent")
	}
	return role, member, err
}

// sameHolderAt is sameHolder with the holder's placeholder number n.
func sameHolderAt(c *desk.Conversation, n int) string {
	if c.AssigneeID == nil {
		return `assignee_id IS NULL`
	}
	return `assignee_id = $` + itoa(n)
}
