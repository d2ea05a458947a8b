package frametest

import (
	"strings"
	"testing"
)

// TestValidateBites: frames shaped as the server sends them pass, and
// frames wrong on purpose fail, naming what is wrong — an unknown type, a
// field of the wrong type, a missing one, one the document does not know.
func TestValidateBites(t *testing.T) {
	cases := []struct {
		schema, frame string
		want          string // "" when the frame is right
	}{
		{Server, `{"type":"hello","seq":0}`, ""},
		{Server, `{"type":"conversation.created","seq":3,"conversation_id":"7","queue_id":"1","status":"open","at":"2026-12-07T10:00:00Z"}`, ""},
		{Server, `{"type":"queue.counts","queues":[{"queue_id":"1","unassigned":2,"assigned":0,"bots":0}]}`, ""},
		{Server, `{"type":"typing","conversation_id":"7","agent_name":"customer"}`, ""},
		{Client, `{"type":"subscribe","conversation_id":"7"}`, ""},
		{LiveChatServer, `{"type":"ack","id":"m1","at":"2026-12-07T10:00:00Z"}`, ""},
		{LiveChatVisitor, `{"type":"delivered","ids":["lc-1"]}`, ""},

		{Server, `{"type":"hullo","seq":0}`, `discriminator property "type" has invalid value`},
		{Server, `{"type":"hello","seq":"0"}`, `value must be an integer at /seq`},
		{Server, `{"type":"hello"}`, `property "seq" is missing`},
		{Server, `{"type":"conversation.created","seq":3,"at":"2026-12-07T10:00:00Z","colour":"red"}`, `property "colour" is unsupported`},
		{Server, `{"type":"queue.counts","queues":[{"queue_id":"1","unassigned":2}]}`, `property "assigned" is missing at /queues/0`},
		{Server, `{"seq":1}`, `does not contain the discriminator property "type"`},
		{Client, `{"type":"pong"}`, `discriminator property "type" has invalid value`},
		{Client, `{"type":"subscribe"}`, `property "conversation_id" is missing`},
		{LiveChatServer, `{"type":"message","id":"lc-1","text":"hi","at":"2026-12-07T10:00:00Z"}`, `property "direction" is missing`},
		{LiveChatVisitor, `{"type":"session","token":"x"}`, `discriminator property "type" has invalid value`},
	}
	for _, c := range cases {
		err := Validate(c.schema, []byte(c.frame))
		switch {
		case c.want == "" && err != nil:
			t.Errorf("%s refuses %s: %v", c.schema, c.frame, err)
		case c.want != "" && err == nil:
			t.Errorf("%s takes %s, which is wrong", c.schema, c.frame)
		case c.want != "" && !strings.Contains(err.Error(), c.want):
			t.Errorf("%s on %s: error %q does not say %q", c.schema, c.frame, err, c.want)
		}
	}
}
