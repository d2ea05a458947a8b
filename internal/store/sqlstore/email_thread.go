package sqlstore

import (
	"context"
	"database/sql"
	"slices"
	"strings"

	"github.com/switchboard-cc/switchboard/internal/desk"
)

// maxReferences bounds the Message-IDs an outbound email's References
// header carries: the newest of the thread.
const maxReferences = 10

// emailThreadTx fills an outbound email's In-Reply-To (the customer's last
// message, else our last) and References (the thread's newest Message-IDs,
// oldest first) from the conversation, so mail clients thread the reply
// (H1). Message-IDs are the email messages' external IDs.
func (s *Conversations) emailThreadTx(ctx context.Context, tx *sql.Tx, m *desk.Message) error {
	rows, err := tx.QueryContext(ctx, `SELECT external_id, direction FROM messages
		WHERE conversation_id = $1 AND channel = $2 AND external_id IS NOT NULL AND external_id <> ''
		ORDER BY id DESC LIMIT `+itoa(maxReferences), int64(m.ConversationID), desk.ChannelEmail)
	if err != nil {
		return err
	}
	defer rows.Close()
	var refs []string
	inReplyTo := ""
	for rows.Next() {
		var id, dir string
		if err := rows.Scan(&id, &dir); err != nil {
			return err
		}
		refs = append(refs, id)
		if inReplyTo == "" && dir == desk.DirectionIn {
			inReplyTo = id
		}
	}
	if err := rows.Err(); err != nil {
		return err
	}
	if inReplyTo == "" && len(refs) > 0 {
		inReplyTo = refs[0]
	}
	slices.Reverse(refs)
	if m.Send.InReplyTo == "" {
		m.Send.InReplyTo = inReplyTo
	}
	if len(m.Send.References) == 0 {
		m.Send.References = refs
	}
	return nil
}

// threadByRefsTx finds the open conversation holding any of an email's
// referenced Message-IDs (In-Reply-To, References), newest first; nil if
// none is open.
func (s *Conversations) threadByRefsTx(ctx context.Context, tx *sql.Tx, refs []string) (*desk.Conversation, error) {
	if len(refs) > 50 {
		refs = refs[len(refs)-50:] // the newest; References lists oldest first
	}
	var b strings.Builder
	args := []any{desk.ChannelEmail}
	for _, r := range refs {
		if len(args) > 1 {
			b.WriteByte(',')
		}
		args = append(args, r)
		b.WriteString("$" + itoa(len(args)))
	}
	var convID int64
	err := tx.QueryRowContext(ctx, `SELECT m.conversation_id FROM messages m JOIN conversations c ON c.id = m.conversation_id
		WHERE m.channel = $1 AND m.external_id IN (`+b.String()+`) AND c.status <> 'closed'
		ORDER BY m.id DESC LIMIT 1`, args...).Scan(&convID)
	if isNoRows(err) {
		return nil, nil
	} else if err != nil {
		return nil, err
	}
	return s.findConversation(ctx, tx, desk.SystemActor, desk.ID(convID))
}
