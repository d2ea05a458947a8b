package email

import (
	"bytes"
	"context"
	"net"
	"testing"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapserver"
	"github.com/emersion/go-imap/v2/imapserver/imapmemserver"

	"github.com/switchboard-cc/switchboard/internal/desk"
)

// TestPollIMAP polls an in-memory IMAP server: unseen mail is delivered
// (the auto-reply is not), flagged seen, and not delivered again.
func TestPollIMAP(t *testing.T) {
	mem := imapmemserver.New()
	user := imapmemserver.NewUser("support@shop.test", "pw")
	if err := user.Create("INBOX", nil); err != nil {
		t.Fatal(err)
	}
	mem.AddUser(user)
	for _, raw := range [][]byte{
		crlf("\nReturn-Path: <ana@example.com>\nFrom: ana@example.com\nTo: support@shop.test\nSubject: Help\nMessage-ID: <i1@example.com>\n\nFirst.\n"),
		crlf("\nReturn-Path: <>\nFrom: ana@example.com\nTo: support@shop.test\nSubject: Away\nMessage-ID: <i2@example.com>\n\nAway.\n"),
		crlf("\nFrom: bob@example.com\nTo: support@shop.test\nSubject: Hi\nMessage-ID: <i3@example.com>\n\nSecond.\n"),
	} {
		if _, err := user.Append("INBOX", bytes.NewReader(raw), &imap.AppendOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	srv := imapserver.New(&imapserver.Options{
		NewSession: func(*imapserver.Conn) (imapserver.Session, *imapserver.GreetingData, error) {
			return mem.NewSession(), nil, nil
		},
		Caps:         imap.CapSet{imap.CapIMAP4rev1: {}, imap.CapIMAP4rev2: {}},
		InsecureAuth: true,
	})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go srv.Serve(ln)
	defer srv.Close()

	rec := &recorder{}
	p := &Poller{Deliver: rec.deliver}
	cfg := &desk.ChannelConfig{ID: 3, Kind: desk.ChannelEmail, Sender: "support@shop.test",
		Settings: map[string]string{"imap_addr": ln.Addr().String(), "imap_tls": "none"}, Secrets: map[string]string{"imap_password": "pw"}}
	n, err := p.Poll(context.Background(), cfg)
	if err != nil || n != 3 {
		t.Fatalf("poll: %d, %v", n, err)
	}
	if len(rec.got) != 2 || rec.got[0].Messages[0].Text != "First." || rec.got[1].Messages[0].From != "bob@example.com" {
		t.Fatalf("delivered %+v", rec.got)
	}
	if n, err := p.Poll(context.Background(), cfg); err != nil || n != 0 {
		t.Fatalf("second poll: %d, %v (want nothing new)", n, err)
	}
	cfg.Secrets["imap_password"] = "wrong"
	if _, err := p.Poll(context.Background(), cfg); err == nil {
		t.Fatal("wrong password accepted")
	}
}
