package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/switchboard-cc/switchboard/internal/desk"
)

// maxRetentionDays bounds a policy (100 years).
const maxRetentionDays = 36500

// retentionBatch is how many conversations one retention transaction
// deletes, so the writer is never held for long.
const retentionBatch = 500

// SetRetentionPolicy sets how long a queue keeps closed conversations and
// their files (admin only).
func (s *Conversations) SetRetentionPolicy(ctx context.Context, p desk.RetentionPolicy) error {
	if p.ClosedDays < 0 || p.ClosedDays > maxRetentionDays {
		return desk.FieldErrorf("closed_days", "closed_days must be 0 (keep) to %d", maxRetentionDays)
	}
	if p.FileDays < 0 || p.FileDays > maxRetentionDays {
		return desk.FieldErrorf("file_days", "file_days must be 0 (keep) to %d", maxRetentionDays)
	}
	return s.inTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE queues SET retention_closed_days = $1, retention_file_days = $2 WHERE id = $3`,
			p.ClosedDays, p.FileDays, int64(p.QueueID))
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return notFound("queue")
		}
		return nil
	})
}

// FindRetentionPolicies lists every queue's policy (admin only).
func (s *Conversations) FindRetentionPolicies(ctx context.Context) ([]desk.RetentionPolicy, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT id, retention_closed_days, retention_file_days FROM queues ORDER BY id`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []desk.RetentionPolicy{}
	for rows.Next() {
		var p desk.RetentionPolicy
		var id int64
		if err := rows.Scan(&id, &p.ClosedDays, &p.FileDays); err != nil {
			return nil, err
		}
		p.QueueID = desk.ID(id)
		out = append(out, p)
	}
	return out, rows.Err()
}

// Due conversations ($1 = now in µs): closed longer ago than their queue
// keeps closed conversations, or (dueFiles) than it keeps their files.
const (
	dueConvs = `SELECT c.id FROM conversations c JOIN queues q ON q.id = c.queue_id
		WHERE c.status = 'closed' AND q.retention_closed_days > 0 AND c.closed_at <= $1 - q.retention_closed_days * 86400000000`
	dueFileConvs = `SELECT c.id FROM conversations c JOIN queues q ON q.id = c.queue_id
		WHERE c.status = 'closed' AND q.retention_file_days > 0 AND c.closed_at <= $1 - q.retention_file_days * 86400000000`
)

// ApplyRetention deletes the closed conversations (with their messages,
// timeline, files and search entries) and the files whose queue's policy
// says they are due at now, in transactions of at most retentionBatch
// conversations; a dry run counts the same selection and deletes
// nothing. Conversations merged into or linked to a deleted one lose the
// link. Requires the system actor or an admin.
func (s *Conversations) ApplyRetention(ctx context.Context, now time.Time, dryRun bool) (*desk.RetentionResult, error) {
	t := micros(now)
	res := &desk.RetentionResult{BlobKeys: []string{}, Recordings: []string{}}
	files := `(SELECT count(*) FROM attachments WHERE blob_key <> '' AND conversation_id IN (%[1]s)) +
		(SELECT count(*) FROM calls WHERE recording <> '' AND conversation_id IN (%[1]s))`
	if dryRun {
		err := s.r.QueryRowContext(ctx, `SELECT (SELECT count(*) FROM (`+dueConvs+`) d), `+
			fmt.Sprintf(files, dueConvs+` UNION `+dueFileConvs), t).Scan(&res.Conversations, &res.Files)
		return res, err
	}
	// Files of conversations kept whose files are due.
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		keys, err := queryStrings(ctx, tx, `SELECT blob_key FROM attachments WHERE blob_key <> '' AND conversation_id IN (`+dueFileConvs+`)`, t)
		if err != nil {
			return err
		}
		recs, err := queryStrings(ctx, tx, `SELECT recording FROM calls WHERE recording <> '' AND conversation_id IN (`+dueFileConvs+`)`, t)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE attachments SET blob_key = '', refused = 'expired' WHERE blob_key <> '' AND conversation_id IN (`+dueFileConvs+`)`, t); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE calls SET recording = '' WHERE recording <> '' AND conversation_id IN (`+dueFileConvs+`)`, t); err != nil {
			return err
		}
		res.BlobKeys, res.Recordings = append(res.BlobKeys, keys...), append(res.Recordings, recs...)
		return nil
	})
	if err != nil {
		return nil, err
	}
	for {
		n := 0
		err := s.inTx(ctx, func(tx *sql.Tx) error {
			batch := `SELECT id FROM (` + dueConvs + `) d ORDER BY id LIMIT ` + itoa(retentionBatch)
			ids, err := queryStrings(ctx, tx, `SELECT CAST(id AS TEXT) FROM (`+batch+`) b`, t)
			if err != nil || len(ids) == 0 {
				return err
			}
			n = len(ids)
			in := `SELECT id FROM (` + batch + `) b`
			keys, err := queryStrings(ctx, tx, `SELECT blob_key FROM attachments WHERE blob_key <> '' AND conversation_id IN (`+in+`)`, t)
			if err != nil {
				return err
			}
			recs, err := queryStrings(ctx, tx, `SELECT recording FROM calls WHERE recording <> '' AND conversation_id IN (`+in+`)`, t)
			if err != nil {
				return err
			}
			res.BlobKeys, res.Recordings = append(res.BlobKeys, keys...), append(res.Recordings, recs...)
			if err := s.reports.dropReportFacts(ctx, tx, in, t); err != nil {
				return err
			}
			for _, q := range []string{
				`UPDATE conversations SET merged_into_id = NULL WHERE merged_into_id IN (` + in + `)`,
				`UPDATE conversations SET linked_id = NULL WHERE linked_id IN (` + in + `)`,
				`DELETE FROM conversations WHERE id IN (` + in + `)`,
			} {
				if _, err := tx.ExecContext(ctx, q, t); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
		res.Conversations += n
		if n < retentionBatch {
			break
		}
	}
	res.Files = len(res.BlobKeys) + len(res.Recordings)
	return res, s.pruneQueueWaits(ctx, t-int64(desk.QueueWaitsKept/time.Microsecond))
}

// pruneQueueWaits deletes the wait records (which triggers write for
// the wallboard) that ended before `before` (µs), a batch per
// transaction.
func (s *Conversations) pruneQueueWaits(ctx context.Context, before int64) error {
	for {
		res, err := s.w.ExecContext(ctx, `DELETE FROM queue_waits WHERE id IN
			(SELECT id FROM queue_waits WHERE ended_at < $1 ORDER BY id LIMIT `+itoa(retentionBatch)+`)`, before)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil || n < retentionBatch {
			return err
		}
	}
}
