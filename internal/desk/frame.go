package desk

// Frame types of the workspace's live feed (GET /api/v1/ws) besides the
// changes, which the feed sends as they are (a Change with its sequence
// number, its Type one of ChangeTypes). The OpenAPI document describes
// every frame (components WsServerFrame and WsClientFrame, discriminated
// by type); its tests keep the document's lists equal to ServerFrameTypes
// and ClientFrameTypes, and the web build generates the workspace's frame
// types from it.
const (
	// Server → client.
	FrameHello       = "hello"        // first frame: {seq}, the last sequence number
	FrameRefetch     = "refetch"      // missed events are no longer kept: {reason, seq}
	FramePong        = "pong"         // the answer to ping
	FrameError       = "error"        // a refused client frame: {code, message, conversation_id?, call_id?}
	FrameQueueCounts = "queue.counts" // {queues: [QueueCount]}
	FrameWallboard   = "wallboard"    // {snapshot}, to wallboard.subscribe'd sockets
	FrameCallRinging = "call.ringing" // {call}: a call rings this agent
	FrameCallEnded   = "call.ended"   // {call}: this agent's call ended
	FrameCallAnswer  = "call.answer"  // {call_id, sdp}: the answer to call.offer

	// Both ways: an agent (or the customer) is typing in a conversation
	// ({conversation_id, agent_id?, agent_name} to the sockets watching
	// it); from a client, {conversation_id}.
	FrameTyping = "typing"

	// Client → server.
	FramePing                 = "ping"                  // activity heartbeat (A5)
	FrameSubscribe            = "subscribe"             // {conversation_id}: its typing indicators
	FrameUnsubscribe          = "unsubscribe"           // {conversation_id}
	FrameWallboardSubscribe   = "wallboard.subscribe"   // supervisors and admins
	FrameWallboardUnsubscribe = "wallboard.unsubscribe" //
	FrameCallOffer            = "call.offer"            // {call_id, sdp}: a browser call leg's SDP offer
)

// ServerFrameTypes lists the types of the frames the live feed sends: its
// own frames, then every change type.
func ServerFrameTypes() []string {
	return append([]string{FrameHello, FrameRefetch, FramePong, FrameError, FrameTyping, FrameQueueCounts,
		FrameWallboard, FrameCallRinging, FrameCallEnded, FrameCallAnswer}, ChangeTypes()...)
}

// ClientFrameTypes lists the types of the frames the live feed accepts.
func ClientFrameTypes() []string {
	return []string{FramePing, FrameSubscribe, FrameUnsubscribe, FrameTyping, FrameWallboardSubscribe,
		FrameWallboardUnsubscribe, FrameCallOffer}
}
