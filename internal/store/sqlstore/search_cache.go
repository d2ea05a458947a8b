package sqlstore

import (
	"context"
	"sync"

	"github.com/switchboard-cc/switchboard/internal/desk"
)

// searchCacheSize bounds the results a searchCache holds; when full it
// starts afresh.
const searchCacheSize = 2048

// searchCache remembers Search results for as long as the database is
// unchanged: each result is stored under the database's write generation
// (SearchSQL.Generation) read before the search ran, and a lookup under
// another generation empties the cache. A result is only ever served
// while no write was committed since it was computed (any write, by any
// connection, process or node), so it is what the search would answer
// now. What an actor may see is part of the key (all queues, or the
// agent's own access, which the database holds), so access checks are
// the same as uncached. A typed query repeated (as-you-type, several
// agents after the same customer, a page reloaded) costs a generation
// read; under a steady stream of writes entries live as long as the gap
// between two commits.
type searchCache struct {
	mu      sync.Mutex
	gen     string
	entries map[searchKey]*desk.SearchResult
}

// searchKey is what a Search result depends on besides the data: the
// validated query and whose access applies (0: every queue; otherwise the
// agent, whose queue memberships the generation covers).
type searchKey struct {
	scope               desk.ID
	text, group, cursor string
	limit               int
}

func newSearchKey(actor *desk.Actor, q desk.SearchQuery) searchKey {
	k := searchKey{scope: actor.AgentID, text: q.Text, group: q.Type, cursor: q.Cursor, limit: q.Limit}
	if actor.SeesAllQueues() {
		k.scope = 0
	} else if k.scope == 0 {
		k.scope = -1 // an agent-less actor who does not see every queue
	}
	return k
}

// get returns the result stored under key at generation gen, if any.
func (c *searchCache) get(gen string, k searchKey) *desk.SearchResult {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.gen != gen {
		c.gen, c.entries = gen, nil
		return nil
	}
	return c.entries[k]
}

// put stores a result computed after gen was read, unless the cache has
// seen a newer generation meanwhile.
func (c *searchCache) put(gen string, k searchKey, res *desk.SearchResult) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.gen != gen {
		return
	}
	if c.entries == nil || len(c.entries) >= searchCacheSize {
		c.entries = make(map[searchKey]*desk.SearchResult)
	}
	c.entries[k] = res
}

// cachedSearch answers from the cache when the database is unchanged
// since a result for the same key was computed; otherwise it runs fn and
// stores its result; fresh skips the lookup. Without a generation (the
// dialect has none, or it could not be read) it just runs fn.
func (s *Store) cachedSearch(ctx context.Context, k searchKey, fresh bool, fn func() (*desk.SearchResult, error)) (*desk.SearchResult, error) {
	gen, err := s.dialect.Search.Generation(ctx, s.r)
	if err != nil || gen == "" {
		return fn()
	}
	if res := s.searchCache.get(gen, k); res != nil && !fresh {
		return res, nil
	}
	res, err := fn()
	if err == nil {
		s.searchCache.put(gen, k, res)
	}
	return res, err
}
