package routing

import "github.com/switchboard-cc/switchboard/internal/desk"

// MayHold reports whether an agent may be given a conversation of a queue
// by a transfer, a new conversation's assignee or a macro moving its
// holder's conversation (queue isolation): a member of the queue, or a
// supervisor or admin, who see every queue. The store reads role and
// membership in the transaction that writes the assignment and asks this.
// (Taking a conversation, B4, and a macro's new assignee ask for
// membership alone, in the conditional write itself.)
func MayHold(role desk.Role, member bool) bool {
	return member || role.AtLeast(desk.RoleSupervisor)
}
