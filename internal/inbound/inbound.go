// Package inbound is the use case every channel's inbound traffic goes
// through — provider webhooks, the generic API channel, email (SMTP and
// IMAP) and Live Chat's WebSockets: addresses are keyed, messages
// validated, routed to a queue, their files fetched and stored, and
// ingested (idempotent on the external ID); receipts, reactions, echoes
// and contact events are applied. It depends on a narrow store interface
// it declares, never on the HTTP server.
package inbound

import (
	"context"
	"log/slog"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/switchboard-cc/switchboard/internal/attach"
	"github.com/switchboard-cc/switchboard/internal/desk"
	"github.com/switchboard-cc/switchboard/internal/phone"
)

// Store is what the pipeline needs of the store.
type Store interface {
	IngestMessage(ctx context.Context, in *desk.InboundMessage) (*desk.IngestResult, error)
	ApplyReceipt(ctx context.Context, r *desk.Receipt) (*desk.Message, error)
	ApplyWatermark(ctx context.Context, r *desk.Receipt) (int, error)
	ApplyReaction(ctx context.Context, r *desk.Reaction) (*desk.Message, error)
	StoreEcho(ctx context.Context, in *desk.InboundMessage) (*desk.Message, error)
	SetOptOut(ctx context.Context, channel, address string, optedOut bool, reason string) error
	ChangeContactAddress(ctx context.Context, channel, oldAddress, newAddress string) error
	FindCustomerByContact(ctx context.Context, channel, address string) (*desk.Customer, error)
	FindConversations(ctx context.Context, f desk.ConversationFilter) ([]*desk.Conversation, string, error)
	FindMessages(ctx context.Context, conversationID desk.ID, f desk.MessageFilter) ([]*desk.Message, string, error)
}

// Adapters builds the adapter of a configured channel (for its media
// downloads).
type Adapters interface {
	Adapter(cfg *desk.ChannelConfig) (desk.Channel, error)
}

// Config wires a Pipeline.
type Config struct {
	Store Store
	// Adapters builds channel adapters; nil fetches no provider media.
	Adapters Adapters
	// Router picks the queue of a new inbound conversation (B2); nil sends
	// everything to the Default queue.
	Router func(ctx context.Context, in *desk.InboundMessage) (desk.ID, error)
	// Phones keys the phone numbers of inbound traffic (issue 16).
	Phones phone.Book
	// Media fetches, checks and stores inbound files (issue 5); nil
	// refuses provider-hosted files as unavailable.
	Media *attach.Inbound
	// Surveys answers CSAT surveys by reply (C12): every new inbound
	// message is offered to it once stored; nil answers none.
	Surveys Surveys
	Logger  *slog.Logger
}

// Surveys takes a customer's reply as the answer to their open CSAT
// survey when it is one (internal/survey.Service).
type Surveys interface {
	AnswerReply(ctx context.Context, res *desk.IngestResult) bool
}

// Pipeline is the inbound use case; it implements desk.ChannelInbound for
// the adapters that run their own listeners.
type Pipeline struct {
	cfg      Config
	ingested prometheus.Counter
}

var _ desk.ChannelInbound = (*Pipeline)(nil)

// New builds the pipeline.
func New(cfg Config) *Pipeline {
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	return &Pipeline{cfg: cfg, ingested: prometheus.NewCounter(prometheus.CounterOpts{
		Name: "switchboard_messages_ingested_total",
		Help: "Inbound messages stored (duplicates not counted).",
	})}
}

// Collectors are the pipeline's metrics, for a Prometheus registry.
func (p *Pipeline) Collectors() []prometheus.Collector { return []prometheus.Collector{p.ingested} }

// Deliver stores what a channel's inbound traffic carried, for webhooks
// and for the listeners of channels that do not arrive over HTTP (email,
// Live Chat): messages are validated, routed and ingested (idempotent on
// the external ID), receipts applied. A message that fails validation is
// EINVALID. ctx carries the system actor.
func (p *Pipeline) Deliver(ctx context.Context, cfg *desk.ChannelConfig, res *desk.WebhookResult) error {
	desk.CleanStrings(res)
	for i := range res.Messages {
		in := &res.Messages[i]
		in.Channel, in.ChannelID = cfg.Kind, cfg.ID
		if cfg.Sender != "" {
			in.To = cfg.Sender
		}
		if err := p.Key(ctx, cfg, in); err != nil {
			return err
		}
		if err := in.Validate(); err != nil {
			return err
		}
		if err := p.ingestChannelMessage(ctx, cfg, in); err != nil {
			return err
		}
	}
	for i := range res.Receipts {
		rc := &res.Receipts[i]
		rc.Channel = cfg.Kind
		if rc.Watermark {
			if _, err := p.cfg.Store.ApplyWatermark(ctx, rc); err != nil {
				return err
			}
			continue
		}
		if _, err := p.cfg.Store.ApplyReceipt(ctx, rc); desk.ErrorKind(err) == desk.ENOTFOUND {
			// Receipts of messages sent outside Switchboard, or of a send
			// whose provider ID is not recorded yet: nothing to update.
			p.cfg.Logger.Debug("receipt for unknown message", "channel_id", cfg.ID.String(), "external_id", rc.ExternalID)
		} else if err != nil {
			return err
		}
	}
	return p.applyProviderEvents(ctx, cfg, res)
}

// Ingest is the generic API channel's delivery (no configured channel):
// the message is keyed, validated, routed and ingested.
func (p *Pipeline) Ingest(ctx context.Context, in *desk.InboundMessage) (*desk.IngestResult, error) {
	if err := p.Key(ctx, nil, in); err != nil {
		return nil, err
	}
	if err := in.Validate(); err != nil {
		return nil, err
	}
	if p.cfg.Router != nil {
		q, err := p.cfg.Router(ctx, in)
		if err != nil {
			return nil, err
		}
		in.QueueID = q
	}
	res, err := p.cfg.Store.IngestMessage(ctx, in)
	if err != nil {
		return nil, err
	}
	p.ingestedNew(ctx, res)
	return res, nil
}

// ingestedNew counts a message stored for the first time and offers it
// to the surveys as an answer (C12).
func (p *Pipeline) ingestedNew(ctx context.Context, res *desk.IngestResult) {
	if res.Duplicate {
		return
	}
	p.ingested.Inc()
	if p.cfg.Surveys != nil {
		p.cfg.Surveys.AnswerReply(ctx, res)
	}
}

// Key keys an inbound message's phone numbers (issue 16) as its channel
// reads them: the channel's country, else the server's; WhatsApp's digits
// as international numbers. cfg is nil on the API channel.
func (p *Pipeline) Key(ctx context.Context, cfg *desk.ChannelConfig, in *desk.InboundMessage) error {
	if !desk.ValidChannel(in.Channel) {
		return nil // Validate names it
	}
	pc := phone.ChannelContext(in.Channel, cfg, p.cfg.Phones.Region)
	if cfg == nil {
		pc = p.cfg.Phones.Context(ctx, in.Channel, in.To)
	}
	from, err := phone.Address("from", in.Channel, in.From, pc)
	if err != nil {
		return err
	}
	in.From, in.To = from, phone.Sender(in.Channel, in.To, pc)
	return nil
}

// ingestChannelMessage routes (B2) unless the channel names a queue, then
// ingests.
func (p *Pipeline) ingestChannelMessage(ctx context.Context, cfg *desk.ChannelConfig, in *desk.InboundMessage) error {
	if cfg.QueueID != nil {
		in.QueueID = *cfg.QueueID
	} else if p.cfg.Router != nil {
		q, err := p.cfg.Router(ctx, in)
		if err != nil {
			return err
		}
		in.QueueID = q
	}
	p.storeMedia(ctx, cfg, in)
	res, err := p.cfg.Store.IngestMessage(ctx, in)
	if (err != nil || res.Duplicate) && p.cfg.Media != nil {
		// A repeat keeps the files of its first delivery.
		p.cfg.Media.Discard(context.WithoutCancel(ctx), in.Attachments)
	}
	if err == nil {
		p.ingestedNew(ctx, res)
	}
	return err
}

// storeMedia fetches, checks and stores the files of an inbound message
// (issue 5) before it is ingested; see attach.Inbound.
func (p *Pipeline) storeMedia(ctx context.Context, cfg *desk.ChannelConfig, in *desk.InboundMessage) {
	if len(in.Attachments) == 0 {
		return
	}
	if p.cfg.Media == nil {
		for i := range in.Attachments {
			if a := &in.Attachments[i]; a.BlobKey == "" {
				a.Refused, a.Content = attach.RefusedUnavailable, nil
			}
		}
		return
	}
	var ch desk.Channel
	if p.cfg.Adapters != nil {
		if c, err := p.cfg.Adapters.Adapter(cfg); err == nil {
			ch = c
		}
	}
	p.cfg.Media.Store(ctx, ch, in)
}

// ApplyReceipt applies a receipt reported by a channel's own listener.
func (p *Pipeline) ApplyReceipt(ctx context.Context, r *desk.Receipt) (*desk.Message, error) {
	return p.cfg.Store.ApplyReceipt(ctx, r)
}

// maxThread bounds the messages a chat visitor is sent on connecting.
const maxThread = 1000

// Thread returns the messages of a contact's ongoing conversation on the
// channel (never notes), oldest first, at most maxThread.
func (p *Pipeline) Thread(ctx context.Context, cfg *desk.ChannelConfig, address string) ([]*desk.Message, error) {
	cu, err := p.cfg.Store.FindCustomerByContact(ctx, cfg.Kind, address)
	if desk.ErrorKind(err) == desk.ENOTFOUND {
		return nil, nil
	} else if err != nil {
		return nil, err
	}
	convs, _, err := p.cfg.Store.FindConversations(ctx, desk.ConversationFilter{View: desk.ViewAll, Sort: desk.SortLatestPending, CustomerID: &cu.ID, Limit: 1})
	if err != nil || len(convs) == 0 {
		return nil, err
	}
	var out []*desk.Message
	f := desk.MessageFilter{Limit: 200}
	for len(out) < maxThread {
		page, next, err := p.cfg.Store.FindMessages(ctx, convs[0].ID, f)
		if err != nil {
			return nil, err
		}
		for _, m := range page {
			if m.Kind == desk.KindMessage && m.Channel == cfg.Kind {
				out = append(out, m)
			}
		}
		if next == "" {
			break
		}
		f.Cursor = next
	}
	return out, nil
}
