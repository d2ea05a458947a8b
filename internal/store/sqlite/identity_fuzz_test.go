package sqlite_test

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/switchboard-cc/switchboard/internal/desk"
	"github.com/switchboard-cc/switchboard/internal/phone"
	"github.com/switchboard-cc/switchboard/internal/store/sqlite"
)

// numberForms writes the digits of an international number (country code
// first) the ways people and providers do, with how each is read.
func numberForms(d string) []struct {
	in string
	c  phone.Context
} {
	spaced := d[:1] + " (" + d[1:min(4, len(d))] + ") " + d[min(4, len(d)):]
	return []struct {
		in string
		c  phone.Context
	}{
		{"+" + d, phone.Context{}},
		{"+" + spaced, phone.Context{}},
		{"00" + d, phone.Context{}},
		{"00 " + strings.ReplaceAll(spaced, " ", "."), phone.Context{Region: "US"}},
		{d, phone.ForChannel(desk.ChannelWhatsApp, "", "")},
		{"+" + strings.ReplaceAll(spaced, " ", "-"), phone.Context{Region: "GB"}},
	}
}

// FuzzSameNumberSameCustomer: any two inputs that normalize to the same
// number reach the same customer through the store, whichever arrives
// first (an inbound message or an agent's new conversation), and two
// different keys never share one.
func FuzzSameNumberSameCustomer(f *testing.F) {
	ctx := desk.NewContextWithActor(context.Background(), desk.SystemActor)
	st, err := sqlite.Open(ctx, filepath.Join(f.TempDir(), "fuzz.db"), desk.SystemClock{})
	if err != nil {
		f.Fatal(err)
	}
	f.Cleanup(func() { st.Close() })
	var n atomic.Int64
	f.Add("12025550177", uint8(0), uint8(4), "(800) 100-20000", "80010020000")
	f.Add("442079460958", uint8(1), uint8(3), "+1 555 0199 999", "+15550199999")
	f.Add("4930123456", uint8(2), uint8(5), "001 202 555 0177", "+1 202-555-0177")
	f.Fuzz(func(t *testing.T, digits string, i, j uint8, a, b string) {
		// Two arbitrary inputs: the same key is the same customer.
		ka, erra := phone.Key("from", a, phone.Context{})
		kb, errb := phone.Key("from", b, phone.Context{})
		if erra == nil && errb == nil {
			ca := ingest(t, st, ctx, a, n.Add(1))
			cb := ingest(t, st, ctx, b, n.Add(1))
			if (ka == kb) != (ca == cb) {
				t.Fatalf("%q (key %q) is customer %s, %q (key %q) is customer %s", a, ka, ca, b, kb, cb)
			}
		}
		// One number written two ways.
		d := strings.Map(func(r rune) rune {
			if r < '0' || r > '9' {
				return -1
			}
			return r
		}, digits)
		if len(d) < 7 || len(d) > 15 || d[0] == '0' {
			return
		}
		forms := numberForms(d)
		fa, fb := forms[int(i)%len(forms)], forms[int(j)%len(forms)]
		k1, err1 := phone.Key("to", fa.in, fa.c)
		k2, err2 := phone.Key("to", fb.in, fb.c)
		if err1 != nil || err2 != nil || k1 != k2 {
			t.Fatalf("%q -> %q (%v) and %q -> %q (%v): one number, two keys", fa.in, k1, err1, fb.in, k2, err2)
		}
		// An agent starts to the first form; the second form replies.
		c, err := st.StartConversation(ctx, &desk.NewConversation{Channel: desk.ChannelWhatsApp, Sender: "+15550007000", ContactAddress: k1})
		if err != nil && desk.ErrorCode(err) != desk.CodeOngoingConversation {
			t.Fatal(err)
		}
		var want desk.ID
		if c != nil {
			want = c.CustomerID
		} else {
			cu, err := st.FindCustomerByContact(ctx, desk.ChannelWhatsApp, k1)
			if err != nil {
				t.Fatal(err)
			}
			want = cu.ID
		}
		res, err := st.IngestMessage(ctx, &desk.InboundMessage{Channel: desk.ChannelWhatsApp, From: k2, To: "+15550007000",
			Text: "hi", ExternalID: fmt.Sprintf("wa-%d", n.Add(1))})
		if err != nil {
			t.Fatal(err)
		}
		if res.Customer.ID != want || res.NewConversation {
			t.Fatalf("%q started customer %s; the reply from %q reached %s (new conversation %v)", fa.in, want, fb.in, res.Customer.ID, res.NewConversation)
		}
	})
}

// ingest stores an SMS from address and returns its customer.
func ingest(t *testing.T, st desk.Store, ctx context.Context, from string, n int64) desk.ID {
	t.Helper()
	res, err := st.IngestMessage(ctx, &desk.InboundMessage{Channel: desk.ChannelSMS, From: from, To: "support", Text: "x", ExternalID: fmt.Sprintf("sms-%d", n)})
	if err != nil {
		t.Fatalf("ingest %q: %v", from, err)
	}
	return res.Customer.ID
}
