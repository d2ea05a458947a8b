package outbound

import (
	"context"

	"github.com/switchboard-cc/switchboard/internal/desk"
)

// Prepare checks the first message of a conversation that does not exist
// yet (C2) to the contact address to, against the rules of the channel
// that sends from sender: on WhatsApp free text only while the contact's
// own 24-hour window is open (D6), else a template. It returns the
// message to store with the new conversation, carrying its send job when
// the channel is configured.
func (s *Service) Prepare(ctx context.Context, kind, sender, to string, req ReplyRequest) (*desk.Message, Verdict, error) {
	cfg, caps, err := s.channelOf(ctx, route{Channel: kind, From: sender})
	if err != nil {
		return nil, Verdict{}, err
	}
	out := &desk.OutboundMessage{Channel: kind, Type: req.Type, Text: req.Text, Template: req.Template, Location: req.Location, Attachments: req.Attachments}
	last, err := s.windowOf(ctx, caps, kind, to)
	if err != nil {
		return nil, Verdict{}, err
	}
	v, err := Check(kind, caps, out, last, s.now())
	if err != nil {
		return nil, v, err
	}
	m := &desk.Message{Type: req.Type, Text: displayText(req)}
	if req.Type == desk.TypeTemplate {
		if m.Text, err = s.registeredTemplate(ctx, req.Template); err != nil {
			return nil, v, err
		}
	}
	if cfg != nil {
		m.Send = &desk.SendRequest{ChannelID: cfg.ID, Template: req.Template, Location: req.Location, Attachments: req.Attachments}
		if kind == desk.ChannelEmail {
			// The first email of a thread carries the subject as given
			// (no "Re: "), its CC and its BCC.
			if err := emailFields(m.Send, "", req); err != nil {
				return nil, v, err
			}
		}
	}
	return m, v, nil
}
