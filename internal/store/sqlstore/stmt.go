package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"sync"
)

// maxCachedStmts bounds the readers' prepared-statement cache; list queries
// built from filter combinations are few, but the bound keeps it safe.
const maxCachedStmts = 512

// stmtCache keeps prepared statements of the reader pool. Parsing SQL was
// the largest cost of hot paths on SQLite (over 40% of CPU), whose driver
// prepares every statement anew; database/sql prepares a cached statement
// once on each pooled connection. Only readers prepare lazily: the writer
// pool has one connection, held by the open transaction, so preparing there
// on demand would wait for itself.
type stmtCache struct {
	db *sql.DB
	mu sync.RWMutex
	m  map[string]*sql.Stmt
}

func newStmtCache(db *sql.DB) *stmtCache { return &stmtCache{db: db, m: map[string]*sql.Stmt{}} }

// get returns the prepared statement for q, or nil when the cache is off,
// full, or preparing failed (callers then run q unprepared, which reports
// the error the usual way).
func (c *stmtCache) get(ctx context.Context, q string) *sql.Stmt {
	if c == nil {
		return nil
	}
	c.mu.RLock()
	st := c.m[q]
	c.mu.RUnlock()
	if st != nil {
		return st
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if st = c.m[q]; st != nil || len(c.m) >= maxCachedStmts {
		return st
	}
	st, err := c.db.PrepareContext(ctx, q)
	if err != nil {
		return nil
	}
	c.m[q] = st
	return st
}

func (c *stmtCache) close() {
	if c == nil {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, st := range c.m {
		st.Close()
	}
	c.m = map[string]*sql.Stmt{}
}

// prepareWriter prepares the hot write statements on the writer pool up
// front, before any transaction can hold its connection.
func (s *core) prepareWriter(ctx context.Context) error {
	all := append(append(append(append([]string{}, hotWrites...), autoAssignWrites...), reportWrites(&s.dialect)...), s.dialect.AfterWrite...)
	s.wstmts = make(map[string]*sql.Stmt, len(all))
	for _, q := range all {
		st, err := s.w.PrepareContext(ctx, q)
		if err != nil {
			return fmt.Errorf("prepare %q: %w", q, err)
		}
		s.wstmts[q] = st
	}
	return nil
}

// reader runs read queries through the readers' statement cache; it
// satisfies querier.
type reader struct{ s *core }

// QueryContext runs a (prepared where possible) read.
func (r reader) QueryContext(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	if st := r.s.rstmts.get(ctx, q); st != nil {
		return st.QueryContext(ctx, args...)
	}
	return r.s.r.QueryContext(ctx, q, args...)
}

// QueryRowContext runs a (prepared where possible) single-row read.
func (r reader) QueryRowContext(ctx context.Context, q string, args ...any) *sql.Row {
	if st := r.s.rstmts.get(ctx, q); st != nil {
		return st.QueryRowContext(ctx, args...)
	}
	return r.s.r.QueryRowContext(ctx, q, args...)
}

// txRow runs a single-row query inside tx, prepared if it is a hot write.
// The map is read-only after New, so no lock is needed.
func (s *core) txRow(ctx context.Context, tx *sql.Tx, q string, args ...any) *sql.Row {
	if st := s.wstmts[q]; st != nil {
		return tx.StmtContext(ctx, st).QueryRowContext(ctx, args...)
	}
	return tx.QueryRowContext(ctx, q, args...)
}

// txExec runs a statement inside tx, prepared if it is a hot write.
func (s *core) txExec(ctx context.Context, tx *sql.Tx, q string, args ...any) (sql.Result, error) {
	if st := s.wstmts[q]; st != nil {
		return tx.StmtContext(ctx, st).ExecContext(ctx, args...)
	}
	return tx.ExecContext(ctx, q, args...)
}

// txQuery runs a query inside tx, prepared if it is a hot write.
func (s *core) txQuery(ctx context.Context, tx *sql.Tx, q string, args ...any) (*sql.Rows, error) {
	if st := s.wstmts[q]; st != nil {
		return tx.StmtContext(ctx, st).QueryContext(ctx, args...)
	}
	return tx.QueryContext(ctx, q, args...)
}

// unwatched returns the context a list page's short reads run under:
// without ctx's cancellation where the dialect says they never wait
// (Dialect.Unwatched), else ctx. Values (the actor) are kept.
func (s *core) unwatched(ctx context.Context) context.Context {
	if s.dialect.Unwatched {
		return context.WithoutCancel(ctx)
	}
	return ctx
}
