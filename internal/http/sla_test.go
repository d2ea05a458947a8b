package http

import (
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/switchboard-cc/switchboard/internal/desk"
	"github.com/switchboard-cc/switchboard/internal/sla"
)

// TestSLAAPI: supervisors define a calendar and a queue's policy; bad
// zones, hours and priorities are 400s naming the field; a conversation's
// running targets are served to those who may see it, on both stores.
func TestSLAAPI(t *testing.T) {
	bothStores(t, func(t *testing.T, newEnv func(*testing.T) *env) {
		e := newEnv(t)
		var ae apiError
		e.do("POST", "/api/v1/calendars", e.sup, `{"name":"Mars","time_zone":"Mars/Olympus"}`, 400, &ae)
		if ae.Error.Field != "time_zone" {
			t.Fatalf("bad zone: %+v", ae)
		}
		e.do("POST", "/api/v1/calendars", e.sup, `{"name":"Late","time_zone":"UTC","hours":[{"day":"mon","open":"18:00","close":"09:00"}]}`, 400, &ae)
		if ae.Error.Field != "hours" {
			t.Fatalf("bad hours: %+v", ae)
		}
		days := []string{}
		for _, d := range []string{"mon", "tue", "wed", "thu", "fri", "sat", "sun"} {
			days = append(days, `{"day":"`+d+`","open":"00:00","close":"24:00"}`)
		}
		var cal desk.BusinessCalendar
		e.do("POST", "/api/v1/calendars", e.sup, `{"name":"Always, Tokyo","time_zone":"Asia/Tokyo","hours":[`+strings.Join(days, ",")+`],"holidays":[]}`, 201, &cal)
		e.do("PUT", "/api/v1/queues/"+e.queueA.String()+"/calendar", e.sup, `{"calendar_id":"`+cal.ID.String()+`"}`, 200, nil)
		e.do("PUT", "/api/v1/queues/"+e.queueA.String()+"/calendar", e.sup, `{"calendar_id":"999999"}`, 400, &ae)
		if ae.Error.Field != "calendar_id" {
			t.Fatalf("unknown calendar: %+v", ae)
		}
		e.do("POST", "/api/v1/sla-policies", e.sup, `{"queue_id":"`+e.queueA.String()+`","priority":"asap","first_response_minutes":5}`, 400, &ae)
		if ae.Error.Field != "priority" {
			t.Fatalf("bad priority: %+v", ae)
		}
		e.do("POST", "/api/v1/sla-policies", e.sup, `{"queue_id":"`+e.queueA.String()+`","first_response_minutes":0}`, 400, nil)
		e.do("POST", "/api/v1/sla-policies", e.sup, `{"queue_id":"`+e.queueA.String()+`","first_response_minutes":60,"resolution_minutes":480}`, 201, nil)
		e.do("POST", "/api/v1/sla-policies", e.sup, `{"queue_id":"`+e.queueA.String()+`","first_response_minutes":30}`, 409, &ae)
		if ae.Error.Code != "policy_exists" {
			t.Fatalf("second policy: %+v", ae)
		}
		// Before the tracker has seen the conversation, no target runs.
		var st desk.SLAStatus
		path := "/api/v1/conversations/" + e.convA.String() + "/sla"
		e.do("GET", path, e.agentA, "", 200, &st)
		if st.FirstResponse.Due != nil {
			t.Fatalf("status before tracking: %+v", st)
		}
		tracker := sla.NewTracker(e.store, desk.SystemClock{}, slog.New(slog.NewTextHandler(io.Discard, nil)), time.Minute)
		if err := tracker.Sync(desk.NewContextWithActor(t.Context(), desk.SystemActor), e.convA); err != nil {
			t.Fatal(err)
		}
		var conv desk.Conversation
		e.do("GET", "/api/v1/conversations/"+e.convA.String(), e.agentA, "", 200, &conv)
		e.do("GET", path, e.agentA, "", 200, &st)
		if st.FirstResponse.Due == nil || !st.FirstResponse.Due.Equal(conv.CreatedAt.Add(time.Hour)) || st.FirstResponse.Breached ||
			st.Resolution.Due == nil || !st.Resolution.Due.Equal(conv.CreatedAt.Add(8*time.Hour)) || st.NextDue == nil {
			t.Fatalf("running targets: %+v (created %v)", st, conv.CreatedAt)
		}
		e.do("GET", path, e.agentB, "", 404, nil)
	})
}
