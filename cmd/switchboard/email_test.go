package main

import (
	"io"
	"net"
	"net/smtp"
	"strings"
	"sync"
	"testing"
	"time"

	gosmtp "github.com/emersion/go-smtp"
)

// mailSink is a local SMTP relay that keeps what it is given.
type mailSink struct {
	mu    sync.Mutex
	mails []string
}

type sinkSession struct{ s *mailSink }

func (x *sinkSession) Mail(string, *gosmtp.MailOptions) error { return nil }
func (x *sinkSession) Rcpt(string, *gosmtp.RcptOptions) error { return nil }
func (x *sinkSession) Data(r io.Reader) error {
	b, _ := io.ReadAll(r)
	x.s.mu.Lock()
	x.s.mails = append(x.s.mails, string(b))
	x.s.mu.Unlock()
	return nil
}
func (x *sinkSession) Reset()        {}
func (x *sinkSession) Logout() error { return nil }

func (s *mailSink) wait(tb testing.TB, n int) string {
	tb.Helper()
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		s.mu.Lock()
		if len(s.mails) >= n {
			m := s.mails[n-1]
			s.mu.Unlock()
			return m
		}
		s.mu.Unlock()
	}
	tb.Fatalf("the relay did not receive mail #%d", n)
	return ""
}

// freeAddr returns a loopback address nobody listens on right now.
func freeAddr(tb testing.TB) string {
	tb.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// mustMail sends raw mail to the listener with Go's SMTP client, retrying
// while the listener starts.
func mustMail(tb testing.TB, addr, from string, lines ...string) {
	tb.Helper()
	raw := []byte(strings.Join(lines, "\r\n") + "\r\n")
	var err error
	for i := 0; i < 50; i++ {
		if err = smtp.SendMail(addr, nil, from, []string{"support@shop.test"}, raw); err == nil {
			return
		} else if !strings.Contains(err.Error(), "connection refused") {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	tb.Fatalf("send mail: %v", err)
}

// TestEmailChannel runs the email channel end to end (H1): mail in over
// SMTP opens a conversation, the reply goes out through the outbox to a
// relay with threading headers, a CC'd colleague's answer threads into the
// same conversation by In-Reply-To, an out-of-office is not threaded, and a
// bounce marks the reply failed.
func TestEmailChannel(t *testing.T) {
	sink := &mailSink{}
	relay := gosmtp.NewServer(gosmtp.BackendFunc(func(*gosmtp.Conn) (gosmtp.Session, error) { return &sinkSession{sink}, nil }))
	rl, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go relay.Serve(rl)
	defer relay.Close()

	dir := t.TempDir()
	MustRun(t, "user", "create", "--email", "admin@example.com", "--password", "admin-password", "--role", "admin", "--data", dir)
	smtpAddr := freeAddr(t)
	p := MustServe(t, "--data", dir, "--smtp-addr", smtpAddr)
	token := login(t, p.url, "admin@example.com", "admin-password")
	if code := call(t, "POST", p.url+"/api/v1/channels", token, map[string]any{"kind": "email", "name": "Support", "sender": "support@shop.test",
		"settings": map[string]string{"smtp_addr": rl.Addr().String(), "smtp_tls": "none"}}, nil); code != 201 {
		t.Fatalf("create channel: %d", code)
	}

	mustMail(t, smtpAddr, "ana@example.com", "From: Ana <ana@example.com>", "To: support@shop.test", "Cc: bob@example.com",
		"Subject: Order 1042", "Message-ID: <a1@example.com>", "", "Where is my parcel?")
	type conv struct {
		ID, Topic, Channel string
	}
	var convs struct{ Items []conv }
	call(t, "GET", p.url+"/api/v1/conversations?view=all", token, nil, &convs)
	if len(convs.Items) != 1 || convs.Items[0].Topic != "Order 1042" || convs.Items[0].Channel != "email" {
		t.Fatalf("conversations %+v", convs.Items)
	}
	msgs := p.url + "/api/v1/conversations/" + convs.Items[0].ID + "/messages"
	if code := call(t, "POST", msgs, token, map[string]any{"text": "It left today.", "cc": []string{"bob@example.com"}}, nil); code != 201 {
		t.Fatalf("reply: %d", code)
	}
	out := sink.wait(t, 1)
	for _, want := range []string{"Subject: Re: Order 1042", "In-Reply-To: <a1@example.com>", "References: <a1@example.com>", "To: <ana@example.com>", "Cc: <bob@example.com>", "It left today."} {
		if !strings.Contains(out, want) {
			t.Errorf("sent mail lacks %q:\n%s", want, out)
		}
	}
	var ourID string
	for _, l := range strings.Split(out, "\r\n") {
		if strings.HasPrefix(l, "Message-Id: ") || strings.HasPrefix(l, "Message-ID: ") {
			ourID = strings.Trim(l[len("Message-Id: "):], "<>")
		}
	}
	if ourID == "" {
		t.Fatalf("no Message-ID in\n%s", out)
	}

	mustMail(t, smtpAddr, "bob@example.com", "From: bob@example.com", "To: support@shop.test", "Subject: Re: Re: Order 1042",
		"Message-ID: <b1@example.com>", "In-Reply-To: <"+ourID+">", "", "I am Ana's colleague, thanks!")
	mustMail(t, smtpAddr, "ana@example.com", "From: ana@example.com", "To: support@shop.test", "Subject: Out of office",
		"Auto-Submitted: auto-replied", "Message-ID: <ooo@example.com>", "", "Away until Monday.")
	mustMail(t, smtpAddr, "", "From: MAILER-DAEMON@mx.test", "To: support@shop.test", "Subject: Undelivered",
		"In-Reply-To: <"+ourID+">", "", "550 mailbox full")

	call(t, "GET", p.url+"/api/v1/conversations?view=all", token, nil, &convs)
	if len(convs.Items) != 1 {
		t.Fatalf("the CC'd answer opened another conversation: %+v", convs.Items)
	}
	var thread struct {
		Items []struct {
			Text, Direction, From string
			DeliveryState         string `json:"delivery_state"`
		} `json:"items"`
	}
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		call(t, "GET", msgs, token, nil, &thread)
		if len(thread.Items) == 3 && thread.Items[1].DeliveryState == "failed" || time.Now().After(deadline) {
			break
		}
	}
	if len(thread.Items) != 3 || thread.Items[2].From != "bob@example.com" || thread.Items[1].DeliveryState != "failed" {
		t.Fatalf("thread %+v", thread.Items)
	}
}
