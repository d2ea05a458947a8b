package realtime_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/switchboard-cc/switchboard/internal/desk"
	"github.com/switchboard-cc/switchboard/internal/http/frametest"
	"github.com/switchboard-cc/switchboard/internal/realtime"
)

// TestFramesFollowContract: the frames the hub sends in a session —
// hello, changes, queue counts, typing, pong, errors, a call answer and
// a ringing call — validate against the document's WsServerFrame (every
// test's reads do: conn.read), every kind among them is seen, and the
// same frames made wrong on purpose do not validate: the check bites.
func TestFramesFollowContract(t *testing.T) {
	e := newEnv(t, realtime.Config{CallOffers: func(context.Context, *desk.Actor, http.Header, string, string) (string, error) {
		return "v=0", nil
	}})
	tokA, idA := e.login("a@example.com", desk.RoleAgent, e.qa)
	tokB, _ := e.login("b@example.com", desk.RoleAgent, e.qa)
	a, b := e.dial(tokA, ""), e.dial(tokB, "")
	conv := e.ingest("+15550001", "f1", e.qa).Conversation
	b.send(fmt.Sprintf(`{"type":"subscribe","conversation_id":"%s"}`, conv.ID))
	b.send(`{"type":"ping"}`)
	b.until(desk.FramePong)
	a.send(fmt.Sprintf(`{"type":"typing","conversation_id":"%s"}`, conv.ID))
	a.send(`{"type":"call.offer","call_id":"c1","sdp":"v=0"}`)
	a.send(`{"type":"wallboard.subscribe"}`) // an agent: refused
	e.hub.NotifyAgent(idA, ringing(idA))
	a.send(`{"type":"ping"}`)

	raw := map[string][]byte{} // a frame of each kind, as sent
	// a until its answers (the call's comes off the read loop, in any
	// order), b until the typing it watches.
	last := map[*conn][]string{a: {desk.FramePong, desk.FrameCallAnswer, desk.FrameCallRinging, desk.FrameError}, b: {desk.FrameTyping}}
	for _, c := range []*conn{a, b} {
		for deadline := time.Now().Add(20 * time.Second); ; {
			ctx, cancel := context.WithDeadline(context.Background(), deadline)
			_, data, err := c.ws.Read(ctx)
			cancel()
			if err != nil {
				t.Fatalf("reading: %v (seen %d kinds)", err, len(raw))
			}
			frametest.Check(t, frametest.Server, data)
			var f struct{ Type string }
			if err := json.Unmarshal(data, &f); err != nil {
				t.Fatal(err)
			}
			raw[f.Type] = data
			if !slices.ContainsFunc(last[c], func(typ string) bool { return raw[typ] == nil }) {
				break
			}
		}
	}
	for _, typ := range []string{desk.FrameQueueCounts, desk.FrameTyping, desk.FramePong, desk.FrameError,
		desk.FrameCallAnswer, desk.FrameCallRinging, desk.ChangeConversationCreated, desk.ChangeMessageCreated} {
		if raw[typ] == nil {
			t.Errorf("no %s frame was sent", typ)
		}
	}
	hello, _ := json.Marshal(map[string]any{"type": desk.FrameHello, "seq": 1})
	if err := frametest.Validate(frametest.Server, hello); err != nil {
		t.Fatalf("a hello frame: %v", err)
	}

	// Wrong on purpose: each edit of a real frame must fail.
	edit := func(data []byte, fn func(m map[string]any)) []byte {
		var m map[string]any
		if err := json.Unmarshal(data, &m); err != nil {
			t.Fatal(err)
		}
		fn(m)
		out, _ := json.Marshal(m)
		return out
	}
	for name, bad := range map[string][]byte{
		"a change with seq as a string":   edit(raw[desk.ChangeMessageCreated], func(m map[string]any) { m["seq"] = "5" }),
		"a change with a stray field":     edit(raw[desk.ChangeConversationCreated], func(m map[string]any) { m["colour"] = "red" }),
		"a change of an unknown type":     edit(raw[desk.ChangeConversationCreated], func(m map[string]any) { m["type"] = "conversation.painted" }),
		"typing without its conversation": edit(raw[desk.FrameTyping], func(m map[string]any) { delete(m, "conversation_id") }),
		"counts without bots": edit(raw[desk.FrameQueueCounts], func(m map[string]any) {
			delete(m["queues"].([]any)[0].(map[string]any), "bots")
		}),
		"a ringing call without its state": edit(raw[desk.FrameCallRinging], func(m map[string]any) { delete(m["call"].(map[string]any), "state") }),
		"an error without its code":        edit(raw[desk.FrameError], func(m map[string]any) { delete(m, "code") }),
	} {
		err := frametest.Validate(frametest.Server, bad)
		if err == nil {
			t.Errorf("%s validates: %s", name, bad)
		} else if !strings.Contains(err.Error(), "disagrees with openapi.json's WsServerFrame") {
			t.Errorf("%s: %v", name, err)
		}
	}
}
