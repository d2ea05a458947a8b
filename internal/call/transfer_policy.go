package call

import (
	"context"

	"github.com/switchboard-cc/switchboard/internal/desk"
)

// Codes of the external-transfer setting (I3).
const (
	// CodeExternalTransferOff: the admin has turned external transfers off.
	CodeExternalTransferOff = "external_transfer_disabled"
	// CodeNumberNotInPeople: only People contacts may be called and the
	// number is none.
	CodeNumberNotInPeople = "number_not_in_people"
)

// CheckExternalTarget applies the admin's setting (I3) to a transfer to
// number: a typed number needs manual numbers on; with People contacts
// only, the number must be a customer's phone contact.
func CheckExternalTarget(ctx context.Context, st desk.SettingsService, number string) error {
	if err := ValidNumber("number", number); err != nil {
		return err
	}
	p, err := st.FindTransferPolicy(ctx)
	if err != nil {
		return err
	}
	switch {
	case p.ManualNumbers:
		return nil
	case !p.PeopleContacts:
		return &desk.Error{Kind: desk.EFORBIDDEN, Code: CodeExternalTransferOff, Field: "number",
			Message: "transfers to external numbers are turned off"}
	}
	ok, err := st.IsPhoneContact(desk.NewContextWithActor(ctx, desk.SystemActor), number)
	if err != nil {
		return err
	} else if !ok {
		return &desk.Error{Kind: desk.EFORBIDDEN, Code: CodeNumberNotInPeople, Field: "number",
			Message: "only numbers stored as contacts in People can be called"}
	}
	return nil
}
