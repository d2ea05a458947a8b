// Package merge unites records that turn out to be one: two
// conversations of one customer (C8) and two customer profiles (F1). The
// rules — who may merge what, which record survives and what it keeps —
// are decided here over the narrow Store this package declares; the store
// writes the outcome in one transaction. The store's identity migration
// unites records by the same rules (PlanConversations, UniteCustomers).
package merge

import (
	"context"
	"maps"
	"slices"

	"github.com/switchboard-cc/switchboard/internal/desk"
	"github.com/switchboard-cc/switchboard/internal/phone"
)

// Store is what merging reads and writes.
type Store interface {
	// FindConversationByID returns ENOTFOUND if missing or not visible
	// to the context's actor.
	FindConversationByID(ctx context.Context, id desk.ID) (*desk.Conversation, error)
	FindCustomerByID(ctx context.Context, id desk.ID) (*desk.Customer, error)
	// WriteConversationMerge writes a planned merge in one transaction
	// and returns the survivor as stored.
	WriteConversationMerge(ctx context.Context, m *desk.ConversationMerge) (*desk.Conversation, error)
	// WriteCustomerMerge unites otherID into id in one transaction, the
	// profiles united by UniteCustomers as read inside it, with a
	// customer_merged event naming reason on every moved conversation;
	// it returns the surviving profile.
	WriteCustomerMerge(ctx context.Context, id, otherID desk.ID, reason string) (*desk.Customer, error)
}

// Service merges conversations and customers.
type Service struct {
	Store Store
}

// Conversations merges other into the conversation id (the one the agent
// has open) in one transaction (C8): id survives with its ID, queue,
// assignee, summary, topic and priority; both threads in one, in time
// order; tags united; other closed with merged_into_id = id, so later
// messages from either contact address thread into id. EINVALID (field
// other_id) for the conversation itself or an unknown other; ECONFLICT
// different_customers for two customers (or none), conversation_closed
// when id is closed; ENOTFOUND when id is not visible.
func (s *Service) Conversations(ctx context.Context, id, otherID desk.ID) (*desk.Conversation, error) {
	if _, err := desk.RequireActor(ctx); err != nil {
		return nil, err
	}
	if id == otherID {
		return nil, desk.FieldErrorf("other_id", "a conversation cannot be merged with itself")
	}
	cur, err := s.Store.FindConversationByID(ctx, id)
	if err != nil {
		return nil, err
	}
	other, err := s.Store.FindConversationByID(ctx, otherID)
	if desk.ErrorKind(err) == desk.ENOTFOUND {
		return nil, desk.FieldErrorf("other_id", "unknown conversation")
	} else if err != nil {
		return nil, err
	}
	if cur.CustomerID == 0 || cur.CustomerID != other.CustomerID {
		return nil, &desk.Error{Kind: desk.ECONFLICT, Code: desk.CodeDifferentCustomers, Field: "other_id",
			Message: "only conversations of the same customer can be merged"}
	}
	if cur.Status == desk.ConversationClosed {
		return nil, desk.CodedErrorf(desk.ECONFLICT, "conversation_closed", "the conversation is closed")
	}
	return s.Store.WriteConversationMerge(ctx, PlanConversations(cur, other))
}

// PlanConversations works out a merge of other into cur's thread (C8):
// cur survives (the API's {id}) with the messages of both, cur's queue,
// assignee, summary, topic and priority and the tags of both; other
// closes pointing at it, keeping its closing time if it had one. The
// holders of both are the agents whose loads the merge changes.
func PlanConversations(cur, other *desk.Conversation) *desk.ConversationMerge {
	survivor := *cur
	survivor.Tags, _ = desk.NormalizeTags(append(slices.Clone(cur.Tags), other.Tags...))
	return &desk.ConversationMerge{Survivor: &survivor, Older: other, Holders: []*desk.ID{cur.AssigneeID, other.AssigneeID}}
}

// Customers unites otherID into id in one transaction (F1): contacts,
// tags and attributes united (id's attribute values win), every
// conversation of otherID moved to id, otherID deleted. Supervisors and
// admins only (EFORBIDDEN); ENOTFOUND for an unknown id, EINVALID (field
// other_id) for an unknown or identical other.
func (s *Service) Customers(ctx context.Context, id, otherID desk.ID) (*desk.Customer, error) {
	if _, err := desk.RequireRole(ctx, desk.RoleSupervisor); err != nil {
		return nil, err
	}
	if id == otherID {
		return nil, desk.FieldErrorf("other_id", "a customer cannot be merged with itself")
	}
	if _, err := s.Store.FindCustomerByID(ctx, id); err != nil {
		return nil, err
	}
	if _, err := s.Store.FindCustomerByID(ctx, otherID); desk.ErrorKind(err) == desk.ENOTFOUND {
		return nil, desk.FieldErrorf("other_id", "unknown customer")
	} else if err != nil {
		return nil, err
	}
	return s.Store.WriteCustomerMerge(ctx, id, otherID, "people")
}

// UniteCustomers works out the profile of gone united into keep (F1):
// contacts of both, keyed (issue 16) and each once; tags united;
// attributes united with keep's values winning; keep's profile fields
// win and gone's fill the empty ones. keep is changed and returned;
// EINVALID when the united profile is not valid.
func UniteCustomers(keep, gone *desk.Customer) (*desk.Customer, error) {
	keep.Contacts = append(keep.Contacts, gone.Contacts...)
	if err := phone.KeyContacts(keep.Contacts); err != nil {
		return nil, err
	}
	keep.Contacts = UniqueContacts(keep.Contacts)
	keep.Tags, _ = desk.NormalizeTags(append(slices.Clone(keep.Tags), gone.Tags...))
	attrs := maps.Clone(gone.Attributes)
	if attrs == nil {
		attrs = map[string]string{}
	}
	maps.Copy(attrs, keep.Attributes)
	keep.Attributes = attrs
	fill := func(dst *string, v string) {
		if *dst == "" {
			*dst = v
		}
	}
	fill(&keep.Name, gone.Name)
	fill(&keep.Gender, gone.Gender)
	fill(&keep.City, gone.City)
	fill(&keep.Country, gone.Country)
	if err := keep.Validate(); err != nil {
		return nil, err
	}
	return keep, nil
}

// UniqueContacts drops repeated contacts, keeping the first of each
// (display forms aside).
func UniqueContacts(cs []desk.Contact) []desk.Contact {
	seen := map[desk.Contact]bool{}
	out := cs[:0]
	for _, c := range cs {
		c.Display = ""
		if !seen[c] {
			seen[c] = true
			out = append(out, c)
		}
	}
	return out
}
