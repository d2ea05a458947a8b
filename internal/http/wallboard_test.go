package http

import (
	"testing"

	"github.com/switchboard-cc/switchboard/internal/desk"
	"github.com/switchboard-cc/switchboard/internal/wallboard"
)

// TestWallboardAPI: supervisors and admins read the wallboard, agents get
// 403; what waits, what was answered or abandoned and the agents' load
// follow the conversations; the queue's service-level target is set on
// the queue, 4xx with code and field when out of range. Both stores: the
// waits are recorded by each store's triggers.
func TestWallboardAPI(t *testing.T) {
	bothStores(t, func(t *testing.T, newEnv func(*testing.T) *env) {
		e := newEnv(t)
		queue := func(s *wallboard.Snapshot, id desk.ID) wallboard.Queue {
			t.Helper()
			for _, q := range s.Queues {
				if q.QueueID == id {
					return q
				}
			}
			t.Fatalf("queue %s missing from %+v", id, s.Queues)
			return wallboard.Queue{}
		}
		var snap wallboard.Snapshot
		e.do("GET", "/api/v1/wallboard", e.sup, "", 200, &snap)
		if len(snap.Queues) != 3 || snap.WindowSeconds != 3600 {
			t.Fatalf("queues: %+v", snap)
		}
		a := queue(&snap, e.queueA)
		if a.Waiting != 1 || a.OldestWaitingSince == nil || a.ServiceLevelSeconds != desk.DefaultServiceLevelSeconds ||
			len(a.Channels) != 1 || a.Channels[0].Channel != "sms" || a.Channels[0].Waiting != 1 || a.ServiceLevel != nil {
			t.Fatalf("queue A before: %+v", a)
		}
		if a.Agents.Total != 1 || a.Agents.Load != 0 {
			t.Fatalf("queue A agents: %+v", a.Agents)
		}
		if snap.Total.Waiting != 2 || len(snap.Channels) != 1 || snap.Channels[0].Waiting != 2 {
			t.Fatalf("totals: %+v %+v", snap.Total, snap.Channels)
		}

		// A's conversation is answered (taken by its agent), B's solved
		// unanswered.
		e.do("PUT", "/api/v1/me/status", e.agentA, `{"status":"available"}`, 200, nil)
		e.do("POST", "/api/v1/conversations/"+e.convA.String()+"/assign", e.sup, `{"agent_id":"`+e.idA.String()+`"}`, 200, nil)
		e.do("PATCH", "/api/v1/conversations/"+e.convB.String(), e.sup, `{"status":"solved"}`, 200, nil)
		e.do("GET", "/api/v1/wallboard", e.admin, "", 200, &snap)
		a = queue(&snap, e.queueA)
		if a.Waiting != 0 || a.OldestWaitingSince != nil || a.Answered != 1 || a.AnsweredWithin != 1 ||
			a.ServiceLevel == nil || *a.ServiceLevel != 100 || a.AverageWaitSeconds == nil {
			t.Fatalf("queue A after: %+v", a)
		}
		if a.Agents.Load != 1 || a.Agents.Available != 1 || a.Agents.ByStatus[desk.AutoUnderCapacity] != 1 || a.Agents.Capacity != 5 {
			t.Fatalf("queue A agents after: %+v", a.Agents)
		}
		b := queue(&snap, e.queueB)
		if b.Waiting != 0 || b.Abandoned != 1 || b.AbandonedAfter != 0 || b.ServiceLevel != nil {
			t.Fatalf("queue B after: %+v", b)
		}

		// The target: set, defaulted with 0, refused out of range.
		var q desk.Queue
		e.do("PATCH", "/api/v1/queues/"+e.queueA.String(), e.sup, `{"service_level_seconds":20}`, 200, &q)
		if q.ServiceLevelSeconds != 20 {
			t.Fatalf("target: %+v", q)
		}
		e.do("GET", "/api/v1/wallboard", e.sup, "", 200, &snap)
		if queue(&snap, e.queueA).ServiceLevelSeconds != 20 {
			t.Fatal("the wallboard keeps the old target")
		}
		e.do("PATCH", "/api/v1/queues/"+e.queueA.String(), e.sup, `{"service_level_seconds":0}`, 200, &q)
		if q.ServiceLevelSeconds != desk.DefaultServiceLevelSeconds {
			t.Fatalf("target 0: %+v", q)
		}
		var ae apiError
		for _, body := range []string{`{"service_level_seconds":86401}`, `{"service_level_seconds":-5}`} {
			e.do("PATCH", "/api/v1/queues/"+e.queueA.String(), e.sup, body, 400, &ae)
			if ae.Error.Code != "invalid_service_level" || ae.Error.Field != "service_level_seconds" {
				t.Fatalf("%s: %+v", body, ae)
			}
		}
		e.do("POST", "/api/v1/queues", e.sup, `{"name":"Email","service_level_seconds":100000}`, 400, &ae)
		if ae.Error.Code != "invalid_service_level" || ae.Error.Field != "service_level_seconds" {
			t.Fatalf("create: %+v", ae)
		}
		e.do("POST", "/api/v1/queues", e.sup, `{"name":"Email","service_level_seconds":3600}`, 201, &q)
		if q.ServiceLevelSeconds != 3600 {
			t.Fatalf("create: %+v", q)
		}

		// Agents are refused, and nobody unauthenticated.
		e.do("GET", "/api/v1/wallboard", e.agentA, "", 403, &ae)
		if ae.Error.Code != "forbidden" {
			t.Fatalf("agent: %+v", ae)
		}
		e.do("GET", "/api/v1/wallboard", "", "", 401, nil)
	})
}
