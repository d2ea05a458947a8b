package http

import (
	"testing"

	"github.com/switchboard-cc/switchboard/internal/desk"
)

// TestDraftSend saves a draft, refuses an invalid status and an
// incomplete form before sending anything, then sends and solves in one
// call (H2).
func TestDraftSend(t *testing.T) {
	bothStores(t, func(t *testing.T, newEnv func(*testing.T) *env) {
		e := newEnv(t)
		path := "/api/v1/conversations/" + e.convA.String()
		e.do("PUT", path+"/draft", e.agentA, `{"text":"All fixed"}`, 200, nil)
		e.do("POST", path+"/draft/send", e.agentA, `{"status":"open"}`, 400, nil)
		var form desk.Form
		e.do("POST", "/api/v1/forms", e.sup, `{"name":"F","fields":[{"name":"reason","type":"text","required":true}]}`, 201, &form)
		e.do("PATCH", path, e.agentA, `{"form_id":"`+form.ID.String()+`"}`, 200, nil)
		var apiErr apiError
		e.do("POST", path+"/draft/send", e.agentA, `{"status":"solved"}`, 409, &apiErr)
		if apiErr.Error.Code != desk.CodeFormIncomplete {
			t.Fatalf("error: %+v", apiErr)
		}
		var thread struct{ Items []desk.Message }
		e.do("GET", path+"/messages", e.agentA, "", 200, &thread)
		if len(thread.Items) != 1 {
			t.Fatalf("a refused send sent: %+v", thread.Items)
		}
		var kept desk.Draft
		e.do("GET", path+"/draft", e.agentA, "", 200, &kept)
		if kept.Text != "All fixed" {
			t.Fatalf("the draft was not kept: %+v", kept)
		}
		var conv desk.Conversation
		e.do("GET", path, e.agentA, "", 200, &conv)
		if conv.Status != desk.ConversationOpen {
			t.Fatalf("status changed by a refused send: %s", conv.Status)
		}
		e.do("PATCH", path, e.agentA, `{"form_values":{"reason":"fixed"}}`, 200, nil)
		var res struct {
			Conversation desk.Conversation
			Message      desk.Message
		}
		e.do("POST", path+"/draft/send", e.agentA, `{"status":"solved"}`, 200, &res)
		if res.Conversation.Status != "solved" || res.Message.Text != "All fixed" {
			t.Fatalf("sent: %+v", res)
		}
		e.do("GET", path+"/draft", e.agentA, "", 204, nil)
	})
}

// TestDraftSurvivesLogout saves a draft, signs out (the session is
// revoked), signs in again and finds the draft as it was (H2).
func TestDraftSurvivesLogout(t *testing.T) {
	bothStores(t, func(t *testing.T, newEnv func(*testing.T) *env) {
		e := newEnv(t)
		path := "/api/v1/conversations/" + e.convA.String() + "/draft"
		e.do("PUT", path, e.agentA, `{"text":"Half-written answer","subject":"Re: order","cc":["boss@example.com"]}`, 200, nil)
		e.do("POST", "/api/v1/auth/logout", e.agentA, "", 204, nil)
		e.do("GET", path, e.agentA, "", 401, nil)
		var login struct{ Token string }
		e.do("POST", "/api/v1/auth/login", "", `{"email":"a@example.com","password":"password1"}`, 200, &login)
		var d desk.Draft
		e.do("GET", path, login.Token, "", 200, &d)
		if d.Text != "Half-written answer" || d.Subject != "Re: order" || len(d.CC) != 1 || d.CC[0] != "boss@example.com" {
			t.Fatalf("draft after signing in again: %+v", d)
		}
	})
}
