package sqlstore

import (
	"context"

	"github.com/switchboard-cc/switchboard/internal/desk"
	"github.com/switchboard-cc/switchboard/internal/search"
)

// SearchInConversation finds the messages of a visible conversation that
// match text (D8), oldest first, with the offsets of the matched words. A
// conversation's thread is small next to the index, so it is read whole
// and matched with package search, the same matching as global search.
func (s *SearchIndex) SearchInConversation(ctx context.Context, conversationID desk.ID, text string) ([]*desk.MessageMatch, error) {
	actor, err := desk.RequireActor(ctx)
	if err != nil {
		return nil, err
	}
	if err := desk.ValidateSearchText(&text); err != nil {
		return nil, err
	}
	if _, err := s.conv.findConversation(ctx, s.rd, actor, conversationID); err != nil {
		return nil, err
	}
	out := []*desk.MessageMatch{}
	q := search.Parse(text)
	if q.Empty() {
		return out, nil
	}
	rows, err := s.rd.QueryContext(ctx, `SELECT id, text FROM messages WHERE conversation_id = $1 ORDER BY id`, int64(conversationID))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var id desk.ID
		var body string
		if err := rows.Scan(&id, &body); err != nil {
			return nil, err
		}
		if spans, ok := q.Spans(search.Tokenize(body)); ok {
			out = append(out, &desk.MessageMatch{MessageID: id, Spans: spans})
		}
	}
	return out, rows.Err()
}
