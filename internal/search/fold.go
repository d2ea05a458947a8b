package search

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// extraFolds maps letters that carry a stroke rather than a combining
// accent, which Unicode decomposition leaves alone but users type without
// (SQLite's unicode61 and PostgreSQL's unaccent fold them too).
var extraFolds = map[rune]rune{'ø': 'o', 'Ø': 'o', 'ł': 'l', 'Ł': 'l', 'đ': 'd', 'Đ': 'd', 'ħ': 'h', 'Ħ': 'h'}

// Fold returns s lower-cased with diacritics removed: "Müller" and
// "MULLER" both fold to "muller". It is the equality of search.
func Fold(s string) string {
	ascii := true
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			ascii = false
			break
		}
	}
	if ascii {
		return strings.ToLower(s)
	}
	var b strings.Builder
	b.Grow(len(s))
	var buf [32]byte
	for _, r := range s {
		if r < utf8.RuneSelf {
			b.WriteRune(unicode.ToLower(r))
			continue
		}
		if f, ok := extraFolds[r]; ok {
			b.WriteRune(f)
			continue
		}
		for _, d := range string(norm.NFD.AppendString(buf[:0], string(r))) {
			if !unicode.Is(unicode.Mn, d) {
				b.WriteRune(unicode.ToLower(d))
			}
		}
	}
	return b.String()
}

// isTokenRune reports whether r belongs to a token: letters and digits,
// and combining marks so that decomposed accents stay inside their word.
// Everything else (spaces, punctuation, symbols, @ and . of addresses)
// separates tokens, as in SQLite's unicode61 tokenizer.
func isTokenRune(r rune) bool {
	return unicode.IsLetter(r) || unicode.IsNumber(r) || unicode.Is(unicode.Mn, r)
}
