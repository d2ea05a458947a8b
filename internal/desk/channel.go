package desk

import (
	"context"
	"io"
	"time"
)

// Channels a conversation can run on (K). "api" is the generic integration
// channel of POST /api/v1/inbound.
const (
	ChannelAPI       = "api"
	ChannelSMS       = "sms"
	ChannelWhatsApp  = "whatsapp"
	ChannelViber     = "viber"
	ChannelLiveChat  = "livechat"
	ChannelEmail     = "email"
	ChannelMessenger = "messenger"
	ChannelInstagram = "instagram"
	ChannelKakao     = "kakao"
	ChannelApple     = "apple"
	ChannelGoogle    = "google"
	ChannelVoice     = "voice"
	ChannelInternal  = "internal"
)

var channels = map[string]bool{
	ChannelAPI: true, ChannelSMS: true, ChannelWhatsApp: true, ChannelViber: true,
	ChannelLiveChat: true, ChannelEmail: true, ChannelMessenger: true,
	ChannelInstagram: true, ChannelKakao: true, ChannelApple: true,
	ChannelGoogle: true, ChannelVoice: true, ChannelInternal: true,
}

// ValidChannel reports whether name is a known channel.
func ValidChannel(name string) bool { return channels[name] }

// Channels returns the known channel names.
func Channels() []string {
	out := make([]string, 0, len(channels))
	for c := range channels {
		out = append(out, c)
	}
	return out
}

// Channel is a provider adapter (issue: channels): it turns a provider's
// webhook traffic into inbound messages and delivery receipts, and sends
// outbound messages in the provider's documented wire format. Adapters live
// in internal/channel/<name> and never import each other.
type Channel interface {
	// Kind is the channel name (one of the Channel* constants).
	Kind() string
	// Capabilities tells what the channel can carry (D4, D5).
	Capabilities() Capabilities
	// HandleWebhook verifies the request's signature and parses it. A bad or
	// missing signature is EUNAUTHENTICATED; a malformed payload EINVALID.
	// Verification handshakes are answered through WebhookResult.Reply.
	HandleWebhook(ctx context.Context, req *WebhookRequest) (*WebhookResult, error)
	// Send delivers one outbound message. The idempotency key is passed to
	// the provider where its API supports one, so a retried send is not
	// delivered twice. Errors that retrying cannot fix are EINVALID.
	Send(ctx context.Context, m *OutboundMessage) (*SendResult, error)
}

// Capabilities describes a channel (D4, D5). Zero limits mean no limit.
type Capabilities struct {
	MaxTextLength int  `json:"max_text_length"`
	Segmented     bool `json:"segmented"` // SMS: longer texts are split and charged per segment
	Media         bool `json:"media"`
	Location      bool `json:"location"`
	VoiceMessages bool `json:"voice_messages"`
	SeenReceipts  bool `json:"seen_receipts"`
	// SessionWindow is the customer-care window after the customer's last
	// message outside which only templates may be sent (WhatsApp: 24 h, D6).
	SessionWindowHours int `json:"session_window_hours"`
}

// WebhookRequest is a provider's HTTP request, detached from net/http so
// the domain stays transport-free.
type WebhookRequest struct {
	Method string
	// URL is the full public URL the provider called (signatures such as
	// Twilio's cover it).
	URL    string
	Header map[string][]string
	Query  map[string][]string
	Body   []byte
}

// WebhookReply is what to answer the provider, e.g. a verification echo.
type WebhookReply struct {
	Status      int
	ContentType string
	Body        []byte
}

// WebhookResult is what a webhook carried.
type WebhookResult struct {
	Messages []InboundMessage
	Receipts []Receipt
	// Rejected are the items of a batch the adapter could not use: the
	// server keeps each as a dead letter and still stores the others.
	Rejected []RejectedItem
	// Reactions are customers' reactions to messages of the thread.
	Reactions []Reaction
	// Events are what the provider told about a customer's address
	// beyond messages: opt-outs, opt-ins, number changes.
	Events []ContactEvent
	// Echoes are messages our account sent from another tool (Messenger's
	// is_echo): stored as outbound in the customer's conversation. From
	// is the customer's address, To ours.
	Echoes []InboundMessage
	Reply  *WebhookReply
}

// Reaction is a customer's emoji on a message of the thread (WhatsApp,
// Messenger, Instagram); an empty Emoji takes the reaction back.
type Reaction struct {
	Channel string
	Account string
	// From is the customer's address.
	From string
	// ExternalID is the provider's ID of the message reacted to.
	ExternalID string
	Emoji      string
	At         time.Time
}

// Contact events (ContactEvent.Kind).
const (
	// ContactOptOut: the customer asked not to be sent to (SMS STOP, a
	// carrier's opt-out error, Viber unsubscribed).
	ContactOptOut = "opt_out"
	// ContactOptIn: the customer asked to be sent to again (SMS START,
	// Viber subscribed / conversation_started).
	ContactOptIn = "opt_in"
	// ContactAddressChanged: the customer's address changed (WhatsApp's
	// user_changed_number); NewAddress is the new one.
	ContactAddressChanged = "address_changed"
)

// ContactEvent is what a provider told about a customer's address.
type ContactEvent struct {
	Kind       string
	Channel    string
	Account    string
	Address    string
	NewAddress string
	// Reason is what triggered it, e.g. "keyword STOP", "error 21610".
	Reason string
	At     time.Time
}

// RejectedItem is one malformed item of a webhook batch.
type RejectedItem struct {
	// Reason says what is wrong with it (an EINVALID error).
	Reason error
	// Source is the item as the provider sent it; empty: the whole body.
	Source []byte
}

// AccountOwner is an adapter whose provider serves several accounts
// (WhatsApp numbers, Facebook pages, Instagram accounts) through one
// callback URL: the server routes each message and receipt naming an
// Account to the configured channel whose adapter owns it.
type AccountOwner interface {
	// OwnsAccount reports whether the channel is the provider account id
	// (a phone_number_id, page ID or Instagram account ID).
	OwnsAccount(id string) bool
}

// Receipt reports a delivery state change of an outbound message (D2).
type Receipt struct {
	Channel string
	// Account is the provider's ID of our account the receipt came
	// through (see AccountOwner); empty where the provider has one.
	Account    string
	ExternalID string // the provider's ID of our outbound message
	State      string // one of the Delivery* constants
	Reason     string // for failed
	At         time.Time
	// Watermark receipts (Messenger's delivery and read) name no message:
	// every outbound message to To created at or before At moves.
	Watermark bool
	To        string
}

// OutboundMessage is a message to send on a channel.
type OutboundMessage struct {
	IdempotencyKey string
	Channel        string
	From           string // our sender address
	To             string // the customer's address
	Type           string
	Text           string
	Subject        string // email
	// CC, BCC, InReplyTo and References are email's (H1): the store fills
	// the thread's Message-IDs so the customer's client threads the reply.
	CC          []string
	BCC         []string
	InReplyTo   string
	References  []string
	Attachments []Attachment
	Location    *Location
	Template    *TemplateCall
	// Media opens the bytes of the attachments Switchboard stores (their
	// ID set), for adapters that carry files inline (email); nil when the
	// server has no blob store.
	Media MediaOpener
}

// MediaOpener opens a stored attachment's bytes.
type MediaOpener interface {
	// OpenMedia returns the bytes of a; ENOTFOUND when none are stored.
	OpenMedia(ctx context.Context, a Attachment) (io.ReadCloser, error)
}

// SendResult is the provider's answer to a send.
type SendResult struct {
	ExternalID string
}

// Attachment is a file carried by a message.
type Attachment struct {
	// ID is set on files stored by Switchboard (note attachments, D3).
	ID          ID     `json:"id,omitempty"`
	Name        string `json:"name"`
	ContentType string `json:"content_type"`
	Size        int64  `json:"size"`
	// URL is where the provider or the workspace fetches it.
	URL string `json:"url"`
	// BlobKey locates a stored file's bytes in the blob store.
	BlobKey string `json:"-"`
	// Refused says why an inbound file the customer sent was not stored
	// (media_too_large, media_type_not_allowed, media_unavailable): the
	// message is kept, the file is not served.
	Refused string `json:"refused,omitempty"`
	// Pending says an inbound file's download failed for a passing reason
	// and is being retried (a media job): it gets its bytes, or a Refused
	// reason after the last attempt; until then it has no URL.
	Pending bool `json:"pending,omitempty"`
	// RetryAt is when a pending file's first retry is due (ingest only).
	RetryAt time.Time `json:"-"`
	// Content holds the bytes an adapter received inline with the message
	// (email MIME parts) until the server stores them.
	Content []byte `json:"-"`
}

// Location is a shared place (D7).
type Location struct {
	Name      string  `json:"name"`
	Latitude  float64 `json:"latitude"`
	Longitude float64 `json:"longitude"`
}

// TemplateCall is a registered template with its numbered variables filled
// (E1), e.g. WhatsApp's {{1}}, {{2}}.
type TemplateCall struct {
	Name      string   `json:"name"`
	Language  string   `json:"language"`
	Variables []string `json:"variables"`
}

// ChannelInbound is the server's inbound pipeline as seen by adapters that
// run their own listeners (email's SMTP server, Live Chat's WebSockets)
// instead of webhooks. ctx carries the system actor.
type ChannelInbound interface {
	// Deliver validates, routes and ingests a channel's messages and
	// applies its receipts, like a webhook's.
	Deliver(ctx context.Context, cfg *ChannelConfig, res *WebhookResult) error
	// ApplyReceipt applies one receipt; ENOTFOUND when no message has its
	// external ID (yet).
	ApplyReceipt(ctx context.Context, r *Receipt) (*Message, error)
	// Thread returns what a contact may read of their ongoing conversation
	// on the channel: its messages (never notes) on that channel, oldest
	// first; empty when there is none.
	Thread(ctx context.Context, cfg *ChannelConfig, address string) ([]*Message, error)
}

// Checked validates the messages an adapter parsed: a message the store
// would refuse moves to Rejected (it is dead-lettered while the rest of the
// batch is stored). Adapters return through it.
func (r *WebhookResult) Checked() (*WebhookResult, error) {
	kept := r.Messages[:0]
	for i := range r.Messages {
		m := r.Messages[i] // Validate normalizes; the store validates again
		if err := m.Validate(); err != nil {
			r.Rejected = append(r.Rejected, RejectedItem{Source: r.Messages[i].Source, Reason: &Error{Kind: EINVALID,
				Code: "malformed_payload", Field: ErrorField(err), Message: "the payload holds an invalid message: " + ErrorMessage(err)}})
			continue
		}
		kept = append(kept, r.Messages[i])
	}
	r.Messages = kept
	return r, nil
}

// Reject adds a malformed batch item to Rejected.
func (r *WebhookResult) Reject(source []byte, format string, args ...any) {
	r.Rejected = append(r.Rejected, RejectedItem{Source: source, Reason: Errorf(EINVALID, format, args...)})
}
