package desk

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"time"
)

// Card is a context card (F4): fields about a conversation's customer
// from an external system, fetched from URL per conversation and shown
// to the agent; editable fields are written back to the same URL. Secret
// signs the requests (HMAC-SHA256) and is never shown again.
type Card struct {
	ID        ID          `json:"id"`
	Name      string      `json:"name"`
	URL       string      `json:"url"`
	Fields    []CardField `json:"fields"`
	Secret    string      `json:"-"`
	HasSecret bool        `json:"has_secret"`
	CreatedAt time.Time   `json:"created_at"`
	UpdatedAt time.Time   `json:"updated_at"`
}

// CardField is one field a card shows: Name is its key in the endpoint's
// answer.
type CardField struct {
	Name     string `json:"name"`
	Label    string `json:"label"`
	Editable bool   `json:"editable"`
}

// Validate checks a card's fields.
func (c *Card) Validate() error {
	c.Name = strings.TrimSpace(c.Name)
	if c.Name == "" || len(c.Name) > 200 {
		return FieldErrorf("name", "name is 1-200 characters")
	}
	u, err := url.Parse(c.URL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || len(c.URL) > 2000 {
		return FieldErrorf("url", "url must be an http or https URL")
	}
	if len(c.Secret) > 500 {
		return FieldErrorf("secret", "secret is longer than 500 characters")
	}
	if len(c.Fields) == 0 || len(c.Fields) > 50 {
		return FieldErrorf("fields", "a card shows 1 to 50 fields")
	}
	seen := map[string]bool{}
	for i := range c.Fields {
		f := &c.Fields[i]
		if !fieldName.MatchString(f.Name) || seen[f.Name] {
			return FieldErrorf(fmt.Sprintf("fields[%d].name", i), "field names are unique lower-case identifiers")
		}
		seen[f.Name] = true
		if f.Label = strings.TrimSpace(f.Label); f.Label == "" {
			f.Label = f.Name
		}
	}
	c.HasSecret = c.Secret != ""
	return nil
}

// Field returns the field named name, or nil.
func (c *Card) Field(name string) *CardField {
	for i := range c.Fields {
		if c.Fields[i].Name == name {
			return &c.Fields[i]
		}
	}
	return nil
}

// CardUpdate changes a card; nil fields are left alone.
type CardUpdate struct {
	Name   *string      `json:"name"`
	URL    *string      `json:"url"`
	Fields *[]CardField `json:"fields"`
	Secret *string      `json:"secret"`
}

// CardService stores context cards; admins only (EFORBIDDEN), the system
// actor reads them to fetch.
type CardService interface {
	// CreateCard stores a card; ECONFLICT name_taken for a used name.
	CreateCard(ctx context.Context, c *Card) error
	// FindCardByID returns ENOTFOUND if there is none.
	FindCardByID(ctx context.Context, id ID) (*Card, error)
	// FindCards lists cards by name.
	FindCards(ctx context.Context) ([]*Card, error)
	// UpdateCard changes a card.
	UpdateCard(ctx context.Context, id ID, upd CardUpdate) (*Card, error)
	// DeleteCard removes a card.
	DeleteCard(ctx context.Context, id ID) error
}
