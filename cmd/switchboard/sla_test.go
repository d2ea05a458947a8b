package main

import (
	"fmt"
	"testing"
	"time"
)

// TestServeTracksSLAAndReports: in a running server, a message into a
// queue with a policy gets its running targets and its report fact from
// the background workers, with no call but the message.
func TestServeTracksSLAAndReports(t *testing.T) {
	dir := t.TempDir()
	MustRun(t, "user", "create", "--email", "admin@example.com", "--password", "admin-password", "--role", "admin", "--data", dir)
	p := MustServe(t, "--data", dir)
	token := login(t, p.url, "admin@example.com", "admin-password")
	var queues struct {
		Items []struct {
			ID        string `json:"id"`
			IsDefault bool   `json:"is_default"`
		} `json:"items"`
	}
	if code := call(t, "GET", p.url+"/api/v1/queues", token, nil, &queues); code != 200 || len(queues.Items) == 0 || !queues.Items[0].IsDefault {
		t.Fatalf("queues: %d %+v", code, queues)
	}
	policy := map[string]any{"queue_id": queues.Items[0].ID, "first_response_minutes": 30, "resolution_minutes": 240}
	if code := call(t, "POST", p.url+"/api/v1/sla-policies", token, policy, nil); code != 201 {
		t.Fatalf("policy: %d", code)
	}
	var in struct {
		Conversation struct {
			ID        string    `json:"id"`
			CreatedAt time.Time `json:"created_at"`
		} `json:"conversation"`
	}
	msg := map[string]string{"channel": "api", "from": "+15550001234", "to": "support", "text": "hello", "external_id": "sla-1"}
	if code := call(t, "POST", p.url+"/api/v1/inbound", token, msg, &in); code != 201 || in.Conversation.ID == "" {
		t.Fatalf("inbound: %d %+v", code, in)
	}
	var st struct {
		FirstResponse struct {
			Due *time.Time `json:"due"`
		} `json:"first_response"`
	}
	var rep struct {
		Items []struct {
			ConversationsIn int `json:"conversations_in"`
		} `json:"items"`
	}
	day := time.Now().UTC()
	reportURL := fmt.Sprintf("%s/api/v1/reports/conversations?group=total&from=%s&to=%s", p.url,
		day.AddDate(0, 0, -1).Format(time.DateOnly), day.AddDate(0, 0, 1).Format(time.DateOnly))
	// The workers run after the commit: wait for them (bounded), then check.
	deadline := time.Now().Add(30 * time.Second)
	for {
		call(t, "GET", p.url+"/api/v1/conversations/"+in.Conversation.ID+"/sla", token, nil, &st)
		call(t, "GET", reportURL, token, nil, &rep)
		if (st.FirstResponse.Due != nil && len(rep.Items) == 1) || time.Now().After(deadline) {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	if st.FirstResponse.Due == nil || !st.FirstResponse.Due.Equal(in.Conversation.CreatedAt.Add(30*time.Minute)) {
		t.Fatalf("first response due = %v, created %v", st.FirstResponse.Due, in.Conversation.CreatedAt)
	}
	if len(rep.Items) != 1 || rep.Items[0].ConversationsIn != 1 {
		t.Fatalf("report: %+v", rep)
	}
}
