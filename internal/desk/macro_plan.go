package desk

// Plan works out what the macro's actions do to c, without storing
// anything: the conversation after them (a copy), the changed fields and
// the composer's pre-filled parts. The body (and an email's subject) go
// into the agent's reply draft, which internal/macro plans. A queue action without an assignee
// action returns the conversation to the new queue unassigned, as a
// transfer does (B5).
func (m *Macro) Plan(c *Conversation) (*Conversation, []MacroChange, MacroComposer) {
	after := *c
	after.Tags = append([]string(nil), c.Tags...)
	var changes []MacroChange
	note := func(field string, from, to any) {
		if from != to {
			changes = append(changes, MacroChange{Field: field, From: from, To: to})
		}
	}
	a := m.Actions
	setStr := func(field string, dst *string, v *string) {
		if v != nil && *dst != *v {
			note(field, *dst, *v)
			*dst = *v
		}
	}
	setStr("subject", &after.Subject, a.Subject)
	// The sender action changes our side of the conversation (E2), which
	// replies then go out from; internal/macro checks it against E4.
	setStr("sender_address", &after.SenderAddress, a.Sender)
	setStr("topic", &after.Topic, a.Topic)
	setStr("status", &after.Status, a.Status)
	setStr("priority", &after.Priority, a.Priority)
	idStr := func(id *ID) any {
		if id == nil {
			return nil
		}
		return id.String()
	}
	if a.QueueID != nil && *a.QueueID != c.QueueID {
		note("queue_id", c.QueueID.String(), a.QueueID.String())
		after.QueueID = *a.QueueID
		if a.AssigneeID == nil && c.AssigneeID != nil {
			note("assignee_id", c.AssigneeID.String(), nil)
			after.AssigneeID = nil
		}
	}
	if a.AssigneeID != nil && (c.AssigneeID == nil || *c.AssigneeID != *a.AssigneeID) {
		note("assignee_id", idStr(c.AssigneeID), a.AssigneeID.String())
		id := *a.AssigneeID
		after.AssigneeID = &id
	}
	if len(a.Tags) > 0 {
		if union, _ := NormalizeTags(append(append([]string(nil), c.Tags...), a.Tags...)); len(union) != len(c.Tags) {
			changes = append(changes, MacroChange{Field: "tags", From: c.Tags, To: union})
			after.Tags = union
		}
	}
	if a.FormID != nil && (c.FormID == nil || *c.FormID != *a.FormID) {
		note("form_id", idStr(c.FormID), a.FormID.String())
	}
	if len(a.FormValues) > 0 {
		changes = append(changes, MacroChange{Field: "form_values", From: c.FormValues, To: a.FormValues})
	}
	return &after, changes, MacroComposer{Body: a.Body, Sender: a.Sender, TemplateID: a.TemplateID}
}
