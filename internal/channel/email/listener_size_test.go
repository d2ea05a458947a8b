package email

import (
	"bytes"
	"crypto/rand"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/switchboard-cc/switchboard/internal/desk"
)

// swaksPath finds Debian's swaks (an independent SMTP client, Perl);
// tests skip without it, except in CI where scripts/ensure-services.sh
// installs it.
func swaksPath(t *testing.T) string {
	t.Helper()
	p, err := exec.LookPath("swaks")
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("swaks is missing (apt-get install swaks)")
		}
		t.Skip("swaks not installed (apt-get install swaks)")
	}
	return p
}

// swaks sends one message to the listener; it returns swaks's transcript
// and whether the server accepted it.
func swaks(t *testing.T, addr string, args ...string) (string, bool) {
	t.Helper()
	host, port, _ := strings.Cut(addr, ":")
	base := []string{"--server", host, "--port", port, "--from", "ana@example.com", "--to", "support@shop.test",
		"--helo", "mx.example.com", "--suppress-data"}
	out, err := exec.Command(swaksPath(t), append(base, args...)...).CombinedOutput()
	return string(out), err == nil
}

// A 25 MiB attachment sent by swaks — about 35 MB once base64-encoded —
// is accepted whole: the size limit counts decoded bytes. A message whose
// parts exceed it once decoded gets 552 5.3.4; the display name of From
// (RFC 2047-encoded) becomes the message's Name.
func TestListenerTakes25MiBAttachmentFromSwaks(t *testing.T) {
	rec := &recorder{}
	addr := MustListen(t, rec)
	dir := t.TempDir()
	file := make([]byte, desk.MaxAttachmentBytes)
	_, _ = rand.Read(file)
	path := filepath.Join(dir, "scan.pdf")
	if err := os.WriteFile(path, file, 0o600); err != nil {
		t.Fatal(err)
	}
	out, ok := swaks(t, addr, "--header", "Subject: Signed contract", "--header", "From: =?UTF-8?Q?Ana_P=C3=A9rez?= <ana@example.com>",
		"--body", "Here it is.", "--attach-type", "application/pdf", "--attach", "@"+path)
	if !ok {
		t.Fatalf("swaks: %s", out)
	}
	rec.mu.Lock()
	if len(rec.got) != 1 || len(rec.got[0].Messages) != 1 {
		rec.mu.Unlock()
		t.Fatalf("delivered %+v", rec.got)
	}
	m := rec.got[0].Messages[0]
	rec.got = nil
	rec.mu.Unlock()
	if m.Name != "Ana Pérez" || m.From != "ana@example.com" || m.Subject != "Signed contract" || m.Text != "Here it is." {
		t.Fatalf("message %q <%s> %q %q", m.Name, m.From, m.Subject, m.Text)
	}
	if len(m.Attachments) != 1 || m.Attachments[0].Name != "scan.pdf" || !bytes.Equal(m.Attachments[0].Content, file) {
		t.Fatalf("attachment %d files, first %q of %d bytes", len(m.Attachments), m.Attachments[0].Name, len(m.Attachments[0].Content))
	}

	// One more MiB is over the limit once decoded, though well inside
	// the wire size: refused with 552 5.3.4, nothing delivered.
	big := append(file, make([]byte, 1<<20)...)
	if err := os.WriteFile(path, big, 0o600); err != nil {
		t.Fatal(err)
	}
	out, ok = swaks(t, addr, "--header", "Subject: Too big", "--attach", "@"+path)
	if ok || !strings.Contains(out, "552 5.3.4") {
		t.Fatalf("26 MiB: accepted=%v\n%s", ok, tail(out))
	}
	rec.mu.Lock()
	defer rec.mu.Unlock()
	if len(rec.got) != 0 {
		t.Fatalf("an oversize message was delivered: %+v", rec.got)
	}
}

func tail(s string) string {
	lines := strings.Split(s, "\n")
	if len(lines) > 15 {
		lines = lines[len(lines)-15:]
	}
	return strings.Join(lines, "\n")
}

// The announced SIZE carries 25 MiB of base64 with its line breaks.
func TestWireLimit(t *testing.T) {
	enc := int64(desk.MaxAttachmentBytes+2) / 3 * 4
	enc += enc / 76 * 2
	if w := wireLimit(desk.MaxAttachmentBytes); w < enc || w > enc+2<<20 {
		t.Fatalf("wire limit %d for %d encoded bytes", w, enc)
	}
}
