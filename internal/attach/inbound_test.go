package attach

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"path/filepath"
	"testing"
	"time"

	"github.com/switchboard-cc/switchboard/internal/blob"
	"github.com/switchboard-cc/switchboard/internal/desk"
)

// inline is an adapter without a MediaFetcher (email: bytes come inline).
type inline struct{ desk.Channel }

func mustInbound(t *testing.T) *Inbound {
	t.Helper()
	d, err := blob.NewDisk(filepath.Join(t.TempDir(), "b"))
	if err != nil {
		t.Fatal(err)
	}
	return &Inbound{Blobs: d}
}

// TestInboundStore: inline files are sniffed, held to the channel's limit
// for the message type and stored; refusals keep the reason and no bytes.
func TestInboundStore(t *testing.T) {
	s := mustInbound(t)
	jpeg := []byte("\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00")
	tests := []struct {
		name, kind, typ string
		att             desk.Attachment
		refused, ctype  string
	}{
		{"email pdf", desk.ChannelEmail, desk.TypeFile, desk.Attachment{Name: "a.pdf", ContentType: "application/pdf", Content: []byte("%PDF-1.7\n1 0 obj\n")}, "", "application/pdf"},
		{"declared image, html content", desk.ChannelEmail, desk.TypeFile, desk.Attachment{Name: "a.png", ContentType: "image/png", Content: []byte("<!DOCTYPE html><html><script>x</script></html>")}, RefusedType, ""},
		{"svg", desk.ChannelEmail, desk.TypeFile, desk.Attachment{Name: "x.svg", Content: []byte("<svg xmlns='http://www.w3.org/2000/svg'><script/></svg>")}, RefusedType, ""},
		{"email over 25 MB", desk.ChannelEmail, desk.TypeFile, desk.Attachment{Name: "big.pdf", Content: append([]byte("%PDF-1.7\n"), make([]byte, desk.MaxAttachmentBytes)...)}, RefusedTooLarge, ""},
		{"whatsapp image over 5 MB", desk.ChannelWhatsApp, desk.TypeImage, desk.Attachment{Content: append(append([]byte{}, jpeg...), make([]byte, 5<<20)...)}, RefusedTooLarge, ""},
		{"whatsapp image is a pdf", desk.ChannelWhatsApp, desk.TypeImage, desk.Attachment{Content: []byte("%PDF-1.7\n1 0 obj\n")}, RefusedType, ""},
		{"whatsapp image", desk.ChannelWhatsApp, desk.TypeImage, desk.Attachment{Content: jpeg}, "", "image/jpeg"},
		{"url without a fetcher", desk.ChannelViber, desk.TypeImage, desk.Attachment{URL: "https://media.example/1.jpg"}, RefusedUnavailable, ""},
		{"empty", desk.ChannelEmail, desk.TypeFile, desk.Attachment{Name: "e.txt", Content: []byte{}}, RefusedUnavailable, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := &desk.InboundMessage{Channel: tt.kind, Type: tt.typ, Attachments: []desk.Attachment{tt.att}}
			s.Store(context.Background(), inline{}, in)
			a := in.Attachments[0]
			if a.Refused != tt.refused || a.Content != nil {
				t.Fatalf("refused %q (content kept: %v), want %q", a.Refused, a.Content != nil, tt.refused)
			}
			if tt.refused != "" {
				if a.BlobKey != "" {
					t.Fatal("a refused file was stored")
				}
				return
			}
			rc, err := s.Blobs.Open(context.Background(), a.BlobKey)
			if err != nil {
				t.Fatal(err)
			}
			b, _ := io.ReadAll(rc)
			rc.Close()
			if a.ContentType != tt.ctype || !bytes.Equal(b, tt.att.Content) || a.Size != int64(len(b)) || a.Name == "" {
				t.Fatalf("stored %+v, %d bytes", a, len(b))
			}
		})
	}
}

// fetcher serves a fixed body for any URL, as a provider would.
type fetcher struct {
	desk.Channel
	body []byte
	err  error
}

func (f fetcher) FetchMedia(context.Context, *http.Client, *desk.Attachment) (io.ReadCloser, error) {
	if f.err != nil {
		return nil, f.err
	}
	return io.NopCloser(bytes.NewReader(f.body)), nil
}

// TestInboundFetch: provider-hosted files go through the adapter's
// MediaFetcher; a failed fetch is media_unavailable and Discard removes
// what was stored.
func TestInboundFetch(t *testing.T) {
	s := mustInbound(t)
	s.Client = http.DefaultClient
	in := &desk.InboundMessage{Channel: desk.ChannelMessenger, Type: desk.TypeFile, Attachments: []desk.Attachment{{URL: "https://cdn.example/f"}}}
	s.Store(context.Background(), fetcher{body: []byte("%PDF-1.4\n")}, in)
	a := in.Attachments[0]
	if a.Refused != "" || a.BlobKey == "" || a.Name != "file.pdf" || a.URL != "" {
		t.Fatalf("stored %+v", a)
	}
	s.Discard(context.Background(), in.Attachments)
	if _, err := s.Blobs.Open(context.Background(), a.BlobKey); desk.ErrorKind(err) != desk.ENOTFOUND {
		t.Fatalf("after Discard: %v", err)
	}
	in = &desk.InboundMessage{Channel: desk.ChannelMessenger, Type: desk.TypeFile, Attachments: []desk.Attachment{{URL: "https://cdn.example/f"}}}
	s.Store(context.Background(), fetcher{err: io.ErrUnexpectedEOF}, in)
	if in.Attachments[0].Refused != RefusedUnavailable {
		t.Fatalf("failed fetch: %+v", in.Attachments[0])
	}
}

// TestLinks: a link names its attachment until it expires; a forged,
// tampered or foreign-key link names nothing.
func TestLinks(t *testing.T) {
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	l := &Links{BaseURL: "https://cc.example/", Secret: []byte("0123456789abcdef")}
	u := l.URL(42, now)
	tok := u[len("https://cc.example/media/"):]
	if id, err := l.Verify(tok, now.Add(time.Hour)); err != nil || id != 42 {
		t.Fatalf("Verify = %v, %v", id, err)
	}
	other := &Links{Secret: []byte("fedcba9876543210")}
	for name, c := range map[string]struct {
		l   *Links
		tok string
		at  time.Time
	}{
		"expired":     {l, tok, now.Add(DefaultLinkTTL + time.Minute)},
		"other key":   {other, tok, now},
		"tampered id": {l, "43" + tok[2:], now},
		"garbage":     {l, "nope", now},
		"forged":      {l, other.URL(42, now)[len("/media/"):], now},
	} {
		if _, err := c.l.Verify(c.tok, c.at); desk.ErrorKind(err) != desk.ENOTFOUND {
			t.Errorf("%s: err = %v, want ENOTFOUND", name, err)
		}
	}
}
