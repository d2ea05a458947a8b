package postgres

import (
	"context"
	"database/sql"

	"github.com/switchboard-cc/switchboard/internal/search"
	"github.com/switchboard-cc/switchboard/internal/store/sqlstore"
)

// ChooseListing is how the store lists a group's matches of q (a fresh
// reading of the table's statistics), with the statement it runs.
func ChooseListing(ctx context.Context, db *sql.DB, group string, q search.Query) (sqlstore.Listing, string, error) {
	s := &tsSearch{}
	how, err := s.Choose(ctx, db, group, q, 250)
	return how, s.Matches(group, how), err
}
