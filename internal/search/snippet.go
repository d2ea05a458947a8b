package search

import "github.com/switchboard-cc/switchboard/internal/desk"

// SnippetLength is the length of a message snippet, in runes.
const SnippetLength = 160

// snippetLead is how much text a snippet shows before the first match.
const snippetLead = 40

// Snippet returns an excerpt of text around the first match of q, with the
// matches inside it as rune offsets into the excerpt. A cut is marked with
// "…". The excerpt is plain text: clients escape it and mark the spans.
func Snippet(text string, q Query) (string, []desk.Span) {
	runes := []rune(text)
	spans, _ := q.Spans(Tokenize(text))
	start := 0
	if len(spans) > 0 && spans[0].Start > snippetLead {
		start = spans[0].Start - snippetLead
		// Start at a word boundary rather than inside a word.
		for i := start; i < spans[0].Start; i++ {
			if !isTokenRune(runes[i]) {
				start = i + 1
				break
			}
		}
	}
	end := min(len(runes), start+SnippetLength)
	prefix, suffix := "", ""
	if start > 0 {
		prefix = "…"
	}
	if end < len(runes) {
		suffix = "…"
	}
	shift := start - len([]rune(prefix))
	var out []desk.Span
	for _, s := range spans {
		if s.Start >= start && s.End <= end {
			out = append(out, desk.Span{Start: s.Start - shift, End: s.End - shift})
		}
	}
	return prefix + string(runes[start:end]) + suffix, out
}
