package sqlstore

// ListPage is listPage, for the plan tests of package sqlstore_test.
var ListPage = listPage

// PageCursor encodes a list cursor at key (int64 or string) and id.
func PageCursor(key any, id int64) string { return cursor{Key: key, ID: id}.encode() }
