package sqlstore

import (
	"context"
	"database/sql"
	"encoding/base64"
	"encoding/json"
	"errors"
	"sort"
	"sync"

	"github.com/switchboard-cc/switchboard/internal/desk"
	"github.com/switchboard-cc/switchboard/internal/search"
)

// SearchSQL is the part of search that differs between databases: how a
// group's full-text index lists matching IDs, how a parsed query is
// written in the index's syntax, how a list of IDs is passed, and how the
// indexes are rebuilt. The sqlite and postgres packages implement it.
type SearchSQL interface {
	// Matches returns the query listing the IDs of a group's (desk.Search*)
	// records matching $1 (a query from Expr) with IDs below $2, newest
	// first, at most $3; for ListRange, only those with IDs from $4 on.
	Matches(group string, how Listing) string
	// Span is the width of the ID ranges a group's matches are best listed
	// in, newest range first (see groupSearch.matchIDs), or 0 if the index
	// lists any word's matches newest first by itself.
	Span(group string) int64
	// Choose returns how a window of want matches of q is listed
	// fastest: ListWalk if q matches so large a share of the group's
	// records that testing the newest ones one by one finds them first,
	// ListIndex if q matches so few that the index lists them all cheaply
	// in one query, ListRange (range by range, see matchIDs) otherwise.
	// Only asked if Span is not 0.
	Choose(ctx context.Context, db *sql.DB, group string, q search.Query, want int) (Listing, error)
	// GroupExpr writes a non-empty parsed query in the syntax of the
	// group's index. Every word is quoted, so no input can be a syntax
	// error. It may depend on what the index holds (SQLite: whether a long prefix is asked as typed or
	// cut to what its prefix indexes cover), reading through db.
	GroupExpr(ctx context.Context, db Querier, group string, q search.Query) (string, error)
	// InIDs returns a condition that col is one of ids, with ? standing for
	// the one argument it returns.
	InIDs(col string, ids []int64) (cond string, arg any)
	// Args returns the arguments of a search query as the driver should
	// get them. PostgreSQL must plan each search with its query in hand:
	// a cached generic plan picks one strategy for common and rare words
	// alike, and is slow for one or the other.
	Args(args []any) []any
	// Reindex rebuilds the indexes from the stored records.
	Reindex(ctx context.Context, db *sql.DB) error
	// Generation returns the database's write generation: a value that
	// differs after any write committed by anyone (another connection,
	// process or node). db is the readers' pool. Results are cached
	// under it (Store.Generation, package gencache); "" caches nothing.
	Generation(ctx context.Context, db *sql.DB) (string, error)
}

// Querier reads one row.
type Querier interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// Listing is how a match query lists a group's matches.
type Listing int

const (
	// ListIndex asks the index for all matches below an ID.
	ListIndex Listing = iota
	// ListRange asks the index for the matches in a range of IDs.
	ListRange
	// ListWalk tests the records below an ID one by one, newest first,
	// without the index: fastest for a query most records match.
	ListWalk
)

// A group's results are read in windows: the index lists the newest
// candidateWindow matches below the cursor (cheap for any word: FTS5 walks
// its matches newest first, PostgreSQL walks the primary key for a common
// word and reads GIN for a rare one), then one query reads those records
// with the actor's queue access applied. Windows are read until
// enough visible matches are in hand or maxWindows were read; those
// are ranked by relevance, then recency, and paged. Bounding the windows
// bounds the work of a query on a common word however many records match,
// and keeps the access check to a few hundred rows. How many visible
// matches are ranked follows the page size (visiblePerHit a hit, at most
// maxVisible), so a search's cost depends on the page asked for, not on
// how many records match.
const (
	candidateWindow = 250
	maxWindows      = 4
	visiblePerHit   = 3
	maxVisible      = 100
)

// searchCursor is the position in a group's results: the window (matches
// with an ID below Before; 0 for the newest) and the offset in its ranking.
type searchCursor struct {
	Group  string `json:"g"`
	Before int64  `json:"b,omitempty"`
	Offset int    `json:"o,omitempty"`
}

func (c searchCursor) encode() string {
	b, _ := json.Marshal(c)
	return base64.RawURLEncoding.EncodeToString(b)
}

func decodeSearchCursor(s string) (searchCursor, error) {
	var c searchCursor
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err == nil {
		err = json.Unmarshal(b, &c)
	}
	valid := c.Group == desk.SearchConversations || c.Group == desk.SearchMessages || c.Group == desk.SearchCustomers
	if err != nil || !valid || c.Before < 0 || c.Offset < 0 || c.Offset >= candidateWindow*maxWindows {
		return c, desk.FieldErrorf("cursor", "cursor is not valid")
	}
	return c, nil
}

// searchHit is a record of a window with what ranks it.
type searchHit[T any] struct {
	item   T
	id     int64
	score  int
	recent int64 // last activity or creation, unix microseconds
}

// window is what a group's windows held: the visible candidates that
// match the exact query, whether older matches may remain, and the oldest
// match read.
type window[T any] struct {
	cands  []searchHit[T]
	more   bool
	oldest int64
}

// add records a visible record read with its indexed text; it is a
// candidate if the exact query matches it (an index may match wider, see
// SearchSQL.Expr).
func (w *window[T]) add(q search.Query, text string, c searchHit[T]) {
	if score, ok := q.Rank(text); ok {
		c.score = score
		w.cands = append(w.cands, c)
	}
}

// rankPage sorts a window's candidates (taken newest first) by relevance,
// then recency, and returns the page at the cursor with the next cursor.
func rankPage[T any](group string, w *window[T], cur searchCursor, n int) ([]T, string) {
	out := []T{}
	cands := w.cands
	sort.SliceStable(cands, func(i, j int) bool {
		a, b := cands[i], cands[j]
		if a.score != b.score {
			return a.score > b.score
		} else if a.recent != b.recent {
			return a.recent > b.recent
		}
		return a.id > b.id
	})
	start := min(cur.Offset, len(cands))
	end := min(start+n, len(cands))
	for _, c := range cands[start:end] {
		out = append(out, c.item)
	}
	switch {
	case end < len(cands):
		return out, searchCursor{Group: group, Before: cur.Before, Offset: end}.encode()
	case w.more:
		return out, searchCursor{Group: group, Before: w.oldest}.encode()
	}
	return out, ""
}

// Search runs a global search (G1): each requested group takes its window
// of candidates from the full-text index, with queue access applied in
// the same query, and ranks it in Go with package search, so that both
// stores order results the same way.
func (s *SearchIndex) Search(ctx context.Context, q desk.SearchQuery) (*desk.SearchResult, error) {
	actor, err := desk.RequireActor(ctx)
	if err != nil {
		return nil, err
	}
	if err := q.Validate(); err != nil {
		return nil, err
	}
	var cur searchCursor
	if q.Cursor != "" {
		if cur, err = decodeSearchCursor(q.Cursor); err != nil {
			return nil, err
		} else if q.Type != "" && q.Type != cur.Group {
			return nil, desk.FieldErrorf("cursor", "the cursor belongs to the %s group", cur.Group)
		}
		q.Type = cur.Group
	}
	return s.search(ctx, actor, q, cur)
}

// search runs a validated Search.
func (s *SearchIndex) search(ctx context.Context, actor *desk.Actor, q desk.SearchQuery, cur searchCursor) (*desk.SearchResult, error) {
	res := &desk.SearchResult{
		Conversations: desk.ConversationHits{Items: []*desk.Conversation{}},
		Messages:      desk.MessageHits{Items: []*desk.MessageHit{}},
		Customers:     desk.CustomerHits{Items: []*desk.Customer{}},
	}
	pq := search.Parse(q.Text)
	if pq.Empty() {
		return res, nil
	}
	if err := s.indexPending(ctx); err != nil {
		return nil, err
	}
	gs := groupSearch{s: s, actor: actor, q: pq, n: min(limit(q.Limit), maxVisible)}
	at := func(group string) searchCursor {
		if cur.Group == group {
			return cur
		}
		return searchCursor{Group: group}
	}
	// The groups are independent queries: run them side by side, so a
	// search costs its slowest group rather than the sum.
	var wg sync.WaitGroup
	errs := make([]error, 3)
	run := func(i int, group string, fn func() error) {
		if q.Type == "" || q.Type == group {
			wg.Add(1)
			go func() { defer wg.Done(); errs[i] = fn() }()
		}
	}
	run(0, desk.SearchConversations, func() (err error) {
		res.Conversations.Items, res.Conversations.NextCursor, err = gs.conversations(ctx, at(desk.SearchConversations))
		return err
	})
	run(1, desk.SearchMessages, func() (err error) {
		res.Messages.Items, res.Messages.NextCursor, err = gs.messages(ctx, at(desk.SearchMessages))
		return err
	})
	run(2, desk.SearchCustomers, func() (err error) {
		res.Customers.Items, res.Customers.NextCursor, err = gs.customers(ctx, at(desk.SearchCustomers))
		return err
	})
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return res, nil
}
