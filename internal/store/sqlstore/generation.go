package sqlstore

import "context"

// Generation returns the database's write generation (desk.Generations):
// SQLite's PRAGMA data_version on a connection held for it, PostgreSQL's
// current snapshot (see each dialect's SearchSQL.Generation). It differs
// after any write committed by anyone (this store's writer, another
// process on the same file, another node), so a result computed after
// it was read is current for as long as it reads the same.
func (s *core) Generation(ctx context.Context) (string, error) {
	return s.dialect.Search.Generation(ctx, s.r)
}
