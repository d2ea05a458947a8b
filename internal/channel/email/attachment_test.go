package email

import (
	"bytes"
	"context"
	"io"
	"strings"
	"testing"

	"github.com/switchboard-cc/switchboard/internal/desk"
)

// files is a desk.MediaOpener over fixed bytes by attachment ID.
type files map[desk.ID][]byte

func (f files) OpenMedia(_ context.Context, a desk.Attachment) (io.ReadCloser, error) {
	b, ok := f[a.ID]
	if !ok {
		return nil, desk.Errorf(desk.ENOTFOUND, "no file %s", a.ID)
	}
	return io.NopCloser(bytes.NewReader(b)), nil
}

// TestSendAttachments: a reply's stored files go out as MIME attachments
// (read through the message's MediaOpener) that parse back, bytes and
// names intact, as the inbound side stores them; a file known only by URL
// is listed as a link; a stored file that cannot be opened fails the send
// for good (ENOTFOUND, not retried).
func TestSendAttachments(t *testing.T) {
	r := &relay{}
	addr := MustRelay(t, r)
	ch, err := New(&desk.ChannelConfig{Kind: desk.ChannelEmail, Sender: "support@shop.test", Settings: map[string]string{"smtp_addr": addr, "smtp_tls": "none"}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	pdf := []byte("%PDF-1.7\n1 0 obj\n<<>>\nendobj\n%%EOF\n")
	png := []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01")
	m := &desk.OutboundMessage{IdempotencyKey: "k-att", Channel: desk.ChannelEmail, To: "ana@example.com", Text: "Invoice attached.", Subject: "Invoice",
		Attachments: []desk.Attachment{
			{ID: 7, Name: "invoice.pdf", ContentType: "application/pdf", Size: int64(len(pdf))},
			{ID: 8, Name: "shot.png", ContentType: "image/png", Size: int64(len(png))},
			{Name: "terms.html", URL: "https://shop.test/terms"},
		},
		Media: files{7: pdf, 8: png}}
	if _, err := ch.Send(context.Background(), m); err != nil {
		t.Fatal(err)
	}
	p, err := Parse([]byte(r.mails[0].data), "support@shop.test", "ana@example.com")
	if err != nil {
		t.Fatal(err)
	}
	in := p.Message
	if strings.ReplaceAll(in.Text, "\r\n", "\n") != "Invoice attached.\n\nterms.html: https://shop.test/terms" || len(in.Attachments) != 2 {
		t.Fatalf("parsed back: %q, %d attachments", in.Text, len(in.Attachments))
	}
	for i, want := range [][]byte{pdf, png} {
		a := in.Attachments[i]
		if !bytes.Equal(a.Content, want) || a.Name != m.Attachments[i].Name || a.ContentType != m.Attachments[i].ContentType {
			t.Errorf("attachment %d parsed back as %s %s %d bytes", i, a.Name, a.ContentType, len(a.Content))
		}
	}
	m.Media = files{7: pdf}
	if _, err := ch.Send(context.Background(), m); desk.ErrorKind(err) != desk.ENOTFOUND {
		t.Errorf("missing file: err = %v, want ENOTFOUND", err)
	}
}
