package email

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"mime"
	"strings"
	"time"
	"unicode/utf8"

	_ "github.com/emersion/go-message/charset" // decode non-UTF-8 charsets
	"github.com/emersion/go-message/mail"

	"github.com/switchboard-cc/switchboard/internal/desk"
)

// Kinds of inbound mail.
const (
	KindMessage   = "message"    // a customer's message
	KindAutoReply = "auto_reply" // an out-of-office or other automatic answer
	KindBounce    = "bounce"     // a delivery status notification
)

// maxPartBytes bounds what is read of one MIME part's body.
const maxPartBytes = 32 << 20

// Parsed is what an inbound email turned out to be. Message is set for
// KindMessage; Receipt for a bounce that names the message it failed.
type Parsed struct {
	Kind    string
	Message *desk.InboundMessage
	Receipt *desk.Receipt
	// HTML is the text/html part, if any (Message.Text holds the plain
	// part, or the HTML's text when there is no plain part).
	HTML string
}

// Parse reads a raw RFC 5322 message. envelopeFrom is the SMTP MAIL FROM
// ("" for the null reverse path of bounces and auto-replies); rcpt the
// address it was delivered to. Messages without a Message-ID get one from
// the content's hash, so a redelivery is still recognised.
func Parse(raw []byte, envelopeFrom, rcpt string) (*Parsed, error) {
	r, err := mail.CreateReader(bytes.NewReader(raw))
	if err != nil && r == nil {
		return nil, desk.Errorf(desk.EINVALID, "not an email message: %v", err)
	}
	defer r.Close()
	h := r.Header
	p := &Parsed{Kind: KindMessage}
	from, _ := h.AddressList("From")
	if len(from) == 0 {
		return nil, desk.Errorf(desk.EINVALID, "the message has no From address")
	}
	in := &desk.InboundMessage{Channel: desk.ChannelEmail, From: strings.ToLower(from[0].Address), To: strings.ToLower(rcpt),
		Name: from[0].Name, Type: desk.TypeText}
	in.Subject, _ = h.Subject()
	if cc, err := h.AddressList("Cc"); err == nil {
		for _, a := range cc {
			in.CC = append(in.CC, strings.ToLower(a.Address))
		}
	}
	if id, err := h.MessageID(); err == nil && id != "" {
		in.ExternalID = id
	} else {
		sum := sha256.Sum256(raw)
		in.ExternalID = "sha256-" + hex.EncodeToString(sum[:16]) + "@switchboard"
	}
	irt, _ := h.MsgIDList("In-Reply-To")
	refs, _ := h.MsgIDList("References")
	in.ThreadRefs = append(refs, irt...)

	ct, params, _ := mime.ParseMediaType(h.Get("Content-Type"))
	bounce := isBounce(ct, params, from[0].Address)
	var plain, html string
	var report bounceReport
	for {
		part, err := r.NextPart()
		if errors.Is(err, io.EOF) {
			break
		} else if err != nil {
			return nil, desk.Errorf(desk.EINVALID, "malformed MIME: %v", err)
		}
		body, _ := io.ReadAll(io.LimitReader(part.Body, maxPartBytes+1))
		switch ph := part.Header.(type) {
		case *mail.InlineHeader:
			pct, _, _ := ph.ContentType()
			switch {
			case bounce && report.read(pct, body):
			case pct == "text/plain" && plain == "":
				plain = string(body)
			case pct == "text/html" && html == "":
				html = string(body)
			case !strings.HasPrefix(pct, "text/"):
				in.Attachments = append(in.Attachments, partFile("", pct, body))
			}
		case *mail.AttachmentHeader:
			name, _ := ph.Filename()
			pct, _, _ := ph.ContentType()
			if bounce && report.read(pct, body) {
				continue
			}
			in.Attachments = append(in.Attachments, partFile(name, pct, body))
		}
	}
	switch {
	case bounce:
		p.Kind = KindBounce
		if id := report.originalID(in.ThreadRefs); id != "" {
			p.Receipt = &desk.Receipt{Channel: desk.ChannelEmail, ExternalID: id, State: desk.DeliveryFailed, Reason: report.reason(), At: time.Now().UTC()}
		}
		return p, nil
	case isAutoReply(h.Get, envelopeFrom):
		p.Kind = KindAutoReply
		return p, nil
	}
	p.HTML = html
	in.Text = strings.TrimSpace(plain)
	if in.Text == "" && html != "" {
		in.Text = htmlText(html)
	}
	in.Text = truncate(in.Text, desk.MaxTextLength)
	if in.Text == "" {
		if len(in.Attachments) == 0 {
			in.Text = "(empty message)"
		} else {
			in.Type = desk.TypeFile
		}
	}
	p.Message = in
	return p, nil
}

// partFile is an attachment part with its bytes, which the server sniffs
// and stores; a part past maxPartBytes is kept as refused, without them.
func partFile(name, contentType string, body []byte) desk.Attachment {
	if len(body) > maxPartBytes {
		return desk.Attachment{Name: name, ContentType: contentType, Refused: "media_too_large"}
	}
	return desk.Attachment{Name: name, ContentType: contentType, Size: int64(len(body)), Content: body}
}

// truncate cuts s to at most n runes.
func truncate(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n])
}
