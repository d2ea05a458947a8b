package search

import (
	"strings"
	"unicode/utf8"

	"github.com/switchboard-cc/switchboard/internal/phone"
)

// MaxTerms bounds the words of a query that are searched; the rest are
// ignored, so a pasted paragraph cannot make an expensive query.
const MaxTerms = 8

// MinPhoneDigits is how many digits a query needs to be tried as a phone
// number, and the shortest phone suffix indexed.
const MinPhoneDigits = 5

// Term is one word of a query. The last word typed is a prefix (as you
// type, it is usually unfinished) and matches any word starting with it;
// the words before it were finished and match whole words, which keeps
// queries on common words cheap. A single character matches whole words
// only, since a one-letter prefix matches a large part of any index.
type Term struct {
	Text   string
	Prefix bool
}

// Query is a parsed search: every term must match (AND). If Phone is set
// the query looked like a phone number, and a word starting with those
// digits matches too (OR), whatever separators were typed (C3).
type Query struct {
	Terms []Term
	Phone string
}

// Parse turns what a user typed into a Query. It never fails: quotes,
// operators and punctuation are separators, never syntax, and an input
// with no words gives an empty query.
func Parse(s string) Query {
	var q Query
	seen := map[string]bool{}
	for _, t := range Tokenize(s) {
		if seen[t.Text] {
			continue
		}
		seen[t.Text] = true
		q.Terms = append(q.Terms, Term{Text: t.Text})
		if len(q.Terms) == MaxTerms {
			break
		}
	}
	if n := len(q.Terms); n > 0 {
		last := &q.Terms[n-1]
		last.Prefix = utf8.RuneCountInString(last.Text) > 1
	}
	q.Phone = PhoneQuery(s)
	return q
}

// Empty reports whether the query can match nothing.
func (q Query) Empty() bool { return len(q.Terms) == 0 && q.Phone == "" }

// PhoneQuery returns the digits of s when s looks like a phone number
// (phone.Digits: digits and the separators people type, a leading +) with
// at least MinPhoneDigits digits,
// without leading zeros (a trunk "0" or international "00" prefix), so
// that "0151 2345678" finds +49 151 2345678 through its indexed suffix.
// Otherwise it returns "".
func PhoneQuery(s string) string {
	d, ok := phone.Digits(strings.TrimSpace(s))
	if !ok {
		return ""
	}
	d = strings.TrimLeft(strings.TrimPrefix(d, "+"), "0")
	if len(d) < MinPhoneDigits {
		return ""
	}
	return d
}
