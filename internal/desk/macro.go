package desk

import (
	"context"
	"strings"
	"time"
)

// Macro is a named, tagged list of actions (E2) an agent applies to an
// open conversation or to a new-conversation draft (E3).
type Macro struct {
	ID        ID           `json:"id"`
	Name      string       `json:"name"`
	Tags      []string     `json:"tags"`
	Actions   MacroActions `json:"actions"`
	CreatedAt time.Time    `json:"created_at"`
	UpdatedAt time.Time    `json:"updated_at"`
}

// MacroActions are what a macro sets; nil or empty actions do nothing.
// Tags are added to the conversation's. To maps a channel to the recipient
// address the macro fills in for it.
type MacroActions struct {
	Subject    *string           `json:"subject,omitempty"`
	Body       *string           `json:"body,omitempty"`
	Sender     *string           `json:"sender,omitempty"`
	Topic      *string           `json:"topic,omitempty"`
	QueueID    *ID               `json:"queue_id,omitempty"`
	AssigneeID *ID               `json:"assignee_id,omitempty"`
	Status     *string           `json:"status,omitempty"`
	Priority   *string           `json:"priority,omitempty"`
	Tags       []string          `json:"tags,omitempty"`
	TemplateID *ID               `json:"template_id,omitempty"`
	To         map[string]string `json:"to,omitempty"`
	// FormID sets the conversation's form and FormValues fills fields of
	// it (C10), validated against the form when applied.
	FormID     *ID            `json:"form_id,omitempty"`
	FormValues map[string]any `json:"form_values,omitempty"`
}

// Validate checks a macro's name, tags and actions.
func (m *Macro) Validate() error {
	m.Name = strings.TrimSpace(m.Name)
	if m.Name == "" {
		return FieldErrorf("name", "name is required")
	} else if len(m.Name) > 200 {
		return FieldErrorf("name", "name is longer than 200 characters")
	}
	tags, err := NormalizeTags(m.Tags)
	if err != nil {
		return err
	}
	m.Tags = tags
	a := &m.Actions
	if a.Status != nil && !ValidConversationStatus(*a.Status) {
		return FieldErrorf("actions.status", "status must be open, waiting, solved or closed")
	}
	if a.Priority != nil && PriorityRank(*a.Priority) == 0 {
		return FieldErrorf("actions.priority", "priority must be low, normal, high or urgent")
	}
	if a.Tags, err = NormalizeTags(a.Tags); err != nil {
		return FieldErrorf("actions.tags", "%s", ErrorMessage(err))
	}
	for ch, addr := range a.To {
		norm, err := NormalizeAddress(ch, addr)
		if !ValidChannel(ch) || err != nil {
			return FieldErrorf("actions.to", "the recipient for %q is not a valid address", ch)
		}
		a.To[ch] = norm
	}
	return nil
}

// MacroFilter selects macros: Query matches the name; Tag filters by tag;
// ToChannel keeps the macros that set To for that channel (E3, To empty).
type MacroFilter struct {
	Query     string
	Tag       string
	ToChannel string
	Cursor    string
	Limit     int
}

// MacroUpdate changes a macro; nil fields are left alone, Actions and Tags
// replace the whole.
type MacroUpdate struct {
	Name    *string       `json:"name"`
	Tags    *[]string     `json:"tags"`
	Actions *MacroActions `json:"actions"`
}

// MacroChange is one field a macro changes, from and to.
type MacroChange struct {
	Field string `json:"field"`
	From  any    `json:"from"`
	To    any    `json:"to"`
}

// MacroResult is what applying (or previewing) a macro on a conversation
// does: the conversation after it, the changes (conversation fields, and
// "draft.text" / "draft.subject" for the agent's reply draft), the
// agent's reply draft after it (nil when the macro has no body or subject
// action), and the composer's parts (body, sender, template) for the UI.
type MacroResult struct {
	Conversation *Conversation `json:"conversation"`
	Changes      []MacroChange `json:"changes"`
	Draft        *Draft        `json:"draft"`
	Composer     MacroComposer `json:"composer"`
	Macro        *Macro        `json:"macro"`
}

// MacroComposer is what a macro puts into the reply composer: the body
// and sender are also stored (the reply draft, the conversation's sender);
// the template is picked in the composer, where its variables are filled.
type MacroComposer struct {
	Body       *string `json:"body,omitempty"`
	Sender     *string `json:"sender,omitempty"`
	TemplateID *ID     `json:"template_id,omitempty"`
}

// MacroService manages macros: everyone reads, supervisors write.
// Applying one to a conversation is internal/macro's use case.
type MacroService interface {
	// CreateMacro stores a macro (supervisor).
	CreateMacro(ctx context.Context, m *Macro) error
	// FindMacroByID returns ENOTFOUND if there is none.
	FindMacroByID(ctx context.Context, id ID) (*Macro, error)
	// FindMacros lists macros by name.
	FindMacros(ctx context.Context, f MacroFilter) ([]*Macro, string, error)
	// UpdateMacro changes a macro (supervisor).
	UpdateMacro(ctx context.Context, id ID, upd MacroUpdate) (*Macro, error)
	// DeleteMacro removes a macro (supervisor).
	DeleteMacro(ctx context.Context, id ID) error
}

// MacroWrite is the outcome of a macro applied to a conversation, which
// internal/macro decides and the store writes in one transaction with one
// macro_applied event naming the macro and listing Changes. The store
// refuses it (ECONFLICT assignment_changed) when the conversation's
// holder is no longer Before's, and guards what must hold at the write
// (the queue still exists, the agent may still hold the conversation).
type MacroWrite struct {
	// Before is the conversation as read; After is it after the macro.
	Before, After *Conversation
	Macro         *Macro
	Changes       []MacroChange
	// Draft is the caller's reply draft after the macro, or nil.
	Draft *Draft
	// Survey sends the CSAT survey (C12) with the change.
	Survey bool
}
