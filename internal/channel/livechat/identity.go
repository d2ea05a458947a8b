package livechat

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"net/mail"
	"strings"
	"unicode/utf8"
)

// Identity verification (issue 16): a site whose visitors are signed in
// gives the widget their user ID and its HMAC-SHA256, keyed with the
// channel's identity_secret and computed on the site's server (the secret
// never reaches a browser):
//
//	user_hash = hex(HMAC-SHA256(identity_secret, user_id))
//
// A verified user ID maps to one visitor on the channel, the same on every
// device and browser, so the customer and their conversation follow the
// user. An unsigned or wrongly signed ID is ignored: the visitor is an
// anonymous one, never the user they claim to be.

// UserHash is what the site computes for a user ID.
func UserHash(identitySecret, userID string) string {
	m := hmac.New(sha256.New, []byte(identitySecret))
	m.Write([]byte(userID))
	return hex.EncodeToString(m.Sum(nil))
}

// verifiedVisitor returns the visitor of a signed user ID, or "" when the
// channel verifies no identities or the signature does not hold.
func (c *Channel) verifiedVisitor(userID, userHash string) string {
	if len(c.identitySecret) == 0 || userID == "" || len(userID) > 200 || userHash == "" {
		return ""
	}
	want := UserHash(string(c.identitySecret), userID)
	if !hmac.Equal([]byte(strings.ToLower(userHash)), []byte(want)) {
		return ""
	}
	// Derived with the session secret, so a user ID is not readable from
	// its visitor address, and bound to the channel.
	m := hmac.New(sha256.New, c.sessions.Secret)
	m.Write([]byte("user." + c.id.String() + "." + userID))
	return "v-u" + hex.EncodeToString(m.Sum(nil))[:24]
}

// prechatFields parses the prechat setting ("name,email"): the pre-chat
// form's fields, in order, known ones only.
func prechatFields(setting string) []string {
	var out []string
	for _, f := range strings.Split(setting, ",") {
		switch f = strings.TrimSpace(strings.ToLower(f)); f {
		case "name", "email":
			out = append(out, f)
		}
	}
	return out
}

// profile is what a visitor told about themselves in the pre-chat form.
type profile struct{ name, email string }

// update takes the form's name and email where valid: a name of at most
// 200 bytes, an email address (lower-cased); anything else is ignored.
func (p *profile) update(name, email string) {
	if name = strings.TrimSpace(name); name != "" && len(name) <= 200 && utf8.ValidString(name) {
		p.name = name
	}
	if email = strings.TrimSpace(email); email != "" && len(email) <= 320 {
		if a, err := mail.ParseAddress(email); err == nil && a.Name == "" && strings.Contains(a.Address, "@") {
			p.email = strings.ToLower(a.Address)
		}
	}
}
