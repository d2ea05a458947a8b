package desk

import (
	"context"
	"strings"
	"time"
)

// CodeSetupDone refuses a first-run setup once an admin exists.
const CodeSetupDone = "setup_done"

// Organisation is what the first admin names at setup: the organisation
// and the country assumed for phone numbers typed without + (ISO 3166).
type Organisation struct {
	Name        string    `json:"name"`
	PhoneRegion string    `json:"phone_region"`
	CreatedAt   time.Time `json:"created_at"`
	UpdatedAt   time.Time `json:"updated_at"`
}

// Validate trims and checks the organisation's fields; the region is
// checked by the caller against the phone package's countries.
func (o *Organisation) Validate() error {
	o.Name = strings.TrimSpace(o.Name)
	o.PhoneRegion = strings.ToUpper(strings.TrimSpace(o.PhoneRegion))
	if o.Name == "" {
		return FieldErrorf("organisation", "the organisation's name is required")
	}
	if len(o.Name) > 200 {
		return FieldErrorf("organisation", "at most 200 characters")
	}
	return nil
}

// SetupStore holds the first run: an empty data folder has no admin; the
// setup creates the first one and the organisation, once.
type SetupStore interface {
	// SetupNeeded reports whether no admin exists yet (system only).
	SetupNeeded(ctx context.Context) (bool, error)
	// CompleteSetup creates the first admin and the organisation in one
	// transaction (system only); ECONFLICT setup_done once an admin or the
	// organisation exists, so it happens once.
	CompleteSetup(ctx context.Context, admin *Agent, org *Organisation) error
	// FindOrganisation returns the organisation, ENOTFOUND before setup
	// (any signed-in agent, or system).
	FindOrganisation(ctx context.Context) (*Organisation, error)
}
