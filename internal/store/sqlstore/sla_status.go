package sqlstore

import (
	"context"
	"database/sql"
	"strings"
	"time"

	"github.com/switchboard-cc/switchboard/internal/desk"
)

// LoadSLAInput reads a conversation's queue, priority, applicable policy
// (its priority's, else the queue's "any priority" one), the queue's
// calendar and the timeline facts targets depend on (system).
func (s *Conversations) LoadSLAInput(ctx context.Context, id desk.ID) (*desk.SLAInput, error) {
	if err := requireSystem(ctx); err != nil {
		return nil, err
	}
	in := &desk.SLAInput{ConversationID: id}
	var created int64
	err := s.rd.QueryRowContext(ctx, `SELECT queue_id, priority, created_at FROM conversations WHERE id = $1`, int64(id)).Scan(&in.QueueID, &in.Priority, &created)
	if isNoRows(err) {
		return nil, notFound("conversation")
	} else if err != nil {
		return nil, err
	}
	in.CreatedAt = fromMicros(created)
	p, err := scanPolicy(s.rd.QueryRowContext(ctx, `SELECT `+qPolicyCols+` FROM sla_policies WHERE queue_id = $1 AND (priority = $2 OR priority = '')
		ORDER BY priority DESC LIMIT 1`, int64(in.QueueID), in.Priority))
	if err != nil && !isNoRows(err) {
		return nil, err
	}
	in.Policy = p
	if in.Stored, err = s.storedSLA(ctx, id); err != nil || p == nil {
		return in, err // no policy: nothing else is needed
	}
	cal, err := scanCalendar(s.rd.QueryRowContext(ctx, `SELECT c.id, c.name, c.time_zone, c.hours, c.holidays, c.created_at
		FROM business_calendars c JOIN queue_calendars q ON q.calendar_id = c.id WHERE q.queue_id = $1`, int64(in.QueueID)))
	if err != nil && !isNoRows(err) {
		return nil, err
	}
	in.Calendar = cal
	// Messages: the customer's, and replies an agent wrote. Notes and
	// outbound messages without an author (bots, auto-replies, surveys)
	// are not responses.
	rows, err := s.rd.QueryContext(ctx, `SELECT direction, author_id IS NOT NULL, created_at FROM messages
		WHERE conversation_id = $1 AND kind = 'message' ORDER BY id`, int64(id))
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var dir string
		var byAgent bool
		var at int64
		if err := rows.Scan(&dir, &byAgent, &at); err != nil {
			rows.Close()
			return nil, err
		}
		switch {
		case dir == desk.DirectionIn:
			in.Items = append(in.Items, desk.SLATimelineItem{Kind: desk.SLACustomerMessage, At: fromMicros(at)})
		case byAgent:
			in.Items = append(in.Items, desk.SLATimelineItem{Kind: desk.SLAAgentReply, At: fromMicros(at)})
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	erows, err := s.rd.QueryContext(ctx, `SELECT type, data, created_at FROM events WHERE conversation_id = $1 AND type IN ($2, $3) ORDER BY id`,
		int64(id), desk.EventStatusChanged, desk.EventReopened)
	if err != nil {
		return nil, err
	}
	defer erows.Close()
	done := func(st any) bool { return st == desk.ConversationSolved || st == desk.ConversationClosed }
	for erows.Next() {
		var typ, data string
		var at int64
		if err := erows.Scan(&typ, &data, &at); err != nil {
			return nil, err
		}
		var d map[string]any
		_ = scanJSON(data, &d)
		switch {
		case typ == desk.EventReopened:
			in.Items = append(in.Items, desk.SLATimelineItem{Kind: desk.SLAReopened, At: fromMicros(at)})
		case done(d["to"]) && !done(d["from"]):
			in.Items = append(in.Items, desk.SLATimelineItem{Kind: desk.SLASolved, At: fromMicros(at)})
		case done(d["from"]) && !done(d["to"]):
			in.Items = append(in.Items, desk.SLATimelineItem{Kind: desk.SLAReopened, At: fromMicros(at)})
		}
	}
	return in, erows.Err()
}

// storedSLA reads the saved status, nil if none.
func (s *Conversations) storedSLA(ctx context.Context, id desk.ID) (*desk.SLAStatus, error) {
	var raw string
	err := s.rd.QueryRowContext(ctx, `SELECT status FROM conversation_sla WHERE conversation_id = $1`, int64(id)).Scan(&raw)
	if isNoRows(err) {
		return nil, nil
	} else if err != nil {
		return nil, err
	}
	var st desk.SLAStatus
	return &st, scanJSON(raw, &st)
}

// FindSLAStatus returns a visible conversation's stored SLA status, or
// one with no targets when no policy applied to it.
func (s *Conversations) FindSLAStatus(ctx context.Context, id desk.ID) (*desk.SLAStatus, error) {
	if _, err := s.FindConversationByID(ctx, id); err != nil {
		return nil, err
	}
	st, err := s.storedSLA(ctx, id)
	if err == nil && st == nil {
		// No policy applies (yet): no target runs.
		st = &desk.SLAStatus{ConversationID: id}
	}
	return st, err
}

// slaFlags maps a target to its breached column.
var slaFlags = []struct{ target, column string }{
	{desk.SLAFirstResponse, "first_response_breached"},
	{desk.SLANextResponse, "next_response_breached"},
	{desk.SLAResolution, "resolution_breached"},
}

// SaveSLAStatus stores a computed status (system). Each target breached
// in st and not yet in the row flips its flag with a conditional UPDATE:
// the node whose update changes the row writes the timeline event, so a
// breach is recorded once however many nodes race to it.
func (s *Conversations) SaveSLAStatus(ctx context.Context, st *desk.SLAStatus) ([]string, error) {
	if err := requireSystem(ctx); err != nil {
		return nil, err
	}
	var breached []string
	var conv *desk.Conversation
	var notes []desk.Change
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		breached, notes = breached[:0], nil
		var next any
		if st.NextDue != nil {
			next = micros(*st.NextDue)
		}
		now := micros(s.now())
		var policy int64
		if st.PolicyID != nil {
			policy = int64(*st.PolicyID)
		}
		res, err := tx.ExecContext(ctx, `UPDATE conversation_sla SET policy_id = $1, status = $2, next_due = $3, updated_at = $4 WHERE conversation_id = $5`,
			policy, mustJSON(st), next, now, int64(st.ConversationID))
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			if _, err := tx.ExecContext(ctx, `INSERT INTO conversation_sla (conversation_id, policy_id, status, next_due, updated_at) VALUES ($1, $2, $3, $4, $5)
				ON CONFLICT (conversation_id) DO UPDATE SET policy_id = excluded.policy_id, status = excluded.status, next_due = excluded.next_due,
				updated_at = excluded.updated_at`, int64(st.ConversationID), policy, mustJSON(st), next, now); err != nil {
				return err
			}
		}
		targets := map[string]desk.SLATarget{desk.SLAFirstResponse: st.FirstResponse, desk.SLANextResponse: st.NextResponse, desk.SLAResolution: st.Resolution}
		for _, f := range slaFlags {
			t := targets[f.target]
			if !t.Breached {
				continue
			}
			res, err := tx.ExecContext(ctx, `UPDATE conversation_sla SET `+f.column+` = $1 WHERE conversation_id = $2 AND `+f.column+` = $3`,
				true, int64(st.ConversationID), false)
			if err != nil {
				return err
			}
			if n, _ := res.RowsAffected(); n == 0 {
				continue
			}
			data := map[string]any{"target": f.target}
			if t.Due != nil {
				data["due"] = t.Due.UTC().Format(time.RFC3339)
			}
			if err := s.insertEventTx(ctx, tx, st.ConversationID, desk.EventSLABreached, desk.SystemActor, now, data); err != nil {
				return err
			}
			breached = append(breached, f.target)
		}
		if len(breached) > 0 {
			var assignee sql.NullInt64
			conv = &desk.Conversation{ID: st.ConversationID}
			if err := tx.QueryRowContext(ctx, `SELECT queue_id, status, assignee_id FROM conversations WHERE id = $1`, int64(st.ConversationID)).
				Scan(&conv.QueueID, &conv.Status, &assignee); err != nil {
				return err
			}
			conv.AssigneeID = nullID(assignee)
			if notes, err = s.notifyBreachTx(ctx, tx, conv, breached, now); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	changes := []desk.Change{{Type: desk.ChangeSLAUpdated, ConversationID: st.ConversationID, QueueID: st.QueueID, At: s.now()}}
	if conv != nil {
		changes = append(changes, s.conversationChange(desk.ChangeSLABreached, conv))
		changes = append(changes, notes...)
	}
	s.publish(changes...)
	return breached, nil
}

// FindSLADue returns conversations with a running target due before t
// (system), soonest first.
func (s *Conversations) FindSLADue(ctx context.Context, t time.Time, n int) ([]desk.ID, error) {
	if err := requireSystem(ctx); err != nil {
		return nil, err
	}
	rows, err := s.rd.QueryContext(ctx, `SELECT conversation_id FROM conversation_sla WHERE next_due IS NOT NULL AND next_due < $1 ORDER BY next_due LIMIT $2`,
		micros(t), limit(n))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []desk.ID
	for rows.Next() {
		var id desk.ID
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		out = append(out, id)
	}
	return out, rows.Err()
}

// MaxSLABatch bounds the conversations of one FindSLAStatuses call.
const MaxSLABatch = 200

// FindSLAStatuses returns the stored SLA status of each conversation of
// ids the actor may see that has one, in one statement.
func (s *Conversations) FindSLAStatuses(ctx context.Context, ids []desk.ID) ([]*desk.SLAStatus, error) {
	actor, err := desk.RequireActor(ctx)
	if err != nil {
		return nil, err
	}
	out := []*desk.SLAStatus{}
	if len(ids) == 0 {
		return out, nil
	}
	if len(ids) > MaxSLABatch {
		return nil, desk.FieldErrorf("ids", "at most %d conversations at once", MaxSLABatch)
	}
	var w where
	marks := make([]string, len(ids))
	args := make([]any, len(ids))
	for i, id := range ids {
		marks[i], args[i] = "?", int64(id)
	}
	w.add(`s.conversation_id IN (`+strings.Join(marks, ", ")+`)`, args...)
	restrict(&w, actor)
	rows, err := s.rd.QueryContext(ctx, `SELECT s.status FROM conversation_sla s JOIN conversations c ON c.id = s.conversation_id`+w.sql()+
		` ORDER BY s.conversation_id`, w.args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var raw string
		if err := rows.Scan(&raw); err != nil {
			return nil, err
		}
		var st desk.SLAStatus
		if err := scanJSON(raw, &st); err != nil {
			return nil, err
		}
		out = append(out, &st)
	}
	return out, rows.Err()
}
