// Package gencache remembers results for as long as a database is
// unchanged. Each result is stored under the database's write generation
// (a value that changes whenever any connection, process or node commits
// a write) read before the result was computed; a lookup under another
// generation empties the cache. A result is therefore only served while
// no write was committed since it was computed, so it is what computing
// it again would answer, provided the key holds everything besides the
// data the result depends on (the query, whose access applies).
//
// Under a steady stream of writes an entry lives as long as the gap
// between two commits: the cache helps a read repeated in that gap (a
// list polled by many agents, a page reloaded, a search typed again) and
// costs one generation read otherwise.
package gencache

import (
	"context"
	"sync"
	"sync/atomic"
)

// Cache holds values of type V under keys K for one generation at a
// time, bounded by entries and by the sum of the values' sizes. When an
// entry would not fit, the cache starts afresh.
type Cache[K comparable, V any] struct {
	maxEntries, maxBytes int
	sizeOf               func(V) int

	mu      sync.Mutex
	gen     string
	entries map[K]V
	bytes   int

	hits, misses atomic.Uint64
}

// New returns a cache of at most maxEntries values whose sizes (sizeOf,
// nil counting 0) add up to at most maxBytes.
func New[K comparable, V any](maxEntries, maxBytes int, sizeOf func(V) int) *Cache[K, V] {
	if sizeOf == nil {
		sizeOf = func(V) int { return 0 }
	}
	return &Cache[K, V]{maxEntries: maxEntries, maxBytes: maxBytes, sizeOf: sizeOf}
}

// Generation reads a database's write generation; "" means none is
// known, and nothing is cached.
type Generation func(context.Context) (string, error)

// Do answers from the cache when the generation read now is the one a
// value for k was computed under; otherwise it runs fn and stores its
// value (an error is never stored). fresh skips the lookup but stores
// the value computed. Without a generation (gen returns "" or fails) it
// just runs fn. hit reports whether the value came from the cache.
func (c *Cache[K, V]) Do(ctx context.Context, gen Generation, k K, fresh bool, fn func() (V, error)) (v V, hit bool, err error) {
	g, gerr := gen(ctx)
	if gerr != nil || g == "" {
		v, err = fn()
		return v, false, err
	}
	if !fresh {
		if v, ok := c.get(g, k); ok {
			c.hits.Add(1)
			return v, true, nil
		}
	}
	c.misses.Add(1)
	if v, err = fn(); err == nil {
		c.put(g, k, v)
	}
	return v, false, err
}

// Stats returns the lookups answered from the cache and those computed
// (fresh ones included) since the cache was made.
func (c *Cache[K, V]) Stats() (hits, misses uint64) { return c.hits.Load(), c.misses.Load() }

// get returns the value stored under k at generation g, if any; another
// generation empties the cache.
func (c *Cache[K, V]) get(g string, k K) (V, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.gen != g {
		c.gen, c.entries, c.bytes = g, nil, 0
		var zero V
		return zero, false
	}
	v, ok := c.entries[k]
	return v, ok
}

// put stores a value computed after g was read, unless the cache has
// seen another generation meanwhile (the value may predate a commit the
// cache has already seen).
func (c *Cache[K, V]) put(g string, k K, v V) {
	n := c.sizeOf(v)
	if n > c.maxBytes {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.gen != g {
		if c.entries != nil {
			return
		}
		// An empty cache adopts the generation (a fresh first lookup).
		c.gen = g
	}
	if c.entries == nil || len(c.entries) >= c.maxEntries || c.bytes+n > c.maxBytes {
		c.entries, c.bytes = make(map[K]V), 0
	}
	if old, ok := c.entries[k]; ok {
		c.bytes -= c.sizeOf(old)
	}
	c.entries[k] = v
	c.bytes += n
}
