package livechat

import (
	"time"

	"github.com/switchboard-cc/switchboard/internal/desk"
)

// historyEvents turns the visitor's thread (desk.ChannelInbound.Thread)
// into the messages of the history frame, oldest first. Files come with
// links signed at now, both the agents' and the visitor's own uploads.
//
// A visitor gets links only to files of their own conversation: a message
// of another conversation than the thread's (the newest message's), or
// not to or from this visitor (merged in from another of the customer's
// contacts), is shown without its files, not even their names. Thread
// returns one conversation; this holds should that ever not be so.
func historyEvents(visitor string, thread []*desk.Message, links FileLinks, now time.Time) []Event {
	out := make([]Event, 0, len(thread))
	if len(thread) == 0 {
		return out
	}
	conv := thread[len(thread)-1].ConversationID
	for _, m := range thread {
		e := Event{Type: EventMessage, ID: m.ExternalID, Direction: m.Direction, Text: m.Text, State: m.DeliveryState, At: m.CreatedAt}
		if m.ConversationID == conv && customerAddress(m) == visitor {
			e.Files = filesOf(m.Attachments, links, now)
		}
		if e.Text == "" && len(e.Files) == 0 {
			// Nothing to show (a file-only message of another contact).
			continue
		}
		out = append(out, e)
	}
	return out
}

// customerAddress is the customer's side of a message: who sent an inbound
// message, to whom an outbound one went.
func customerAddress(m *desk.Message) string {
	if m.Direction == desk.DirectionIn {
		return m.From
	}
	return m.To
}
