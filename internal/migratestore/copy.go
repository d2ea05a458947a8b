package migratestore

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/binary"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
)

// progressTable records, in the target, how far each table's copy got;
// it is dropped once the copy is verified.
const progressTable = "switchboard_migrate_progress"

// Copier copies the SQLite database Src into the PostgreSQL database
// Dst, whose schema the PostgreSQL store's migrations have made.
type Copier struct {
	Src *sql.DB
	Dst *pgx.Conn
	// Batch is how many rows each committed step copies (default 5000).
	Batch int
	// Progress, if set, is told of each committed batch.
	Progress func(table string, rows int64)
	// stopAfter, in tests, ends the copy with errInterrupted after this
	// many batches (a crash, to be resumed).
	stopAfter int
}

// TableReport is one table's outcome.
type TableReport struct {
	Table    string
	Rows     int64
	Checksum string
	Skipped  []string
}

// Report is the outcome of a copy.
type Report struct {
	Tables  []TableReport
	Rows    int64
	Bytes   int64 // of the values copied, as the checksum reads them
	Resumed bool
	// Copy and Verify time the two phases; Took the whole run.
	Copy, Verify, Took time.Duration
}

var errInterrupted = errors.New("interrupted (test)")

// Run copies every table, sets the sequences and verifies each table's
// row count and checksum. Run again after a failure, it resumes where the
// last committed batch left off. A target that already holds another
// installation is refused.
func (c *Copier) Run(ctx context.Context) (*Report, error) {
	start := time.Now()
	if c.Batch <= 0 {
		c.Batch = 5000
	}
	tables, err := planTables(ctx, c.Src, c.Dst)
	if err != nil {
		return nil, err
	}
	rep := &Report{}
	done, err := c.prepare(ctx, tables, rep)
	if err != nil {
		return nil, err
	}
	batches := 0
	for _, t := range tables {
		if done[t.Name] {
			continue
		}
		for {
			n, err := c.copyBatch(ctx, t)
			if err != nil {
				return nil, fmt.Errorf("copy %s: %w", t.Name, err)
			}
			if n == 0 {
				break
			}
			batches++
			if c.stopAfter > 0 && batches >= c.stopAfter {
				return nil, errInterrupted
			}
		}
	}
	if err := c.setSequences(ctx); err != nil {
		return nil, err
	}
	rep.Copy = time.Since(start)
	vstart := time.Now()
	err = c.verify(ctx, tables, rep)
	rep.Verify = time.Since(vstart)
	if err != nil {
		return rep, err
	}
	// The list sort keys (migration 270) came over as SQLite computed
	// them; SQLite's lower() folds ASCII letters only, PostgreSQL's (as
	// its triggers use it for new conversations) every letter: computed
	// again so that copied and new conversations sort alike.
	if _, err := c.Dst.Exec(ctx, sortKeysAgain); err != nil {
		return nil, fmt.Errorf("sort keys: %w", err)
	}
	if _, err := c.Dst.Exec(ctx, `DROP TABLE `+progressTable); err != nil {
		return nil, err
	}
	rep.Took = time.Since(start)
	return rep, nil
}

// prepare starts a copy (the target's tables emptied of what its
// migrations seeded, and a progress row per table) or finds the one to
// resume; it returns the tables already complete.
func (c *Copier) prepare(ctx context.Context, tables []table, rep *Report) (map[string]bool, error) {
	var exists bool
	if err := c.Dst.QueryRow(ctx, `SELECT to_regclass($1) IS NOT NULL`, progressTable).Scan(&exists); err != nil {
		return nil, err
	}
	done := map[string]bool{}
	if exists {
		rep.Resumed = true
		rows, err := c.Dst.Query(ctx, `SELECT table_name FROM `+progressTable+` WHERE done`)
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			var n string
			if err := rows.Scan(&n); err != nil {
				rows.Close()
				return nil, err
			}
			done[n] = true
		}
		rows.Close()
		return done, rows.Err()
	}
	// A target with agents, customers or conversations is an installation
	// (its migrations seed none of them).
	for _, t := range []string{"agents", "customers", "conversations", "messages"} {
		var used bool
		if err := c.Dst.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM `+quote(t)+`)`).Scan(&used); err != nil {
			return nil, err
		}
		if used {
			return nil, fmt.Errorf("the target database already holds an installation (table %s has rows): give an empty database", t)
		}
	}
	tx, err := c.Dst.Begin(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback(ctx)
	names := make([]string, len(tables))
	for i, t := range tables {
		names[i] = t.Name
	}
	if _, err := tx.Exec(ctx, `TRUNCATE `+quoteAll(names)+` CASCADE`); err != nil {
		return nil, err
	}
	if _, err := tx.Exec(ctx, `CREATE TABLE `+progressTable+` (table_name TEXT PRIMARY KEY, last_rowid BIGINT NOT NULL, rows BIGINT NOT NULL, done BOOLEAN NOT NULL)`); err != nil {
		return nil, err
	}
	for _, n := range names {
		if _, err := tx.Exec(ctx, `INSERT INTO `+progressTable+` VALUES ($1, -9223372036854775808, 0, false)`, n); err != nil {
			return nil, err
		}
	}
	return done, tx.Commit(ctx)
}

// copyBatch copies the next rows of t (by SQLite rowid) in one target
// transaction that also records the progress, so a crash loses nothing
// and repeats nothing. It returns the rows copied; 0 marks t done.
func (c *Copier) copyBatch(ctx context.Context, t table) (int, error) {
	tx, err := c.Dst.Begin(ctx)
	if err != nil {
		return 0, err
	}
	defer tx.Rollback(ctx)
	var last int64
	if err := tx.QueryRow(ctx, `SELECT last_rowid FROM `+progressTable+` WHERE table_name = $1 FOR UPDATE`, t.Name).Scan(&last); err != nil {
		return 0, err
	}
	rows, err := c.Src.QueryContext(ctx, `SELECT rowid, `+quoteAll(t.Cols)+` FROM `+quote(t.Name)+` WHERE rowid > ? ORDER BY rowid LIMIT ?`, last, c.Batch)
	if err != nil {
		return 0, err
	}
	var batch [][]any
	for rows.Next() {
		vals := make([]any, len(t.Cols)+1)
		ptrs := make([]any, len(vals))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			rows.Close()
			return 0, err
		}
		last = vals[0].(int64)
		row := vals[1:]
		for i, v := range row {
			if row[i], err = toPG(v, t.Types[i]); err != nil {
				rows.Close()
				return 0, fmt.Errorf("column %s: %w", t.Cols[i], err)
			}
		}
		batch = append(batch, row)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, err
	}
	if len(batch) == 0 {
		if _, err := tx.Exec(ctx, `UPDATE `+progressTable+` SET done = true WHERE table_name = $1`, t.Name); err != nil {
			return 0, err
		}
		return 0, tx.Commit(ctx)
	}
	// Rows go in as they are, before the rows they refer to (a merged
	// conversation names a later one): foreign keys and triggers wait
	// (replica mode, this transaction only); the verification and the
	// search rebuild come after.
	if _, err := tx.Exec(ctx, `SET LOCAL session_replication_role = replica`); err != nil {
		return 0, fmt.Errorf("%w (the target role must be allowed to set session_replication_role: a superuser, or on PostgreSQL 15+ GRANT SET ON PARAMETER session_replication_role)", err)
	}
	if _, err := tx.CopyFrom(ctx, pgx.Identifier{t.Name}, t.Cols, pgx.CopyFromRows(batch)); err != nil {
		return 0, err
	}
	if _, err := tx.Exec(ctx, `UPDATE `+progressTable+` SET last_rowid = $2, rows = rows + $3 WHERE table_name = $1`, t.Name, last, len(batch)); err != nil {
		return 0, err
	}
	if err := tx.Commit(ctx); err != nil {
		return 0, err
	}
	if c.Progress != nil {
		c.Progress(t.Name, int64(len(batch)))
	}
	return len(batch), nil
}

// sortKeysAgain sets the conversations' customer and queue sort keys as
// the target's triggers compute them, where they differ.
const sortKeysAgain = `UPDATE conversations c SET customer_sort_key = k.customer_key, queue_sort_key = k.queue_key
	FROM (SELECT x.id,
		COALESCE((SELECT cu.sort_name FROM customers cu WHERE cu.id = x.customer_id), lower(x.contact_address)) AS customer_key,
		COALESCE((SELECT CASE WHEN q.is_default THEN '0' ELSE '1' END || lower(q.name) FROM queues q WHERE q.id = x.queue_id), '') AS queue_key
		FROM conversations x) k
	WHERE k.id = c.id AND (c.customer_sort_key <> k.customer_key OR c.queue_sort_key <> k.queue_key)`

// setSequences moves every identity or serial sequence past the highest
// copied ID, so new rows get the IDs SQLite would have given next.
func (c *Copier) setSequences(ctx context.Context) error {
	rows, err := c.Dst.Query(ctx, `SELECT table_name, column_name FROM information_schema.columns
		WHERE table_schema = current_schema() AND (is_identity = 'YES' OR column_default LIKE 'nextval(%')`)
	if err != nil {
		return err
	}
	var cols [][2]string
	for rows.Next() {
		var t, col string
		if err := rows.Scan(&t, &col); err != nil {
			rows.Close()
			return err
		}
		cols = append(cols, [2]string{t, col})
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	for _, tc := range cols {
		q := fmt.Sprintf(`SELECT setval(pg_get_serial_sequence($1, $2), COALESCE((SELECT max(%[2]s) FROM %[1]s), 1), (SELECT max(%[2]s) FROM %[1]s) IS NOT NULL)`,
			quote(tc[0]), quote(tc[1]))
		if _, err := c.Dst.Exec(ctx, q, quote(tc[0]), tc[1]); err != nil {
			return fmt.Errorf("sequence of %s.%s: %w", tc[0], tc[1], err)
		}
	}
	return nil
}

// sum is an order-independent checksum: the sum of each row's SHA-256
// (its first 16 bytes), so the two stores need not agree on an order.
type sum struct {
	a, b  uint64
	rows  int64
	bytes int64
	buf   []byte
}

func (s *sum) add(vals []any) {
	s.buf = s.buf[:0]
	for _, v := range vals {
		s.buf = canon(s.buf, v)
		s.buf = append(s.buf, 0)
	}
	h := sha256.Sum256(s.buf)
	s.a += binary.BigEndian.Uint64(h[:8])
	s.b += binary.BigEndian.Uint64(h[8:16])
	s.rows++
	s.bytes += int64(len(s.buf))
}

func (s *sum) String() string { return fmt.Sprintf("%016x%016x", s.a, s.b) }

// verify compares each table's row count and checksum in both stores.
func (c *Copier) verify(ctx context.Context, tables []table, rep *Report) error {
	var bad []string
	for _, t := range tables {
		var src, dst sum
		rows, err := c.Src.QueryContext(ctx, `SELECT `+quoteAll(t.Cols)+` FROM `+quote(t.Name))
		if err != nil {
			return err
		}
		vals := make([]any, len(t.Cols))
		ptrs := make([]any, len(vals))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		for rows.Next() {
			if err := rows.Scan(ptrs...); err != nil {
				rows.Close()
				return err
			}
			for i, v := range vals {
				if vals[i], err = toPG(v, t.Types[i]); err != nil {
					rows.Close()
					return err
				}
			}
			src.add(vals)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		prows, err := c.Dst.Query(ctx, `SELECT `+quoteAll(t.Cols)+` FROM `+quote(t.Name))
		if err != nil {
			return err
		}
		for prows.Next() {
			v, err := prows.Values()
			if err != nil {
				prows.Close()
				return err
			}
			dst.add(v)
		}
		prows.Close()
		if err := prows.Err(); err != nil {
			return err
		}
		rep.Tables = append(rep.Tables, TableReport{Table: t.Name, Rows: dst.rows, Checksum: dst.String(), Skipped: t.Skipped})
		rep.Rows += dst.rows
		rep.Bytes += dst.bytes
		if src.rows != dst.rows || src.String() != dst.String() {
			bad = append(bad, fmt.Sprintf("%s (SQLite %d rows %s, PostgreSQL %d rows %s)", t.Name, src.rows, src.String(), dst.rows, dst.String()))
		}
	}
	if len(bad) > 0 {
		return fmt.Errorf("verification failed: %v", bad)
	}
	return nil
}
