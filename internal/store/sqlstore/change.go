package sqlstore

import (
	"github.com/switchboard-cc/switchboard/internal/desk"
)

// publish tells the handler given at open (Options.Changes) of changes
// that have been committed.
func (s *core) publish(changes ...desk.Change) {
	if len(changes) == 0 || s.changes == nil {
		return
	}
	s.changes(changes)
}

// conversationChange describes a change to c, stamped with now.
func (s *core) conversationChange(typ string, c *desk.Conversation) desk.Change {
	ch := desk.Change{Type: typ, ConversationID: c.ID, QueueID: c.QueueID, Status: c.Status, Bot: c.Bot != "", At: s.now()}
	if c.AssigneeID != nil {
		ch.AgentID = *c.AssigneeID
	}
	return ch
}
