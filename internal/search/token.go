package search

import "strings"

// Token is a word of a text: its folded form and where it stands in the
// original, in runes (Unicode code points), end exclusive.
type Token struct {
	Text       string
	Start, End int
}

// Tokenize splits s into folded tokens with their rune offsets. A token's
// text is a slice of s when folding leaves it unchanged (lower-case ASCII).
func Tokenize(s string) []Token {
	var out []Token
	start, startByte, pos := -1, 0, 0
	flush := func(end int) {
		if start >= 0 {
			if t := Fold(s[startByte:end]); t != "" {
				out = append(out, Token{Text: t, Start: start, End: pos})
			}
			start = -1
		}
	}
	for i, r := range s {
		if isTokenRune(r) {
			if start < 0 {
				start, startByte = pos, i
			}
		} else {
			flush(i)
		}
		pos++
	}
	flush(len(s))
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
