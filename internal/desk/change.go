package desk

import "time"

// Change types: what a committed write did, announced after commit to
// whoever listens in the process (automatic assignment, the real-time
// hub, the event bus to other nodes).
const (
	ChangeConversationCreated     = "conversation.created"
	ChangeConversationUpdated     = "conversation.updated"
	ChangeConversationAssigned    = "conversation.assigned"
	ChangeConversationUnassigned  = "conversation.unassigned"
	ChangeConversationTransferred = "conversation.transferred"
	ChangeMessageCreated          = "message.created"
	ChangeAgentStatus             = "agent.status"
	ChangeAgentUpdated            = "agent.updated"
	ChangeQueueMembers            = "queue.members"
	ChangeQueueUpdated            = "queue.updated"
	ChangeRoutingRules            = "routing.rules"
	ChangeConversationHandedOff   = "conversation.handed_off"
)

// ChangeTypes lists every change type, those declared beside their
// subject (calls, notifications, messages' updates, SLAs) too: the live
// feed sends each as a frame (see ServerFrameTypes).
func ChangeTypes() []string {
	return []string{ChangeConversationCreated, ChangeConversationUpdated, ChangeConversationAssigned,
		ChangeConversationUnassigned, ChangeConversationTransferred, ChangeConversationHandedOff,
		ChangeMessageCreated, ChangeMessageUpdated, ChangeAgentStatus, ChangeAgentUpdated, ChangeQueueMembers,
		ChangeQueueUpdated, ChangeRoutingRules, ChangeCallEvent, ChangeNotificationCreated, ChangeSLABreached,
		ChangeSLARules, ChangeSLAUpdated}
}

// Change describes one committed write. IDs that do not apply are zero.
type Change struct {
	Type           string `json:"type"`
	ConversationID ID     `json:"conversation_id,omitempty"`
	MessageID      ID     `json:"message_id,omitempty"`
	// QueueID is the conversation's queue (after a transfer, the new one),
	// or the queue whose members changed.
	QueueID ID `json:"queue_id,omitempty"`
	// FromQueueID is the conversation's queue before a change that moved
	// it (transfer, macro, merge), so both queues' counts are refreshed.
	FromQueueID ID `json:"from_queue_id,omitempty"`
	// AgentID is the agent concerned: the new assignee, or the agent whose
	// status or profile changed.
	AgentID ID `json:"agent_id,omitempty"`
	// FreedAgentID is an agent who may have capacity again: the previous
	// assignee of an unassigned, transferred, solved or closed conversation.
	FreedAgentID ID `json:"freed_agent_id,omitempty"`
	// QueueIDs are the agent's queues, for agent changes.
	QueueIDs []ID `json:"queue_ids,omitempty"`
	// Direction and Kind describe a created message: "in" from the
	// customer or "out"; "message" or "note".
	Direction string `json:"direction,omitempty"`
	Kind      string `json:"kind,omitempty"`
	// Bot says a bot holds the conversation (C6).
	Bot bool `json:"bot,omitempty"`
	// Status is the new conversation or agent status where it changed.
	Status string `json:"status,omitempty"`
	// Reopened says a customer's message reopened the solved
	// conversation it threaded into (message.created, direction in): the
	// only way a customer's message changes what a report counts (a
	// reopen), so the report recorder skips the others. It is for this
	// node's listeners and does not travel between nodes.
	Reopened bool      `json:"-"`
	At       time.Time `json:"at"`
	// Trace is the W3C traceparent of the span that made the change
	// (issue 24), so the work it causes joins that trace. It travels in
	// NATS message headers, not in the JSON.
	Trace string `json:"-"`
}

// ChangeHandler receives the changes of each committed write, in commit
// order per store. It runs on the writer's goroutine: it must not block.
type ChangeHandler func(changes []Change)

// ChangeHandlers joins handlers into one that calls each in turn.
func ChangeHandlers(hs ...ChangeHandler) ChangeHandler {
	return func(changes []Change) {
		for _, h := range hs {
			if h != nil {
				h(changes)
			}
		}
	}
}
