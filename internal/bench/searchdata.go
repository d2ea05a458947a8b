package bench

import (
	"fmt"
	"math/rand/v2"
	"strings"
)

// Word lists of the synthetic contact-center text. Common words follow a
// Zipf-like distribution; each message also carries a few words of a long
// tail of generated "rare" words (product codes, surnames) so that rare
// queries have few matches, as in real traffic.
var (
	firstNames = []string{"Anna", "José", "François", "Zoë", "Müller", "Björn", "Chloé", "Łukasz", "Renée", "Søren",
		"Maria", "John", "Mohammed", "Wei", "Olga", "Ahmed", "Sofia", "Lucas", "Emma", "Noah", "Ines", "Mateo",
		"Hannah", "Elif", "Yuki", "Priya", "Carlos", "Fatima", "Pierre", "Giulia", "Andrés", "Zoé", "Jürgen"}
	lastNames = []string{"Müller", "García", "Dubois", "Nováková", "Schröder", "Łopez", "Smith", "Johnson", "Rossi",
		"Kowalski", "Nguyen", "Öztürk", "Fernández", "Lefèvre", "Jensen", "Brown", "Silva", "Wagner", "Martín",
		"Kim", "Patel", "Costa", "Moreau", "Eriksson", "Horváth", "Popescu", "Yılmaz", "Novak", "Sánchez"}
	commonWords = strings.Fields(`the order delivery refund please help thanks my i you we is not was have
		package account payment card invoice return shipping address password login app problem issue
		today tomorrow yesterday week still waiting received arrived damaged wrong missing cancel change
		update status tracking number email phone call support agent hello hi good morning evening sorry
		can could would should when where why how what price discount subscription plan upgrade downgrade
		charge charged twice bank transfer receipt product size color replacement exchange warranty broken
		working error message website checkout cart coupon code expired store pickup courier driver`)
	cities  = []string{"Berlin", "München", "Zürich", "São Paulo", "Kraków", "Paris", "Madrid", "Malmö", "Lyon", "Austin"}
	domains = []string{"example.com", "mail.example.org", "post.example.net", "example.de"}
)

// rareWords is the length of the long tail.
const rareWords = 50000

// textGen makes deterministic synthetic text.
type textGen struct {
	r    *rand.Rand
	zipf *rand.Zipf
	rare []string
}

func newTextGen(seed uint64) *textGen {
	r := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	g := &textGen{r: r, zipf: rand.NewZipf(r, 1.1, 2, uint64(len(commonWords)-1))}
	syll := []string{"ka", "lo", "mi", "ne", "ru", "ta", "vo", "zen", "bri", "dal", "fen", "gor", "hul", "jin", "qua", "sto", "wex", "yar"}
	for i := 0; i < rareWords; i++ {
		n := 2 + r.IntN(3)
		var b strings.Builder
		for j := 0; j < n; j++ {
			b.WriteString(syll[r.IntN(len(syll))])
		}
		g.rare = append(g.rare, b.String())
	}
	return g
}

func (g *textGen) pick(list []string) string { return list[g.r.IntN(len(list))] }

// name returns a first and last name, some with accents.
func (g *textGen) name() string { return g.pick(firstNames) + " " + g.pick(lastNames) }

// phone returns an E.164 number as stored after C3 normalization.
func (g *textGen) phone(i int) string {
	switch i % 3 {
	case 0:
		return fmt.Sprintf("+49151%08d", i)
	case 1:
		return fmt.Sprintf("+1415%07d", i)
	}
	return fmt.Sprintf("+3361%07d", i)
}

// email returns an address derived from the name.
func (g *textGen) email(name string, i int) string {
	parts := strings.Fields(strings.ToLower(name))
	return fmt.Sprintf("%s.%s%d@%s", parts[0], parts[1], i, g.pick(domains))
}

// body returns the common words of a message (6-40, Zipf-distributed),
// capitalized, without an ending.
func (g *textGen) body() string {
	s := strings.Join(g.commonWords(), " ")
	return strings.ToUpper(s[:1]) + s[1:]
}

func (g *textGen) commonWords() []string {
	n := 6 + g.r.IntN(35)
	words := make([]string, 0, n+4)
	for i := 0; i < n; i++ {
		words = append(words, commonWords[g.zipf.Uint64()])
	}
	return words
}

// message returns a customer or agent message of 6-40 words.
func (g *textGen) message() string {
	words := g.commonWords()
	switch g.r.IntN(6) {
	case 0:
		words = append(words, fmt.Sprintf("order #%d", 100000+g.r.IntN(900000)))
	case 1:
		words = append(words, "tracking", strings.ToUpper(g.pick(g.rare))+fmt.Sprint(g.r.IntN(1000)))
	case 2:
		words = append(words, "in", g.pick(cities))
	case 3:
		words = append(words, g.pick(g.rare))
	}
	if g.r.IntN(3) == 0 {
		words = append(words, g.pick(g.rare))
	}
	s := strings.Join(words, " ")
	return strings.ToUpper(s[:1]) + s[1:] + "."
}

// topic returns a conversation topic, empty for most conversations.
func (g *textGen) topic() string {
	switch g.r.IntN(4) {
	case 0:
		return "Refund for order " + fmt.Sprint(100000+g.r.IntN(900000))
	case 1:
		w := g.pick(commonWords)
		return strings.ToUpper(w[:1]) + w[1:] + " " + g.pick(commonWords) + " " + g.pick(g.rare)
	}
	return ""
}
