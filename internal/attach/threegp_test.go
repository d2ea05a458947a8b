package attach

import (
	"context"
	"os"
	"testing"

	"github.com/switchboard-cc/switchboard/internal/desk"
)

// TestThreeGPP: WhatsApp video may be 3GPP (D4). A real 3GP header
// (testdata/sample.3gp: ftyp 3gp4 with isom, moov and mdat) sniffs as
// video/3gpp, is accepted for replies by name and content but not for
// notes (D3 has no .3gp), and a customer's 3GP video is stored on
// WhatsApp (its video types) and on channels held to the general list.
func TestThreeGPP(t *testing.T) {
	sample, err := os.ReadFile("testdata/sample.3gp")
	if err != nil {
		t.Fatal(err)
	}
	if ct, err := CheckMedia("clip.3gp", sample); err != nil || ct != "video/3gpp" {
		t.Fatalf("reply: %q %v", ct, err)
	}
	if _, err := Check("clip.3gp", sample); desk.ErrorCode(err) != "attachment_type_not_allowed" {
		t.Fatalf("note: %v", err)
	}
	if NoteFormat("clip.3gp") || !NoteFormat("clip.mp4") {
		t.Fatal("NoteFormat")
	}
	mp4 := []byte("\x00\x00\x00\x20ftypisom\x00\x00\x02\x00isomiso2avc1mp41\x00\x00\x00\x08free")
	if _, err := CheckMedia("clip.3gp", mp4); desk.ErrorCode(err) != "attachment_content_mismatch" {
		t.Fatalf("mp4 named 3gp: %v", err)
	}
	l, _ := desk.MediaLimitOf(desk.ChannelWhatsApp, desk.TypeVideo)
	s := mustInbound(t)
	for _, kind := range []string{desk.ChannelWhatsApp, desk.ChannelMessenger} {
		in := &desk.InboundMessage{Channel: kind, Type: desk.TypeVideo, Attachments: []desk.Attachment{{Content: sample}}}
		s.Store(context.Background(), inline{}, in)
		a := in.Attachments[0]
		if a.Refused != "" || a.ContentType != "video/3gpp" || a.Size != int64(len(sample)) || a.Name != "file.3gp" {
			t.Fatalf("%s inbound: %+v", kind, a)
		}
	}
	// Still held to WhatsApp's 16 MB.
	big := append(append([]byte{}, sample...), make([]byte, l.MaxBytes)...)
	in := &desk.InboundMessage{Channel: desk.ChannelWhatsApp, Type: desk.TypeVideo, Attachments: []desk.Attachment{{Content: big}}}
	s.Store(context.Background(), inline{}, in)
	if in.Attachments[0].Refused != RefusedTooLarge {
		t.Fatalf("over 16 MB: %+v", in.Attachments[0])
	}
}
