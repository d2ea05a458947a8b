package email

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"math/big"
	"net"
	netsmtp "net/smtp"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"

	"github.com/switchboard-cc/switchboard/internal/desk"
)

// selfSigned makes a certificate for 127.0.0.1 and the pool that trusts
// it, so clients verify the listener for real.
func selfSigned(tb testing.TB) (*tls.Config, *x509.CertPool) {
	tb.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		tb.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "mx.shop.test"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IPAddresses: []net.IP{net.ParseIP("127.0.0.1")}, KeyUsage: x509.KeyUsageDigitalSignature,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		tb.Fatal(err)
	}
	cert, _ := x509.ParseCertificate(der)
	pool := x509.NewCertPool()
	pool.AddCert(cert)
	return &tls.Config{Certificates: []tls.Certificate{{Certificate: [][]byte{der}, PrivateKey: key}}}, pool
}

// mustListenTLS starts a listener for support@shop.test with STARTTLS and,
// if auth is set, SMTP AUTH.
func mustListenTLS(tb testing.TB, rec *recorder, auth *Credentials) (string, *x509.CertPool) {
	tb.Helper()
	cfg, pool := selfSigned(tb)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	l := &Listener{Deliver: rec.deliver, TLSConfig: cfg, Auth: auth, Resolve: func(_ context.Context, rcpt string) (*desk.ChannelConfig, error) {
		if rcpt != "support@shop.test" {
			return nil, desk.Errorf(desk.ENOTFOUND, "unknown")
		}
		return &desk.ChannelConfig{ID: 7, Kind: desk.ChannelEmail, Sender: rcpt}, nil
	}}
	go l.Serve(ln)
	tb.Cleanup(func() { l.Close() })
	return ln.Addr().String(), pool
}

var helpMail = crlf("\nFrom: Ana <ana@example.com>\nTo: support@shop.test\nSubject: Help\nMessage-ID: <t1@example.com>\n\nMy order is late.\n")

// TestListenerSTARTTLSAndAuth drives the listener with Go's net/smtp and
// go-smtp's client: PLAIN and LOGIN over STARTTLS deliver; a wrong password
// is 535; AUTH before STARTTLS is refused (523) and no mechanism is even
// advertised in plaintext; sending without authenticating is 530.
func TestListenerSTARTTLSAndAuth(t *testing.T) {
	creds, err := ParseCredentials("relay:s3cret-pass, backup:other-pass1")
	if err != nil {
		t.Fatal(err)
	}
	rec := &recorder{}
	addr, pool := mustListenTLS(t, rec, creds)
	tlsCfg := &tls.Config{ServerName: "127.0.0.1", RootCAs: pool}

	dial := func(t *testing.T, startTLS bool) *netsmtp.Client {
		t.Helper()
		c, err := netsmtp.Dial(addr)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { c.Close() })
		if startTLS {
			if err := c.StartTLS(tlsCfg); err != nil {
				t.Fatal(err)
			}
		}
		return c
	}
	send := func(c *netsmtp.Client) error {
		if err := c.Mail("ana@example.com"); err != nil {
			return err
		}
		if err := c.Rcpt("support@shop.test"); err != nil {
			return err
		}
		w, err := c.Data()
		if err != nil {
			return err
		}
		w.Write(helpMail)
		return w.Close()
	}

	t.Run("plain over starttls", func(t *testing.T) {
		c := dial(t, true)
		if ok, mechs := c.Extension("AUTH"); !ok || !strings.Contains(mechs, "PLAIN") || !strings.Contains(mechs, "LOGIN") {
			t.Fatalf("AUTH advertised over TLS: %v %q", ok, mechs)
		}
		if err := c.Auth(netsmtp.PlainAuth("", "relay", "s3cret-pass", "127.0.0.1")); err != nil {
			t.Fatal(err)
		}
		if err := send(c); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("login over starttls", func(t *testing.T) {
		c, err := smtp.DialStartTLS(addr, tlsCfg)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		if err := c.Auth(sasl.NewLoginClient("backup", "other-pass1")); err != nil {
			t.Fatal(err)
		}
		if err := c.SendMail("ana@example.com", []string{"support@shop.test"}, strings.NewReader(string(helpMail))); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("wrong password", func(t *testing.T) {
		c := dial(t, true)
		err := c.Auth(netsmtp.PlainAuth("", "relay", "guess-guess", "127.0.0.1"))
		if err == nil || !strings.HasPrefix(err.Error(), "535") {
			t.Fatalf("err = %v, want 535", err)
		}
	})
	t.Run("plaintext auth refused", func(t *testing.T) {
		c := dial(t, false)
		if ok, _ := c.Extension("AUTH"); ok {
			t.Fatal("AUTH advertised without TLS")
		}
		if ok, _ := c.Extension("STARTTLS"); !ok {
			t.Fatal("STARTTLS not advertised")
		}
		// net/smtp sends PLAIN to localhost without TLS; the listener must not take it.
		err := c.Auth(netsmtp.PlainAuth("", "relay", "s3cret-pass", "127.0.0.1"))
		if err == nil || !strings.HasPrefix(err.Error(), "523") {
			t.Fatalf("err = %v, want 523 TLS required", err)
		}
	})
	t.Run("unauthenticated send", func(t *testing.T) {
		if err := send(dial(t, true)); err == nil || !strings.HasPrefix(err.Error(), "530") {
			t.Fatalf("err = %v, want 530", err)
		}
		if err := send(dial(t, false)); err == nil || !strings.HasPrefix(err.Error(), "530") {
			t.Fatalf("plaintext: err = %v, want 530", err)
		}
	})
	rec.mu.Lock()
	defer rec.mu.Unlock()
	if len(rec.got) != 2 {
		t.Fatalf("delivered %d messages, want 2 (plain, login)", len(rec.got))
	}
}

// TestListenerSTARTTLSWithoutAuth: STARTTLS alone encrypts mail from any
// sending server, and plaintext delivery still works (public MX).
func TestListenerSTARTTLSWithoutAuth(t *testing.T) {
	rec := &recorder{}
	addr, pool := mustListenTLS(t, rec, nil)
	c, err := netsmtp.Dial(addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if err := c.StartTLS(&tls.Config{ServerName: "127.0.0.1", RootCAs: pool}); err != nil {
		t.Fatal(err)
	}
	if st, ok := c.TLSConnectionState(); !ok || !st.HandshakeComplete {
		t.Fatal("no TLS after STARTTLS")
	}
	if ok, _ := c.Extension("AUTH"); ok {
		t.Fatal("AUTH advertised without accounts")
	}
	if err := c.Mail("ana@example.com"); err != nil {
		t.Fatal(err)
	}
	c.Rcpt("support@shop.test")
	w, _ := c.Data()
	w.Write(helpMail)
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	// A sending server that does not upgrade still delivers.
	p, err := netsmtp.Dial(addr)
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	if err := p.Mail("bob@example.com"); err != nil {
		t.Fatal(err)
	}
	p.Rcpt("support@shop.test")
	w, _ = p.Data()
	w.Write(helpMail)
	if err := w.Close(); err != nil {
		t.Fatalf("plaintext delivery: %v", err)
	}
	if len(rec.got) != 2 {
		t.Fatalf("delivered %d, want 2", len(rec.got))
	}
}

func TestParseCredentials(t *testing.T) {
	c, err := ParseCredentials("a:password1,b:password2")
	if err != nil || !c.Check("a", "password1") || c.Check("a", "password2") || c.Check("c", "password1") {
		t.Fatalf("credentials %v", err)
	}
	for _, bad := range []string{"", "nopass", "a:short", ":password1"} {
		if _, err := ParseCredentials(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
	if err := (&Listener{Auth: c}).Serve(nil); err == nil {
		t.Error("AUTH without TLS accepted")
	}
}
