// Package migratestore copies a SQLite installation of Switchboard into
// PostgreSQL: every table row for row with the same IDs, the sequences
// set past them, then a verification of row counts and checksums per
// table. The copy is resumable: each batch commits with its progress.
package migratestore

import (
	"context"
	"database/sql"
	"fmt"
	"sort"
	"strings"

	"github.com/jackc/pgx/v5"
)

// table is one table both stores have, with the columns copied.
type table struct {
	Name string
	// Cols are the columns copied (in both stores); Types their
	// PostgreSQL types, which decide how SQLite values are converted.
	Cols  []string
	Types []string
	// Skipped are PostgreSQL-only columns left to their default or
	// generated value (the tsvector search columns).
	Skipped []string
}

// notCopied are tables of one store's own machinery: migrations differ
// per store, the FTS5 tables are SQLite's search index (rebuilt as
// PostgreSQL's), and the copy's own progress.
func notCopied(name string) bool {
	return name == "schema_migrations" || name == progressTable || strings.HasPrefix(name, "sqlite_") ||
		strings.Contains(name, "_fts")
}

// planTables matches the tables and columns of the two stores. A SQLite
// table or column PostgreSQL lacks is an error: its data would be lost.
func planTables(ctx context.Context, src *sql.DB, dst *pgx.Conn) ([]table, error) {
	rows, err := src.QueryContext(ctx, `SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name`)
	if err != nil {
		return nil, err
	}
	var names []string
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			rows.Close()
			return nil, err
		}
		if !notCopied(n) {
			names = append(names, n)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	pgCols := map[string][][3]string{}
	prow, err := dst.Query(ctx, `SELECT table_name, column_name, data_type, is_generated FROM information_schema.columns
		WHERE table_schema = current_schema() ORDER BY table_name, ordinal_position`)
	if err != nil {
		return nil, err
	}
	for prow.Next() {
		var t, c, dt, gen string
		if err := prow.Scan(&t, &c, &dt, &gen); err != nil {
			prow.Close()
			return nil, err
		}
		pgCols[t] = append(pgCols[t], [3]string{c, dt, gen})
	}
	prow.Close()
	if err := prow.Err(); err != nil {
		return nil, err
	}
	var out []table
	for _, n := range names {
		pc, ok := pgCols[n]
		if !ok {
			return nil, fmt.Errorf("table %s: not in the PostgreSQL schema (is this binary older than the data folder?)", n)
		}
		sc, err := sqliteCols(ctx, src, n)
		if err != nil {
			return nil, err
		}
		t := table{Name: n}
		have := map[string]bool{}
		for _, c := range sc {
			have[c] = true
		}
		inPG := map[string]bool{}
		for _, c := range pc {
			inPG[c[0]] = true
			if !have[c[0]] || c[2] == "ALWAYS" {
				t.Skipped = append(t.Skipped, c[0])
				continue
			}
			t.Cols = append(t.Cols, c[0])
			t.Types = append(t.Types, c[1])
		}
		for _, c := range sc {
			if !inPG[c] {
				return nil, fmt.Errorf("table %s: column %s is not in the PostgreSQL schema", n, c)
			}
		}
		out = append(out, t)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out, nil
}

func sqliteCols(ctx context.Context, db *sql.DB, t string) ([]string, error) {
	rows, err := db.QueryContext(ctx, `SELECT name FROM pragma_table_info(?)`, t)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var cols []string
	for rows.Next() {
		var c string
		if err := rows.Scan(&c); err != nil {
			return nil, err
		}
		cols = append(cols, c)
	}
	return cols, rows.Err()
}

// quote quotes an identifier for either dialect.
func quote(id string) string { return `"` + strings.ReplaceAll(id, `"`, `""`) + `"` }

func quoteAll(ids []string) string {
	q := make([]string, len(ids))
	for i, id := range ids {
		q[i] = quote(id)
	}
	return strings.Join(q, ", ")
}
