package sqlstore

import (
	"context"
	"database/sql"
	"math"

	"github.com/switchboard-cc/switchboard/internal/desk"
	"github.com/switchboard-cc/switchboard/internal/search"
)

// groupSearch runs one Search's group queries.
type groupSearch struct {
	s     *SearchIndex
	actor *desk.Actor
	q     search.Query
	n     int // page size
}

// windowSQL is what a group's windows read of a candidate: cols, the
// columns that rank it (its indexed text and times), from its table and
// joins (from), whose ID is idCol, with the actor's queue access applied
// if restricted; blank is as many constants, the columns of a window's
// summary row (see readWindow).
type windowSQL struct {
	cols, blank, from, idCol string
	restricted               bool
}

// windowSQLs are the groups' windows.
var windowSQLs = map[string]windowSQL{
	desk.SearchMessages: {
		cols: `m.text, m.created_at`, blank: `'', 0`,
		from: `messages m JOIN conversations c ON c.id = m.conversation_id`, idCol: "m.id", restricted: true,
	},
	desk.SearchConversations: {
		cols: `c.topic, COALESCE(cu.search_terms, ''), c.created_at, c.last_message_at`, blank: `'', '', 0, NULL`,
		from: `conversations c LEFT JOIN customers cu ON cu.id = c.customer_id`, idCol: "c.id", restricted: true,
	},
	// People are visible to every actor, as in FindCustomers.
	desk.SearchCustomers: {
		cols: `cu.search_terms, cu.created_at, cu.last_activity_at`, blank: `'', 0, NULL`,
		from: `customers cu`, idCol: "cu.id",
	},
}

// collect reads a group's windows below the cursor (see candidateWindow):
// the index's matching IDs, then the records among them the actor may see
// (queue access if src.restricted), whose rows go to scan: the row's ID, a
// 0, then src.cols. scan adds a candidate for an ID above 0 only (a
// window's summary row, see readWindow, has none). It returns whether
// older matches may remain and the oldest match read.
func (g *groupSearch) collect(ctx context.Context, group string, cur searchCursor, scan func(*sql.Rows) (id, aux int64, err error)) (more bool, oldest int64, err error) {
	before := cur.Before
	if before == 0 {
		before = math.MaxInt64
	}
	expr, err := g.s.dialect.Search.GroupExpr(ctx, g.s.rd, group, g.q)
	if err != nil {
		return false, 0, err
	}
	src := windowSQLs[group]
	visible, want := 0, min(g.n*visiblePerHit, maxVisible)
	var width int64 // of the ID range the last window took (see matchIDs)
	for w := 0; w < maxWindows; w++ {
		var n, seen int // matches in the window, visible ones
		var low int64   // the window's oldest match
		if g.s.dialect.Search.Span(group) == 0 {
			n, low, seen, err = g.readWindow(ctx, group, expr, before, src, scan)
		} else {
			n, low, seen, err = g.readMatches(ctx, group, expr, before, &width, src, scan)
		}
		if err != nil || n == 0 {
			return false, oldest, err
		}
		visible += seen
		oldest, before = low, low
		if n < candidateWindow {
			return false, oldest, nil
		} else if visible >= want {
			break
		}
	}
	return true, oldest, nil
}

// windowQuery is readWindow's statement and arguments: matches is the
// index's listing of the newest $3 matches of $1 below $2.
func windowQuery(matches string, actor *desk.Actor, src windowSQL, expr string, before int64) (string, []any) {
	wh := where{args: []any{expr, before, candidateWindow}} // $1–$3 of matches
	wh.add(src.idCol + ` = f.id`)
	if src.restricted {
		restrict(&wh, actor)
	}
	return `WITH f(id) AS MATERIALIZED (` + matches + `)
		SELECT -count(*), COALESCE(min(id), 0), ` + src.blank + ` FROM f
		UNION ALL SELECT ` + src.idCol + `, 0, ` + src.cols + ` FROM f, ` + src.from + wh.sql(), wh.args
}

// readMatches reads a window in two steps: the index's matching IDs
// (matchIDs), then the visible records among them by ID. It returns the
// number of matches, the oldest, and the visible records read.
func (g *groupSearch) readMatches(ctx context.Context, group, expr string, before int64, width *int64, src windowSQL, scan func(*sql.Rows) (int64, int64, error)) (n int, oldest int64, seen int, err error) {
	ids, err := g.matchIDs(ctx, group, expr, before, width)
	if err != nil || len(ids) == 0 {
		return 0, 0, 0, err
	}
	rows, err := g.readIDs(ctx, src.restricted, `SELECT `+src.idCol+`, 0, `+src.cols+` FROM `+src.from, src.idCol, ids)
	if err != nil {
		return 0, 0, 0, err
	}
	defer rows.Close()
	for rows.Next() {
		if _, _, err := scan(rows); err != nil {
			return 0, 0, 0, err
		}
		seen++
	}
	return len(ids), ids[len(ids)-1], seen, rows.Err()
}

// readWindow reads a window in one statement, for an index that lists
// any query's matches newest first in one query (Span 0, SQLite's FTS5):
// the listing materialised once, a summary row of it (minus the number of
// matches as the ID, the oldest match as aux: the window's extent, whatever
// the actor sees), then the visible records among its matches — the rows
// the actor may not see never leave the database, and the IDs are not
// passed back in as a list. It returns what readMatches returns.
func (g *groupSearch) readWindow(ctx context.Context, group, expr string, before int64, src windowSQL, scan func(*sql.Rows) (int64, int64, error)) (n int, oldest int64, seen int, err error) {
	q, args := windowQuery(g.s.dialect.Search.Matches(group, ListIndex), g.actor, src, expr, before)
	rows, err := g.s.rd.QueryContext(ctx, q, g.s.dialect.Search.Args(args)...)
	if err != nil {
		return 0, 0, 0, err
	}
	defer rows.Close()
	for rows.Next() {
		id, aux, err := scan(rows)
		if err != nil {
			return 0, 0, 0, err
		} else if id <= 0 {
			n, oldest = int(-id), aux
		} else {
			seen++
		}
	}
	return n, oldest, seen, rows.Err()
}

// searchTables are the groups' tables.
var searchTables = map[string]string{
	desk.SearchMessages: "messages", desk.SearchConversations: "conversations", desk.SearchCustomers: "customers",
}

// maxRanges bounds the range queries of one window; the last one reaches
// down to the oldest record.
const maxRanges = 4

// matchIDs lists the IDs of the group's newest candidateWindow matches
// below before, newest first. If the index lists matches cheaply only
// within ID ranges (SearchSQL.Span), it asks range by range, newest first:
// the first a span or two wide, each next one as wide as the density of
// matches seen so far says the missing ones need (with a margin), and the
// last, or one that would reach the oldest records anyway, unbounded. The
// ranges are disjoint and consecutive, so the IDs come newest first and
// none is skipped. *width is the width of IDs the previous window of the
// search took (0 for the first), where this one starts, and is set to
// what this one took.
func (g *groupSearch) matchIDs(ctx context.Context, group, expr string, before int64, width *int64) ([]int64, error) {
	span := g.s.dialect.Search.Span(group)
	// A phone number's digits match a few records in any group: one index
	// query lists them, where ranges would ask up to maxRanges times.
	if span == 0 || g.q.Phone != "" {
		return g.matchRange(ctx, group, expr, ListIndex, 0, before, candidateWindow, nil)
	}
	if how, err := g.s.dialect.Search.Choose(ctx, g.s.r, group, g.q, candidateWindow); err != nil {
		return nil, err
	} else if how != ListRange {
		return g.matchRange(ctx, group, expr, how, 0, before, candidateWindow, nil)
	}
	if before == math.MaxInt64 {
		var top int64
		if err := g.s.rd.QueryRowContext(ctx, `SELECT COALESCE(max(id), 0) FROM `+searchTables[group]).Scan(&top); err != nil {
			return nil, err
		}
		before = top + 1
	}
	ids := make([]int64, 0, candidateWindow)
	next, covered := max(*width, span), int64(0)
	defer func() { *width = covered }()
	for r := 0; ; r++ {
		lo := max(before-next, 0) / span * span
		if r == maxRanges-1 || lo < span {
			lo = 0
		}
		var err error
		how := ListRange
		if lo == 0 {
			how = ListIndex
		}
		if ids, err = g.matchRange(ctx, group, expr, how, lo, before, candidateWindow-len(ids), ids); err != nil {
			return nil, err
		}
		covered += before - lo
		if len(ids) >= candidateWindow || lo == 0 {
			return ids, nil
		}
		before = lo
		if len(ids) == 0 {
			next = covered * 8
		} else {
			need := float64(candidateWindow-len(ids)) * float64(covered) / float64(len(ids))
			next = max(int64(need*1.5), span)
		}
	}
}

// matchRange appends to ids the IDs of at most n of the group's matches
// below before, newest first, listed as how says (ListRange: only those
// from lo on).
func (g *groupSearch) matchRange(ctx context.Context, group, expr string, how Listing, lo, before int64, n int, ids []int64) ([]int64, error) {
	args := []any{expr, before, n}
	if how == ListRange {
		args = append(args, lo)
	}
	rows, err := g.s.rd.QueryContext(ctx, g.s.dialect.Search.Matches(group, how), g.s.dialect.Search.Args(args)...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	if ids == nil {
		ids = make([]int64, 0, n)
	}
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		ids = append(ids, id)
	}
	return ids, rows.Err()
}

// A group's candidates are read with only what ranks them (the indexed
// text and the time of last activity), and the full records, with their
// joins and JSON columns, only for the page shown: a common word ranks up
// to candidateWindow × maxWindows candidates for a page of 20.

// readIDs reads the records of ids through sel (SELECT ... FROM the
// group's table and joins), the actor's access applied when restricted.
// Planned once and cached on PostgreSQL too: an ID list read through the
// primary key whatever the words (Args is for the match queries).
func (g *groupSearch) readIDs(ctx context.Context, restricted bool, sel, idCol string, ids []int64) (*sql.Rows, error) {
	cond, arg := g.s.dialect.Search.InIDs(idCol, ids)
	var wh where
	wh.add(cond, arg)
	if restricted {
		restrict(&wh, g.actor)
	}
	return g.s.rd.QueryContext(ctx, sel+wh.sql(), wh.args...)
}

// loadPage reads the records of a ranked page through sel (SELECT ... FROM
// the group's table and joins), whose rows go to scan, and returns them in
// the page's order. The actor's access applies again (restricted): a
// record that left their queues since it was ranked is left out, as is
// one deleted since.
func loadPage[T any](ctx context.Context, g *groupSearch, restricted bool, sel, idCol string, ids []int64, scan func(*sql.Rows) (int64, T, error)) ([]T, error) {
	out := make([]T, 0, len(ids))
	if len(ids) == 0 {
		return out, nil
	}
	rows, err := g.readIDs(ctx, restricted, sel, idCol, ids)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	byID := make(map[int64]T, len(ids))
	for rows.Next() {
		id, item, err := scan(rows)
		if err != nil {
			return nil, err
		}
		byID[id] = item
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	for _, id := range ids {
		if item, ok := byID[id]; ok {
			out = append(out, item)
		}
	}
	return out, nil
}

// messageCand is a message candidate: its ID and text (for the snippet).
type messageCand struct {
	id   int64
	text string
}

// messages is the messages group: each hit with a highlighted snippet and
// its conversation.
func (g *groupSearch) messages(ctx context.Context, cur searchCursor) ([]*desk.MessageHit, string, error) {
	var win window[messageCand]
	var err error
	win.more, win.oldest, err = g.collect(ctx, desk.SearchMessages, cur, func(rows *sql.Rows) (int64, int64, error) {
		var c messageCand
		var aux, at int64
		if err := rows.Scan(&c.id, &aux, &c.text, &at); err != nil || c.id <= 0 {
			return c.id, aux, err
		}
		win.add(g.q, c.text, searchHit[messageCand]{item: c, id: c.id, recent: at})
		return c.id, aux, nil
	})
	if err != nil {
		return nil, "", err
	}
	cands, next := rankPage(desk.SearchMessages, &win, cur, g.n)
	ids, texts := make([]int64, len(cands)), make(map[int64]string, len(cands))
	for i, c := range cands {
		ids[i], texts[c.id] = c.id, c.text
	}
	page, err := loadPage(ctx, g, true, `SELECT m.id, m.kind, m.direction, m.channel, m.created_at,
		c.id, c.channel, c.status, c.topic, COALESCE(c.customer_id, 0), COALESCE(NULLIF(cu.name, ''), c.contact_address)
		FROM messages m JOIN conversations c ON c.id = m.conversation_id LEFT JOIN customers cu ON cu.id = c.customer_id`, "m.id", ids,
		func(rows *sql.Rows) (int64, *desk.MessageHit, error) {
			var h desk.MessageHit
			var at int64
			if err := rows.Scan(&h.ID, &h.Kind, &h.Direction, &h.Channel, &at, &h.Conversation.ID, &h.Conversation.Channel,
				&h.Conversation.Status, &h.Conversation.Topic, &h.Conversation.CustomerID, &h.Conversation.CustomerName); err != nil {
				return 0, nil, err
			}
			h.CreatedAt = fromMicros(at)
			h.Snippet, h.Highlights = search.Snippet(texts[int64(h.ID)], g.q)
			if h.Highlights == nil {
				h.Highlights = []desk.Span{}
			}
			return int64(h.ID), &h, nil
		})
	return page, next, err
}

// recentOf is a record's last activity if it has one, else its creation.
func recentOf(created int64, last sql.NullInt64) int64 {
	if last.Valid {
		return last.Int64
	}
	return created
}

// conversations is the conversations group: matched by topic or by their
// customer's name, addresses and phone numbers.
func (g *groupSearch) conversations(ctx context.Context, cur searchCursor) ([]*desk.Conversation, string, error) {
	var win window[int64]
	var err error
	win.more, win.oldest, err = g.collect(ctx, desk.SearchConversations, cur, func(rows *sql.Rows) (int64, int64, error) {
		var id, aux, created int64
		var topic, terms string
		var last sql.NullInt64
		if err := rows.Scan(&id, &aux, &topic, &terms, &created, &last); err != nil || id <= 0 {
			return id, aux, err
		}
		win.add(g.q, topic+" "+terms, searchHit[int64]{item: id, id: id, recent: recentOf(created, last)})
		return id, aux, nil
	})
	if err != nil {
		return nil, "", err
	}
	ids, next := rankPage(desk.SearchConversations, &win, cur, g.n)
	page, err := loadPage(ctx, g, true, conversationSelect+conversationFrom, "c.id", ids,
		func(rows *sql.Rows) (int64, *desk.Conversation, error) {
			c, err := scanConversation(rows)
			if err != nil {
				return 0, nil, err
			}
			return int64(c.ID), c, nil
		})
	return page, next, err
}

// customers is the customers group. People are visible to every actor, as
// in FindCustomers.
func (g *groupSearch) customers(ctx context.Context, cur searchCursor) ([]*desk.Customer, string, error) {
	var win window[int64]
	var err error
	win.more, win.oldest, err = g.collect(ctx, desk.SearchCustomers, cur, func(rows *sql.Rows) (int64, int64, error) {
		var id, aux, created int64
		var terms string
		var last sql.NullInt64
		if err := rows.Scan(&id, &aux, &terms, &created, &last); err != nil || id <= 0 {
			return id, aux, err
		}
		win.add(g.q, terms, searchHit[int64]{item: id, id: id, recent: recentOf(created, last)})
		return id, aux, nil
	})
	if err != nil {
		return nil, "", err
	}
	ids, next := rankPage(desk.SearchCustomers, &win, cur, g.n)
	page, err := loadPage(ctx, g, false, `SELECT `+customerColumns+` FROM customers cu`, "cu.id", ids,
		func(rows *sql.Rows) (int64, *desk.Customer, error) {
			c, err := scanCustomer(rows)
			if err != nil {
				return 0, nil, err
			}
			return int64(c.ID), c, nil
		})
	return page, next, err
}
