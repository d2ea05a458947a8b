package email

import (
	"os"
	"path/filepath"
	"testing"
)

// FuzzParse feeds raw messages to the MIME parser: it must never panic,
// and a message it accepts has an ID to be idempotent on.
func FuzzParse(f *testing.F) {
	files, _ := filepath.Glob("testdata/*.eml")
	for _, name := range files {
		if b, err := os.ReadFile(name); err == nil {
			f.Add(b)
		}
	}
	f.Add([]byte("From: Ann <ann@example.com>\r\nTo: support@shop.test\r\nSubject: Hi\r\nMessage-ID: <1@x>\r\n\r\nHello\r\n"))
	f.Add([]byte("From: a@b\r\nContent-Type: multipart/alternative; boundary=X\r\n\r\n--X\r\nContent-Type: text/plain\r\n\r\nplain\r\n--X\r\nContent-Type: text/html\r\n\r\n<p>html</p>\r\n--X--\r\n"))
	f.Add([]byte("From: MAILER-DAEMON@x\r\nContent-Type: multipart/report; report-type=delivery-status; boundary=B\r\n\r\n--B\r\n\r\nfailed\r\n--B--\r\n"))
	f.Fuzz(func(t *testing.T, raw []byte) {
		p, err := Parse(raw, "ann@example.com", "support@shop.test")
		if err != nil || p == nil {
			return
		}
		if p.Message != nil && p.Message.ExternalID == "" {
			t.Fatalf("accepted a message without an ID to be idempotent on")
		}
	})
}
