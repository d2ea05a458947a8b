package sqlstore

import (
	"context"
	"strings"
	"unicode/utf8"

	"github.com/switchboard-cc/switchboard/internal/desk"
)

// FillPreviews fills the list-row preview of conversations fetched one by
// one (the workspace refetches a row by ID on a live event); the list
// fills its own. See desk.PreviewFiller.
func (s *Store) FillPreviews(ctx context.Context, convs ...*desk.Conversation) error {
	if _, err := desk.RequireActor(ctx); err != nil {
		return err
	}
	return s.fillPreviews(ctx, convs)
}

// fillPreviews sets the newest message's preview and whether the newest
// reply failed on each conversation (issue 20's list rows), with one query
// for the page over messages(conversation_id, id).
func (s *Store) fillPreviews(ctx context.Context, convs []*desk.Conversation) error {
	if len(convs) == 0 {
		return nil
	}
	byID := make(map[desk.ID]*desk.Conversation, len(convs))
	args := make([]any, 0, len(convs))
	marks := make([]string, 0, len(convs))
	for i, c := range convs {
		byID[c.ID] = c
		args = append(args, int64(c.ID))
		marks = append(marks, "$"+itoa(i+1))
	}
	in := strings.Join(marks, ", ")
	rows, err := s.rd.QueryContext(ctx, `SELECT m.conversation_id, m.direction, m.type, m.text, m.delivery_state, m.id IN (
			SELECT max(id) FROM messages WHERE conversation_id IN (`+in+`) AND kind = 'message' GROUP BY conversation_id)
		FROM messages m WHERE m.id IN (
			SELECT max(id) FROM messages WHERE conversation_id IN (`+in+`) AND kind = 'message' GROUP BY conversation_id
			UNION SELECT max(id) FROM messages WHERE conversation_id IN (`+in+`) AND kind = 'message' AND direction = 'out' GROUP BY conversation_id)`, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var p desk.MessagePreview
		var last bool
		if err := rows.Scan(&id, &p.Direction, &p.Type, &p.Text, &p.DeliveryState, &last); err != nil {
			return err
		}
		c := byID[desk.ID(id)]
		if c == nil {
			continue
		}
		if p.Direction == desk.DirectionOut && p.DeliveryState == desk.DeliveryFailed {
			c.LastOutFailed = true
		}
		if last {
			p.Text = clip(p.Text, desk.PreviewLength)
			c.LastMessage = &p
		}
	}
	return rows.Err()
}

// clip cuts s to at most n runes on a rune boundary.
func clip(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n]) + "…"
}
