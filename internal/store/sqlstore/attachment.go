package sqlstore

import (
	"context"
	"database/sql"
	"time"

	"github.com/switchboard-cc/switchboard/internal/desk"
)

// insertAttachmentsTx records the stored files of a message (those with a
// blob key), the inbound files that were refused (with the reason) and
// those pending a retry (without bytes or URL yet); a
// reply's provider-hosted media are only in its send job.
func (s *Conversations) insertAttachmentsTx(ctx context.Context, tx *sql.Tx, m *desk.Message, now time.Time) error {
	for i := range m.Attachments {
		a := &m.Attachments[i]
		if a.BlobKey == "" && a.Refused == "" && !a.Pending {
			continue
		}
		if err := tx.QueryRowContext(ctx, `INSERT INTO attachments (message_id, conversation_id, name, content_type, size, blob_key, refused, pending, created_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id`, int64(m.ID), int64(m.ConversationID), a.Name, a.ContentType, a.Size, a.BlobKey, a.Refused, boolInt(a.Pending), micros(now)).Scan(&a.ID); err != nil {
			return err
		}
		a.URL = ""
		if a.Refused == "" && !a.Pending {
			a.URL = desk.AttachmentURL(a.ID)
		}
	}
	return nil
}

// FindAttachmentByID returns a stored attachment of a conversation the
// actor may see (J2); anything else, and a refused or pending file (no
// bytes), is
// ENOTFOUND.
func (s *Conversations) FindAttachmentByID(ctx context.Context, id desk.ID) (*desk.StoredAttachment, error) {
	actor, err := desk.RequireActor(ctx)
	if err != nil {
		return nil, err
	}
	var a desk.StoredAttachment
	err = s.rd.QueryRowContext(ctx, `SELECT id, message_id, conversation_id, name, content_type, size, blob_key FROM attachments WHERE id = $1 AND refused = '' AND pending = 0`, int64(id)).
		Scan(&a.ID, &a.MessageID, &a.ConversationID, &a.Name, &a.ContentType, &a.Size, &a.BlobKey)
	if isNoRows(err) {
		return nil, notFound("attachment")
	} else if err != nil {
		return nil, err
	}
	if _, err := s.findConversation(ctx, s.rd, actor, a.ConversationID); desk.ErrorKind(err) == desk.ENOTFOUND {
		return nil, notFound("attachment")
	} else if err != nil {
		return nil, err
	}
	a.URL = desk.AttachmentURL(a.ID)
	return &a, nil
}

// fillAttachments loads the stored files of a page of messages.
func (s *Conversations) fillAttachments(ctx context.Context, msgs []*desk.Message) error {
	if len(msgs) == 0 {
		return nil
	}
	byID := make(map[desk.ID]*desk.Message, len(msgs))
	for _, m := range msgs {
		byID[m.ID] = m
	}
	rows, err := s.rd.QueryContext(ctx, `SELECT id, message_id, name, content_type, size, refused, pending FROM attachments
		WHERE conversation_id = $1 AND message_id BETWEEN $2 AND $3 ORDER BY id`,
		int64(msgs[0].ConversationID), int64(msgs[0].ID), int64(msgs[len(msgs)-1].ID))
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var a desk.Attachment
		var msgID desk.ID
		var pending int64
		if err := rows.Scan(&a.ID, &msgID, &a.Name, &a.ContentType, &a.Size, &a.Refused, &pending); err != nil {
			return err
		}
		if a.Pending = pending != 0; a.Refused == "" && !a.Pending {
			a.URL = desk.AttachmentURL(a.ID)
		}
		if m := byID[msgID]; m != nil {
			m.Attachments = append(m.Attachments, a)
		}
	}
	return rows.Err()
}
