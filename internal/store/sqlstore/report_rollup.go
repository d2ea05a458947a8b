package sqlstore

import (
	"context"
	"database/sql"
	"strings"
	"unicode/utf8"

	"github.com/switchboard-cc/switchboard/internal/report"
)

var _ report.RollupStore = (*Reports)(nil)

// qRollupCounts are the counts of a rollup cell, in report.Counts order.
const qRollupCounts = `conversations_in, conversations_out, reopened, sla_met, sla_breached, csat_sent, csat_responses, rating_sum,
	rating_1, rating_2, rating_3, rating_4, rating_5`

func countsArgs(c *report.Counts) []any {
	return []any{c.In, c.Out, c.Reopened, c.SLAMet, c.SLABreached, c.CSATSent, c.CSATResponses, c.RatingSum,
		c.Ratings[0], c.Ratings[1], c.Ratings[2], c.Ratings[3], c.Ratings[4]}
}

func countsDest(c *report.Counts) []any {
	return []any{&c.In, &c.Out, &c.Reopened, &c.SLAMet, &c.SLABreached, &c.CSATSent, &c.CSATResponses, &c.RatingSum,
		&c.Ratings[0], &c.Ratings[1], &c.Ratings[2], &c.Ratings[3], &c.Ratings[4]}
}

// noHists encodes empty histograms.
var noHists = report.EncodeHists(&[report.NumHists]report.Hist{})

// applyReportDelta adds a change to the stored cells, cell by cell in
// the delta's fixed order: the counts by one upsert that adds them
// (locking the row), the histograms read, merged and written back.
// Cells left with nothing are deleted.
func (s *Reports) applyReportDelta(ctx context.Context, tx *sql.Tx, d report.Delta) error {
	for _, k := range d.Keys() {
		c := d[k]
		var cur report.Cell
		var hists []byte
		args := append([]any{k.Dim, k.Key, k.Width, k.Bucket}, countsArgs(&c.Counts)...)
		args = append(args, noHists) // never empty: some copies read an empty blob as NULL
		if err := s.txRow(ctx, tx, qRollupAdd, args...).Scan(append(countsDest(&cur.Counts), &hists)...); err != nil {
			return err
		}
		if err := cur.AddEncoded(hists); err != nil {
			return err
		}
		changed := false
		for _, h := range c.Hists {
			changed = changed || len(h) > 0
		}
		if !changed && !cur.Empty() {
			continue
		}
		cur.Add(&report.Cell{Hists: c.Hists})
		var err error
		if cur.Empty() {
			_, err = s.txExec(ctx, tx, qRollupDelete, k.Dim, k.Key, k.Width, k.Bucket)
		} else {
			_, err = s.txExec(ctx, tx, qRollupSetHists, k.Dim, k.Key, k.Width, k.Bucket, report.EncodeHists(&cur.Hists))
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// FindReportCells reads the cells of a series in the query's ranges
// (supervisor+).
func (s *Reports) FindReportCells(ctx context.Context, q report.CellQuery) ([]report.RawCell, error) {
	out := []report.RawCell{}
	if len(q.Ranges) == 0 {
		return out, nil
	}
	// One index range per cell range, not one OR.
	var parts []string
	var args []any
	for _, r := range q.Ranges {
		w := where{args: args}
		w.add(`dim = ?`, q.Dim)
		if q.Key != nil {
			w.add(`series_key = ?`, *q.Key)
		}
		// The first part of a pair key is a range of the primary key
		// (series_key orders bytewise: SQLite's default, "C" on
		// PostgreSQL by migration 280), which "+width" makes SQLite
		// prefer to the time index; the second part is a substring.
		if q.First != nil {
			w.add(`series_key >= ? AND series_key < ?`, report.PairKey(*q.First, ""), *q.First+"\x20")
		}
		if q.Second != nil {
			p := report.PairKey("", *q.Second)
			w.add(`substr(series_key, length(series_key) - ? + 1) = ?`, utf8.RuneCountInString(p), p)
		}
		width := `width`
		if q.First != nil {
			width = `+width`
		}
		w.add(width+` = ? AND bucket >= ? AND bucket < ?`, r.Width, micros(r.From), micros(r.To))
		parts = append(parts, `SELECT dim, series_key, width, bucket, `+qRollupCounts+`, hists FROM report_rollup`+w.sql())
		args = w.args
	}
	rows, err := s.rd.QueryContext(ctx, strings.Join(parts, ` UNION ALL `), args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var c report.RawCell
		if err := rows.Scan(append([]any{&c.Dim, &c.Key, &c.Width, &c.Bucket}, append(countsDest(&c.Counts), &c.Hists)...)...); err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// ReportRollupsReady says every report fact is in the rollup cells
// (supervisor+): false from an upgrade that rebuilds them (migration 280)
// until the backfill finds no fact left to add.
func (s *Reports) ReportRollupsReady(ctx context.Context) (bool, error) {
	var pending bool
	err := s.rd.QueryRowContext(ctx, `SELECT pending FROM report_rollup_state WHERE id = 1`).Scan(&pending)
	if isNoRows(err) {
		return true, nil
	}
	return !pending, err
}

// dropReportFacts takes the facts of conversations about to be deleted
// (the IDs selected by in, with args) out of the rollup cells, so that
// reports from cells and from facts keep counting alike.
func (s *Reports) dropReportFacts(ctx context.Context, tx *sql.Tx, in string, args ...any) error {
	rows, err := tx.QueryContext(ctx, qReportFactCols+` WHERE f.rolled_up AND f.conversation_id IN (`+in+`)`, args...)
	if err != nil {
		return err
	}
	d := report.Delta{}
	for rows.Next() {
		f, err := scanReportFact(rows)
		if err != nil {
			rows.Close()
			return err
		}
		d.AddFact(&f.ReportFact, -1)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM report_facts WHERE conversation_id IN (`+in+`)`, args...); err != nil {
		return err
	}
	return s.applyReportDelta(ctx, tx, d)
}

// RollUpReportFacts adds up to n facts that the rollups do not hold yet
// (facts from before rollups existed) to the cells (system) and says how
// many it added: 0 when none is left. Facts another node is adding are
// skipped.
func (s *Reports) RollUpReportFacts(ctx context.Context, n int) (int, error) {
	if err := requireSystem(ctx); err != nil {
		return 0, err
	}
	lock := ""
	if s.dialect.RowLocks {
		lock = ` FOR UPDATE SKIP LOCKED`
	}
	done := 0
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		rows, err := tx.QueryContext(ctx, qReportFactCols+` WHERE NOT f.rolled_up ORDER BY f.conversation_id LIMIT $1`+lock, n)
		if err != nil {
			return err
		}
		d := report.Delta{}
		var ids []any
		for rows.Next() {
			f, err := scanReportFact(rows)
			if err != nil {
				rows.Close()
				return err
			}
			d.AddFact(&f.ReportFact, 1)
			ids = append(ids, int64(f.ConversationID))
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		if len(ids) == 0 {
			// All in — unless another node holds facts it is adding (the
			// SKIP LOCKED above passed them; they still read as not rolled
			// up here until it commits): then that node clears the flag.
			_, err := tx.ExecContext(ctx, `UPDATE report_rollup_state SET pending = FALSE
				WHERE pending AND NOT EXISTS (SELECT 1 FROM report_facts WHERE NOT rolled_up)`)
			return err
		}
		for i := 0; i < len(ids); i += 1000 { // within SQLite's variable limit
			part := ids[i:min(i+1000, len(ids))]
			ph := make([]string, len(part))
			for j := range part {
				ph[j] = "$" + itoa(j+1)
			}
			if _, err := tx.ExecContext(ctx, `UPDATE report_facts SET rolled_up = TRUE WHERE conversation_id IN (`+strings.Join(ph, ", ")+`)`, part...); err != nil {
				return err
			}
		}
		done = len(ids)
		return s.applyReportDelta(ctx, tx, d)
	})
	return done, err
}

// qRollupAdd adds a delta's counts to a cell (creating it) and returns the
// cell's counts and histograms; qRollupDelete and qRollupSetHists finish
// the cell. Prepared on the writer (reportWrites).
var qRollupAdd = func() string {
	var up strings.Builder
	up.WriteString(`INSERT INTO report_rollup (dim, series_key, width, bucket, ` + qRollupCounts + `, hists)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18)
		ON CONFLICT (dim, series_key, width, bucket) DO UPDATE SET `)
	for i, c := range strings.Split(qRollupCounts, ",") {
		c = strings.TrimSpace(c)
		if i > 0 {
			up.WriteString(", ")
		}
		up.WriteString(c + " = report_rollup." + c + " + excluded." + c)
	}
	up.WriteString(` RETURNING ` + qRollupCounts + `, hists`)
	return up.String()
}()

const (
	qRollupCell     = ` WHERE dim = $1 AND series_key = $2 AND width = $3 AND bucket = $4`
	qRollupDelete   = `DELETE FROM report_rollup` + qRollupCell
	qRollupSetHists = `UPDATE report_rollup SET hists = $5` + qRollupCell
)
