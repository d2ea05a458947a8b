package main

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"encoding/pem"
	"io"
	"math/big"
	"net"
	"net/http"
	"net/smtp"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// writeSelfSigned writes a certificate for 127.0.0.1 and its key as PEM
// files and returns their paths and the pool that trusts the certificate.
func writeSelfSigned(tb testing.TB) (certFile, keyFile string, pool *x509.CertPool) {
	tb.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		tb.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(2), Subject: pkix.Name{CommonName: "mx.shop.test"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(24 * time.Hour),
		IPAddresses: []net.IP{net.ParseIP("127.0.0.1")}, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		tb.Fatal(err)
	}
	kder, _ := x509.MarshalECPrivateKey(key)
	dir := tb.TempDir()
	certFile, keyFile = filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	os.WriteFile(certFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600)
	os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: kder}), 0o600)
	cert, _ := x509.ParseCertificate(der)
	pool = x509.NewCertPool()
	pool.AddCert(cert)
	return certFile, keyFile, pool
}

// TestEmailSTARTTLSAuth runs the server's SMTP listener with
// --smtp-tls-cert/--smtp-tls-key and --smtp-auth: Go's SMTP client upgrades
// with STARTTLS, verifies the self-signed certificate, authenticates and
// delivers a mail with a PDF attachment, which is stored, linked to the
// message and downloadable by the admin. AUTH over plaintext is refused
// (523), a wrong password is 535 and sending unauthenticated is 530.
func TestEmailSTARTTLSAuth(t *testing.T) {
	certFile, keyFile, pool := writeSelfSigned(t)
	dir := t.TempDir()
	MustRun(t, "user", "create", "--email", "admin@example.com", "--password", "admin-password", "--role", "admin", "--data", dir)
	smtpAddr := freeAddr(t)
	p := MustServe(t, "--data", dir, "--smtp-addr", smtpAddr, "--smtp-tls-cert", certFile, "--smtp-tls-key", keyFile,
		"--smtp-auth", "relay:s3cret-pass")
	token := login(t, p.url, "admin@example.com", "admin-password")
	if code := call(t, "POST", p.url+"/api/v1/channels", token, map[string]any{"kind": "email", "name": "Support", "sender": "support@shop.test",
		"settings": map[string]string{"smtp_addr": "127.0.0.1:1", "smtp_tls": "none"}}, nil); code != 201 {
		t.Fatalf("create channel: %d", code)
	}
	dial := func() *smtp.Client {
		t.Helper()
		for i := 0; i < 50; i++ {
			c, err := smtp.Dial(smtpAddr)
			if err == nil {
				t.Cleanup(func() { c.Close() })
				return c
			}
			time.Sleep(100 * time.Millisecond)
		}
		t.Fatal("the SMTP listener did not start")
		return nil
	}
	tlsCfg := &tls.Config{ServerName: "127.0.0.1", RootCAs: pool}

	plain := dial()
	if err := plain.Auth(smtp.PlainAuth("", "relay", "s3cret-pass", "127.0.0.1")); err == nil || !strings.HasPrefix(err.Error(), "523") {
		t.Fatalf("AUTH in plaintext: %v, want 523", err)
	}
	if err := dial().Mail("ana@example.com"); err == nil || !strings.HasPrefix(err.Error(), "530") {
		t.Fatalf("MAIL unauthenticated: %v, want 530", err)
	}
	wrong := dial()
	if err := wrong.StartTLS(tlsCfg); err != nil {
		t.Fatal(err)
	}
	if err := wrong.Auth(smtp.PlainAuth("", "relay", "guess-guess", "127.0.0.1")); err == nil || !strings.HasPrefix(err.Error(), "535") {
		t.Fatalf("wrong password: %v, want 535", err)
	}

	pdf := "%PDF-1.7\n1 0 obj\n<<>>\nendobj\n%%EOF\n"
	raw := strings.Join([]string{"From: Ana <ana@example.com>", "To: support@shop.test", "Subject: Invoice", "Message-ID: <inv1@example.com>",
		"MIME-Version: 1.0", `Content-Type: multipart/mixed; boundary="b1"`, "", "--b1", "Content-Type: text/plain", "", "Invoice attached.",
		"--b1", `Content-Type: application/pdf; name="invoice.pdf"`, `Content-Disposition: attachment; filename="invoice.pdf"`, "Content-Transfer-Encoding: base64", "",
		base64.StdEncoding.EncodeToString([]byte(pdf)), "--b1--", ""}, "\r\n")
	c := dial()
	if err := c.StartTLS(tlsCfg); err != nil {
		t.Fatal(err)
	}
	if err := c.Auth(smtp.PlainAuth("", "relay", "s3cret-pass", "127.0.0.1")); err != nil {
		t.Fatal(err)
	}
	if err := c.Mail("ana@example.com"); err != nil {
		t.Fatal(err)
	}
	if err := c.Rcpt("support@shop.test"); err != nil {
		t.Fatal(err)
	}
	w, _ := c.Data()
	w.Write([]byte(raw))
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}

	var convs struct{ Items []struct{ ID string } }
	call(t, "GET", p.url+"/api/v1/conversations?view=all", token, nil, &convs)
	if len(convs.Items) != 1 {
		t.Fatalf("conversations %+v", convs.Items)
	}
	var msgs struct {
		Items []struct {
			Text        string
			Attachments []struct{ Name, ContentType, URL string } `json:"attachments"`
		}
	}
	call(t, "GET", p.url+"/api/v1/conversations/"+convs.Items[0].ID+"/messages", token, nil, &msgs)
	if len(msgs.Items) != 1 || len(msgs.Items[0].Attachments) != 1 || msgs.Items[0].Attachments[0].Name != "invoice.pdf" {
		t.Fatalf("messages %+v", msgs.Items)
	}
	req, _ := http.NewRequest("GET", p.url+msgs.Items[0].Attachments[0].URL, nil)
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	got, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || string(got) != pdf || resp.Header.Get("Content-Type") != "application/pdf" {
		t.Fatalf("attachment: %d %q %q", resp.StatusCode, resp.Header.Get("Content-Type"), got)
	}
}
