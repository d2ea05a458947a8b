package search

import "strings"

// Token is a word of a text: its folded form and where it stands in the
// original, in runes (Unicode code points), end exclusive.
type Token struct {
	Text       string
	Start, End int
}

// Tokenize splits s into folded tokens with their rune offsets.
func Tokenize(s string) []Token {
	var out []Token
	start, pos := -1, 0
	var raw strings.Builder
	flush := func() {
		if start >= 0 {
			if t := Fold(raw.String()); t != "" {
				out = append(out, Token{Text: t, Start: start, End: pos})
			}
			raw.Reset()
			start = -1
		}
	}
	for _, r := range s {
		if isTokenRune(r) {
			if start < 0 {
				start = pos
			}
			raw.WriteRune(r)
		} else {
			flush()
		}
		pos++
	}
	flush()
	return out
}

// Words returns the folded tokens of s joined by single spaces: the form
// stored for indexing, which every full-text tokenizer splits the same way.
func Words(s string) string {
	toks := Tokenize(s)
	parts := make([]string, len(toks))
	for i, t := range toks {
		parts[i] = t.Text
	}
	return strings.Join(parts, " ")
}
