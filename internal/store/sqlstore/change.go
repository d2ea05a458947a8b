package sqlstore

import (
	"sync/atomic"

	"github.com/switchboard-cc/switchboard/internal/desk"
)

// changeHook holds the handler told of committed writes.
type changeHook struct {
	h atomic.Pointer[desk.ChangeHandler]
}

// SetChangeHandler installs the handler told of every committed write's
// changes (automatic assignment, the real-time hub). Set it before serving.
func (s *Store) SetChangeHandler(h desk.ChangeHandler) { s.hook.h.Store(&h) }

// publish tells the handler of changes that have been committed.
func (s *Store) publish(changes ...desk.Change) {
	if len(changes) == 0 {
		return
	}
	if h := s.hook.h.Load(); h != nil && *h != nil {
		(*h)(changes)
	}
}

// conversationChange describes a change to c, stamped with now.
func (s *Store) conversationChange(typ string, c *desk.Conversation) desk.Change {
	ch := desk.Change{Type: typ, ConversationID: c.ID, QueueID: c.QueueID, Status: c.Status, Bot: c.Bot != "", At: s.now()}
	if c.AssigneeID != nil {
		ch.AgentID = *c.AssigneeID
	}
	return ch
}
