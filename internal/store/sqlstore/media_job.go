package sqlstore

import (
	"context"
	"database/sql"
	"time"

	"github.com/switchboard-cc/switchboard/internal/desk"
)

// boolInt stores a flag as 0 or 1 (the same column type on both
// databases).
func boolInt(b bool) int64 {
	if b {
		return 1
	}
	return 0
}

// enqueueMediaTx writes a media job (desk.MediaJobService) for each
// pending file of a just-inserted inbound message, in its transaction, so
// the message and the promise to fetch its file commit together. in holds
// the files as the provider described them (URL or media ID); m the
// inserted rows (IDs).
func (s *Conversations) enqueueMediaTx(ctx context.Context, tx *sql.Tx, in *desk.InboundMessage, m *desk.Message, now time.Time) error {
	at := micros(now)
	for i := range m.Attachments {
		if !m.Attachments[i].Pending {
			continue
		}
		src := in.Attachments[i]
		src.Content, src.Pending = nil, false
		due := at
		if !src.RetryAt.IsZero() {
			due = micros(src.RetryAt)
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO media_jobs (attachment_id, message_id, conversation_id, channel_id, channel, msg_type, next_attempt_at, payload, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9)`, int64(m.Attachments[i].ID), int64(m.ID), int64(m.ConversationID), int64(in.ChannelID),
			m.Channel, m.Type, due, mustJSON(src), at); err != nil {
			return err
		}
	}
	return nil
}

// ClaimMediaJobs leases up to n due media jobs with one conditional UPDATE
// (see ClaimSendJobs): no two workers hold a job at once, and a job whose
// worker died is due again when its lease ends.
func (s *Conversations) ClaimMediaJobs(ctx context.Context, n int, lease time.Duration) ([]*desk.MediaJob, error) {
	if err := requireSystem(ctx); err != nil {
		return nil, err
	}
	now := s.now()
	var jobs []*desk.MediaJob
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		rows, err := tx.QueryContext(ctx, s.claimSQL("media_jobs", "id, attachment_id, message_id, conversation_id, channel_id, channel, msg_type, attempts, payload"),
			micros(now.Add(lease)), micros(now), n)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			j := &desk.MediaJob{}
			var payload string
			if err := rows.Scan(&j.ID, &j.AttachmentID, &j.MessageID, &j.ConversationID, &j.ChannelID, &j.Channel, &j.MessageType,
				&j.Attempts, &payload); err != nil {
				return err
			}
			if err := scanJSON(payload, &j.Attachment); err != nil {
				return err
			}
			j.Attachment.ID = j.AttachmentID
			jobs = append(jobs, j)
		}
		return rows.Err()
	})
	return jobs, err
}

// FinishMediaJob records a retry's outcome; a stored or refused file is
// announced to the workspace (ChangeMessageUpdated) after commit.
func (s *Conversations) FinishMediaJob(ctx context.Context, o desk.MediaOutcome) error {
	if err := requireSystem(ctx); err != nil {
		return err
	}
	at := micros(s.now())
	var attID, msgID, convID desk.ID
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		// The conversation is the attachment's now: a merge (C8) may have
		// moved the message since the job was written.
		err := tx.QueryRowContext(ctx, `SELECT j.attachment_id, j.message_id, a.conversation_id FROM media_jobs j
			JOIN attachments a ON a.id = j.attachment_id WHERE j.id = $1 AND j.state = 'pending'`,
			int64(o.JobID)).Scan(&attID, &msgID, &convID)
		if isNoRows(err) {
			return notFound("media job")
		} else if err != nil {
			return err
		}
		switch o.Result {
		case desk.MediaStored:
			a := o.Attachment
			if a.BlobKey == "" {
				return desk.Errorf(desk.EINVALID, "a stored file needs its blob key")
			}
			if _, err := tx.ExecContext(ctx, `UPDATE attachments SET name = $1, content_type = $2, size = $3, blob_key = $4, refused = '', pending = 0 WHERE id = $5`,
				a.Name, a.ContentType, a.Size, a.BlobKey, int64(attID)); err != nil {
				return err
			}
			_, err = tx.ExecContext(ctx, `UPDATE media_jobs SET state = 'done', locked_until = 0, last_error = '', updated_at = $1 WHERE id = $2`, at, int64(o.JobID))
			return err
		case desk.MediaFailed:
			if o.Reason == "" {
				return desk.Errorf(desk.EINVALID, "a failed file needs a reason")
			}
			if _, err := tx.ExecContext(ctx, `UPDATE attachments SET refused = $1, pending = 0 WHERE id = $2`, o.Reason, int64(attID)); err != nil {
				return err
			}
			_, err = tx.ExecContext(ctx, `UPDATE media_jobs SET state = 'failed', locked_until = 0, last_error = $1, updated_at = $2 WHERE id = $3`,
				o.Detail, at, int64(o.JobID))
			return err
		case desk.MediaRetry:
			_, err = tx.ExecContext(ctx, `UPDATE media_jobs SET locked_until = 0, next_attempt_at = $1, last_error = $2, updated_at = $3 WHERE id = $4`,
				micros(o.NextAttemptAt), o.Detail, at, int64(o.JobID))
			return err
		}
		return desk.Errorf(desk.EINVALID, "unknown media outcome %q", o.Result)
	})
	if err != nil || o.Result == desk.MediaRetry {
		return err
	}
	if c, err := s.findConversation(ctx, s.rd, desk.SystemActor, convID); err == nil {
		ch := s.conversationChange(desk.ChangeMessageUpdated, c)
		ch.MessageID, ch.Direction, ch.Kind = msgID, desk.DirectionIn, desk.KindMessage
		s.publish(ch)
	}
	return nil
}
