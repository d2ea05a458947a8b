// Package phone turns what people type into phone fields into contact
// addresses (C3): separators stripped, then E.164 where a country is known,
// parsed and validated by libphonenumber's rules (github.com/nyaruka/phonenumbers)
// rather than hand-written ones.
package phone

import (
	"strings"

	"github.com/nyaruka/phonenumbers"

	"github.com/switchboard-cc/switchboard/internal/desk"
)

// Normalizer normalizes phone input. DefaultRegion is the ISO 3166 country
// (e.g. "US", "DE") assumed for numbers typed without a "+" prefix; empty
// means none is known, and such numbers are kept as their digits.
type Normalizer struct {
	DefaultRegion string
}

// Strip removes the separators people type (spaces, dots, dashes,
// brackets): "(800) 100-20000" becomes "80010020000". It is the form
// contacts are looked up by, whatever format was typed.
func Strip(input string) string { return desk.StripPhone(strings.TrimSpace(input)) }

// Normalize returns the canonical contact address of a phone input:
// E.164 ("+12025550143") when the input starts with "+" or a default
// region is set, else the stripped digits. Anything that is not a valid
// number is a field error naming field.
func (n Normalizer) Normalize(field, input string) (string, error) {
	s := Strip(input)
	digits := strings.TrimPrefix(s, "+")
	if s == "" {
		return "", desk.FieldErrorf(field, "a phone number is required")
	}
	for _, r := range digits {
		if r < '0' || r > '9' {
			return "", desk.FieldErrorf(field, "%q is not a phone number: only digits, spaces, dots, dashes, brackets and a leading + are allowed", input)
		}
	}
	if !strings.HasPrefix(s, "+") && n.DefaultRegion == "" {
		// No country known: the digits are the address, within E.164's length.
		if len(digits) < 3 || len(digits) > 15 {
			return "", desk.FieldErrorf(field, "%q is not a phone number: it has %d digits", input, len(digits))
		}
		return digits, nil
	}
	num, err := phonenumbers.Parse(s, strings.ToUpper(n.DefaultRegion))
	if err != nil || !phonenumbers.IsValidNumber(num) {
		return "", desk.FieldErrorf(field, "%q is not a valid phone number", input)
	}
	return phonenumbers.Format(num, phonenumbers.E164), nil
}

// ValidRegion reports whether region is a country libphonenumber knows,
// for checking configuration at start.
func ValidRegion(region string) bool {
	if region == "" {
		return true
	}
	return phonenumbers.GetCountryCodeForRegion(strings.ToUpper(region)) != 0
}

// IsPhoneChannel reports whether a channel's addresses are phone numbers.
func IsPhoneChannel(channel string) bool {
	switch channel {
	case desk.ChannelSMS, desk.ChannelWhatsApp, desk.ChannelVoice, desk.ChannelViber:
		return true
	}
	return false
}
