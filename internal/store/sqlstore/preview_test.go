package sqlstore

import "testing"

// TestClip covers the rune boundary: clip reads no further than the
// (n+1)th rune, so the store may hand it only that much of a text.
func TestClip(t *testing.T) {
	for _, c := range []struct {
		in   string
		n    int
		want string
	}{
		{"", 3, ""},
		{"abc", 3, "abc"},
		{"abcd", 3, "abc…"},
		{"éé", 2, "éé"},
		{"ééé", 2, "éé…"},
		{"日本語テキスト", 3, "日本語…"},
	} {
		if got := clip(c.in, c.n); got != c.want {
			t.Errorf("clip(%q, %d) = %q, want %q", c.in, c.n, got, c.want)
		}
	}
}
