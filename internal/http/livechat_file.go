package http

import (
	"io"
	"math"
	"net/http"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/switchboard-cc/switchboard/internal/attach"
	"github.com/switchboard-cc/switchboard/internal/auth"
	"github.com/switchboard-cc/switchboard/internal/desk"
)

// visitorVerifier is a Live Chat adapter that knows its visitors' session
// tokens.
type visitorVerifier interface {
	VisitorOf(token string) (string, error)
}

// maxLiveChatFile is the largest file a visitor may send (Live Chat's D4
// limit, D3's 25 MB).
const maxLiveChatFile = desk.MaxAttachmentBytes

// handleLiveChatFile takes a file a Live Chat visitor sends: multipart
// fields "token" (the visitor's session), "id" (chosen by the widget, so a
// resend is idempotent), optional "text", then one file part. The file is
// checked by name and sniffed content like a note's (D3), stored, and the
// message ingested like one sent over the socket; the agent's reply reaches
// the widget as usual. The widget's attach button posts here.
func (s *Server) handleLiveChatFile(w http.ResponseWriter, r *http.Request) error {
	// The widget posts from the customer's site: any origin may read the
	// answer (and its error), since the request carries no cookies and is
	// authenticated by the session token in its body.
	w.Header().Set("Access-Control-Allow-Origin", "*")
	cfg, ch, err := s.liveChat(r.Context(), r, "channel_id")
	if err != nil {
		return err
	}
	vv, ok := ch.(visitorVerifier)
	if !ok || s.cfg.Blobs == nil {
		return desk.Errorf(desk.ENOTFOUND, "channel not found")
	}
	// A file is a message: the visitor address's and the channel's
	// message limits apply before anything is read.
	if lim, ok := ch.(interface {
		Allow(addr string) time.Duration
	}); ok {
		if wait := lim.Allow(auth.ClientIPFromContext(r.Context())); wait > 0 {
			e := desk.CodedErrorf(desk.ETOOMANY, "rate_limited", "Too many messages right now; try again shortly.")
			e.Detail = map[string]any{"retry_after": int(math.Ceil(wait.Seconds()))}
			return e
		}
	}
	r.Body = http.MaxBytesReader(w, r.Body, maxLiveChatFile+64<<10)
	mr, err := r.MultipartReader()
	if err != nil {
		return desk.CodedErrorf(desk.EINVALID, "invalid_multipart", "the body is not valid multipart/form-data")
	}
	fields := map[string]string{}
	up := &attach.Uploader{Blobs: s.cfg.Blobs, Max: maxLiveChatFile}
	var file *desk.Attachment
	fail := func(err error) error {
		if file != nil {
			up.Discard(r.Context(), []desk.Attachment{*file})
		}
		return uploadError(err)
	}
	for {
		part, err := mr.NextPart()
		if err == io.EOF {
			break
		} else if err != nil {
			return fail(desk.CodedErrorf(desk.EINVALID, "invalid_multipart", "the body is not valid multipart/form-data"))
		}
		name := part.FormName()
		if part.FileName() == "" {
			if name != "token" && name != "id" && name != "text" {
				return fail(&desk.Error{Kind: desk.EINVALID, Code: "unknown_field", Field: name, Message: "unknown field " + name})
			}
			v, err := io.ReadAll(io.LimitReader(part, desk.MaxTextLength*4+1))
			if err != nil {
				return fail(err)
			}
			fields[name] = string(v)
			continue
		}
		// The session is checked before a byte of the file is stored.
		if _, err := vv.VisitorOf(fields["token"]); err != nil {
			return fail(err)
		}
		if file != nil {
			return fail(desk.FieldErrorf("files", "one file per message"))
		}
		a, err := up.Save(r.Context(), part.FileName(), part)
		if err != nil {
			return fail(err)
		}
		file = &a
	}
	visitor, err := vv.VisitorOf(fields["token"])
	if err != nil {
		return fail(err)
	}
	id, text := fields["id"], strings.TrimSpace(fields["text"])
	switch {
	case file == nil:
		return fail(desk.FieldErrorf("files", "a file is required"))
	case id == "" || len(id) > 64:
		return fail(desk.FieldErrorf("id", "a message needs an id of at most 64 characters"))
	case !utf8.ValidString(text) || utf8.RuneCountInString(text) > desk.CapabilitiesOf(desk.ChannelLiveChat).MaxTextLength:
		return fail(desk.FieldErrorf("text", "the text is not valid UTF-8 or longer than 4096 characters"))
	}
	in := desk.InboundMessage{Channel: desk.ChannelLiveChat, From: visitor, Text: text, Type: mediaTypeOf(file.ContentType),
		ExternalID: "lc-in-" + visitor + "-" + id, Attachments: []desk.Attachment{*file}}
	file = nil // from here Deliver owns it (and discards it on a repeat)
	sys := desk.NewContextWithActor(r.Context(), desk.SystemActor)
	if err := s.inbound.Deliver(sys, cfg, &desk.WebhookResult{Messages: []desk.InboundMessage{in}}); err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, map[string]string{"id": id})
	return nil
}
