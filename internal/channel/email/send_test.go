package email

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/md5"
	"crypto/rand"
	"encoding/hex"
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

// relay is a local SMTP server (go-smtp) that records what it is given;
// it offers STARTTLS with httptest's certificate and AUTH for user/secret
// with mechs (default PLAIN only).
type relay struct {
	mu     sync.Mutex
	mails  []relayed
	refuse bool // answer 550 to RCPT
	mechs  []string
	// plaintext offers AUTH without TLS (go-smtp's AllowInsecureAuth).
	plaintext bool
	// maxBytes is the SIZE announced and enforced (0: none).
	maxBytes int64
}

type relayed struct {
	mech  string
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

func (s *relaySession) AuthMechanisms() []string {
	if s.r.mechs != nil {
		return s.r.mechs
	}
	return []string{sasl.Plain}
}

func (s *relaySession) Auth(mech string) (sasl.Server, error) {
	check := func(user, pass string) error {
		if user != "user" || pass != "secret" {
			return errors.New("bad credentials")
		}
		s.cur.auth, s.cur.mech = true, mech
		return nil
	}
	switch mech {
	case sasl.Plain:
		return sasl.NewPlainServer(func(_, user, pass string) error { return check(user, pass) }), nil
	case sasl.Login:
		return &testLoginServer{check: check}, nil
	case CRAMMD5:
		return &testCRAMServer{challenge: "<1896.697170952@relay.test>", ok: func(user string, digest []byte) error {
			mac := hmac.New(md5.New, []byte("secret"))
			mac.Write([]byte("<1896.697170952@relay.test>"))
			if user != "user" || !hmac.Equal(digest, mac.Sum(nil)) {
				return errors.New("bad credentials")
			}
			s.cur.auth, s.cur.mech = true, mech
			return nil
		}}, nil
	}
	return nil, smtp.ErrAuthUnknownMechanism
}

// testLoginServer is the relay's side of LOGIN as relays speak it
// (draft-murchison-sasl-login): "Username:", then "Password:".
type testLoginServer struct {
	check func(user, pass string) error
	user  string
	step  int
}

func (l *testLoginServer) Next(resp []byte) ([]byte, bool, error) {
	l.step++
	switch l.step {
	case 1:
		if resp != nil { // no initial response in LOGIN
			return nil, false, errors.New("unexpected initial response")
		}
		return []byte("Username:"), false, nil
	case 2:
		l.user = string(resp)
		return []byte("Password:"), false, nil
	}
	return nil, true, l.check(l.user, string(resp))
}

// testCRAMServer sends the challenge and checks "user hex(hmac)".
type testCRAMServer struct {
	challenge string
	ok        func(user string, digest []byte) error
	sent      bool
}

func (c *testCRAMServer) Next(resp []byte) ([]byte, bool, error) {
	if !c.sent {
		c.sent = true
		return []byte(c.challenge), false, nil
	}
	user, hexDigest, _ := strings.Cut(string(resp), " ")
	digest, err := hex.DecodeString(hexDigest)
	if err != nil {
		return nil, true, err
	}
	return nil, true, c.ok(user, digest)
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
func (s *relaySession) Reset()        { s.cur = relayed{auth: s.cur.auth, mech: s.cur.mech} }
func (s *relaySession) Logout() error { return nil }

// MustRelay starts the relay on loopback and returns its address.
func MustRelay(tb testing.TB, r *relay) string {
	tb.Helper()
	ts := httptest.NewUnstartedServer(nil)
	ts.StartTLS()
	tlsCfg := ts.TLS.Clone()
	ts.Close()
	srv := smtp.NewServer(smtp.BackendFunc(func(c *smtp.Conn) (smtp.Session, error) { return &relaySession{r: r, c: c}, nil }))
	srv.Domain, srv.TLSConfig, srv.AllowInsecureAuth, srv.MaxMessageBytes = "relay.test", tlsCfg, r.plaintext, r.maxBytes
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

// The relay's advertised mechanisms decide the AUTH: a relay offering
// only LOGIN gets LOGIN (it answered PLAIN with 504 before), one offering
// only PLAIN gets PLAIN, and over a plaintext connection CRAM-MD5 is
// preferred to both; a relay with none we speak fails permanently,
// naming what it offers.
func TestSendPicksTheRelaysAuthMechanism(t *testing.T) {
	for _, tc := range []struct {
		name      string
		mechs     []string
		plaintext bool
		want      string
	}{
		{"login only", []string{sasl.Login}, false, sasl.Login},
		{"plain only", []string{sasl.Plain}, false, sasl.Plain},
		{"all over TLS", []string{CRAMMD5, sasl.Login, sasl.Plain}, false, sasl.Plain},
		{"all in plaintext", []string{sasl.Plain, sasl.Login, CRAMMD5}, true, CRAMMD5},
		{"cram-md5 only", []string{CRAMMD5}, false, CRAMMD5},
		{"none we speak", []string{"XOAUTH2"}, false, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := &relay{mechs: tc.mechs, plaintext: tc.plaintext}
			addr := MustRelay(t, r)
			mode := TLSStartTLS
			if tc.plaintext {
				mode = TLSNone
			}
			ch, err := New(&desk.ChannelConfig{Kind: desk.ChannelEmail, Sender: "support@shop.test",
				Settings: map[string]string{"smtp_addr": addr, "smtp_tls": mode, "smtp_username": "user", "smtp_tls_skip_verify": "true"},
				Secrets:  map[string]string{"smtp_password": "secret"}}, nil)
			if err != nil {
				t.Fatal(err)
			}
			_, err = ch.Send(context.Background(), &desk.OutboundMessage{IdempotencyKey: "k-" + tc.name, To: "ana@example.com", Text: "hi"})
			if tc.want == "" {
				if desk.ErrorKind(err) != desk.EINVALID || !strings.Contains(desk.ErrorMessage(err), "XOAUTH2") {
					t.Fatalf("err = %v, want a permanent error naming XOAUTH2", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if len(r.mails) != 1 || !r.mails[0].auth || r.mails[0].mech != tc.want {
				t.Fatalf("relay got %+v, want one mail authenticated with %s", r.mails, tc.want)
			}
		})
	}
}

// RFC 2195 §2's example: challenge, password "tanstaaftanstaaf", user
// "tim" give "tim b913a602c7eda7a495b4e6e7334d3890".
func TestCRAMMD5RFC2195Example(t *testing.T) {
	c := &cramMD5Client{user: "tim", pass: "tanstaaftanstaaf"}
	if mech, ir, err := c.Start(); mech != "CRAM-MD5" || ir != nil || err != nil {
		t.Fatalf("start %q %q %v", mech, ir, err)
	}
	got, err := c.Next([]byte("<1896.697170952@postoffice.reston.mci.net>"))
	if err != nil || string(got) != "tim b913a602c7eda7a495b4e6e7334d3890" {
		t.Fatalf("response %q %v", got, err)
	}
}

// A 25 MiB file goes out whole through a relay that offers only LOGIN
// and announces a SIZE it fits (go-smtp enforces it), and parses back
// byte for byte.
func TestSend25MiBAttachmentThroughLoginRelay(t *testing.T) {
	r := &relay{mechs: []string{sasl.Login}, maxBytes: wireLimit(desk.MaxAttachmentBytes)}
	addr := MustRelay(t, r)
	ch, err := New(&desk.ChannelConfig{Kind: desk.ChannelEmail, Sender: "support@shop.test",
		Settings: map[string]string{"smtp_addr": addr, "smtp_username": "user", "smtp_tls_skip_verify": "true"},
		Secrets:  map[string]string{"smtp_password": "secret"}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	file := make([]byte, desk.MaxAttachmentBytes)
	_, _ = rand.Read(file)
	m := &desk.OutboundMessage{IdempotencyKey: "k-big", To: "ana@example.com", Text: "The scans.", Subject: "Scans",
		Attachments: []desk.Attachment{{ID: 9, Name: "scans.zip", ContentType: "application/zip", Size: int64(len(file))}},
		Media:       files{9: file}}
	if _, err := ch.Send(context.Background(), m); err != nil {
		t.Fatal(err)
	}
	if len(r.mails) != 1 || r.mails[0].mech != sasl.Login {
		t.Fatalf("relay got %d mails", len(r.mails))
	}
	p, err := Parse([]byte(r.mails[0].data), "support@shop.test", "ana@example.com")
	if err != nil {
		t.Fatal(err)
	}
	if a := p.Message.Attachments; len(a) != 1 || a[0].Name != "scans.zip" || !bytes.Equal(a[0].Content, file) {
		t.Fatalf("attachments %d", len(a))
	}
}
