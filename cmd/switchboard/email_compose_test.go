package main

import (
	"errors"
	"io"
	"net"
	"strings"
	"sync"
	"testing"

	"github.com/emersion/go-sasl"
	gosmtp "github.com/emersion/go-smtp"
)

// envelopeRelay is a go-smtp relay that offers only AUTH LOGIN (as some
// providers' relays do) and keeps each mail with its envelope.
type envelopeRelay struct {
	mu    sync.Mutex
	mails []relayedMail
	sink  mailSink
}

type relayedMail struct {
	user  string
	rcpts []string
	data  string
}

type envelopeSession struct {
	r   *envelopeRelay
	cur relayedMail
}

func (s *envelopeSession) AuthMechanisms() []string { return []string{sasl.Login} }
func (s *envelopeSession) Auth(mech string) (sasl.Server, error) {
	if mech != sasl.Login {
		return nil, gosmtp.ErrAuthUnknownMechanism
	}
	return &relayLogin{done: func(user, pass string) error {
		if user != "relay-user" || pass != "relay-secret" {
			return errors.New("bad credentials")
		}
		s.cur.user = user
		return nil
	}}, nil
}
func (s *envelopeSession) Mail(string, *gosmtp.MailOptions) error {
	if s.cur.user == "" {
		return &gosmtp.SMTPError{Code: 530, Message: "authentication required"}
	}
	return nil
}
func (s *envelopeSession) Rcpt(to string, _ *gosmtp.RcptOptions) error {
	s.cur.rcpts = append(s.cur.rcpts, to)
	return nil
}
func (s *envelopeSession) Data(r io.Reader) error {
	b, _ := io.ReadAll(r)
	s.cur.data = string(b)
	s.r.mu.Lock()
	s.r.mails = append(s.r.mails, s.cur)
	s.r.mu.Unlock()
	s.r.sink.mu.Lock()
	s.r.sink.mails = append(s.r.sink.mails, s.cur.data)
	s.r.sink.mu.Unlock()
	s.cur = relayedMail{user: s.cur.user}
	return nil
}
func (s *envelopeSession) Reset()        { s.cur = relayedMail{user: s.cur.user} }
func (s *envelopeSession) Logout() error { return nil }

// relayLogin is the relay's LOGIN: "Username:", "Password:".
type relayLogin struct {
	done func(user, pass string) error
	user string
	step int
}

func (l *relayLogin) Next(resp []byte) ([]byte, bool, error) {
	l.step++
	switch l.step {
	case 1:
		return []byte("Username:"), false, nil
	case 2:
		l.user = string(resp)
		return []byte("Password:"), false, nil
	}
	return nil, true, l.done(l.user, string(resp))
}

func (r *envelopeRelay) mail(tb testing.TB, n int) relayedMail {
	tb.Helper()
	r.sink.wait(tb, n)
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.mails[n-1]
}

func header(data, name string) string {
	for _, l := range strings.Split(data, "\r\n") {
		if l == "" {
			break
		}
		if k, v, ok := strings.Cut(l, ":"); ok && strings.EqualFold(k, name) {
			return strings.TrimSpace(v)
		}
	}
	return ""
}

// An agent starts an email conversation through a relay that offers only
// AUTH LOGIN: the first message goes out with the subject, To, Cc and
// (envelope only) Bcc the agent gave; a reply says "Re: <subject>" with
// In-Reply-To and References to the first; the customer's "Re: Re:"
// answer threads in, and the next reply still says "Re: <subject>".
func TestEmailNewConversationCarriesSubjectCCBCC(t *testing.T) {
	relay := &envelopeRelay{}
	srv := gosmtp.NewServer(gosmtp.BackendFunc(func(*gosmtp.Conn) (gosmtp.Session, error) { return &envelopeSession{r: relay}, nil }))
	srv.AllowInsecureAuth = true
	rl, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go srv.Serve(rl)
	defer srv.Close()

	dir := t.TempDir()
	MustRun(t, "user", "create", "--email", "admin@example.com", "--password", "admin-password", "--role", "admin", "--data", dir)
	smtpAddr := freeAddr(t)
	p := MustServe(t, "--data", dir, "--smtp-addr", smtpAddr)
	token := login(t, p.url, "admin@example.com", "admin-password")
	if code := call(t, "POST", p.url+"/api/v1/channels", token, map[string]any{"kind": "email", "name": "Support", "sender": "support@shop.test",
		"settings": map[string]string{"smtp_addr": rl.Addr().String(), "smtp_tls": "none", "smtp_username": "relay-user"},
		"secrets":  map[string]string{"smtp_password": "relay-secret"}}, nil); code != 201 {
		t.Fatalf("create channel: %d", code)
	}
	var conv struct {
		ID    string
		Error map[string]any
	}
	if code := call(t, "POST", p.url+"/api/v1/conversations", token, map[string]any{"channel": "email", "sender_address": "support@shop.test", "to": "ana@example.com",
		"subject": "Your order 1042", "topic": "order 1042", "cc": []string{"bob@example.com"}, "bcc": []string{"audit@shop.test"},
		"text": "Your parcel is ready."}, &conv); code != 201 {
		t.Fatalf("start conversation: %d %v", code, conv.Error)
	}
	first := relay.mail(t, 1)
	if first.user != "relay-user" || strings.Join(first.rcpts, ",") != "ana@example.com,bob@example.com,audit@shop.test" {
		t.Fatalf("envelope %+v", first)
	}
	if s, cc := header(first.data, "Subject"), header(first.data, "Cc"); s != "Your order 1042" || cc != "<bob@example.com>" {
		t.Fatalf("first mail Subject %q Cc %q:\n%s", s, cc, first.data)
	}
	if strings.Contains(first.data, "audit@shop.test") {
		t.Fatal("BCC in the headers")
	}
	firstID := header(first.data, "Message-Id")

	msgs := p.url + "/api/v1/conversations/" + conv.ID + "/messages"
	if code := call(t, "POST", msgs, token, map[string]any{"text": "It left today."}, nil); code != 201 {
		t.Fatalf("reply: %d", code)
	}
	second := relay.mail(t, 2)
	if s := header(second.data, "Subject"); s != "Re: Your order 1042" {
		t.Fatalf("reply Subject %q", s)
	}
	if irt, refs := header(second.data, "In-Reply-To"), header(second.data, "References"); irt != firstID || refs != firstID {
		t.Fatalf("reply In-Reply-To %q References %q, want %q", irt, refs, firstID)
	}

	mustMail(t, smtpAddr, "ana@example.com", "From: Ana <ana@example.com>", "To: support@shop.test", "Subject: Re: Re: Your order 1042",
		"Message-ID: <a2@example.com>", "In-Reply-To: "+header(second.data, "Message-Id"), "", "Thanks!")
	if code := call(t, "POST", msgs, token, map[string]any{"text": "You're welcome."}, nil); code != 201 {
		t.Fatalf("second reply: %d", code)
	}
	third := relay.mail(t, 3)
	if s, irt := header(third.data, "Subject"), header(third.data, "In-Reply-To"); s != "Re: Your order 1042" || irt != "<a2@example.com>" {
		t.Fatalf("second reply Subject %q In-Reply-To %q", s, irt)
	}
	var list struct{ Items []struct{ ID string } }
	call(t, "GET", p.url+"/api/v1/conversations?view=all", token, nil, &list)
	if len(list.Items) != 1 {
		t.Fatalf("%d conversations, want the one thread", len(list.Items))
	}
}
