package http

import (
	"context"
	"encoding/csv"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/switchboard-cc/switchboard/internal/desk"
)

// TestUtilizationReport is A6 through the API on both stores: the
// automatic statuses are recorded (idle, under capacity) alongside the
// hand-set ones, per agent and per queue, with a timeline and as CSV.
func TestUtilizationReport(t *testing.T) {
	bothStoresClocked(t, func(t *testing.T, e *env, clock *storeClock) {
		sys := desk.NewContextWithActor(context.Background(), desk.SystemActor)
		T := time.Now().Add(30 * time.Minute).Truncate(time.Second) // sessions last an hour
		at := func(sec int) { clock.Set(T.Add(time.Duration(sec) * time.Second)) }
		at(0)
		e.do("PUT", "/api/v1/agents/"+e.idA.String()+"/status", e.agentA, `{"status":"available"}`, 200, nil)
		at(60)
		res, err := e.store.IngestMessage(sys, &desk.InboundMessage{Channel: "sms", From: "+15550777", Text: "hi", ExternalID: "u-1", QueueID: e.queueA})
		if err != nil {
			t.Fatal(err)
		}
		e.do("POST", "/api/v1/conversations/"+res.Conversation.ID.String()+"/assign", e.sup, `{"agent_id":"`+e.idA.String()+`"}`, 200, nil)
		at(180)
		e.do("PUT", "/api/v1/agents/"+e.idA.String()+"/status", e.agentA, `{"status":"busy"}`, 200, nil)
		at(240)

		q := url.Values{"from": {T.UTC().Format(time.RFC3339)}, "to": {T.Add(240 * time.Second).UTC().Format(time.RFC3339)}}
		path := "/api/v1/reports/utilization?"
		e.do("GET", path+q.Encode(), e.agentA, "", 403, nil)
		var rep struct {
			Items []struct {
				AgentID string `json:"agent_id"`
				Seconds map[string]float64
			}
			Activity []struct {
				AgentID  string `json:"agent_id"`
				Seconds  map[string]float64
				Total    float64
				Timeline []struct{ Status string }
			}
			Queues []struct {
				QueueID string `json:"queue_id"`
				Seconds map[string]float64
			}
		}
		q.Set("queue_id", e.queueA.String())
		q.Set("timeline", "true")
		e.do("GET", path+q.Encode(), e.sup, "", 200, &rep)
		if len(rep.Activity) != 1 || rep.Activity[0].AgentID != e.idA.String() {
			t.Fatalf("activity: %+v", rep.Activity)
		}
		a := rep.Activity[0]
		if a.Seconds["idle"] != 60 || a.Seconds["under_capacity"] != 120 || a.Seconds["busy"] != 60 || a.Total != 240 || len(a.Timeline) != 3 {
			t.Fatalf("agent A: %+v", a)
		}
		if len(rep.Items) != 1 || rep.Items[0].Seconds["available"] != 180 || rep.Items[0].Seconds["busy"] != 60 {
			t.Fatalf("set statuses: %+v", rep.Items)
		}
		if len(rep.Queues) != 1 || rep.Queues[0].QueueID != e.queueA.String() || rep.Queues[0].Seconds["under_capacity"] != 120 {
			t.Fatalf("queue: %+v", rep.Queues)
		}
		e.do("GET", path+"queue_id=999999", e.sup, "", 400, nil)
		e.do("GET", path+"format=xml", e.sup, "", 400, nil)

		// CSV, totals and timeline.
		csvOf := func(timeline string) [][]string {
			t.Helper()
			q.Set("format", "csv")
			q.Set("timeline", timeline)
			req, _ := http.NewRequest("GET", e.url+path+q.Encode(), nil)
			req.Header.Set("Authorization", "Bearer "+e.sup)
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			body, _ := io.ReadAll(resp.Body)
			if resp.StatusCode != 200 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/csv") {
				t.Fatalf("csv: %d %s %s", resp.StatusCode, resp.Header.Get("Content-Type"), body)
			}
			rows, err := csv.NewReader(strings.NewReader(string(body))).ReadAll()
			if err != nil {
				t.Fatal(err)
			}
			return rows
		}
		rows := csvOf("false")
		if strings.Join(rows[0], ",") != "agent_id,agent_name,status,seconds" || len(rows) != 4 {
			t.Fatalf("csv totals: %v", rows)
		}
		found := false
		for _, r := range rows[1:] {
			if r[0] == e.idA.String() && r[2] == "idle" && r[3] == "60.000" {
				found = true
			}
		}
		if !found {
			t.Fatalf("no idle row: %v", rows)
		}
		rows = csvOf("true")
		if strings.Join(rows[0], ",") != "agent_id,agent_name,status,from,to,seconds" || len(rows) != 4 || rows[1][2] != "idle" ||
			rows[1][3] != T.UTC().Format(time.RFC3339) {
			t.Fatalf("csv timeline: %v", rows)
		}
	})
}
