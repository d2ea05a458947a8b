package twilio

import (
	"net/url"
	"strings"
	"time"

	"github.com/switchboard-cc/switchboard/internal/desk"
)

// Twilio's default opt-out and opt-in keywords: an inbound message that is
// exactly one of them (any case, surrounding blanks ignored) opts the
// sender out of, or back into, the number's messages. Twilio answers them
// itself and refuses later sends with error 21610; Switchboard records the
// opt-out so replies are refused before they reach Twilio. HELP and INFO
// change nothing (Twilio answers them with the help text).
// https://help.twilio.com/articles/223134027
var (
	optOutKeywords = map[string]bool{"STOP": true, "STOPALL": true, "UNSUBSCRIBE": true, "CANCEL": true, "END": true, "QUIT": true,
		"OPTOUT": true, "REVOKE": true}
	optInKeywords = map[string]bool{"START": true, "YES": true, "UNSTOP": true, "OPTIN": true}
)

// optOutErrors are Twilio's error codes saying the recipient opted out:
// 21610, "attempt to send to unsubscribed recipient" (they replied STOP to
// the number, possibly outside Switchboard). A status callback carrying it
// opts the recipient out here too.
var optOutErrors = map[string]bool{"21610": true}

// keywordEvent returns the opt-out or opt-in an inbound message asks for:
// Twilio's OptOutType parameter (Advanced Opt-Out) when present, else the
// default keywords.
func keywordEvent(p url.Values, at time.Time) (desk.ContactEvent, bool) {
	ev := desk.ContactEvent{Channel: desk.ChannelSMS, Address: p.Get("From"), At: at}
	word := strings.ToUpper(strings.TrimSpace(p.Get("Body")))
	switch t := strings.ToUpper(p.Get("OptOutType")); {
	case t == "STOP" || (t == "" && optOutKeywords[word]):
		ev.Kind, ev.Reason = desk.ContactOptOut, "keyword "+word
	case t == "START" || (t == "" && optInKeywords[word]):
		ev.Kind, ev.Reason = desk.ContactOptIn, "keyword "+word
	default:
		return ev, false
	}
	return ev, ev.Address != ""
}

// errorText names Twilio's common delivery error codes for the agent.
// https://www.twilio.com/docs/api/errors
var errorText = map[string]string{
	"21211": "invalid 'To' phone number",
	"21408": "permission to send an SMS has not been enabled for the region",
	"21610": "the recipient replied STOP (unsubscribed)",
	"21614": "'To' number is not a valid mobile number",
	"30001": "queue overflow",
	"30002": "account suspended",
	"30003": "unreachable destination handset",
	"30004": "message blocked",
	"30005": "unknown destination handset",
	"30006": "landline or unreachable carrier",
	"30007": "message filtered by the carrier",
	"30008": "unknown error",
}
