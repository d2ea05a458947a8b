package postgres

import (
	"context"
	"math"
	"testing"
	"time"

	"github.com/switchboard-cc/switchboard/internal/search"
	"github.com/switchboard-cc/switchboard/internal/store/sqlstore"
)

// TestLexemeShare checks the estimates that pick a walk or GIN: whole
// words take their frequency, a prefix the sum over the common lexemes it
// starts, terms multiply into the share and add up into GIN's postings,
// and unknown words and phone numbers are rare.
func TestLexemeShare(t *testing.T) {
	st := &lexemeStats{read: time.Now(), rows: 1e6, freq: map[string]float64{
		"refund": 0.2, "payment": 0.3, "pay": 0.05, "paypal": 0.01, "please": 0.5, "still": 0.135, "waiting": 0.129, "~61": 0.016,
	}}
	for _, c := range []struct {
		q               string
		share, postings float64
	}{
		{"refund pay", 0.2 * 0.36, 0.56}, // "pay" is typed last: a prefix
		{"pay refund", 0.05 * 0.2, 0.25}, // "pay" finished: the whole word
		{"please", 0.5, 0.5},             // prefix of itself only
		{"zendal", 0, 0},                 // not among the common lexemes
		{"refund zendal", 0, 0.2},        // one rare term makes the query rare
		{"paym", 0.3, 0.3},               // prefix
	} {
		share, postings := st.share(search.Parse(c.q))
		if math.Abs(share-c.share) > 1e-9 || math.Abs(postings-c.postings) > 1e-9 {
			t.Errorf("share(%q) = %v, %v; want %v, %v", c.q, share, postings, c.share, c.postings)
		}
	}
	l := &lexemeFreqs{tables: map[string]*lexemeStats{"messages": st}}
	for q, want := range map[string]bool{
		"still waiting":     true,  // 1.7 %: 14,000 records walked against 264,000 postings
		"refund please":     true,  // common
		"zendal":            false, // rare: GIN
		"refund zendal":     false, // one rare word: GIN
		"+49 151 2345 6789": false, // phone numbers: GIN
	} {
		got, err := l.walk(context.Background(), nil, "messages", search.Parse(q), 250)
		if err != nil {
			t.Fatal(err)
		} else if got != want {
			t.Errorf("walk(%q) = %v, want %v", q, got, want)
		}
	}
	// The same word in a small table: GIN reads fewer postings than a walk
	// tests records.
	small := &lexemeFreqs{tables: map[string]*lexemeStats{"customers": {read: time.Now(), rows: 2000, freq: map[string]float64{"muller": 0.06}}}}
	if got, _ := small.walk(context.Background(), nil, "customers", search.Parse("muller"), 250); got {
		t.Error("walk(muller) on 2,000 customers: want GIN")
	}
}

// TestLexemeChoose checks the three listings: a walk for common queries,
// GIN in one query when the query matches few records (every term rare,
// or one rare whole word with common ones, no prefix of a common lexeme),
// and GIN range by range otherwise or without statistics.
func TestLexemeChoose(t *testing.T) {
	// The least common lexeme: 0.1 % of a million records (1,000).
	st := &lexemeStats{read: time.Now(), rows: 1e6, freq: map[string]float64{
		"refund": 0.2, "please": 0.5, "still": 0.135, "waiting": 0.129, "order": 0.01, "cargo": 0.001,
	}}
	l := &lexemeFreqs{tables: map[string]*lexemeStats{"messages": st}}
	for q, want := range map[string]sqlstore.Listing{
		"still waiting":     sqlstore.ListWalk,
		"zendal":            sqlstore.ListIndex, // rare prefix: at most 1,000 matches
		"refund zendal":     sqlstore.ListIndex, // a rare last word, common finished one
		"zendal ord":        sqlstore.ListRange, // prefix of a common lexeme: GIN gathers its postings
		"cargo":             sqlstore.ListRange, // the prefix of a common lexeme, however rare
		"cargo zendal":      sqlstore.ListIndex, // finished words, rare ones
		"order":             sqlstore.ListRange, // 10,000 matches: too many for one query
		"+49 151 2345 6789": sqlstore.ListRange, // phone numbers: matchIDs lists them in one query
	} {
		got, err := l.choose(context.Background(), nil, "messages", search.Parse(q), 250)
		if err != nil {
			t.Fatal(err)
		} else if got != want {
			t.Errorf("choose(%q) = %v, want %v", q, got, want)
		}
	}
	// Never analysed: no statistics, no shortcut.
	none := &lexemeFreqs{tables: map[string]*lexemeStats{"messages": {read: time.Now(), rows: 0, freq: map[string]float64{}}}}
	if got, _ := none.choose(context.Background(), nil, "messages", search.Parse("zendal"), 250); got != sqlstore.ListRange {
		t.Errorf("choose(zendal) without statistics = %v, want ranges", got)
	}
}
