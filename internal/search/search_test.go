package search

import (
	"slices"
	"testing"

	"github.com/switchboard-cc/switchboard/internal/desk"
)

func TestFold(t *testing.T) {
	for in, want := range map[string]string{
		"Müller": "muller", "ÉCOLE": "ecole", "François": "francois", "Łukasz": "lukasz", "Søren": "soren",
		"e\u0301": "e", "ABC123": "abc123", "日本": "日本", "": "",
	} {
		if got := Fold(in); got != want {
			t.Errorf("Fold(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestTokenize(t *testing.T) {
	got := Tokenize("Hi José, mail anna.b@example.com!")
	want := []Token{{"hi", 0, 2}, {"jose", 3, 7}, {"mail", 9, 13}, {"anna", 14, 18}, {"b", 19, 20}, {"example", 21, 28}, {"com", 29, 32}}
	if !slices.Equal(got, want) {
		t.Fatalf("Tokenize = %v, want %v", got, want)
	}
}

func TestParse(t *testing.T) {
	cases := []struct {
		in    string
		terms []Term
		phone string
	}{
		{"Anna Mü", []Term{{"anna", false}, {"mu", true}}, ""},
		{`"a" OR *`, []Term{{"a", false}, {"or", true}}, ""},
		{"x", []Term{{"x", false}}, ""},
		{"(800) 100-20000", []Term{{"800", false}, {"100", false}, {"20000", true}}, "80010020000"},
		{"+49 (0)151 2345", []Term{{"49", false}, {"0", false}, {"151", false}, {"2345", true}}, "4901512345"},
		{"0151 234", []Term{{"0151", false}, {"234", true}}, "151234"},
		{"1234", []Term{{"1234", true}}, ""},
		{`"'*:&|!()`, nil, ""},
		{"a a a", []Term{{"a", false}}, ""},
	}
	for _, c := range cases {
		q := Parse(c.in)
		if !slices.Equal(q.Terms, c.terms) || q.Phone != c.phone {
			t.Errorf("Parse(%q) = %+v, want %v phone %q", c.in, q, c.terms, c.phone)
		}
	}
}

func TestPhoneTerms(t *testing.T) {
	if got, want := PhoneTerms("+4915123456"), []string{"4915123456", "915123456", "15123456", "5123456", "123456", "23456"}; !slices.Equal(got, want) {
		t.Fatalf("PhoneTerms = %v, want %v", got, want)
	}
	for _, no := range []string{"anna@example.com", "1234", "+49 abc 12345"} {
		if got := PhoneTerms(no); got != nil {
			t.Errorf("PhoneTerms(%q) = %v, want none", no, got)
		}
	}
	if got := CustomerTerms("Anna Müller", []desk.Contact{{Channel: "email", Address: "anna@example.com"}, {Channel: "sms", Address: "+4915123"}}); got != "anna muller example com 4915123 915123 15123" {
		t.Fatalf("CustomerTerms = %q", got)
	}
}

func TestSnippetAndScore(t *testing.T) {
	q := Parse("order 47")
	s, spans := Snippet("Where is ORDER 4711?", q)
	if s != "Where is ORDER 4711?" || !slices.Equal(spans, []desk.Span{{Start: 9, End: 14}, {Start: 15, End: 19}}) {
		t.Fatalf("Snippet = %q %v", s, spans)
	}
	exact, prefix, longer := q.Score(Tokenize("order 47")), q.Score(Tokenize("order 4711")), q.Score(Tokenize("order 47 and more words"))
	if !(exact > prefix && exact > longer) {
		t.Fatalf("scores: exact %d, prefix %d, longer %d", exact, prefix, longer)
	}
	if _, ok := q.Spans(Tokenize("order only")); ok {
		t.Fatal("a text missing a term matched")
	}
}
