package http

import (
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/switchboard-cc/switchboard/internal/desk"
	"github.com/switchboard-cc/switchboard/internal/sla"
)

// aheadClock is the wall clock moved forward, so a tracker sees targets
// fall due without waiting.
type aheadClock struct{ d time.Duration }

func (c aheadClock) Now() time.Time { return time.Now().UTC().Add(c.d) }

// TestSLACountdownsNotificationsOutOfHoursAPI: the list's countdowns come
// in one request for the visible conversations; a breach notifies the
// assignee (only theirs to read and mark); a queue's out-of-hours reply
// is validated field by field and only supervisors change it.
func TestSLACountdownsNotificationsOutOfHoursAPI(t *testing.T) {
	bothStores(t, func(t *testing.T, newEnv func(*testing.T) *env) {
		e := newEnv(t)
		for _, q := range []desk.ID{e.queueA, e.queueB} {
			e.do("POST", "/api/v1/sla-policies", e.sup, `{"queue_id":"`+q.String()+`","first_response_minutes":1,"resolution_minutes":60}`, 201, nil)
		}
		e.do("POST", "/api/v1/conversations/"+e.convA.String()+"/assign", e.agentA, `{"agent_id":"`+e.idA.String()+`"}`, 200, nil)
		sys := desk.NewContextWithActor(t.Context(), desk.SystemActor)
		quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
		if err := sla.NewTracker(e.store, desk.SystemClock{}, quiet, time.Minute).Sync(sys, e.convA, e.convB); err != nil {
			t.Fatal(err)
		}
		// Countdowns: one request; an agent of queue A gets A's only.
		var page struct{ Items []desk.SLAStatus }
		ids := "?ids=" + e.convA.String() + "," + e.convB.String()
		e.do("GET", "/api/v1/sla/conversations"+ids, e.agentA, "", 200, &page)
		if len(page.Items) != 1 || page.Items[0].ConversationID != e.convA || page.Items[0].NextDue == nil ||
			page.Items[0].FirstResponse.WarnAt == nil || !page.Items[0].FirstResponse.WarnAt.Before(*page.Items[0].FirstResponse.Due) {
			t.Fatalf("agent A's countdowns: %+v", page.Items)
		}
		e.do("GET", "/api/v1/sla/conversations"+ids, e.sup, "", 200, &page)
		if len(page.Items) != 2 {
			t.Fatalf("supervisor's countdowns: %+v", page.Items)
		}
		var ae apiError
		e.do("GET", "/api/v1/sla/conversations?ids=1,x", e.agentA, "", 400, &ae)
		if ae.Error.Field != "ids" {
			t.Fatalf("bad ids: %+v", ae)
		}

		// Two minutes later the first response is breached: the assignee
		// (agent A) is notified; agent B and the supervisor (no member of
		// queue A) are not. A second sweep notifies no one again.
		late := sla.NewTracker(e.store, aheadClock{2 * time.Minute}, quiet, time.Minute)
		for i := 0; i < 2; i++ {
			if err := late.Sync(sys, e.convA); err != nil {
				t.Fatal(err)
			}
		}
		var list struct {
			Items  []desk.Notification
			Unread int
		}
		e.do("GET", "/api/v1/me/notifications", e.agentA, "", 200, &list)
		if list.Unread != 1 || len(list.Items) != 1 || list.Items[0].Type != desk.NotificationSLABreached ||
			list.Items[0].ConversationID == nil || *list.Items[0].ConversationID != e.convA || list.Items[0].ReadAt != nil {
			t.Fatalf("agent A's notifications: %+v", list)
		}
		note := list.Items[0].ID.String()
		for _, tok := range []string{e.agentB, e.sup} {
			e.do("GET", "/api/v1/me/notifications", tok, "", 200, &list)
			if list.Unread != 0 || len(list.Items) != 0 {
				t.Fatalf("someone else's notifications: %+v", list)
			}
			e.do("POST", "/api/v1/me/notifications/"+note+"/read", tok, "", 404, nil)
		}
		e.do("GET", "/api/v1/me/notifications?unread=maybe", e.agentA, "", 400, &ae)
		if ae.Error.Field != "unread" {
			t.Fatalf("bad unread: %+v", ae)
		}
		e.do("POST", "/api/v1/me/notifications/"+note+"/read", e.agentA, "", 204, nil)
		e.do("GET", "/api/v1/me/notifications?unread=true", e.agentA, "", 200, &list)
		if list.Unread != 0 || len(list.Items) != 0 {
			t.Fatalf("after reading: %+v", list)
		}
		e.do("GET", "/api/v1/me/notifications", e.agentA, "", 200, &list)
		if len(list.Items) != 1 || list.Items[0].ReadAt == nil {
			t.Fatalf("read notification: %+v", list)
		}

		// Out-of-hours reply settings.
		path := "/api/v1/queues/" + e.queueA.String() + "/out-of-hours"
		var o desk.OutOfHours
		e.do("GET", path, e.agentA, "", 200, &o)
		if o.Enabled || o.Text != "" {
			t.Fatalf("default: %+v", o)
		}
		for body, field := range map[string]string{
			`{"enabled":true,"text":"  "}`:                                "text",
			`{"enabled":true,"text":"Closed","channels":{"fax":"x"}}`:     "channels.fax",
			`{"enabled":true,"text":"Closed","channels":{"whatsapp":""}}`: "channels.whatsapp",
			`{"enabled":"yes","text":"Closed"}`:                           "enabled",
		} {
			e.do("PUT", path, e.sup, body, 400, &ae)
			if ae.Error.Field != field || ae.Error.Code == "" {
				t.Fatalf("%s: %+v, want field %s", body, ae, field)
			}
		}
		body := `{"enabled":true,"text":"We are closed; we answer from 09:00.","channels":{"whatsapp":"Closed now 🌙"}}`
		e.do("PUT", path, e.agentA, body, 403, nil)
		e.do("PUT", path, e.sup, body, 200, &o)
		e.do("GET", path, e.agentA, "", 200, &o)
		if !o.Enabled || o.TextFor("whatsapp") != "Closed now 🌙" || o.TextFor("sms") != "We are closed; we answer from 09:00." {
			t.Fatalf("saved: %+v", o)
		}
		e.do("PUT", "/api/v1/queues/999999/out-of-hours", e.sup, body, 404, nil)
	})
}
