// Package phone owns the identity of phone numbers (C3, G2, issue 16): the
// one key every path that reads or writes a phone-like address computes —
// inbound adapters, the API channel, SIP caller IDs, typed To, People
// contacts, search, routing rules, queue senders, transfers — so that one
// number, however it is written or sent, reaches one customer. Nothing else
// strips or formats numbers. Parsing and validation follow libphonenumber's
// rules (github.com/nyaruka/phonenumbers) rather than hand-written ones.
package phone

import (
	"context"
	"strings"
	"unicode"

	"github.com/nyaruka/phonenumbers"

	"github.com/switchboard-cc/switchboard/internal/desk"
)

// Context says how to read a number written without its country.
type Context struct {
	// Region is the ISO 3166 country (e.g. "US", "GB") of national numbers:
	// the channel's country setting, else the server's --phone-region.
	// Empty means none is known, and national numbers keep their digits.
	Region string
	// International says that digits without "+" are an international
	// number as some providers send them (WhatsApp's wa_id "12025550177").
	International bool
}

// ForChannel is the context of addresses arriving on a channel kind: the
// channel's country, else the server's, and WhatsApp's digits read as
// international numbers.
func ForChannel(kind, channelRegion, serverRegion string) Context {
	c := Context{Region: channelRegion, International: kind == desk.ChannelWhatsApp}
	if c.Region == "" {
		c.Region = serverRegion
	}
	return c
}

// Digits removes what people and providers write around a number's digits
// (white space of any kind, dots, dashes, brackets, slashes) and reports
// whether what is left is a phone-like address: an optional leading "+"
// and 3 to 17 digits. "(800) 100-20000" gives "80010020000", true.
func Digits(input string) (string, bool) {
	s := strings.Map(func(r rune) rune {
		switch r {
		case '.', '-', '(', ')', '/':
			return -1
		}
		if unicode.IsSpace(r) {
			return -1
		}
		return r
	}, input)
	d := strings.TrimPrefix(s, "+")
	if len(d) < 3 || len(d) > 17 {
		return s, false
	}
	for i := 0; i < len(d); i++ {
		if d[i] < '0' || d[i] > '9' {
			return s, false
		}
	}
	return s, true
}

// Key returns the identity of a phone number: E.164 ("+12025550177") for
// an international number in any written form ("+1 202-555-0177",
// "001 202 555 0177", WhatsApp's "12025550177") and for a national number
// when c names its country; else the typed digits ("(800) 100-20000" is
// "80010020000"). A key is its own key under any context: stores may key
// again what a caller keyed (a key is its own key under the empty
// context; a digits-only key may change once a country is known). Anything that is not a phone number is a field
// error naming field.
func Key(field, input string, c Context) (string, error) {
	s, ok := Digits(input)
	if s == "" {
		return "", desk.FieldErrorf(field, "a phone number is required")
	} else if !ok {
		return "", desk.FieldErrorf(field, "%q is not a phone number: only digits, spaces, dots, dashes, brackets and a leading + are allowed, 3 to 17 digits", input)
	}
	if strings.HasPrefix(s, "+") {
		if !e164Digits(s[1:]) {
			return "", desk.FieldErrorf(field, "%q is not a phone number: after + come a country code (not 0) and at most 15 digits in all", input)
		}
		return international(s[1:]), nil
	}
	if strings.HasPrefix(s, "00") && e164Digits(s[2:]) {
		// The international call prefix of most of the world.
		return international(s[2:]), nil
	}
	region := strings.ToUpper(c.Region)
	if c.International {
		if k, ok := valid("+"+s, ""); ok {
			return k, nil
		}
	}
	if region != "" {
		if k, ok := valid(s, region); ok {
			return k, nil // national, or the region's own international prefix
		}
		if k, ok := valid("+"+s, ""); ok {
			return k, nil // a foreign number sent without its "+"
		}
	}
	if c.International && e164Digits(s) {
		return "+" + s, nil
	}
	return s, nil
}

// e164Digits reports whether digits can follow "+" in E.164: a country
// code never starts with 0, and a number has at most 15 digits.
func e164Digits(digits string) bool {
	return len(digits) >= 3 && len(digits) <= 15 && digits[0] != '0'
}

// international keys the digits after "+" or "00": E.164 as libphonenumber
// formats a valid number (a national trunk prefix written after the country
// code dropped), else the digits as sent, so no provider's number is lost.
func international(digits string) string {
	if k, ok := valid("+"+digits, ""); ok {
		return k
	}
	return "+" + digits
}

// valid parses s in region and returns its E.164 form if it is a valid
// number.
func valid(s, region string) (string, bool) {
	mk := region + "|" + s
	if v, ok := validMemo.load(mk); ok {
		r := v.(validResult)
		return r.key, r.ok
	}
	r := validResult{}
	if num, err := phonenumbers.Parse(s, region); err == nil && phonenumbers.IsValidNumber(num) {
		r = validResult{key: phonenumbers.Format(num, phonenumbers.E164), ok: true}
		// A number keyed now is usually shown soon after (a new customer's
		// conversation): format it from this parse rather than parse the
		// key again in Display (issue 22: 5 % of new-customer ingest). An
		// extension is not in the key, so such a number is left to Display.
		if _, ok := displayMemo.load(r.key); !ok && num.GetExtension() == "" {
			displayMemo.store(r.key, phonenumbers.Format(num, phonenumbers.INTERNATIONAL))
		}
	} else if region == "" && strings.HasPrefix(s, "+") {
		// Not valid: international keys it as written, and Display, which
		// parses the key the same way, shows it as written.
		if _, ok := displayMemo.load(s); !ok {
			displayMemo.store(s, s)
		}
	}
	validMemo.store(mk, r)
	return r.key, r.ok
}

// Valid reports whether key is a number libphonenumber knows as valid, for
// what agents type (a To, a transfer number): provider-sent numbers are
// keyed without this check.
func Valid(key string) bool {
	if !strings.HasPrefix(key, "+") {
		return true // no country known: the digits are all we can check
	}
	_, ok := valid(key, "")
	return ok
}

// Display formats a key for people: "+12025550177" is "+1 202-555-0177";
// keys without a country are shown as stored.
func Display(key string) string {
	if !strings.HasPrefix(key, "+") {
		return key
	}
	if v, ok := displayMemo.load(key); ok {
		return v.(string)
	}
	shown := key
	if num, err := phonenumbers.Parse(key, ""); err == nil && phonenumbers.IsValidNumber(num) {
		shown = phonenumbers.Format(num, phonenumbers.INTERNATIONAL)
	}
	displayMemo.store(key, shown)
	return shown
}

// IsPhoneChannel reports whether a channel's addresses are phone numbers.
// Viber's are opaque user IDs, not numbers.
func IsPhoneChannel(channel string) bool {
	switch channel {
	case desk.ChannelSMS, desk.ChannelWhatsApp, desk.ChannelVoice:
		return true
	}
	return false
}

// Address returns the canonical contact address on a channel: the phone
// key of phone-like addresses on phone channels and the API channel (an
// SMS alphanumeric sender ID like "VERIFY" or a SIP user name like
// "anonymous" is kept as it is; WhatsApp's are always numbers), else the
// channel's own form (desk.NormalizeAddress). Errors name field.
func Address(field, channel, address string, c Context) (string, error) {
	if channel == desk.ChannelWhatsApp {
		return Key(field, address, c)
	}
	if IsPhoneChannel(channel) || channel == desk.ChannelAPI {
		if _, ok := Digits(strings.TrimSpace(address)); ok {
			return Key(field, address, c)
		}
	}
	a, err := desk.NormalizeAddress(channel, address)
	if err != nil {
		return "", desk.FieldErrorf(field, "%s", desk.ErrorMessage(err))
	}
	return a, nil
}

// ValidRegion reports whether region is a country libphonenumber knows,
// for checking configuration (the server's and a channel's).
func ValidRegion(region string) bool {
	if region == "" {
		return true
	}
	return phonenumbers.GetCountryCodeForRegion(strings.ToUpper(region)) != 0
}

// CountrySetting is the channel setting naming the country of the national
// numbers the channel sends and its agents type (a UK Twilio number: "GB").
const CountrySetting = "country"

// ChannelContext is ForChannel for a configured channel: its country
// setting, else serverRegion. A nil channel takes the server's.
func ChannelContext(kind string, cfg *desk.ChannelConfig, serverRegion string) Context {
	var region string
	if cfg != nil {
		region = cfg.Settings[CountrySetting]
	}
	return ForChannel(kind, region, serverRegion)
}

// Book reads numbers the way the configured channels say: a channel's
// country setting, else the server's --phone-region.
type Book struct {
	// Region is the server's --phone-region.
	Region string
	// Channels finds the channel of a kind sending from an address (else
	// the oldest of that kind); nil or an error leaves the server's region.
	Channels func(ctx context.Context, kind, sender string) (*desk.ChannelConfig, error)
	// OrgRegion, if set, names the country when Region is empty: the
	// organisation's default chosen at first run.
	OrgRegion func(context.Context) string
}

// Context is the context of numbers on a channel kind and sender.
func (b Book) Context(ctx context.Context, kind, sender string) Context {
	var cfg *desk.ChannelConfig
	if b.Channels != nil {
		if c, err := b.Channels(desk.NewContextWithActor(ctx, desk.SystemActor), kind, sender); err == nil {
			cfg = c
		}
	}
	region := b.Region
	if region == "" && b.OrgRegion != nil {
		region = b.OrgRegion(ctx)
	}
	return ChannelContext(kind, cfg, region)
}

// Typed is Context for what an agent types: digits are read as typed, not
// as a provider's international digits.
func (b Book) Typed(ctx context.Context, kind, sender string) Context {
	c := b.Context(ctx, kind, sender)
	c.International = false
	return c
}

// Contacts keys the phone contacts of a profile as typed by an agent, in
// place (field "contacts").
func (b Book) Contacts(ctx context.Context, contacts []desk.Contact) error {
	for i := range contacts {
		ct := &contacts[i]
		if !desk.ValidChannel(ct.Channel) {
			continue // desk's validation names it
		}
		a, err := Address("contacts", ct.Channel, ct.Address, b.Typed(ctx, ct.Channel, ""))
		if err != nil {
			return err
		}
		ct.Address = a
	}
	return nil
}

// Sender keys our own address on a channel where it is a phone number;
// other sender names ("support", a page ID) are left as they are.
func Sender(channel, address string, c Context) string {
	a := strings.TrimSpace(address)
	if IsPhoneChannel(channel) || channel == desk.ChannelAPI {
		if _, ok := Digits(a); ok {
			if k, err := Key("sender", a, c); err == nil {
				return k
			}
		}
	}
	return a
}

// KeyContacts keys the phone contacts of a profile (issue 16), in place:
// the server keyed what agents typed with the channel's country already;
// keying again changes no key.
func KeyContacts(contacts []desk.Contact) error {
	for i := range contacts {
		ct := &contacts[i]
		if !desk.ValidChannel(ct.Channel) {
			continue // Validate names it
		}
		a, err := Address("contacts", ct.Channel, ct.Address, ForChannel(ct.Channel, "", ""))
		if err != nil {
			return err
		}
		ct.Address = a
	}
	return nil
}
