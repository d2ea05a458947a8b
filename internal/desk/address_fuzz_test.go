package desk

import (
	"strings"
	"testing"
	"unicode/utf8"
)

// phoneExamples are the C3 spellings that must all find one customer.
var phoneExamples = []string{"(800) 100-20000", "800-100-20000", "80010020000", "(800)-100-20000"}

func TestPhoneExamples(t *testing.T) {
	for _, s := range phoneExamples {
		for _, ch := range []string{ChannelSMS, ChannelWhatsApp, ChannelVoice, ChannelViber} {
			if got, err := NormalizeAddress(ch, s); err != nil || got != "80010020000" {
				t.Errorf("NormalizeAddress(%s, %q) = %q, %v", ch, s, got, err)
			}
		}
	}
}

// FuzzStripPhone: no separator survives, and stripping twice changes
// nothing.
func FuzzStripPhone(f *testing.F) {
	for _, s := range phoneExamples {
		f.Add(s)
	}
	f.Add("+1 (555) 010.0001\t")
	f.Fuzz(func(t *testing.T, s string) {
		out := StripPhone(s)
		if strings.ContainsAny(out, " .-()\t") {
			t.Fatalf("StripPhone(%q) = %q keeps a separator", s, out)
		}
		if again := StripPhone(out); again != out {
			t.Fatalf("StripPhone not idempotent: %q -> %q -> %q", s, out, again)
		}
		if len(out) > len(s) && utf8.ValidString(s) {
			t.Fatalf("StripPhone(%q) = %q grew", s, out)
		}
	})
}

// FuzzNormalizeAddress: never panics, answers a field error or a
// canonical address that normalizes to itself (so a stored address is
// found again by what it was stored as), bounded in length.
func FuzzNormalizeAddress(f *testing.F) {
	for _, s := range phoneExamples {
		f.Add(ChannelSMS, s)
	}
	f.Add(ChannelEmail, " Someone@Example.COM ")
	f.Add(ChannelWhatsApp, "+44 20 7946 0958")
	f.Add("livechat", "visitor-42")
	f.Fuzz(func(t *testing.T, channel, address string) {
		out, err := NormalizeAddress(channel, address)
		if err != nil {
			if ErrorKind(err) != EINVALID || ErrorField(err) != "address" {
				t.Fatalf("NormalizeAddress(%q, %q): error %v is not a field error", channel, address, err)
			}
			return
		}
		if out == "" || len(out) > 320 {
			t.Fatalf("NormalizeAddress(%q, %q) = %q", channel, address, out)
		}
		again, err := NormalizeAddress(channel, out)
		if err != nil || again != out {
			t.Fatalf("not idempotent: %q -> %q -> %q (%v)", address, out, again, err)
		}
	})
}
