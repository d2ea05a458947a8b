package phone

import "testing"

// TestKeyFillsDisplay checks that keying a valid number also remembers how
// it is shown (one libphonenumber parse for both, issue 22), and that what
// it remembers is what Display works out from the key alone.
func TestKeyFillsDisplay(t *testing.T) {
	// Not a valid number (555 is no area code): keyed and shown as
	// written, remembered by keying too.
	validMemo.m.Clear()
	displayMemo.m.Clear()
	key, err := Key("from", "+1 555 100 0123", Context{})
	if err != nil {
		t.Fatal(err)
	}
	if v, ok := displayMemo.load(key); !ok || v.(string) != key {
		t.Errorf("invalid number: remembered %v (%v), want %q", v, ok, key)
	}
	displayMemo.m.Clear()
	if fresh := Display(key); fresh != key {
		t.Errorf("invalid number: Display(%q) = %q", key, fresh)
	}
	for _, tc := range []struct {
		in  string
		ext bool
	}{{"+1 202 555 0177", false}, {"+44 20 7946 0958", false}, {"+39 02 1234 5678", false}, {"(202) 555-0142", false}, {"+1 202 555 0123 ext. 7", true}} {
		in := tc.in
		validMemo.m.Clear()
		displayMemo.m.Clear()
		key, ok := valid(in, "US")
		if !ok {
			t.Fatalf("valid(%q) = false", in)
		}
		v, remembered := displayMemo.load(key)
		if tc.ext {
			if remembered {
				t.Errorf("%q: a number with an extension was remembered for its key %q", in, key)
			}
			continue
		}
		if !remembered {
			t.Fatalf("%q: keying did not remember the display of %q", in, key)
		}
		displayMemo.m.Clear()
		if fresh := Display(key); v.(string) != fresh {
			t.Errorf("%q: remembered %q, Display works out %q", in, v, fresh)
		}
	}
}
