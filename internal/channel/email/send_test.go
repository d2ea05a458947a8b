package email

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"

	"github.com/switchboard-cc/switchboard/internal/desk"
)

// relay is a local SMTP server that records what it is given; it offers
// STARTTLS with httptest's certificate and AUTH PLAIN for user/secret.
type relay struct {
	mu     sync.Mutex
	mails  []relayed
	refuse bool // answer 550 to RCPT
}

type relayed struct {
	from  string
	rcpts []string
	data  string
	auth  bool
	tls   bool
}

type relaySession struct {
	r   *relay
	c   *smtp.Conn
	cur relayed
}

func (s *relaySession) AuthMechanisms() []string { return []string{sasl.Plain} }
func (s *relaySession) Auth(string) (sasl.Server, error) {
	return sasl.NewPlainServer(func(_, user, pass string) error {
		if user != "user" || pass != "secret" {
			return errors.New("bad credentials")
		}
		s.cur.auth = true
		return nil
	}), nil
}
func (s *relaySession) Mail(from string, _ *smtp.MailOptions) error { s.cur.from = from; return nil }
func (s *relaySession) Rcpt(to string, _ *smtp.RcptOptions) error {
	if s.r.refuse {
		return &smtp.SMTPError{Code: 550, Message: "mailbox unavailable"}
	}
	s.cur.rcpts = append(s.cur.rcpts, to)
	return nil
}
func (s *relaySession) Data(r io.Reader) error {
	b, _ := io.ReadAll(r)
	s.cur.data = string(b)
	_, s.cur.tls = s.c.TLSConnectionState()
	s.r.mu.Lock()
	s.r.mails = append(s.r.mails, s.cur)
	s.r.mu.Unlock()
	return nil
}
func (s *relaySession) Reset()        { s.cur = relayed{auth: s.cur.auth} }
func (s *relaySession) Logout() error { return nil }

// MustRelay starts the relay on loopback and returns its address.
func MustRelay(tb testing.TB, r *relay) string {
	tb.Helper()
	ts := httptest.NewUnstartedServer(nil)
	ts.StartTLS()
	tlsCfg := ts.TLS.Clone()
	ts.Close()
	srv := smtp.NewServer(smtp.BackendFunc(func(c *smtp.Conn) (smtp.Session, error) { return &relaySession{r: r, c: c}, nil }))
	srv.Domain, srv.TLSConfig = "relay.test", tlsCfg
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	go srv.Serve(ln)
	tb.Cleanup(func() { srv.Close() })
	return ln.Addr().String()
}

func TestSendOverSTARTTLSWithAuth(t *testing.T) {
	r := &relay{}
	addr := MustRelay(t, r)
	ch, err := New(&desk.ChannelConfig{Kind: desk.ChannelEmail, Sender: "Support@Shop.test",
		Settings: map[string]string{"smtp_addr": addr, "smtp_username": "user", "smtp_tls_skip_verify": "true"},
		Secrets:  map[string]string{"smtp_password": "secret"}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	m := &desk.OutboundMessage{IdempotencyKey: "sb-abc-42", Channel: desk.ChannelEmail, To: "ana@example.com", Text: "Your parcel left today.",
		Subject: "Re: Order 1042", CC: []string{"bob@example.com"}, BCC: []string{"audit@shop.test"},
		InReplyTo: "m2@example.com", References: []string{"m1@example.com", "m2@example.com"}}
	res, err := ch.Send(context.Background(), m)
	if err != nil {
		t.Fatal(err)
	}
	if res.ExternalID != "sb-abc-42@shop.test" {
		t.Errorf("external id %s", res.ExternalID)
	}
	if len(r.mails) != 1 {
		t.Fatalf("relay got %d mails", len(r.mails))
	}
	got := r.mails[0]
	if !got.tls || !got.auth || got.from != "support@shop.test" || strings.Join(got.rcpts, ",") != "ana@example.com,bob@example.com,audit@shop.test" {
		t.Errorf("envelope %+v", got)
	}
	// What the customer receives parses back with our threading headers,
	// and the BCC stays out of the headers.
	p, err := Parse([]byte(got.data), got.from, "ana@example.com")
	if err != nil {
		t.Fatal(err)
	}
	in := p.Message
	if in.ExternalID != "sb-abc-42@shop.test" || in.Subject != "Re: Order 1042" || in.Text != "Your parcel left today." ||
		strings.Join(in.ThreadRefs, " ") != "m1@example.com m2@example.com m2@example.com" || strings.Join(in.CC, ",") != "bob@example.com" {
		t.Errorf("sent message parses as %+v", in)
	}
	if strings.Contains(strings.ToLower(got.data), "audit@shop.test") {
		t.Error("BCC leaked into the headers")
	}
}

func TestSendErrors(t *testing.T) {
	r := &relay{refuse: true}
	addr := MustRelay(t, r)
	ch, err := New(&desk.ChannelConfig{Kind: desk.ChannelEmail, Sender: "support@shop.test", Settings: map[string]string{"smtp_addr": addr, "smtp_tls": "none"}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	m := &desk.OutboundMessage{IdempotencyKey: "k1", To: "gone@example.com", Text: "hi"}
	if _, err := ch.Send(context.Background(), m); desk.ErrorKind(err) != desk.EINVALID {
		t.Errorf("550: err = %v, want EINVALID (no retry)", err)
	}
	down, _ := New(&desk.ChannelConfig{Kind: desk.ChannelEmail, Sender: "support@shop.test", Settings: map[string]string{"smtp_addr": "127.0.0.1:1", "smtp_tls": "none"}}, nil)
	if _, err := down.Send(context.Background(), m); err == nil || desk.ErrorKind(err) == desk.EINVALID {
		t.Errorf("relay down: err = %v, want a retryable error", err)
	}
	for _, cfg := range []map[string]string{{}, {"smtp_addr": "x:25", "smtp_tls": "ssl"}, {"smtp_addr": "x:25", "smtp_username": "u"}} {
		if _, err := New(&desk.ChannelConfig{Kind: desk.ChannelEmail, Sender: "s@shop.test", Settings: cfg}, nil); desk.ErrorKind(err) != desk.EINVALID {
			t.Errorf("settings %v: err = %v", cfg, err)
		}
	}
}
