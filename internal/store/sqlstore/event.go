package sqlstore

import (
	"context"
	"database/sql"

	"github.com/switchboard-cc/switchboard/internal/desk"
)

const qInsertEvent = `INSERT INTO events (conversation_id, type, actor_id, actor_name, data, created_at) VALUES ($1, $2, $3, $4, $5, $6)`

// insertEventTx records a timeline event (C11) in the change's transaction.
func (s *Conversations) insertEventTx(ctx context.Context, tx *sql.Tx, convID desk.ID, typ string, actor *desk.Actor, at int64, data map[string]any) error {
	var actorID any
	name := "system"
	if actor != nil && !actor.System {
		actorID, name = int64(actor.AgentID), actor.Name
	}
	if data == nil {
		data = map[string]any{}
	}
	_, err := s.txExec(ctx, tx, qInsertEvent, int64(convID), typ, actorID, name, mustJSON(data), at)
	return err
}

// FindEvents returns a visible conversation's timeline, oldest first.
func (s *Conversations) FindEvents(ctx context.Context, conversationID desk.ID) ([]*desk.Event, error) {
	if _, err := s.FindConversationByID(ctx, conversationID); err != nil {
		return nil, err
	}
	rows, err := s.rd.QueryContext(ctx, `SELECT id, conversation_id, type, actor_id, actor_name, data, created_at FROM events WHERE conversation_id = $1 ORDER BY id`, int64(conversationID))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []*desk.Event{}
	for rows.Next() {
		var e desk.Event
		var actor sql.NullInt64
		var data string
		var at int64
		if err := rows.Scan(&e.ID, &e.ConversationID, &e.Type, &actor, &e.ActorName, &data, &at); err != nil {
			return nil, err
		}
		e.ActorID, e.CreatedAt = nullID(actor), fromMicros(at)
		if err := scanJSON(data, &e.Data); err != nil {
			return nil, err
		}
		out = append(out, &e)
	}
	return out, rows.Err()
}
