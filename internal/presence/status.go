package presence

import "github.com/switchboard-cc/switchboard/internal/desk"

// StatusChange is what setting a hand-set status (A2, A4) does besides
// recording it and logging the period for utilization.
type StatusChange struct {
	// Activity restarts the inactivity clock (A5): choosing Available is
	// activity, so an agent is not set Offline for a silence before it.
	Activity bool
	// ReturnWork unassigns the agent's active conversations of the queues
	// set to return work when their agent goes Offline (A4), so routing
	// hands them on.
	ReturnWork bool
}

// SetStatus checks a status an agent (or a supervisor for them) sets by
// hand and says what it does. Automatic statuses (on a call, wrapping up,
// on hold) are the system's: EINVALID automatic_status. Whether a name
// that is not built in is one of the custom statuses is the store's to
// check, in the transaction that sets it. Whose status the actor may set
// is access.CheckAgentStatus's rule.
func SetStatus(status string) (StatusChange, error) {
	if desk.AutomaticStatus(status) {
		return StatusChange{}, &desk.Error{Kind: desk.EINVALID, Code: "automatic_status", Field: "status",
			Message: "automatic statuses are set by the system"}
	}
	return StatusChange{Activity: status == desk.StatusAvailable, ReturnWork: status == desk.StatusOffline}, nil
}
