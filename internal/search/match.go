package search

import (
	"strings"

	"github.com/switchboard-cc/switchboard/internal/desk"
)

// match tells how well a token matches a term: 2 for the whole word, 1 for
// a prefix, 0 for no match.
func (t Term) match(tok string) int {
	if tok == t.Text {
		return 2
	} else if t.Prefix && strings.HasPrefix(tok, t.Text) {
		return 1
	}
	return 0
}

// phoneMatch reports whether a token starts with the query's phone digits.
func (q Query) phoneMatch(tok string) bool {
	return q.Phone != "" && strings.HasPrefix(strings.TrimLeft(tok, "0"), q.Phone)
}

// Spans returns where the query matches in tokens, and whether it matches
// at all: every term somewhere, or the phone digits.
func (q Query) Spans(toks []Token) ([]desk.Span, bool) {
	var spans []desk.Span
	found := make([]bool, len(q.Terms))
	phone := false
	for _, tok := range toks {
		hit := false
		for i, t := range q.Terms {
			if t.match(tok.Text) > 0 {
				found[i], hit = true, true
			}
		}
		if q.phoneMatch(tok.Text) {
			phone, hit = true, true
		}
		if hit {
			spans = append(spans, desk.Span{Start: tok.Start, End: tok.End})
		}
	}
	all := len(q.Terms) > 0
	for _, f := range found {
		all = all && f
	}
	return spans, all || phone
}

// Score ranks a candidate text for the query; higher is more relevant.
// Whole-word matches count more than prefix matches, a matching phone
// number most, and among equals the shorter text wins (a word is a larger
// part of it), as BM25-style rankings do. Ties are broken by recency.
func (q Query) Score(toks []Token) int {
	score := 0
	for _, t := range q.Terms {
		best := 0
		for _, tok := range toks {
			if m := t.match(tok.Text); m > best {
				best = m
			}
		}
		score += best
	}
	for _, tok := range toks {
		if q.phoneMatch(tok.Text) {
			score += 3
			break
		}
	}
	return score*1000 - min(len(toks), 999)
}
