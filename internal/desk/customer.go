package desk

import (
	"context"
	"strings"
	"time"
)

// Customer is a person in People (F1). A customer created from an inbound
// address with no profile data is "unknown" until an agent fills it in.
type Customer struct {
	ID         ID                `json:"id"`
	Name       string            `json:"name"`
	Gender     string            `json:"gender"`
	City       string            `json:"city"`
	Country    string            `json:"country"`
	Tags       []string          `json:"tags"`
	Attributes map[string]string `json:"attributes"`
	Contacts   []Contact         `json:"contacts"`
	CreatedAt  time.Time         `json:"created_at"`
	UpdatedAt  time.Time         `json:"updated_at"`
	// LastActivityAt is the time of the customer's latest message.
	LastActivityAt *time.Time `json:"last_activity_at"`
}

// Contact is one channel address of a customer. A (channel, address) pair
// belongs to at most one customer.
type Contact struct {
	Channel string `json:"channel"`
	Address string `json:"address"`
	// Display is how the address is shown: a phone number formatted
	// ("+1 202-555-0177"), else the address. Read only.
	Display string `json:"display,omitempty"`
}

// DisplayName is the name, else the first contact address: the key the
// customer-name sort orders by (C6).
func (c *Customer) DisplayName() string {
	if c.Name != "" {
		return c.Name
	}
	if len(c.Contacts) > 0 {
		return c.Contacts[0].Address
	}
	return ""
}

// Genders a profile may record; empty means not given.
var genders = map[string]bool{"": true, "female": true, "male": true, "other": true}

// Validate checks and normalizes a customer's fields.
func (c *Customer) Validate() error {
	c.Name = strings.TrimSpace(c.Name)
	if len(c.Name) > 200 {
		return FieldErrorf("name", "name is longer than 200 characters")
	}
	if !genders[c.Gender] {
		return FieldErrorf("gender", "gender must be female, male, other or empty")
	}
	if len(c.City) > 200 {
		return FieldErrorf("city", "city is longer than 200 characters")
	}
	if len(c.Country) > 100 {
		return FieldErrorf("country", "country is longer than 100 characters")
	}
	tags, err := NormalizeTags(c.Tags)
	if err != nil {
		return err
	}
	c.Tags = tags
	if len(c.Attributes) > 100 {
		return FieldErrorf("attributes", "at most 100 attributes")
	}
	for k, v := range c.Attributes {
		if k == "" || len(k) > 100 || len(v) > 1000 {
			return FieldErrorf("attributes", "attribute names are 1-100 characters, values at most 1000")
		}
	}
	seen := map[Contact]bool{}
	for i := range c.Contacts {
		ct := &c.Contacts[i]
		if err := ct.Normalize(); err != nil {
			return err
		}
		if seen[*ct] {
			return FieldErrorf("contacts", "contact %s %s is listed twice", ct.Channel, ct.Address)
		}
		seen[*ct] = true
	}
	return nil
}

// Normalize validates a contact and brings its address to canonical form
// (see NormalizeAddress; phone numbers arrive keyed by package phone). The
// display form is the store's to fill.
func (ct *Contact) Normalize() error {
	if !ValidChannel(ct.Channel) {
		return FieldErrorf("contacts", "unknown channel %q", ct.Channel)
	}
	addr, err := NormalizeAddress(ct.Channel, ct.Address)
	if err != nil {
		return err
	}
	ct.Address, ct.Display = addr, ""
	return nil
}

// NormalizeAddress returns the canonical form of a contact address on a
// channel, or a field error naming "address": emails lower-cased, others
// trimmed. Phone numbers are keyed by package phone (phone.Address), which
// callers apply first; here they are only trimmed.
func NormalizeAddress(channel, address string) (string, error) {
	a := strings.TrimSpace(address)
	switch channel {
	case ChannelEmail:
		a = strings.ToLower(a)
		if !strings.Contains(a, "@") {
			return "", FieldErrorf("address", "%q is not an email address", address)
		}
	}
	if a == "" {
		return "", FieldErrorf("address", "address is required")
	} else if len(a) > 320 {
		return "", FieldErrorf("address", "address is longer than 320 characters")
	}
	return a, nil
}

// CustomerFilter selects customers.
type CustomerFilter struct {
	// Query matches a name or contact address prefix, case-insensitively.
	Query   string
	Tag     string
	Channel string
	Cursor  string
	Limit   int
}

// CustomerUpdate changes a customer; nil fields are left alone. Contacts,
// Tags and Attributes replace the whole set.
type CustomerUpdate struct {
	Name       *string            `json:"name"`
	Gender     *string            `json:"gender"`
	City       *string            `json:"city"`
	Country    *string            `json:"country"`
	Tags       *[]string          `json:"tags"`
	Attributes *map[string]string `json:"attributes"`
	Contacts   *[]Contact         `json:"contacts"`
}

// CustomerService manages People.
type CustomerService interface {
	// CreateCustomer stores a customer. ECONFLICT (contact_taken, field
	// contacts) if a contact belongs to another customer.
	CreateCustomer(ctx context.Context, c *Customer) error
	// FindCustomerByID returns ENOTFOUND if there is none.
	FindCustomerByID(ctx context.Context, id ID) (*Customer, error)
	// FindCustomerByContact returns the owner of a channel address, or
	// ENOTFOUND. The address is normalized first.
	FindCustomerByContact(ctx context.Context, channel, address string) (*Customer, error)
	// FindCustomers lists customers by display name.
	FindCustomers(ctx context.Context, f CustomerFilter) ([]*Customer, string, error)
	// UpdateCustomer changes a customer; same conflicts as CreateCustomer.
	UpdateCustomer(ctx context.Context, id ID, upd CustomerUpdate) (*Customer, error)
}
