package sqlstore

import (
	"context"
	"database/sql"
)

// indexPending indexes for search what write transactions left to a
// later one (Dialect.IndexEvery), so that a search finds every row
// committed before it began, in this process or another. Nothing is
// written when nothing waits.
func (s *SearchIndex) indexPending(ctx context.Context) error {
	if len(s.dialect.AfterWrite) == 0 || s.dialect.Unindexed == "" {
		return nil
	}
	var waiting bool
	if err := s.rd.QueryRowContext(ctx, s.dialect.Unindexed).Scan(&waiting); err != nil || !waiting {
		return err
	}
	return s.writeTx(ctx, true, func(*sql.Tx) error { return nil })
}

// IndexPending indexes for search every committed row that waits to be
// (see Dialect.IndexEvery): searches do it themselves; tests and tools
// that read the index directly call it first.
func (s *SearchIndex) IndexPending(ctx context.Context) error { return s.indexPending(ctx) }
