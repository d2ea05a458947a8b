package search

import "testing"

// rankTexts and rankQueries cover ASCII and accented words, a word only
// combining marks (folded to nothing), digits and phone numbers, long
// words, invalid UTF-8 and case.
var (
	rankTexts = []string{
		"", "Hello", "hello WORLD hello", "Müller ordered Order #12345, order again",
		"call me at +49 151 0000 9970 or 0151-0000-9970", "Łukasz Søren e\u0301 \u0301\u0302 x",
		"deliveryyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyy delivered",
		"bad \xff\xfe bytes order\xc3", "日本 語 日本語", "an anna anne ANNA-maria", "refund please, still waiting",
		"00049151 12345 5550123", "josé JOSE jos",
	}
	rankQueries = []string{
		"order", "Order", "ord", "refund please", "still waiting", "mül", "muller", "jos", "an", "a",
		"+49 151 0000 9970", "0151 0000 9970", "12345", "日本", "e", "delivery", "deliv", "hello world",
		"a b c d e f g h i j k", "x",
	}
)

func TestRankIsScoreAndSpans(t *testing.T) {
	for _, qs := range rankQueries {
		q := Parse(qs)
		for _, text := range rankTexts {
			checkRank(t, q, text)
		}
	}
	// A query built with more terms than Parse keeps.
	var many Query
	for _, w := range []string{"a", "b", "c", "d", "e", "f", "g", "h", "i", "j"} {
		many.Terms = append(many.Terms, Term{Text: w})
	}
	checkRank(t, many, "a b c d e f g h i j")
}

func checkRank(t *testing.T, q Query, text string) {
	t.Helper()
	toks := Tokenize(text)
	_, wantOK := q.Spans(toks)
	want := q.Score(toks)
	if got, ok := q.Rank(text); got != want || ok != wantOK {
		t.Errorf("Rank(%+v, %q) = %d, %v; Score and Spans say %d, %v", q, text, got, ok, want, wantOK)
	}
}

func FuzzRank(f *testing.F) {
	for i, text := range rankTexts {
		f.Add(rankQueries[i%len(rankQueries)], text)
	}
	f.Fuzz(func(t *testing.T, qs, text string) {
		checkRank(t, Parse(qs), text)
	})
}
