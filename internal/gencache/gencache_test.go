package gencache

import (
	"context"
	"errors"
	"testing"
)

// TestCache checks when a value is served: only under the generation it
// was computed at, never after an error, not when fresh, and within the
// bounds.
func TestCache(t *testing.T) {
	ctx := context.Background()
	g := "1"
	gen := func(context.Context) (string, error) { return g, nil }
	c := New[string, string](3, 10, func(s string) int { return len(s) })
	calls := 0
	do := func(k, v string, fresh bool) (string, bool) {
		t.Helper()
		got, hit, err := c.Do(ctx, gen, k, fresh, func() (string, error) { calls++; return v, nil })
		if err != nil {
			t.Fatal(err)
		}
		return got, hit
	}
	steps := []struct {
		gen, key, compute string
		fresh             bool
		want              string
		hit               bool
	}{
		{"1", "a", "A1", false, "A1", false},
		{"1", "a", "xx", false, "A1", true},  // same generation: served
		{"1", "b", "B1", false, "B1", false}, // another key
		{"2", "a", "A2", false, "A2", false}, // a commit: computed again
		{"2", "b", "B2", false, "B2", false}, // ... every key
		{"2", "a", "xx", false, "A2", true},
		{"2", "a", "A3", true, "A3", false}, // fresh: computed, stored
		{"2", "a", "xx", false, "A3", true},
		{"2", "c", "C2", false, "C2", false},
		{"2", "d", "D2", false, "D2", false}, // fourth entry: starts afresh
		{"2", "a", "A4", false, "A4", false},
		{"2", "big", "0123456789X", false, "0123456789X", false}, // over the bytes: not stored
		{"2", "big", "0123456789Y", false, "0123456789Y", false},
	}
	for i, s := range steps {
		g = s.gen
		if got, hit := do(s.key, s.compute, s.fresh); got != s.want || hit != s.hit {
			t.Fatalf("step %d: %q (hit %v), want %q (hit %v)", i, got, hit, s.want, s.hit)
		}
	}
	if h, m := c.Stats(); h != 3 || m != uint64(len(steps))-3 {
		t.Fatalf("stats: %d hits, %d misses", h, m)
	}

	// Errors are not stored; without a generation nothing is.
	boom := errors.New("boom")
	if _, _, err := c.Do(ctx, gen, "e", false, func() (string, error) { return "", boom }); err != boom {
		t.Fatalf("error: %v", err)
	}
	if got, hit := do("e", "E", false); got != "E" || hit {
		t.Fatalf("after an error: %q (hit %v)", got, hit)
	}
	none := func(context.Context) (string, error) { return "", nil }
	for i := 0; i < 2; i++ {
		if _, hit, _ := c.Do(ctx, none, "n", false, func() (string, error) { return "N", nil }); hit {
			t.Fatal("served without a generation")
		}
	}
}

// TestCacheLatePut checks that a value computed under an older generation
// than the cache has seen is not stored: it may predate a commit.
func TestCacheLatePut(t *testing.T) {
	ctx := context.Background()
	c := New[string, string](10, 100, nil)
	g := "1"
	gen := func(context.Context) (string, error) { return g, nil }
	_, _, _ = c.Do(ctx, gen, "warm", false, func() (string, error) { return "w", nil })
	// A slow read began under 1; meanwhile a commit and another read under 2.
	_, _, _ = c.Do(ctx, gen, "a", false, func() (string, error) {
		g = "2"
		_, _, _ = c.Do(ctx, gen, "b", false, func() (string, error) { return "B", nil })
		return "old", nil
	})
	if got, hit, _ := c.Do(ctx, gen, "a", false, func() (string, error) { return "new", nil }); got != "new" || hit {
		t.Fatalf("after a late put: %q (hit %v), want new computed", got, hit)
	}
}
