package desk

import (
	"context"
	"time"
	"unicode/utf8"
)

// Draft is an agent's unsent reply on a conversation (H2), saved on every
// change so that it survives closing the tab or signing out. One per agent
// and conversation.
type Draft struct {
	ConversationID ID        `json:"conversation_id"`
	AgentID        ID        `json:"agent_id"`
	Text           string    `json:"text"`
	Subject        string    `json:"subject"`
	CC             []string  `json:"cc"`
	BCC            []string  `json:"bcc"`
	UpdatedAt      time.Time `json:"updated_at"`
}

// Validate checks a draft's size.
func (d *Draft) Validate() error {
	if utf8.RuneCountInString(d.Text) > MaxTextLength || !utf8.ValidString(d.Text) {
		return FieldErrorf("text", "text is longer than %d characters or not UTF-8", MaxTextLength)
	}
	if len(d.Subject) > 998 {
		return FieldErrorf("subject", "subject is longer than 998 characters")
	}
	if len(d.CC)+len(d.BCC) > 50 {
		return FieldErrorf("cc", "at most 50 CC and BCC addresses")
	}
	if d.CC == nil {
		d.CC = []string{}
	}
	if d.BCC == nil {
		d.BCC = []string{}
	}
	return nil
}

// DraftService keeps the calling agent's drafts; the conversation must be
// visible to them (ENOTFOUND otherwise).
type DraftService interface {
	// SaveDraft stores the caller's draft of the conversation, replacing it.
	SaveDraft(ctx context.Context, d *Draft) error
	// FindDraft returns the caller's draft, or ENOTFOUND.
	FindDraft(ctx context.Context, conversationID ID) (*Draft, error)
	// DeleteDraft removes the caller's draft; none is not an error.
	DeleteDraft(ctx context.Context, conversationID ID) error
	// SendDraft sends the caller's draft of m.ConversationID as the reply
	// m (built and checked by the outbound service) and, when status is
	// set, marks the conversation waiting, solved or closed: the message,
	// its send job, the status change (with the CSAT survey when survey
	// asks for it, as ConversationUpdate.Survey, and timeline events) and
	// the draft's removal in one transaction. ENOTFOUND when
	// there is no draft; EINVALID (field status) for another status;
	// form_incomplete when the form lacks required values; nothing is
	// sent and the draft is kept whenever it fails.
	SendDraft(ctx context.Context, m *Message, status string, survey bool) (*Conversation, error)
}
