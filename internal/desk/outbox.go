package desk

import (
	"context"
	"time"
)

// SendRequest asks CreateMessage to send an outbound message on a channel:
// the message and its send job commit in one transaction (the outbox), so a
// reply is never stored without being sent, nor sent without being stored.
type SendRequest struct {
	ChannelID   ID            `json:"channel_id"`
	Template    *TemplateCall `json:"template,omitempty"`
	Location    *Location     `json:"location,omitempty"`
	Attachments []Attachment  `json:"attachments,omitempty"`
	// Email (H1): subject, copies and the thread's Message-IDs.
	Subject    string   `json:"subject,omitempty"`
	CC         []string `json:"cc,omitempty"`
	BCC        []string `json:"bcc,omitempty"`
	InReplyTo  string   `json:"in_reply_to,omitempty"`
	References []string `json:"references,omitempty"`
}

// Fill copies the request's channel-specific parts into an outbound
// message.
func (r *SendRequest) Fill(m *OutboundMessage) {
	m.Template, m.Location, m.Attachments = r.Template, r.Location, r.Attachments
	m.Subject, m.CC, m.BCC, m.InReplyTo, m.References = r.Subject, r.CC, r.BCC, r.InReplyTo, r.References
}

// SendJob is a claimed outbox entry: one message to send, leased to one
// worker until its lease ends.
type SendJob struct {
	ID        ID
	MessageID ID
	ChannelID ID
	// Attempts counts claims, this one included.
	Attempts int
	// InDoubt is set on a job claimed again whose previous attempt was
	// marked as being sent and never finished (its worker died during the
	// provider call): once marked again its message is flagged
	// MaybeDuplicate.
	InDoubt bool
	// Lease identifies this claim (the lease end as the store wrote it):
	// marking the job as being sent succeeds only while the claim still
	// holds it, so a copy whose lease ran out and was claimed again is
	// never sent.
	Lease   int64
	Message OutboundMessage
	// Trace is the W3C traceparent of the write that queued the send, so
	// the send joins that trace (in-process dispatch only).
	Trace string
}

// SendMark asks to mark a claimed job as being sent, extending its lease
// to Until; Held reports whether the claim still held the job (marked).
// A held mark of a job InDoubt flags its message MaybeDuplicate: it is
// about to be sent again.
type SendMark struct {
	JobID     ID
	MessageID ID
	Lease     int64
	Until     time.Time
	InDoubt   bool
	Held      bool
}

// Outcomes of a send attempt.
const (
	SendSent   = "sent"   // the provider accepted the message
	SendRetry  = "retry"  // a transient failure; try again at NextAttemptAt
	SendFailed = "failed" // a permanent failure; the message is failed
)

// SendOutcome is what a worker learned from one attempt.
type SendOutcome struct {
	JobID         ID
	MessageID     ID
	Result        string // one of the Send* outcomes
	ExternalID    string // for SendSent
	Reason        string // for SendRetry and SendFailed
	NextAttemptAt time.Time
}

// OutboxService hands send jobs to workers. Claims are leases: a job whose
// worker died is claimed again once its lease ends, with the same
// idempotency key, so a provider that honours it can drop the repeat. A
// job is marked as being sent before its provider call (JournalSendJobs):
// one claimed again unmarked never left, one claimed again marked was in
// flight and its message is flagged MaybeDuplicate.
type OutboxService interface {
	// ClaimSendJobs leases up to limit due jobs for lease (system only).
	ClaimSendJobs(ctx context.Context, limit int, lease time.Duration) ([]*SendJob, error)
	// FinishSendJobs records outcomes in one transaction: sent messages get
	// their provider ID and state sent; failed ones state failed with the
	// reason; retries are rescheduled (system only).
	FinishSendJobs(ctx context.Context, outcomes []SendOutcome) error
	// JournalSendJobs records outcomes and marks other jobs as being sent
	// (before their provider call), all in one transaction: a worker
	// sends only once its mark is committed, so after a crash only marked
	// jobs can have reached the provider (system only).
	// A mark is made only while its claim holds the job; each mark's Held
	// says whether it was made.
	JournalSendJobs(ctx context.Context, marks []SendMark, outcomes []SendOutcome) error
}

// ReceiptService applies delivery receipts (D2).
type ReceiptService interface {
	// ApplyReceipt moves the outbound message with the receipt's channel and
	// external ID forward to the receipt's state (never backward: a late
	// "delivered" does not undo "seen"); ENOTFOUND if no message matches
	// (system only).
	ApplyReceipt(ctx context.Context, r *Receipt) (*Message, error)
}

// ChannelStore is what the channel features need from a store beyond
// desk.Store; both stores implement it.
type ChannelStore interface {
	ChannelService
	DeadLetterService
	OutboxService
	ReceiptService
	MediaJobService
	ProviderEventService
}

// DeliveryRank orders delivery states so receipts only move forward;
// failed ranks above sent (a provider may fail a sent message) but below
// delivered.
func DeliveryRank(state string) int {
	switch state {
	case DeliveryQueued:
		return 1
	case DeliverySent:
		return 2
	case DeliveryFailed:
		return 3
	case DeliveryDelivered:
		return 4
	case DeliverySeen:
		return 5
	}
	return 0
}

// SendDispatcher takes send jobs straight from the store that commits
// them, so a reply leaves without a claim transaction or a poll. Before the
// transaction the store asks for a place (Reserve): granted, it writes the
// job already leased to this node for the returned lease and, after commit,
// hands it over (Dispatch) or gives the place back (Release) if the
// transaction failed. Refused, it writes the job unleased and calls Notify
// after commit, so a worker claims it. A job whose node dies before sending
// is claimed again when its lease ends, like any other.
type SendDispatcher interface {
	Reserve() (lease time.Duration, ok bool)
	Dispatch(j *SendJob)
	Release()
	Notify()
}

// ReplyFailureService tells the failed-reply rule (outbound.ReplyFailed)
// about a reply the provider refused.
type ReplyFailureService interface {
	// FailedReplyConversation returns the conversation of a reply (any
	// queue: the caller is the system) and whether the reply is its latest
	// one, no other message of ours sent after it.
	FailedReplyConversation(ctx context.Context, messageID ID) (*Conversation, bool, error)
}
