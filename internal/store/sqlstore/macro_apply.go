package sqlstore

import (
	"context"
	"database/sql"

	"github.com/switchboard-cc/switchboard/internal/desk"
	"github.com/switchboard-cc/switchboard/internal/phone"
)

// ApplyMacro runs a macro on a conversation (E2): every action in one
// transaction, one macro_applied event naming the macro and listing the
// changes, loads recounted for the agents concerned. A preview computes
// the same result and writes nothing.
func (s *Store) ApplyMacro(ctx context.Context, convID, macroID desk.ID, preview bool) (*desk.MacroResult, error) {
	actor, err := desk.RequireActor(ctx)
	if err != nil {
		return nil, err
	}
	c, err := s.findConversation(ctx, s.rd, actor, convID)
	if err != nil {
		return nil, err
	}
	m, err := s.FindMacroByID(ctx, macroID)
	if err != nil {
		return nil, err
	}
	if c.Status == desk.ConversationClosed {
		return nil, desk.CodedErrorf(desk.ECONFLICT, "conversation_closed", "the conversation is closed")
	}
	if m.Actions.Sender != nil {
		// The sender is a number on phone channels: keyed as the
		// conversation's channel reads it, like the queue's and the
		// channels' senders it is checked against (issue 16).
		k := phone.Sender(c.Channel, *m.Actions.Sender, phone.ForChannel(c.Channel, "", ""))
		m.Actions.Sender = &k
	}
	after, changes, composer := m.Plan(c)
	if err := s.checkMacroSender(ctx, c, after, m); err != nil {
		return nil, err
	}
	draft, draftChanges, err := s.planMacroDraft(ctx, actor, c, m)
	if err != nil {
		return nil, err
	}
	res := &desk.MacroResult{Conversation: after, Changes: append(changes, draftChanges...), Draft: draft, Composer: composer, Macro: m}
	if res.Changes == nil {
		res.Changes = []desk.MacroChange{}
	}
	if preview {
		return res, nil
	}
	var surveyMsg desk.ID
	err = s.inTx(ctx, func(tx *sql.Tx) error {
		if err := s.lockAgentsTx(ctx, tx, c.AssigneeID, after.AssigneeID); err != nil {
			return err
		}
		if after.QueueID != c.QueueID {
			if err := existsTx(ctx, tx, "queues", after.QueueID, "queue"); err != nil {
				return desk.FieldErrorf("actions.queue_id", "the macro's queue no longer exists")
			}
		}
		if after.AssigneeID != nil && c.AssigneeID != nil && *after.AssigneeID == *c.AssigneeID && after.QueueID != c.QueueID {
			// Queue isolation: moved to a queue its holder cannot see, the
			// conversation goes back to that queue unassigned, as a
			// transfer to a queue does.
			if _, err := mayHoldTx(ctx, tx, *after.AssigneeID, after.QueueID, "actions.queue_id"); desk.ErrorKind(err) == desk.EINVALID {
				after.AssigneeID = nil
			} else if err != nil {
				return err
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
		form, err := s.applyFormTx(ctx, tx, after, m.Actions.FormID, m.Actions.FormValues)
		if err != nil {
			return err
		}
		if err := checkFormComplete(form, after, c.Status); err != nil {
			return err
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
				idArg(after.FormID), mustJSON(after.FormValues), after.SenderAddress, int64(convID)}, holderArg(c)...)...)
		if err != nil {
			return err
		}
		if n, _ := upd.RowsAffected(); n == 0 {
			return desk.CodedErrorf(desk.ECONFLICT, "assignment_changed", "the assignment changed meanwhile; reload")
		}
		if err := setTagsTx(ctx, tx, "conversations", convID, after.Tags); err != nil {
			return err
		}
		if err := s.refreshLoadTx(ctx, tx, c.AssigneeID, after.AssigneeID); err != nil {
			return err
		}
		if draft != nil {
			if err := upsertDraftTx(ctx, tx, draft); err != nil {
				return err
			}
		}
		if surveyMsg, err = s.sendSurveyTx(ctx, tx, actor, after, c.Status, fromMicros(now)); err != nil {
			return err
		}
		return s.insertEventTx(ctx, tx, convID, desk.EventMacroApplied, actor, now,
			map[string]any{"macro_id": m.ID.String(), "macro_name": m.Name, "changes": res.Changes})
	})
	if err != nil {
		return nil, err
	}
	if res.Conversation, err = s.findConversation(ctx, s.rd, desk.SystemActor, convID); err != nil {
		return nil, err
	}
	ch := s.conversationChange(desk.ChangeConversationUpdated, res.Conversation)
	if res.Conversation.QueueID != c.QueueID {
		ch.FromQueueID = c.QueueID
	}
	if c.AssigneeID != nil && holdsCapacity(c.Status) &&
		(res.Conversation.AssigneeID == nil || *res.Conversation.AssigneeID != *c.AssigneeID || !holdsCapacity(res.Conversation.Status)) {
		ch.FreedAgentID = *c.AssigneeID
	}
	if surveyMsg != 0 {
		msg := s.conversationChange(desk.ChangeMessageCreated, res.Conversation)
		msg.MessageID = surveyMsg
		s.publish(ch, msg)
	} else {
		s.publish(ch)
	}
	return res, nil
}

// sameHolderAt is sameHolder with the holder's placeholder number n.
func sameHolderAt(c *desk.Conversation, n int) string {
	if c.AssigneeID == nil {
		return `assignee_id IS NULL`
	}
	return `assignee_id = $` + itoa(n)
}
