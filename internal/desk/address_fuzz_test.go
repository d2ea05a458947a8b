package desk

import (
	"testing"
)

// FuzzNormalizeAddress: never panics, answers a field error or a
// canonical address that normalizes to itself (so a stored address is
// found again by what it was stored as), bounded in length.
func FuzzNormalizeAddress(f *testing.F) {
	f.Add(ChannelSMS, "(800) 100-20000")
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
