package sqlstore

import (
	"math"

	"github.com/switchboard-cc/switchboard/internal/desk"
)

// ListPage is listPage, for the plan tests of package sqlstore_test.
var ListPage = listPage

// PageCursor encodes a list cursor at key (int64 or string) and id.
func PageCursor(key any, id int64) string { return cursor{Key: key, ID: id}.encode() }

// SearchWindow is the statement and arguments of the first window of a
// group's search for expr on s, read in one statement (readWindow), for
// the plan tests of package sqlstore_test.
func SearchWindow(s *Store, group string, actor *desk.Actor, expr string) (string, []any) {
	return windowQuery(s.dialect.Search.Matches(group, ListIndex), actor, windowSQLs[group], expr, math.MaxInt64)
}
