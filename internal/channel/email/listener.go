package email

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"strings"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"

	"github.com/switchboard-cc/switchboard/internal/desk"
)

// Listener is the inbound SMTP server (--smtp-addr): it accepts mail for
// the addresses of configured email channels, parses it and hands each
// channel what it carried. Delivery is synchronous: the sending server gets
// 250 only once the message is stored, a temporary 451 when storing failed
// (it will retry; ingestion is idempotent on the Message-ID) and a
// permanent 554 for a message that cannot be parsed.
type Listener struct {
	// Resolve returns the email channel of a recipient address; ENOTFOUND
	// refuses the recipient (550), so the listener is no open relay.
	Resolve func(ctx context.Context, rcpt string) (*desk.ChannelConfig, error)
	// Deliver ingests a parsed message or applies a bounce's receipt.
	Deliver func(ctx context.Context, cfg *desk.ChannelConfig, res *desk.WebhookResult) error
	// Domain is announced in the greeting (default "switchboard").
	Domain string
	// MaxBytes bounds what a message's attachments hold once decoded
	// (default desk.MaxAttachmentBytes, 25 MiB). The
	// SMTP SIZE announced and enforced on the wire is larger by the
	// base64 transfer encoding's overhead (see wireLimit), so a 25 MiB
	// file is accepted; a message whose decoded parts exceed MaxBytes
	// gets 552 5.3.4.
	MaxBytes int64
	// TLSConfig, when set, offers STARTTLS with its certificate.
	TLSConfig *tls.Config
	// Auth, when set, requires SMTP AUTH (PLAIN or LOGIN, offered only
	// over TLS) before a client may send: 530 until it authenticates, 535
	// on wrong credentials, 523 on AUTH over a plaintext connection. It
	// needs TLSConfig.
	Auth   *Credentials
	Logger *slog.Logger
	// CommandTimeout bounds each read and write of a session (default
	// 2 min); SessionTimeout bounds a whole connection, however busy
	// (default 10 min), so a client trickling a line a minute cannot hold
	// a connection for ever.
	CommandTimeout time.Duration
	SessionTimeout time.Duration

	srv *smtp.Server
}

// Serve accepts SMTP connections on ln until Close.
func (l *Listener) Serve(ln net.Listener) error {
	if l.Logger == nil {
		l.Logger = slog.Default()
	}
	if l.MaxBytes <= 0 {
		l.MaxBytes = desk.MaxAttachmentBytes
	}
	if l.Auth != nil && l.TLSConfig == nil {
		return errors.New("smtp: AUTH needs TLS (a certificate and key), passwords never cross in plaintext")
	}
	s := smtp.NewServer(smtp.BackendFunc(func(c *smtp.Conn) (smtp.Session, error) {
		return &session{l: l, remote: c.Conn().RemoteAddr().String()}, nil
	}))
	s.TLSConfig = l.TLSConfig
	s.Domain = l.Domain
	if s.Domain == "" {
		s.Domain = "switchboard"
	}
	s.MaxMessageBytes, s.MaxRecipients = wireLimit(l.MaxBytes), 50
	if l.CommandTimeout <= 0 {
		l.CommandTimeout = 2 * time.Minute
	}
	if l.SessionTimeout <= 0 {
		l.SessionTimeout = 10 * time.Minute
	}
	s.ReadTimeout, s.WriteTimeout = l.CommandTimeout, l.CommandTimeout
	s.ErrorLog = slog.NewLogLogger(l.Logger.Handler(), slog.LevelWarn)
	l.srv = s
	err := s.Serve(&sessionListener{Listener: ln, limit: l.SessionTimeout})
	if errors.Is(err, smtp.ErrServerClosed) {
		return nil
	}
	return err
}

// Close stops the listener and its connections.
func (l *Listener) Close() error {
	if l.srv == nil {
		return nil
	}
	return l.srv.Close()
}

// session is one SMTP connection's transaction state.
type session struct {
	l      *Listener
	remote string
	from   string
	rcpts  []string
	chans  []*desk.ChannelConfig
	// user is who authenticated (SMTP AUTH), if anyone.
	user string
}

// AuthMechanisms offers PLAIN and LOGIN when accounts are configured;
// go-smtp advertises and accepts them only over TLS.
func (s *session) AuthMechanisms() []string {
	if s.l.Auth == nil {
		return nil
	}
	return authMechanisms
}

// Auth runs one mechanism against the configured accounts.
func (s *session) Auth(mech string) (sasl.Server, error) {
	if s.l.Auth == nil {
		return nil, smtp.ErrAuthUnsupported
	}
	return s.l.Auth.authServer(mech, func(user string) {
		s.user = user
		s.l.Logger.Info("smtp client authenticated", "remote", s.remote, "user", user)
	})
}

func (s *session) Reset()        { s.from, s.rcpts, s.chans = "", nil, nil }
func (s *session) Logout() error { return nil }

func (s *session) Mail(from string, _ *smtp.MailOptions) error {
	if s.l.Auth != nil && s.user == "" {
		return &smtp.SMTPError{Code: 530, EnhancedCode: smtp.EnhancedCode{5, 7, 0}, Message: "authentication required"}
	}
	s.from = from
	if from == "" {
		s.from = "<>" // the null reverse path of bounces and auto-replies
	}
	return nil
}

func (s *session) Rcpt(to string, _ *smtp.RcptOptions) error {
	to = strings.ToLower(strings.TrimSpace(to))
	cfg, err := s.l.Resolve(context.Background(), to)
	if desk.ErrorKind(err) == desk.ENOTFOUND {
		return &smtp.SMTPError{Code: 550, EnhancedCode: smtp.EnhancedCode{5, 1, 1}, Message: "no such mailbox here"}
	} else if err != nil {
		s.l.Logger.Error("smtp recipient lookup failed", "err", err)
		return &smtp.SMTPError{Code: 451, EnhancedCode: smtp.EnhancedCode{4, 3, 0}, Message: "try again later"}
	}
	for _, c := range s.chans {
		if c.ID == cfg.ID {
			return nil // one delivery per channel
		}
	}
	s.rcpts, s.chans = append(s.rcpts, to), append(s.chans, cfg)
	return nil
}

func (s *session) Data(r io.Reader) error {
	raw, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	ctx := desk.NewContextWithActor(context.Background(), desk.SystemActor)
	for i, cfg := range s.chans {
		p, err := Parse(raw, s.from, s.rcpts[i])
		if err != nil {
			s.l.Logger.Warn("smtp message refused", "remote", s.remote, "reason", desk.ErrorMessage(err))
			return &smtp.SMTPError{Code: 554, EnhancedCode: smtp.EnhancedCode{5, 6, 0}, Message: desk.ErrorMessage(err)}
		}
		if n := decodedSize(p); n > s.l.MaxBytes {
			s.l.Logger.Info("smtp message too large", "remote", s.remote, "decoded_bytes", n)
			return &smtp.SMTPError{Code: 552, EnhancedCode: smtp.EnhancedCode{5, 3, 4},
				Message: fmt.Sprintf("message too large: its parts hold %d bytes once decoded, the limit is %d", n, s.l.MaxBytes)}
		}
		res := &desk.WebhookResult{}
		switch {
		case p.Message != nil:
			res.Messages = append(res.Messages, *p.Message)
		case p.Receipt != nil:
			res.Receipts = append(res.Receipts, *p.Receipt)
		default:
			s.l.Logger.Info("email not threaded", "kind", p.Kind, "channel_id", cfg.ID.String(), "envelope_from", s.from)
			continue
		}
		if err := s.l.Deliver(ctx, cfg, res); desk.ErrorKind(err) == desk.EINVALID {
			return &smtp.SMTPError{Code: 554, EnhancedCode: smtp.EnhancedCode{5, 6, 0}, Message: desk.ErrorMessage(err)}
		} else if err != nil {
			s.l.Logger.Error("email delivery failed", "channel_id", cfg.ID.String(), "err", err)
			return &smtp.SMTPError{Code: 451, EnhancedCode: smtp.EnhancedCode{4, 3, 0}, Message: "try again later"}
		}
	}
	return nil
}

// sessionListener gives every connection a deadline for the whole
// session: the server's own per-command deadlines never reach past it.
type sessionListener struct {
	net.Listener
	limit time.Duration
}

func (l *sessionListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	end := time.Now().Add(l.limit)
	_ = c.SetDeadline(end)
	return &sessionConn{Conn: c, end: end}, nil
}

// sessionConn clamps every deadline set on it to the session's end.
type sessionConn struct {
	net.Conn
	end time.Time
}

func (c *sessionConn) clamp(t time.Time) time.Time {
	if t.IsZero() || t.After(c.end) {
		return c.end
	}
	return t
}

func (c *sessionConn) SetDeadline(t time.Time) error      { return c.Conn.SetDeadline(c.clamp(t)) }
func (c *sessionConn) SetReadDeadline(t time.Time) error  { return c.Conn.SetReadDeadline(c.clamp(t)) }
func (c *sessionConn) SetWriteDeadline(t time.Time) error { return c.Conn.SetWriteDeadline(c.clamp(t)) }

// wireLimit is the SMTP message size that carries decoded bytes: base64
// turns 3 bytes into 4 and breaks lines every 76 characters (CRLF), plus
// 1 MiB for headers, text parts and MIME boundaries.
func wireLimit(decoded int64) int64 {
	return decoded/3*4*78/76 + 1<<20
}

// decodedSize is what a parsed message's attachments hold once decoded
// (a part refused for its size counts as over any limit); its text is
// bounded by desk.MaxTextLength apart.
func decodedSize(p *Parsed) int64 {
	if p.Message == nil {
		return 0
	}
	var n int64
	for _, a := range p.Message.Attachments {
		if a.Refused == "media_too_large" {
			return maxPartBytes + 1
		}
		n += int64(len(a.Content))
	}
	return n
}
