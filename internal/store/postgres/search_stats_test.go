package postgres

import (
	"context"
	"math"
	"testing"
	"time"

	"github.com/switchboard-cc/switchboard/internal/search"
)

// TestLexemeShare checks the estimate that picks a walk or GIN: whole
// words take their frequency, a prefix the sum over the common lexemes it
// starts, terms multiply, and unknown words and phone numbers are rare.
func TestLexemeShare(t *testing.T) {
	l := &lexemeFreqs{tables: map[string]*lexemeStats{"messages": {read: time.Now(), freq: map[string]float64{
		"refund": 0.2, "payment": 0.3, "pay": 0.05, "paypal": 0.01, "please": 0.5, "~61": 0.016,
	}}}}
	for _, c := range []struct {
		q    string
		want float64
	}{
		{"refund pay", 0.2 * 0.36}, // "pay" is typed last: a prefix
		{"pay refund", 0.05 * 0.2}, // "pay" finished: the whole word
		{"please", 0.5},            // prefix of itself only
		{"zendal", 0},              // not among the common lexemes
		{"refund zendal", 0},       // one rare term makes the query rare
		{"+49 151 2345 6789", 0},   // phone numbers are rare
		{"paym", 0.3},              // prefix
	} {
		got, err := l.share(context.Background(), nil, "messages", search.Parse(c.q))
		if err != nil {
			t.Fatal(err)
		}
		if math.Abs(got-c.want) > 1e-9 {
			t.Errorf("share(%q) = %v, want %v", c.q, got, c.want)
		}
	}
	if got, _ := l.share(context.Background(), nil, "messages", search.Parse("refund please")); got < commonShare {
		t.Errorf("two common words (%v) should be walked", got)
	}
}
