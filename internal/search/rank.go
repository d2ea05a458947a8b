package search

import "unicode/utf8"

// Rank returns what Score(Tokenize(text)) returns, and whether the query
// matches text as Spans(Tokenize(text)) says, in one pass without building
// the tokens: a search ranks every candidate the index lists (hundreds per
// group) and shows only a page of them, so the candidates' tokens are
// never needed. ASCII words are lower-cased in a buffer; other words go
// through Fold, as in Tokenize.
func (q Query) Rank(text string) (score int, ok bool) {
	if len(q.Terms) > MaxTerms {
		toks := Tokenize(text)
		_, ok = q.Spans(toks)
		return q.Score(toks), ok
	}
	var best [MaxTerms]int
	phone := false
	ntok := 0
	var buf [64]byte
	word := func(raw string) {
		var tok []byte
		if isASCII(raw) {
			tok = buf[:0]
			for i := 0; i < len(raw); i++ {
				c := raw[i]
				if 'A' <= c && c <= 'Z' {
					c += 'a' - 'A'
				}
				tok = append(tok, c)
			}
		} else if f := Fold(raw); f != "" {
			tok = []byte(f)
		} else {
			return
		}
		ntok++
		for i, t := range q.Terms {
			if m := t.matchBytes(tok); m > best[i] {
				best[i] = m
			}
		}
		phone = phone || q.phoneMatchBytes(tok)
	}
	start := -1
	for i := 0; i < len(text); {
		c, size := text[i], 1
		var in bool
		if c < utf8.RuneSelf {
			in = 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9'
		} else {
			var r rune
			r, size = utf8.DecodeRuneInString(text[i:])
			in = isTokenRune(r)
		}
		if in && start < 0 {
			start = i
		} else if !in && start >= 0 {
			word(text[start:i])
			start = -1
		}
		i += size
	}
	if start >= 0 {
		word(text[start:])
	}
	all := len(q.Terms) > 0
	for i := range q.Terms {
		score += best[i]
		all = all && best[i] > 0
	}
	if phone {
		score += 3
	}
	return score*1000 - min(ntok, 999), all || phone
}

// matchBytes is match for a token held in bytes (the comparisons do not
// copy it).
func (t Term) matchBytes(tok []byte) int {
	if string(tok) == t.Text {
		return 2
	} else if t.Prefix && len(tok) > len(t.Text) && string(tok[:len(t.Text)]) == t.Text {
		return 1
	}
	return 0
}

// phoneMatchBytes is phoneMatch for a token held in bytes.
func (q Query) phoneMatchBytes(tok []byte) bool {
	if q.Phone == "" {
		return false
	}
	for len(tok) > 0 && tok[0] == '0' {
		tok = tok[1:]
	}
	return len(tok) >= len(q.Phone) && string(tok[:len(q.Phone)]) == q.Phone
}

// isASCII reports whether s holds only ASCII bytes.
func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}
