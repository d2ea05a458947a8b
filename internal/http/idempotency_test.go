package http

import (
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
)

// doKey is e.do with an Idempotency-Key; it returns the status, the
// Idempotent-Replayed header and the body.
func (e *env) doKey(path, token, key, body string) (int, string, []byte) {
	e.t.Helper()
	req, _ := http.NewRequest("POST", e.url+path, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Idempotency-Key", key)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header.Get("Idempotent-Replayed"), b
}

// TestIdempotencyKey: a retried reply, note, new conversation and inbound
// message with the same Idempotency-Key return the original and create
// nothing more; the key with another body is refused; a failed first
// request leaves the key free; keys are per caller. On both stores.
func TestIdempotencyKey(t *testing.T) {
	bothStores(t, func(t *testing.T, newEnv func(*testing.T) *env) {
		e := newEnv(t)
		msgs := "/api/v1/conversations/" + e.convA.String() + "/messages"
		count := func() int {
			var th struct{ Items []json.RawMessage }
			e.do("GET", msgs+"?limit=200", e.agentA, "", 200, &th)
			return len(th.Items)
		}
		before := count()
		for _, body := range []string{`{"text":"once only"}`, `{"type":"note","text":"a note once"}`} {
			key := "k-" + body[:12]
			st1, rep1, b1 := e.doKey(msgs, e.agentA, key, body)
			st2, rep2, b2 := e.doKey(msgs, e.agentA, key, body)
			if st1 != 201 || st2 != 201 || rep1 != "" || rep2 != "true" || string(b1) != string(b2) {
				t.Fatalf("%s: %d %q %s / %d %q %s", body, st1, rep1, b1, st2, rep2, b2)
			}
		}
		if n := count(); n != before+2 {
			t.Fatalf("thread grew by %d, want 2", n-before)
		}
		st, _, b := e.doKey(msgs, e.agentA, "k-{\"text\":\"onc", `{"text":"something else"}`)
		if st != 400 || !strings.Contains(string(b), "idempotency_key_reused") {
			t.Fatalf("reused key: %d %s", st, b)
		}
		// Another caller's same key is its own.
		if st, rep, _ := e.doKey(msgs, e.sup, "k-{\"text\":\"onc", `{"text":"once only"}`); st != 201 || rep != "" {
			t.Fatalf("another caller: %d %q", st, rep)
		}
		// A failed first request records nothing.
		if st, _, _ := e.doKey(msgs, e.agentA, "bad-first", `{"text":""}`); st != 400 {
			t.Fatalf("empty reply: %d", st)
		}
		if st, rep, _ := e.doKey(msgs, e.agentA, "bad-first", `{"text":"fixed"}`); st != 201 || rep != "" {
			t.Fatalf("after a failed first: %d %q", st, rep)
		}
		// New conversations and inbound messages.
		conv := `{"channel":"sms","sender_address":"brand","to":"+12025550199","queue_id":"` + e.queueA.String() + `"}`
		_, _, c1 := e.doKey("/api/v1/conversations", e.agentA, "conv-1", conv)
		st, rep, c2 := e.doKey("/api/v1/conversations", e.agentA, "conv-1", conv)
		if st != 201 || rep != "true" || string(c1) != string(c2) {
			t.Fatalf("new conversation retried: %d %q %s %s", st, rep, c1, c2)
		}
		in := `{"channel":"api","from":"cust-9","text":"hello","external_id":"x-9"}`
		st1, _, i1 := e.doKey("/api/v1/inbound", e.admin, "in-1", in)
		st2, rep, i2 := e.doKey("/api/v1/inbound", e.admin, "in-1", in)
		if st1 >= 300 || st2 != st1 || rep != "true" || string(i1) != string(i2) {
			t.Fatalf("inbound retried: %d %d %q", st1, st2, rep)
		}
		if st, _, _ := e.doKey(msgs, e.agentA, strings.Repeat("x", 300), `{"text":"x"}`); st != 400 {
			t.Fatalf("overlong key: %d", st)
		}
	})
}
