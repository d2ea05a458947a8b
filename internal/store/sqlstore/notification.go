package sqlstore

import (
	"context"
	"database/sql"
	"strings"

	"github.com/switchboard-cc/switchboard/internal/desk"
)

var _ desk.NotificationService = (*Conversations)(nil)

// slaTargetNames are how a notification names a target.
var slaTargetNames = map[string]string{desk.SLAFirstResponse: "first response", desk.SLANextResponse: "next response", desk.SLAResolution: "resolution"}

// notifyBreachTx tells the conversation's assignee and its queue's
// supervisors (supervisors and admins who are members of the queue) of
// targets breached now, inside the transaction that recorded them (so
// once, however many nodes race). It returns the changes to publish.
func (s *Conversations) notifyBreachTx(ctx context.Context, tx *sql.Tx, conv *desk.Conversation, targets []string, now int64) ([]desk.Change, error) {
	var assignee int64
	if conv.AssigneeID != nil {
		assignee = int64(*conv.AssigneeID)
	}
	rows, err := tx.QueryContext(ctx, `SELECT id FROM agents WHERE id = $1 OR (role IN ($2, $3)
		AND id IN (SELECT agent_id FROM queue_members WHERE queue_id = $4)) ORDER BY id`,
		assignee, string(desk.RoleSupervisor), string(desk.RoleAdmin), int64(conv.QueueID))
	if err != nil {
		return nil, err
	}
	var to []desk.ID
	for rows.Next() {
		var id desk.ID
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return nil, err
		}
		to = append(to, id)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	names := make([]string, len(targets))
	for i, t := range targets {
		names[i] = slaTargetNames[t]
	}
	title := "SLA breached: " + strings.Join(names, ", ")
	data := mustJSON(map[string]any{"targets": targets})
	var out []desk.Change
	for _, agent := range to {
		if _, err := tx.ExecContext(ctx, `INSERT INTO notifications (agent_id, type, conversation_id, queue_id, title, data, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
			int64(agent), desk.NotificationSLABreached, int64(conv.ID), int64(conv.QueueID), title, data, now); err != nil {
			return nil, err
		}
		out = append(out, desk.Change{Type: desk.ChangeNotificationCreated, ConversationID: conv.ID, AgentID: agent, At: fromMicros(now)})
	}
	return out, nil
}

// FindNotifications lists the actor's newest notifications and counts
// the unread ones.
func (s *Conversations) FindNotifications(ctx context.Context, unread bool, n int) ([]*desk.Notification, int, error) {
	actor, err := desk.RequireActor(ctx)
	if err != nil {
		return nil, 0, err
	}
	if actor.System || actor.AgentID == 0 {
		return []*desk.Notification{}, 0, nil
	}
	rows, err := s.rd.QueryContext(ctx, `SELECT id, agent_id, type, conversation_id, queue_id, title, data, created_at, read_at FROM notifications
		WHERE agent_id = $1 AND ($2 = 0 OR read_at IS NULL) ORDER BY id DESC LIMIT $3`, int64(actor.AgentID), boolInt(unread), limit(n))
	if err != nil {
		return nil, 0, err
	}
	defer rows.Close()
	out := []*desk.Notification{}
	for rows.Next() {
		var nt desk.Notification
		var conv sql.NullInt64
		var read sql.NullInt64
		var data string
		var created int64
		if err := rows.Scan(&nt.ID, &nt.AgentID, &nt.Type, &conv, &nt.QueueID, &nt.Title, &data, &created, &read); err != nil {
			return nil, 0, err
		}
		nt.ConversationID = nullID(conv)
		nt.CreatedAt = fromMicros(created)
		if read.Valid {
			at := fromMicros(read.Int64)
			nt.ReadAt = &at
		}
		if err := scanJSON(data, &nt.Data); err != nil {
			return nil, 0, err
		}
		out = append(out, &nt)
	}
	if err := rows.Err(); err != nil {
		return nil, 0, err
	}
	var count int
	err = s.rd.QueryRowContext(ctx, `SELECT COUNT(*) FROM notifications WHERE agent_id = $1 AND read_at IS NULL`, int64(actor.AgentID)).Scan(&count)
	return out, count, err
}

// MarkNotificationRead marks one of the actor's notifications read.
func (s *Conversations) MarkNotificationRead(ctx context.Context, id desk.ID) error {
	actor, err := desk.RequireActor(ctx)
	if err != nil {
		return err
	}
	var one int
	err = s.w.QueryRowContext(ctx, `UPDATE notifications SET read_at = COALESCE(read_at, $1) WHERE id = $2 AND agent_id = $3 RETURNING 1`,
		micros(s.now()), int64(id), int64(actor.AgentID)).Scan(&one)
	if isNoRows(err) {
		return notFound("notification")
	}
	return err
}

// MarkAllNotificationsRead marks every unread notification of the actor read.
func (s *Conversations) MarkAllNotificationsRead(ctx context.Context) error {
	actor, err := desk.RequireActor(ctx)
	if err != nil {
		return err
	}
	_, err = s.w.ExecContext(ctx, `UPDATE notifications SET read_at = $1 WHERE agent_id = $2 AND read_at IS NULL`, micros(s.now()), int64(actor.AgentID))
	return err
}
