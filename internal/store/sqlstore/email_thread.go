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
	// An email of ours still in the outbox has no external ID yet (it is
	// recorded with the send's outcome), but its Message-ID is known: a
	// reply written in that instant is threaded to it all the same.
	rows, err := tx.QueryContext(ctx, `SELECT m.external_id, m.direction, o.idempotency_key, ch.sender FROM messages m
		LEFT JOIN outbox o ON o.message_id = m.id AND o.state NOT IN ('sent', 'failed') LEFT JOIN channels ch ON ch.id = o.channel_id
		WHERE m.conversation_id = $1 AND m.channel = $2
		AND ((m.external_id IS NOT NULL AND m.external_id <> '') OR ch.kind = $2)
		ORDER BY m.id DESC LIMIT `+itoa(maxReferences), int64(m.ConversationID), desk.ChannelEmail)
	if err != nil {
		return err
	}
	defer rows.Close()
	var refs []string
	inReplyTo := ""
	for rows.Next() {
		var ext, key, sender sql.NullString
		var dir string
		if err := rows.Scan(&ext, &dir, &key, &sender); err != nil {
			return err
		}
		id := ext.String
		if id == "" {
			id = desk.EmailMessageID(key.String, sender.String)
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
