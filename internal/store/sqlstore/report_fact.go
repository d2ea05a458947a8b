package sqlstore

import (
	"context"
	"database/sql"
	"slices"
	"strings"
	"time"

	"github.com/switchboard-cc/switchboard/internal/desk"
	"github.com/switchboard-cc/switchboard/internal/report"
	"github.com/switchboard-cc/switchboard/internal/sla"
)

var _ desk.ReportStore = (*Reports)(nil)

// RefreshReportFact recomputes a conversation's report fact (system); see
// RefreshReportFacts.
func (s *Reports) RefreshReportFact(ctx context.Context, id desk.ID) error {
	return s.RefreshReportFacts(ctx, []desk.ID{id})
}

// RefreshReportFacts recomputes conversations' report facts from their
// messages, events, SLA status and survey (system), and moves the rollup
// cells by the difference between each old and new fact, in one
// transaction. It reads one conversation's timeline, once per change of
// it: reports then read facts or cells.
func (s *Reports) RefreshReportFacts(ctx context.Context, ids []desk.ID) error {
	if err := requireSystem(ctx); err != nil {
		return err
	}
	ids = append([]desk.ID(nil), ids...)
	slices.Sort(ids) // locks in one order
	facts := make([]*desk.ReportFact, len(ids))
	for i, id := range ids {
		f, err := s.computeReportFact(ctx, id)
		if err != nil {
			return err
		}
		facts[i] = f
	}
	return s.inTx(ctx, func(tx *sql.Tx) error {
		d := report.Delta{}
		for i, id := range ids {
			if s.dialect.Name == "postgres" {
				// Two nodes refreshing one conversation take turns, so
				// each subtracts what the other added.
				if _, err := s.txExec(ctx, tx, qReportFactTurn, int64(id)); err != nil {
					return err
				}
			}
			q := qReportFactByID
			if s.dialect.RowLocks {
				q = qReportFactByIDLocked // after RollUpReportFacts of another node
			}
			old, err := scanReportFact(s.txRow(ctx, tx, q, int64(id)))
			if err != nil && !isNoRows(err) {
				return err
			}
			if old != nil && old.rolledUp {
				d.AddFact(&old.ReportFact, -1)
			}
			if facts[i] == nil {
				if old != nil {
					if _, err := s.txExec(ctx, tx, qReportFactDelete, int64(id)); err != nil {
						return err
					}
				}
				continue
			}
			if err := s.saveReportFact(ctx, tx, facts[i]); err != nil {
				return err
			}
			d.AddFact(facts[i], 1)
		}
		return s.applyReportDelta(ctx, tx, d)
	})
}

// computeReportFact works out a conversation's fact; nil when it is not
// counted (erased, merged into another, internal).
func (s *Reports) computeReportFact(ctx context.Context, id desk.ID) (*desk.ReportFact, error) {
	f := &desk.ReportFact{ConversationID: id}
	var created int64
	var assignee, surveySent, rating sql.NullInt64
	var tags string
	var mergedInto sql.NullInt64
	var breached sql.NullBool
	// The conversation with its SLA outcome (none: no policy applied), in
	// one statement: the recorder refreshes every new conversation.
	err := s.rd.QueryRowContext(ctx, `SELECT queue_id, channel, assignee_id, created_at, survey_sent_at, survey_rating, tags, merged_into_id,
		(SELECT first_response_breached OR next_response_breached OR resolution_breached FROM conversation_sla
			WHERE conversation_id = conversations.id AND policy_id <> 0)
		FROM conversations WHERE id = $1`, int64(id)).Scan(&f.QueueID, &f.Channel, &assignee, &created, &surveySent, &rating, &tags, &mergedInto, &breached)
	if isNoRows(err) {
		return nil, nil // gone (erased): its fact went with it
	} else if err != nil {
		return nil, err
	}
	if mergedInto.Valid || f.Channel == desk.ChannelInternal {
		// Merged into another (which counts for both) or between agents:
		// not a customer conversation of its own.
		return nil, nil
	}
	f.CreatedAt = fromMicros(created)
	f.AgentID = nullID(assignee)
	if err := scanJSON(tags, &f.Tags); err != nil {
		return nil, err
	}
	f.SurveySent = surveySent.Valid
	if rating.Valid {
		r := int(rating.Int64)
		f.SurveyRating = &r
	}
	f.SLAApplied, f.SLABreached = breached.Valid, breached.Bool
	// The queue's business calendar, read only for a conversation that
	// has a reply or a resolution to measure (a new one has neither).
	var cal *sla.Calendar
	calendar := func() (*sla.Calendar, error) {
		if cal != nil {
			return cal, nil
		}
		cal = sla.Always()
		if bc, err := scanCalendar(s.rd.QueryRowContext(ctx, `SELECT c.id, c.name, c.time_zone, c.hours, c.holidays, c.created_at
			FROM business_calendars c JOIN queue_calendars q ON q.calendar_id = c.id WHERE q.queue_id = $1`, int64(f.QueueID))); err == nil {
			if c, err := sla.Compile(bc); err == nil {
				cal = c
			}
		} else if !isNoRows(err) {
			return nil, err
		}
		return cal, nil
	}
	// The first agent reply, and the author of the last one.
	var first, lastAuthor sql.NullInt64
	if err := s.rd.QueryRowContext(ctx, `SELECT (SELECT min(created_at) FROM messages WHERE conversation_id = $1 AND kind = 'message'
		AND direction = 'out' AND author_id IS NOT NULL), (SELECT author_id FROM messages WHERE conversation_id = $1 AND kind = 'message'
		AND direction = 'out' AND author_id IS NOT NULL ORDER BY id DESC LIMIT 1)`, int64(id)).Scan(&first, &lastAuthor); err != nil {
		return nil, err
	}
	if f.AgentID == nil {
		f.AgentID = nullID(lastAuthor)
	}
	if first.Valid {
		at := fromMicros(first.Int64)
		f.FirstReplyAt = &at
		c, err := calendar()
		if err != nil {
			return nil, err
		}
		d, b := at.Sub(f.CreatedAt), c.Between(f.CreatedAt, at)
		f.FirstResponse, f.FirstResponseBusiness = &d, &b
	}
	// Solves, reopens and the first assignment, from the timeline.
	rows, err := s.rd.QueryContext(ctx, `SELECT type, data, created_at FROM events WHERE conversation_id = $1 AND type IN ($2, $3, $4) ORDER BY id`,
		int64(id), desk.EventStatusChanged, desk.EventReopened, desk.EventAssigned)
	if err != nil {
		return nil, err
	}
	done := func(st any) bool { return st == desk.ConversationSolved || st == desk.ConversationClosed }
	var firstAssigned *time.Time
	solved := false
	for rows.Next() {
		var typ, data string
		var at int64
		if err := rows.Scan(&typ, &data, &at); err != nil {
			rows.Close()
			return nil, err
		}
		var d map[string]any
		_ = scanJSON(data, &d)
		t := fromMicros(at)
		switch {
		case typ == desk.EventAssigned:
			if firstAssigned == nil {
				firstAssigned = &t
			}
		case typ == desk.EventStatusChanged && done(d["to"]) && !done(d["from"]):
			solved = true
			f.ResolvedAt = &t
		case solved && (typ == desk.EventReopened || (typ == desk.EventStatusChanged && done(d["from"]) && !done(d["to"]))):
			solved = false
			f.Reopens++
			f.ResolvedAt = nil
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if f.ResolvedAt != nil {
		c, err := calendar()
		if err != nil {
			return nil, err
		}
		d, b := f.ResolvedAt.Sub(f.CreatedAt), c.Between(f.CreatedAt, *f.ResolvedAt)
		f.Resolution, f.ResolutionBusiness = &d, &b
		if firstAssigned != nil {
			h := f.ResolvedAt.Sub(*firstAssigned)
			f.Handle = &h
		}
	}
	return f, nil
}

// tagList is tags, never nil (stored as a JSON array).
func tagList(tags []string) []string {
	if tags == nil {
		return []string{}
	}
	return tags
}

// saveReportFact upserts a fact row, marked as added to the rollups.
func (s *Reports) saveReportFact(ctx context.Context, tx *sql.Tx, f *desk.ReportFact) error {
	secs := func(d *time.Duration) any {
		if d == nil {
			return nil
		}
		return int64(d.Seconds())
	}
	at := func(t *time.Time) any {
		if t == nil {
			return nil
		}
		return micros(*t)
	}
	var rating any
	if f.SurveyRating != nil {
		rating = *f.SurveyRating
	}
	_, err := s.txExec(ctx, tx, qReportFactSave,
		int64(f.ConversationID), int64(f.QueueID), f.Channel, idArg(f.AgentID), micros(f.CreatedAt), at(f.FirstReplyAt),
		secs(f.FirstResponse), secs(f.FirstResponseBusiness), at(f.ResolvedAt), secs(f.Resolution), secs(f.ResolutionBusiness),
		secs(f.Handle), f.Reopens, f.SLAApplied, f.SLABreached, f.SurveySent, rating, micros(s.now()), mustJSON(tagList(f.Tags)))
	return err
}

// FindReportFacts returns the facts of conversations created or resolved
// in the filter's period (supervisor+), with their current tags.
func (s *Reports) FindReportFacts(ctx context.Context, rf desk.ReportFilter) ([]*desk.ReportFact, error) {
	// Two index ranges, not one OR: conversations created in the period,
	// then those resolved in it that were created outside it.
	from, to := micros(rf.From), micros(rf.To)
	var created where
	created.add(`f.created_at >= ? AND f.created_at < ?`, from, to)
	filters := func(w *where) {
		if rf.QueueID != nil {
			w.add(`f.queue_id = ?`, int64(*rf.QueueID))
		}
		if rf.Channel != "" {
			w.add(`f.channel = ?`, rf.Channel)
		}
		if rf.AgentID != nil {
			w.add(`f.agent_id = ?`, int64(*rf.AgentID))
		}
		if rf.Tag != "" {
			w.add(`EXISTS (SELECT 1 FROM conversation_tags t WHERE t.conversation_id = f.conversation_id AND t.tag = ?)`,
				strings.ToLower(strings.TrimSpace(rf.Tag)))
		}
	}
	filters(&created)
	resolved := where{args: append([]any(nil), created.args...)}
	resolved.add(`f.resolved_at >= ? AND f.resolved_at < ? AND NOT (f.created_at >= ? AND f.created_at < ?)`, from, to, from, to)
	filters(&resolved)
	rows, err := s.rd.QueryContext(ctx, qReportFactCols+created.sql()+` UNION ALL `+qReportFactCols+resolved.sql(), resolved.args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []*desk.ReportFact{}
	for rows.Next() {
		f, err := scanReportFact(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, &f.ReportFact)
	}
	return out, rows.Err()
}

// qReportFactCols reads facts (scanReportFact).
const qReportFactCols = `SELECT f.conversation_id, f.queue_id, f.channel, f.agent_id, f.created_at, f.first_response_at,
		f.first_response_secs, f.first_response_business_secs, f.resolved_at, f.resolution_secs, f.resolution_business_secs, f.handle_secs,
		f.reopens, f.sla_applied, f.sla_breached, f.survey_sent, f.survey_rating, f.tags, f.rolled_up FROM report_facts f`

// storedFact is a fact as stored, and whether the rollups hold it.
type storedFact struct {
	desk.ReportFact
	rolledUp bool
}

// scanReportFact reads a row of qReportFactCols.
func scanReportFact(r interface{ Scan(...any) error }) (*storedFact, error) {
	var f storedFact
	var agent, firstAt, frs, frb, resolved, rs, rb, hs, rating sql.NullInt64
	var created int64
	var tags string
	if err := r.Scan(&f.ConversationID, &f.QueueID, &f.Channel, &agent, &created, &firstAt, &frs, &frb, &resolved, &rs, &rb, &hs,
		&f.Reopens, &f.SLAApplied, &f.SLABreached, &f.SurveySent, &rating, &tags, &f.rolledUp); err != nil {
		return nil, err
	}
	dur := func(v sql.NullInt64) *time.Duration {
		if !v.Valid {
			return nil
		}
		d := time.Duration(v.Int64) * time.Second
		return &d
	}
	f.AgentID, f.CreatedAt, f.FirstReplyAt, f.ResolvedAt = nullID(agent), fromMicros(created), nullTime(firstAt), nullTime(resolved)
	f.FirstResponse, f.FirstResponseBusiness, f.Resolution, f.ResolutionBusiness, f.Handle = dur(frs), dur(frb), dur(rs), dur(rb), dur(hs)
	if rating.Valid {
		r := int(rating.Int64)
		f.SurveyRating = &r
	}
	if err := scanJSON(tags, &f.Tags); err != nil {
		return nil, err
	}
	return &f, nil
}

// The statements a refresh runs per conversation, prepared on the writer
// up front (reportWrites): the recorder refreshes every new conversation's
// fact, and preparing them anew each time (parsing, coding the triggers)
// was ~7 % of the server's CPU under new-customer ingest.
const (
	qReportFactByID       = qReportFactCols + ` WHERE f.conversation_id = $1`
	qReportFactByIDLocked = qReportFactByID + ` FOR UPDATE`
	qReportFactDelete     = `DELETE FROM report_facts WHERE conversation_id = $1`
	// qReportFactTurn: two nodes refreshing one conversation take turns
	// (PostgreSQL).
	qReportFactTurn = `SELECT pg_advisory_xact_lock(1919250543, ($1 % 2147483647)::int)`
	qReportFactSave = `INSERT INTO report_facts (conversation_id, queue_id, channel, agent_id, created_at, first_response_at,
		first_response_secs, first_response_business_secs, resolved_at, resolution_secs, resolution_business_secs, handle_secs, reopens,
		sla_applied, sla_breached, survey_sent, survey_rating, updated_at, tags, rolled_up)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, TRUE)
		ON CONFLICT (conversation_id) DO UPDATE SET queue_id = excluded.queue_id, channel = excluded.channel, agent_id = excluded.agent_id,
		created_at = excluded.created_at, first_response_at = excluded.first_response_at, first_response_secs = excluded.first_response_secs,
		first_response_business_secs = excluded.first_response_business_secs, resolved_at = excluded.resolved_at,
		resolution_secs = excluded.resolution_secs, resolution_business_secs = excluded.resolution_business_secs,
		handle_secs = excluded.handle_secs, reopens = excluded.reopens, sla_applied = excluded.sla_applied,
		sla_breached = excluded.sla_breached, survey_sent = excluded.survey_sent, survey_rating = excluded.survey_rating,
		updated_at = excluded.updated_at, tags = excluded.tags, rolled_up = TRUE`
)

// reportWrites are the report statements prepared on the writer for d.
func reportWrites(d *Dialect) []string {
	qs := []string{qReportFactByID, qReportFactDelete, qReportFactSave, qRollupAdd, qRollupDelete, qRollupSetHists}
	if d.RowLocks {
		qs = append(qs, qReportFactByIDLocked)
	}
	if d.Name == "postgres" {
		qs = append(qs, qReportFactTurn)
	}
	return qs
}
