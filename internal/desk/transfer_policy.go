package desk

import "context"

// TransferPolicy is the admin's setting for blind transfers of calls to
// external numbers (I3): to numbers stored as contacts in People, and/or
// to numbers the agent types. Both off: no external transfers.
type TransferPolicy struct {
	PeopleContacts bool `json:"people_contacts"`
	ManualNumbers  bool `json:"manual_numbers"`
}

// SettingsService keeps server-wide settings.
type SettingsService interface {
	// FindTransferPolicy returns the external-transfer setting (any
	// signed-in actor: the transfer picker shows what is allowed); both
	// off until an admin or supervisor sets it.
	FindTransferPolicy(ctx context.Context) (*TransferPolicy, error)
	// UpdateTransferPolicy replaces it (supervisor+).
	UpdateTransferPolicy(ctx context.Context, p *TransferPolicy) error
	// IsPhoneContact reports whether a phone number (E.164) is stored as a
	// contact of some customer in People, on a phone channel (system or
	// any signed-in actor).
	IsPhoneContact(ctx context.Context, number string) (bool, error)
}
