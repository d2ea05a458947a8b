package email

import (
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net"
	"strings"

	"github.com/emersion/go-message/mail"
	"github.com/emersion/go-smtp"

	"github.com/switchboard-cc/switchboard/internal/desk"
)

// Send composes the reply and hands it to the relay. Its Message-ID is
// derived from the idempotency key, so a retried send carries the same ID
// and receivers (and our own threading) see one message; the ID is the
// result's external ID. A 5xx answer from the relay is permanent
// (EINVALID); network failures and 4xx are retried by the outbox.
func (c *Channel) Send(ctx context.Context, m *desk.OutboundMessage) (*desk.SendResult, error) {
	id := desk.EmailMessageID(m.IdempotencyKey, c.from)
	raw, err := c.compose(ctx, m, id)
	if err != nil {
		return nil, err
	}
	rcpts := append(append([]string{m.To}, m.CC...), m.BCC...)
	if err := c.deliver(ctx, rcpts, raw); err != nil {
		return nil, err
	}
	return &desk.SendResult{ExternalID: id}, nil
}

// compose writes the message: a text/plain body, the files Switchboard
// stores as MIME attachments (multipart/mixed, read through m.Media; files
// only known by URL are listed as links), threading headers from the
// store, BCC kept out of the headers.
func (c *Channel) compose(ctx context.Context, m *desk.OutboundMessage, id string) ([]byte, error) {
	var h mail.Header
	h.SetDate(c.now())
	h.SetAddressList("From", []*mail.Address{{Address: c.from}})
	h.SetAddressList("To", []*mail.Address{{Address: m.To}})
	if len(m.CC) > 0 {
		cc := make([]*mail.Address, len(m.CC))
		for i, a := range m.CC {
			cc[i] = &mail.Address{Address: a}
		}
		h.SetAddressList("Cc", cc)
	}
	subject := m.Subject
	if subject == "" {
		subject = "(no subject)"
	}
	h.SetSubject(subject)
	h.SetMessageID(id)
	if m.InReplyTo != "" {
		h.SetMsgIDList("In-Reply-To", []string{m.InReplyTo})
	}
	if len(m.References) > 0 {
		h.SetMsgIDList("References", m.References)
	}
	text := m.Text
	var files []desk.Attachment
	for _, a := range m.Attachments {
		if a.ID != 0 && m.Media != nil {
			files = append(files, a)
		} else {
			text += "\n\n" + a.Name + ": " + a.URL
		}
	}
	text = strings.ReplaceAll(text, "\r\n", "\n")
	var buf bytes.Buffer
	if len(files) == 0 {
		h.SetContentType("text/plain", map[string]string{"charset": "utf-8"})
		w, err := mail.CreateSingleInlineWriter(&buf, h)
		if err != nil {
			return nil, err
		}
		if _, err := io.WriteString(w, text); err != nil {
			return nil, err
		}
		if err := w.Close(); err != nil {
			return nil, err
		}
		return buf.Bytes(), nil
	}
	mw, err := mail.CreateWriter(&buf, h)
	if err != nil {
		return nil, err
	}
	var th mail.InlineHeader
	th.SetContentType("text/plain", map[string]string{"charset": "utf-8"})
	tw, err := mw.CreateSingleInline(th)
	if err != nil {
		return nil, err
	}
	if _, err := io.WriteString(tw, text); err != nil {
		return nil, err
	}
	if err := tw.Close(); err != nil {
		return nil, err
	}
	for _, a := range files {
		if err := attachFile(ctx, mw, m.Media, a); err != nil {
			return nil, err
		}
	}
	if err := mw.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// attachFile adds one stored file as a base64 attachment part.
func attachFile(ctx context.Context, mw *mail.Writer, media desk.MediaOpener, a desk.Attachment) error {
	rc, err := media.OpenMedia(ctx, a)
	if err != nil {
		return fmt.Errorf("email attachment %s: %w", a.Name, err)
	}
	defer rc.Close()
	var ah mail.AttachmentHeader
	ah.SetContentType(a.ContentType, nil)
	ah.SetFilename(a.Name)
	aw, err := mw.CreateAttachment(ah)
	if err != nil {
		return err
	}
	if _, err := io.Copy(aw, rc); err != nil {
		return err
	}
	return aw.Close()
}

// deliver runs one SMTP transaction with the relay under ctx's deadline.
func (c *Channel) deliver(ctx context.Context, rcpts []string, raw []byte) error {
	var d net.Dialer
	conn, err := d.DialContext(ctx, "tcp", c.addr)
	if err != nil {
		return fmt.Errorf("email send: %w", err)
	}
	if dl, ok := ctx.Deadline(); ok {
		_ = conn.SetDeadline(dl)
	}
	host, _, _ := net.SplitHostPort(c.addr)
	tlsCfg := &tls.Config{ServerName: host, InsecureSkipVerify: c.skipVerify} //nolint:gosec // opt-in for test relays
	var cl *smtp.Client
	switch c.tlsMode {
	case TLSImplicit:
		cl = smtp.NewClient(tls.Client(conn, tlsCfg))
	case TLSStartTLS:
		cl, err = smtp.NewClientStartTLS(conn, tlsCfg)
	default:
		cl = smtp.NewClient(conn)
	}
	if err != nil {
		conn.Close()
		return classify(err)
	}
	defer cl.Close()
	if c.username != "" {
		// The EHLO answer names the mechanisms; a relay that dropped
		// the connection first is a retryable failure, not a refusal.
		if err := cl.Noop(); err != nil {
			return classify(err)
		}
		_, encrypted := cl.TLSConnectionState()
		mech, err := relayAuth(cl, encrypted, c.username, c.password)
		if err != nil {
			return err
		}
		if err := cl.Auth(mech); err != nil {
			return classify(err)
		}
	}
	if err := cl.SendMail(c.from, rcpts, bytes.NewReader(raw)); err != nil {
		return classify(err)
	}
	return classify(cl.Quit())
}

// classify turns a relay's permanent refusal (5xx) into EINVALID, so the
// outbox fails the message with the relay's reason instead of retrying.
func classify(err error) error {
	var se *smtp.SMTPError
	if errors.As(err, &se) && se.Code >= 500 {
		return desk.Errorf(desk.EINVALID, "the mail relay refused the message: %d %s", se.Code, se.Message)
	} else if err != nil {
		return fmt.Errorf("email send: %w", err)
	}
	return nil
}
