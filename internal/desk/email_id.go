package desk

import "strings"

// EmailMessageID is the Message-ID (without angle brackets) of an email
// Switchboard sends: its send's idempotency key at the domain of the
// channel's sender. Derived, not random, so a retried send carries the
// same ID, and the store can thread a reply to an email whose send has not
// been recorded yet (H1).
func EmailMessageID(idempotencyKey, sender string) string {
	domain := "switchboard.invalid"
	if i := strings.LastIndexByte(sender, '@'); i >= 0 {
		domain = sender[i+1:]
	}
	return strings.ToLower(idempotencyKey) + "@" + strings.ToLower(domain)
}
