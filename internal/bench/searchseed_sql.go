package bench

import (
	"context"
	"database/sql"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
)

// The search data set's conversations and messages are written by the
// database itself (INSERT ... SELECT over a series of IDs), not row by row
// through the driver: at 10⁷ messages the row-by-row seed took over an
// hour. Text comes from small tables of the generator's output (seedPool:
// message bodies with the common words' Zipf distribution, the common and
// the long tail's "rare" words), picked per row by a hash of its ID, with
// the generator's endings (order numbers, tracking codes, cities, rare
// words) chosen the same way, so the words' frequencies are the
// generator's. The hash is integer arithmetic both databases compute alike,
// so both stores hold the same data set.

// seedPool is how many message bodies the pool holds.
const seedPool = 1 << 16

// seedBatch is how many messages one INSERT ... SELECT writes.
const seedBatch = 500000

// sqlHash is a pseudo-random value in [0, 4294967291) of the integer
// expression col, one independent stream per k (a different multiplier).
func sqlHash(col string, k int) string {
	mults := []int64{2654435761, 2246822519, 3266489917, 668265263, 374761393, 2869860233, 1103515245, 1597334677}
	return fmt.Sprintf("((%s * %d + %d) %% 4294967291)", col, mults[k%len(mults)], 7919*(k+1))
}

// seedSQL writes the dialect's expressions.
type seedSQL struct{ dialect string }

// series is a FROM clause yielding the IDs lo..hi as s.i.
func (d seedSQL) series(lo, hi int) (with, from string) {
	if d.dialect == "postgres" {
		return "", fmt.Sprintf("generate_series(%d::bigint, %d) AS s(i)", lo, hi)
	}
	return fmt.Sprintf("WITH RECURSIVE s(i) AS (SELECT %d UNION ALL SELECT i + 1 FROM s WHERE i < %d) ", lo, hi), "s"
}

// pad is expr zero-padded (or cut) to n digits.
func (d seedSQL) pad(expr string, n int) string {
	if d.dialect == "postgres" {
		return fmt.Sprintf("lpad((%s)::text, %d, '0')", expr, n)
	}
	return fmt.Sprintf("substr('%s' || (%s), -%d)", strings.Repeat("0", n), expr, n)
}

// text is expr as text.
func (d seedSQL) text(expr string) string {
	if d.dialect == "postgres" {
		return "(" + expr + ")::text"
	}
	return "CAST(" + expr + " AS TEXT)"
}

// mulDiv is expr * m / n in integers. PostgreSQL computes the product in
// numeric: at 2,000,000 conversations it passes bigint's range (SQLite
// turns an overflowing product into a float instead of failing).
func (d seedSQL) mulDiv(expr string, m int64, n int) string {
	if d.dialect == "postgres" {
		return fmt.Sprintf("div((%s)::numeric * %d, %d)::bigint", expr, m, n)
	}
	return fmt.Sprintf("%s * %d / %d", expr, m, n)
}

// phone is the phone number textGen.phone gives customer cu.
func (d seedSQL) phone(cu string) string {
	return fmt.Sprintf("(CASE (%s) %% 3 WHEN 0 THEN '+49151' || %s WHEN 1 THEN '+1415' || %s ELSE '+3361' || %s END)",
		cu, d.pad(cu, 8), d.pad(cu, 7), d.pad(cu, 7))
}

// pick is a word of table t (sb_seed_common or sb_seed_rare, n rows) chosen
// by hash h.
func pick(t string, n int, h string) string {
	return fmt.Sprintf("(SELECT w FROM %s WHERE i = %s %% %d)", t, h, n)
}

// seedWordTables fills the pools the statements pick from.
func seedWordTables(ctx context.Context, db *sql.DB, g *textGen) error {
	for _, t := range []string{"sb_seed_text", "sb_seed_common", "sb_seed_rare", "sb_seed_city"} {
		if _, err := db.ExecContext(ctx, `DROP TABLE IF EXISTS `+t); err != nil {
			return err
		}
		if _, err := db.ExecContext(ctx, `CREATE TABLE `+t+` (i INTEGER PRIMARY KEY, w TEXT NOT NULL)`); err != nil {
			return err
		}
	}
	btx := &bulkTx{ctx: ctx, db: db, params: 400}
	fill := func(t string, ws []string) error {
		b := btx.newBulk(t, "i", "w")
		for i, w := range ws {
			if err := b.add(i, w); err != nil {
				return err
			}
		}
		return b.flush(true)
	}
	bodies := make([]string, seedPool)
	for i := range bodies {
		bodies[i] = g.body()
	}
	if err := fill("sb_seed_text", bodies); err != nil {
		return err
	}
	if err := fill("sb_seed_common", commonWords); err != nil {
		return err
	}
	if err := fill("sb_seed_rare", g.rare); err != nil {
		return err
	}
	return fill("sb_seed_city", cities)
}

// dropWordTables removes the pools.
func dropWordTables(ctx context.Context, db *sql.DB) error {
	for _, t := range []string{"sb_seed_text", "sb_seed_common", "sb_seed_rare", "sb_seed_city"} {
		if _, err := db.ExecContext(ctx, `DROP TABLE IF EXISTS `+t); err != nil {
			return err
		}
	}
	return nil
}

// seedConversationsSQL writes conversations 1..cfg.Conversations as
// SeedSearch does: spread over the year and the queues, a twentieth open,
// a quarter with a refund topic, a quarter with words and a rare one.
func seedConversationsSQL(ctx context.Context, db *sql.DB, d seedSQL, cfg SeedConfig, queueIDs []int64) error {
	n := cfg.Conversations
	perConv := max(1, cfg.Messages/n)
	t0 := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC).UnixMicro()
	span := int64(365 * 24 * time.Hour / time.Microsecond)
	var queue strings.Builder
	queue.WriteString("(CASE " + sqlHash("s.i", 0) + " % " + strconv.Itoa(len(queueIDs)))
	for i, q := range queueIDs {
		fmt.Fprintf(&queue, " WHEN %d THEN %d", i, q)
	}
	queue.WriteString(" END)")
	cu := fmt.Sprintf("((s.i - 1) %% %d + 1)", cfg.Customers)
	created := fmt.Sprintf("(%d + %s)", t0, d.mulDiv("s.i", span, n))
	last := fmt.Sprintf("(%s + %d)", created, int64(perConv-1)*180_000_000)
	h := sqlHash("s.i", 1)
	topic := fmt.Sprintf(`(CASE %s %% 4 WHEN 0 THEN 'Refund for order ' || %s
		WHEN 1 THEN upper(substr(%s, 1, 1)) || substr(%s, 2) || ' ' || %s || ' ' || %s ELSE '' END)`,
		h, d.text(fmt.Sprintf("100000 + %s %% 900000", sqlHash("s.i", 2))),
		"cw.w", "cw.w", pick("sb_seed_common", len(commonWords), sqlHash("s.i", 3)), pick("sb_seed_rare", rareWords, sqlHash("s.i", 4)))
	open := n - n/20
	for lo := 1; lo <= n; lo += seedBatch {
		hi := min(lo+seedBatch-1, n)
		with, from := d.series(lo, hi)
		q := with + `INSERT INTO conversations (id, channel, customer_id, status, priority, topic, queue_id, contact_address, sender_address,
			created_at, updated_at, last_message_at, last_customer_message_at, closed_at)
			SELECT s.i, 'sms', ` + cu + `, CASE WHEN s.i > ` + strconv.Itoa(open) + ` THEN 'open' ELSE 'closed' END, 'normal', ` + topic + `, ` +
			queue.String() + `, ` + d.phone(cu) + `, 'support', ` + created + `, ` + last + `, ` + last + `, ` + last + `,
			CASE WHEN s.i > ` + strconv.Itoa(open) + ` THEN NULL ELSE ` + last + ` + 3600000000 END
			FROM ` + from + ` JOIN sb_seed_common cw ON cw.i = ` + sqlHash("s.i", 5) + ` % ` + strconv.Itoa(len(commonWords)) + ` ORDER BY s.i`
		if _, err := db.ExecContext(ctx, q); err != nil {
			return fmt.Errorf("conversations: %w", err)
		}
	}
	return nil
}

// seedMessagesSQL writes messages 1..cfg.Messages, perConv a conversation,
// three minutes apart, alternating in and out, with the generator's
// endings; progress is printed per batch.
func seedMessagesSQL(ctx context.Context, db *sql.DB, d seedSQL, cfg SeedConfig, start time.Time, progress io.Writer) error {
	perConv := max(1, cfg.Messages/cfg.Conversations)
	total := min(cfg.Messages, perConv*cfg.Conversations)
	t0 := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC).UnixMicro()
	span := int64(365 * 24 * time.Hour / time.Microsecond)
	conv := fmt.Sprintf("((s.i - 1) / %d + 1)", perConv)
	k := fmt.Sprintf("((s.i - 1) %% %d)", perConv)
	cu := fmt.Sprintf("((%s - 1) %% %d + 1)", conv, cfg.Customers)
	at := fmt.Sprintf("(%d + %s + %s * 180000000)", t0, d.mulDiv(conv, span, cfg.Conversations), k)
	rare := func(k int) string { return pick("sb_seed_rare", rareWords, sqlHash("s.i", k)) }
	h := sqlHash("s.i", 1)
	ending := fmt.Sprintf(`(CASE %s %% 6
		WHEN 0 THEN ' order #' || %s
		WHEN 1 THEN ' tracking ' || upper(%s) || %s
		WHEN 2 THEN ' in ' || %s
		WHEN 3 THEN ' ' || %s ELSE '' END ||
		CASE WHEN %s %% 3 = 0 THEN ' ' || %s ELSE '' END || '.')`,
		h, d.text("100000 + "+sqlHash("s.i", 2)+" % 900000"), rare(3), d.text(sqlHash("s.i", 4)+" % 1000"),
		pick("sb_seed_city", len(cities), sqlHash("s.i", 5)), rare(6), sqlHash("s.i", 7), rare(0))
	for lo := 1; lo <= total; lo += seedBatch {
		hi := min(lo+seedBatch-1, total)
		with, from := d.series(lo, hi)
		q := with + `INSERT INTO messages (id, conversation_id, kind, direction, type, text, channel, from_addr, to_addr, external_id, created_at)
			SELECT s.i, ` + conv + `, 'message', CASE WHEN ` + k + ` % 2 = 0 THEN 'in' ELSE 'out' END, 'text', t.w || ` + ending + `, 'sms',
			CASE WHEN ` + k + ` % 2 = 0 THEN ` + d.phone(cu) + ` ELSE 'support' END,
			CASE WHEN ` + k + ` % 2 = 0 THEN 'support' ELSE ` + d.phone(cu) + ` END,
			CASE WHEN ` + k + ` % 2 = 0 THEN 'seed-' || ` + d.text("s.i") + ` END, ` + at + `
			FROM ` + from + ` JOIN sb_seed_text t ON t.i = ` + sqlHash("s.i", 8) + ` % ` + strconv.Itoa(seedPool) + ` ORDER BY s.i`
		if _, err := db.ExecContext(ctx, q); err != nil {
			return fmt.Errorf("messages: %w", err)
		}
		fmt.Fprintf(progress, "seeded %d messages in %s\n", hi, time.Since(start).Round(time.Millisecond))
	}
	return nil
}

// seedRowsSQL writes the conversations and messages with INSERT ... SELECT,
// the messages' secondary indexes and triggers suspended during the load
// (built once after it, as a bulk load would).
func seedRowsSQL(ctx context.Context, db *sql.DB, dialect string, cfg SeedConfig, g *textGen, queueIDs []int64, start time.Time, progress io.Writer) error {
	d := seedSQL{dialect: dialect}
	if err := seedWordTables(ctx, db, g); err != nil {
		return fmt.Errorf("word tables: %w", err)
	}
	if err := seedConversationsSQL(ctx, db, d, cfg, queueIDs); err != nil {
		return err
	}
	fmt.Fprintf(progress, "seeded %d conversations in %s\n", cfg.Conversations, time.Since(start).Round(time.Millisecond))
	restore, err := suspendMessageIndexes(ctx, db, dialect)
	if err != nil {
		return err
	}
	if err := seedMessagesSQL(ctx, db, d, cfg, start, progress); err != nil {
		return err
	}
	t := time.Now()
	if err := restore(); err != nil {
		return fmt.Errorf("messages' indexes: %w", err)
	}
	fmt.Fprintf(progress, "messages' indexes built in %s\n", time.Since(t).Round(time.Millisecond))
	return dropWordTables(ctx, db)
}

// suspendMessageIndexes drops the messages table's secondary indexes and
// turns its triggers off (each message's insert bumps its conversation's
// row version, which a fresh data set does not need), and returns how to
// create the indexes and turn the triggers back on.
func suspendMessageIndexes(ctx context.Context, db *sql.DB, dialect string) (func() error, error) {
	q := `SELECT name, sql FROM sqlite_master WHERE tbl_name = 'messages' AND type IN ('index', 'trigger') AND sql IS NOT NULL`
	if dialect == "postgres" {
		q = `SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = current_schema() AND tablename = 'messages'
			AND indexname <> 'messages_pkey'`
	}
	rows, err := db.QueryContext(ctx, q)
	if err != nil {
		return nil, err
	}
	var names, defs []string
	for rows.Next() {
		var name, def string
		if err := rows.Scan(&name, &def); err != nil {
			rows.Close()
			return nil, err
		}
		names, defs = append(names, name), append(defs, def)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	drops := []string{}
	for i, name := range names {
		if strings.HasPrefix(strings.ToUpper(defs[i]), "CREATE TRIGGER") {
			drops = append(drops, `DROP TRIGGER `+name)
		} else {
			drops = append(drops, `DROP INDEX `+name)
		}
	}
	if dialect == "postgres" {
		drops = append(drops, `ALTER TABLE messages DISABLE TRIGGER USER`)
		defs = append(defs, `ALTER TABLE messages ENABLE TRIGGER USER`)
	}
	for _, s := range drops {
		if _, err := db.ExecContext(ctx, s); err != nil {
			return nil, err
		}
	}
	return func() error {
		tx, err := db.BeginTx(ctx, nil)
		if err != nil {
			return err
		}
		defer tx.Rollback()
		if dialect == "postgres" {
			if _, err := tx.ExecContext(ctx, `SET LOCAL maintenance_work_mem = '256MB'`); err != nil {
				return err
			}
		}
		for _, def := range defs {
			if _, err := tx.ExecContext(ctx, def); err != nil {
				return err
			}
		}
		return tx.Commit()
	}, nil
}
