package sqlstore

import (
	"context"

	"github.com/switchboard-cc/switchboard/internal/desk"
)

// qJournalMany records a journal batch in one call where the database
// takes arrays (PostgreSQL, migration 290): the sent jobs ($2), their
// messages and the provider's IDs ($3, $4; NULL for none), then the marks
// ($5 jobs, $6 the leases they must still hold, $7 the new lease ends).
// It returns the jobs whose marks held. One call is one round trip and
// one commit instead of a BEGIN, three statements a reply and a COMMIT
// (docs/benchmarks.md, "PostgreSQL outbox").
const qJournalMany = `SELECT id FROM sb_journal_sends($1, $2, $3, $4, $5, $6, $7) AS id`

// journalInOne reports whether a journal batch can be written by
// qJournalMany: every outcome is a send that went out (failures and
// retries have their own statements and rules) and no mark is of a job
// sent before (flagging its message is the transaction's).
func (s *Conversations) journalInOne(sending []desk.SendMark, outcomes []desk.SendOutcome) bool {
	if !s.dialect.Arrays || len(sending)+len(outcomes) == 0 {
		return false
	}
	for _, o := range outcomes {
		if o.Result != desk.SendSent {
			return false
		}
	}
	for _, m := range sending {
		if m.InDoubt {
			return false
		}
	}
	return true
}

// journalOne writes a batch journalInOne accepted in one call and
// sets which marks held.
func (s *Conversations) journalOne(ctx context.Context, sending []desk.SendMark, outcomes []desk.SendOutcome) error {
	sentJobs, msgs, exts := make([]int64, len(outcomes)), make([]int64, len(outcomes)), make([]*string, len(outcomes))
	for i, o := range outcomes {
		sentJobs[i], msgs[i] = int64(o.JobID), int64(o.MessageID)
		if o.ExternalID != "" {
			ext := o.ExternalID
			exts[i] = &ext
		}
	}
	markJobs, leases, untils := make([]int64, len(sending)), make([]int64, len(sending)), make([]int64, len(sending))
	for i, m := range sending {
		markJobs[i], leases[i], untils[i] = int64(m.JobID), m.Lease, micros(m.Until)
	}
	rows, err := s.w.QueryContext(ctx, qJournalMany, micros(s.now()), sentJobs, msgs, exts, markJobs, leases, untils)
	if err != nil {
		return err
	}
	defer rows.Close()
	held := make(map[desk.ID]bool, len(sending))
	for rows.Next() {
		var id desk.ID
		if err := rows.Scan(&id); err != nil {
			return err
		}
		held[id] = true
	}
	if err := rows.Err(); err != nil {
		return err
	}
	for i := range sending {
		sending[i].Held = held[sending[i].JobID]
	}
	return nil
}
