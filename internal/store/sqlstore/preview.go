package sqlstore

import (
	"context"
	"database/sql"
	"strings"

	"github.com/switchboard-cc/switchboard/internal/desk"
)

// FillPreviews fills the list-row preview of conversations fetched one by
// one (the workspace refetches a row by ID on a live event); the list
// fills its own. See desk.PreviewFiller.
func (s *Conversations) FillPreviews(ctx context.Context, convs ...*desk.Conversation) error {
	if _, err := desk.RequireActor(ctx); err != nil {
		return err
	}
	return s.fillPreviews(ctx, convs)
}

// fillPreviews sets the newest message's preview and whether the newest
// reply failed on each conversation (issue 20's list rows), with one query
// for the page. Each conversation's newest message and newest reply are
// found walking messages(conversation_id, id) backwards, which stops at
// the first match: reading every message of every row of the page (a
// max() per conversation, three times over) was a third of a list page's
// CPU (issue 22).
func (s *Conversations) fillPreviews(ctx context.Context, convs []*desk.Conversation) error {
	if len(convs) == 0 {
		return nil
	}
	byID := make(map[desk.ID]*desk.Conversation, len(convs))
	args := make([]any, 0, len(convs))
	var in strings.Builder
	for i, c := range convs {
		byID[c.ID] = c
		args = append(args, int64(c.ID))
		if i > 0 {
			in.WriteString(", ")
		}
		in.WriteString("$" + itoa(i+1))
	}
	// MATERIALIZED: flattened, the walks ran once per use of their result.
	rows, err := s.rd.QueryContext(ctx, `WITH l AS MATERIALIZED (SELECT
			(SELECT id FROM messages WHERE conversation_id = x.id AND kind = 'message' ORDER BY conversation_id DESC, id DESC LIMIT 1) AS last_id,
			(SELECT id FROM messages WHERE conversation_id = x.id AND kind = 'message' AND direction = 'out' ORDER BY conversation_id DESC, id DESC LIMIT 1) AS out_id
			FROM conversations x WHERE x.id IN (`+in.String()+`))
		SELECT m.conversation_id, m.direction, m.type, substr(m.text, 1, `+itoa(desk.PreviewLength+1)+`), m.delivery_state, m.id = l.last_id
		FROM l JOIN messages m ON m.id IN (l.last_id, l.out_id)`, args...)
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

// listPreviewColumns and listPreviewJoin read a list row's preview in
// the list's own statement (c is the conversation): the newest message
// (lm) and the delivery state of the newest reply, each found walking
// messages(conversation_id, id) backwards. A page is then one statement,
// not two with a 50-argument IN list (issue 22).
var (
	listPreviewColumns = `lm.direction, lm.type, substr(lm.text, 1, ` + itoa(desk.PreviewLength+1) + `), lm.delivery_state,
	(SELECT delivery_state FROM messages WHERE conversation_id = c.id AND kind = 'message' AND direction = 'out' ORDER BY conversation_id DESC, id DESC LIMIT 1)`
	listPreviewJoin = `
	LEFT JOIN messages lm ON lm.id = (SELECT id FROM messages WHERE conversation_id = c.id AND kind = 'message' ORDER BY conversation_id DESC, id DESC LIMIT 1)`
)

// listPreview receives listPreviewColumns.
type listPreview struct {
	direction, typ, text, state, outState sql.NullString
}

func (p *listPreview) dest() []any {
	return []any{&p.direction, &p.typ, &p.text, &p.state, &p.outState}
}

// fill sets what fillPreviews sets.
func (p *listPreview) fill(c *desk.Conversation) {
	c.LastOutFailed = p.outState.String == desk.DeliveryFailed
	if p.direction.Valid {
		c.LastMessage = &desk.MessagePreview{Direction: p.direction.String, Type: p.typ.String,
			Text: clip(p.text.String, desk.PreviewLength), DeliveryState: p.state.String}
	}
}

// clip cuts s to at most n runes on a rune boundary, reading no further
// than the (n+1)th rune.
func clip(s string, n int) string {
	i := 0
	for pos := range s {
		if i == n {
			return s[:pos] + "…"
		}
		i++
	}
	return s
}
