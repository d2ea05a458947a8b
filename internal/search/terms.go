package search

import (
	"strings"

	"github.com/switchboard-cc/switchboard/internal/desk"
	"github.com/switchboard-cc/switchboard/internal/phone"
)

// PhoneTerms returns the indexed forms of a phone-like address: its digits
// and every suffix of at least MinPhoneDigits digits, so a number typed
// with or without country code or trunk prefix finds it by prefix. It
// returns nil when the address is not a phone number.
func PhoneTerms(address string) []string {
	s, ok := phone.Digits(address)
	a := strings.TrimPrefix(s, "+")
	if !ok || len(a) < MinPhoneDigits {
		return nil
	}
	out := []string{a}
	for i := 1; len(a)-i >= MinPhoneDigits; i++ {
		out = append(out, a[i:])
	}
	return out
}

// CustomerTerms is the indexed text of a customer: the folded words of the
// name and of every contact address (an email splits into its parts), and
// the phone terms of phone-like addresses. Stores keep it in the
// customers.search_terms column, which the full-text index reads.
func CustomerTerms(name string, contacts []desk.Contact) string {
	var words []string
	seen := map[string]bool{}
	add := func(w string) {
		if w != "" && !seen[w] {
			seen[w] = true
			words = append(words, w)
		}
	}
	for _, t := range Tokenize(name) {
		add(t.Text)
	}
	for _, c := range contacts {
		for _, t := range Tokenize(c.Address) {
			add(t.Text)
		}
		for _, p := range PhoneTerms(c.Address) {
			add(p)
		}
	}
	return strings.Join(words, " ")
}
