package email

import (
	"context"
	"net"
	"net/smtp"
	"strings"
	"sync"
	"testing"

	"github.com/switchboard-cc/switchboard/internal/desk"
)

// recorder is a fake inbound pipeline.
type recorder struct {
	mu   sync.Mutex
	got  []*desk.WebhookResult
	fail error
}

func (r *recorder) deliver(_ context.Context, _ *desk.ChannelConfig, res *desk.WebhookResult) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.fail != nil {
		return r.fail
	}
	r.got = append(r.got, res)
	return nil
}

// MustListen starts a Listener on loopback for support@shop.test.
func MustListen(tb testing.TB, rec *recorder) string {
	tb.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	l := &Listener{Deliver: rec.deliver, Resolve: func(_ context.Context, rcpt string) (*desk.ChannelConfig, error) {
		if rcpt != "support@shop.test" {
			return nil, desk.Errorf(desk.ENOTFOUND, "unknown")
		}
		return &desk.ChannelConfig{ID: 7, Kind: desk.ChannelEmail, Sender: rcpt}, nil
	}}
	go l.Serve(ln)
	tb.Cleanup(func() { l.Close() })
	return ln.Addr().String()
}

// TestListenerWithNetSMTP drives the listener with Go's own SMTP client.
func TestListenerWithNetSMTP(t *testing.T) {
	rec := &recorder{}
	addr := MustListen(t, rec)

	msg := crlf("\nFrom: Ana <ana@example.com>\nTo: support@shop.test\nSubject: Help\nMessage-ID: <a1@example.com>\n\nMy order is late.\n")
	if err := smtp.SendMail(addr, nil, "ana@example.com", []string{"support@shop.test"}, msg); err != nil {
		t.Fatal(err)
	}
	// Unknown recipients are refused: the listener relays nothing.
	err := smtp.SendMail(addr, nil, "ana@example.com", []string{"someone@else.test"}, msg)
	if err == nil || !strings.Contains(err.Error(), "550") {
		t.Fatalf("unknown recipient: err = %v, want 550", err)
	}
	// An out-of-office is accepted but not delivered as a message.
	ooo := crlf("\nFrom: ana@example.com\nTo: support@shop.test\nAuto-Submitted: auto-replied\nSubject: Away\n\nAway.\n")
	if err := smtp.SendMail(addr, nil, "ana@example.com", []string{"support@shop.test"}, ooo); err != nil {
		t.Fatal(err)
	}
	// A bounce becomes a failed receipt.
	bounce := crlf("\nFrom: MAILER-DAEMON@mx.test\nTo: support@shop.test\nSubject: failure\nIn-Reply-To: <sb-9@shop.test>\n\nfailed\n")
	if err := smtp.SendMail(addr, nil, "", []string{"support@shop.test"}, bounce); err != nil {
		t.Fatal(err)
	}
	rec.mu.Lock()
	defer rec.mu.Unlock()
	if len(rec.got) != 2 {
		t.Fatalf("delivered %d results, want 2 (message, bounce)", len(rec.got))
	}
	if m := rec.got[0].Messages; len(m) != 1 || m[0].Text != "My order is late." || m[0].ExternalID != "a1@example.com" {
		t.Errorf("message %+v", m)
	}
	if r := rec.got[1].Receipts; len(r) != 1 || r[0].ExternalID != "sb-9@shop.test" || r[0].State != desk.DeliveryFailed {
		t.Errorf("receipt %+v", r)
	}
}

// TestListenerTemporaryFailure answers 451 when storing fails, so the
// sending server retries.
func TestListenerTemporaryFailure(t *testing.T) {
	rec := &recorder{fail: desk.Errorf(desk.EINTERNAL, "database is locked")}
	addr := MustListen(t, rec)
	msg := crlf("\nFrom: ana@example.com\nTo: support@shop.test\nSubject: Help\n\nhi\n")
	err := smtp.SendMail(addr, nil, "ana@example.com", []string{"support@shop.test"}, msg)
	if err == nil || !strings.Contains(err.Error(), "451") {
		t.Fatalf("err = %v, want 451", err)
	}
}
