package realtime

import "github.com/switchboard-cc/switchboard/internal/desk"

// The feed's own frames (the changes go as bus.Event). Their types are
// desk's Frame* constants; the OpenAPI document describes each
// (components WsServerFrame), and the tests validate what the hub sends
// against it.

// helloFrame opens every connection: seq is the last event's number.
type helloFrame struct {
	Type string `json:"type"`
	Seq  uint64 `json:"seq"`
}

// refetchFrame tells a reconnecting client that the events it missed are
// no longer kept: it reloads what it shows.
type refetchFrame struct {
	Type   string `json:"type"`
	Reason string `json:"reason"`
	Seq    uint64 `json:"seq"`
}

// errorFrame refuses one client frame; the socket stays open.
type errorFrame struct {
	Type           string  `json:"type"`
	Code           string  `json:"code"`
	Message        string  `json:"message"`
	ConversationID desk.ID `json:"conversation_id,omitempty"`
	CallID         string  `json:"call_id,omitempty"`
}

// typingFrame says who types in a watched conversation: an agent, or the
// customer (no agent_id, agent_name "customer").
type typingFrame struct {
	Type           string  `json:"type"`
	ConversationID desk.ID `json:"conversation_id"`
	AgentID        desk.ID `json:"agent_id,omitempty"`
	AgentName      string  `json:"agent_name"`
}

// callAnswerFrame answers a call.offer with the server's SDP.
type callAnswerFrame struct {
	Type   string `json:"type"`
	CallID string `json:"call_id"`
	SDP    string `json:"sdp"`
}

// pongFrame answers ping, encoded once.
var pongFrame = mustJSON(struct {
	Type string `json:"type"`
}{desk.FramePong})

// errorOf encodes an error frame.
func errorOf(code, message string) errorFrame {
	return errorFrame{Type: desk.FrameError, Code: code, Message: message}
}
