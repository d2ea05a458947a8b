package livechat

import (
	"context"
	"net/http"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/coder/websocket"
	"github.com/coder/websocket/wsjson"

	"github.com/switchboard-cc/switchboard/internal/auth"
	"github.com/switchboard-cc/switchboard/internal/desk"
)

// maxFrame bounds one frame from a visitor (a 4096-character text in JSON
// is at most ~25 KB).
const maxFrame = 64 << 10

// typingEvery bounds how often a visitor's typing reaches the agents.
const typingEvery = 2 * time.Second

// PushSeen tells the visitor's open widgets that the agent has read the
// thread; it returns how many sockets took it.
func (c *Channel) PushSeen(visitor string) int { return c.hub.PushSeen(visitor) }

// ServeVisitor upgrades the request to a WebSocket and runs one visitor's
// connection until it closes. The first frame is hello with the token
// kept by the widget (none, or an invalid one, starts a new visitor); the
// server answers with a fresh token and the visitor's thread, then
// relays messages and receipts both ways. Any page may embed the widget
// unless allowed_origins restricts it; the token, not the origin,
// authenticates the visitor.
func (c *Channel) ServeVisitor(w http.ResponseWriter, r *http.Request, cfg *desk.ChannelConfig, in desk.ChannelInbound) error {
	opts := &websocket.AcceptOptions{OriginPatterns: c.origins, InsecureSkipVerify: len(c.origins) == 0}
	conn, err := websocket.Accept(w, r, opts)
	if err != nil {
		return nil // Accept has answered the request
	}
	defer conn.CloseNow()
	conn.SetReadLimit(maxFrame)
	ctx := desk.NewContextWithActor(r.Context(), desk.SystemActor)

	hctx, cancel := context.WithTimeout(ctx, 15*time.Second)
	var hello Event
	err = wsjson.Read(hctx, conn, &hello)
	cancel()
	if err != nil || hello.Type != EventHello {
		conn.Close(websocket.StatusPolicyViolation, "the first frame is hello")
		return nil
	}
	// A signed-in user of the site is one visitor on every device; an
	// unsigned or wrongly signed user ID is ignored.
	visitor := c.verifiedVisitor(hello.UserID, hello.UserHash)
	verified := visitor != ""
	if visitor == "" && hello.Token != "" {
		visitor, _ = c.sessions.Verify(hello.Token, c.now())
		if strings.HasPrefix(visitor, "v-u") {
			visitor = "" // a user's session on a page that no longer signs them in
		}
	}
	addr := auth.ClientIPFromContext(r.Context())
	if visitor == "" {
		// A new visitor: limited per address and per channel, so a
		// script cannot open sessions (and then conversations) by the
		// thousand.
		if wait := c.hub.limits.allow(c.id, c.limits, limitSessions, addr, c.now()); wait > 0 {
			_ = wsjson.Write(ctx, conn, rateLimited("", wait))
			conn.Close(websocket.StatusTryAgainLater, "too many new chats; try again shortly")
			return nil
		}
		visitor = NewVisitorID()
	}
	var who profile
	who.update(hello.Name, hello.Email)
	if !c.hub.live.take(visitor, addr) {
		_ = wsjson.Write(ctx, conn, rateLimited("", 10*time.Second))
		conn.Close(websocket.StatusTryAgainLater, "too many open chats; try again shortly")
		return nil
	}
	defer c.hub.live.give(visitor, addr)
	// Registered before the thread is read, so nothing sent meanwhile is
	// lost; the widget drops duplicates by ID.
	cl := c.hub.register(visitor, conn)
	defer c.hub.unregister(visitor, cl)
	thread, err := in.Thread(ctx, cfg, visitor)
	if err != nil {
		conn.Close(websocket.StatusInternalError, "internal error; reconnect")
		return nil
	}
	hist := Event{Type: EventHistory, Messages: historyEvents(visitor, thread, c.hub.fileLinks(), c.now())}
	if wsjson.Write(ctx, conn, Event{Type: EventSession, Token: c.sessions.Issue(visitor, c.now()), VisitorID: visitor,
		Prechat: c.prechat, Verified: verified}) != nil ||
		wsjson.Write(ctx, conn, hist) != nil {
		return nil
	}
	cl.Start()
	var typedAt time.Time
	// A visitor without a thread starts a conversation with their first
	// message: that counts against the conversation limits.
	starts := len(thread) == 0
	for {
		var e Event
		if err := wsjson.Read(ctx, conn, &e); err != nil {
			return nil
		}
		var reply *Event
		switch e.Type {
		case EventMessage:
			kind := limitMessages
			if starts {
				kind = limitConversations
			}
			if wait := c.hub.limits.allow(c.id, c.limits, kind, addr, c.now()); wait > 0 {
				reply = rateLimited(e.ID, wait)
				break
			}
			if starts && kind == limitConversations {
				// Messages count too once the conversation started.
				c.hub.limits.allow(c.id, c.limits, limitMessages, addr, c.now())
			}
			reply = c.receive(ctx, cfg, in, visitor, who, e)
			if reply != nil && reply.Type == EventAck {
				starts = false
			}
		case EventProfile:
			who.update(e.Name, e.Email)
		case EventDelivered, EventSeen:
			c.receipts(ctx, in, e)
		case EventTyping:
			// At most one indicator every two seconds per socket: the
			// widget sends one per keystroke burst.
			if now := time.Now(); now.Sub(typedAt) >= typingEvery {
				typedAt = now
				c.hub.visitorTyping(visitor)
			}
		default:
			reply = &Event{Type: EventError, Code: "unknown_event", Message: "unknown event type " + e.Type}
		}
		if reply != nil && wsjson.Write(ctx, conn, reply) != nil {
			return nil
		}
	}
}

// receive ingests a visitor's message: its ID (chosen by the widget) makes
// a resend after a lost ack idempotent.
func (c *Channel) receive(ctx context.Context, cfg *desk.ChannelConfig, in desk.ChannelInbound, visitor string, who profile, e Event) *Event {
	fail := func(code, msg string) *Event { return &Event{Type: EventError, ID: e.ID, Code: code, Message: msg} }
	text := strings.TrimSpace(e.Text)
	switch {
	case e.ID == "" || len(e.ID) > 64:
		return fail("invalid", "a message needs an id of at most 64 characters")
	case text == "":
		return fail("invalid", "the text is empty")
	case !utf8.ValidString(text):
		return fail("invalid", "the text is not valid UTF-8")
	case utf8.RuneCountInString(text) > MaxText:
		return fail("text_too_long", "messages are limited to 4096 characters")
	}
	// The pre-chat form's name fills an unknown customer's name; its email
	// becomes their email contact if nobody has it (issue 16).
	msg := desk.InboundMessage{Channel: desk.ChannelLiveChat, From: visitor, Text: text, Type: desk.TypeText,
		ExternalID: "lc-in-" + visitor + "-" + e.ID, Name: who.name, Email: who.email}
	if err := in.Deliver(ctx, cfg, &desk.WebhookResult{Messages: []desk.InboundMessage{msg}}); err != nil {
		if desk.ErrorKind(err) == desk.EINTERNAL {
			return fail("internal", "internal error; send it again")
		}
		return fail(desk.ErrorCode(err), desk.ErrorMessage(err))
	}
	return &Event{Type: EventAck, ID: e.ID, At: c.now().UTC()}
}

// receipts applies a visitor's delivered/seen receipts. The widget can
// answer before the send's outcome (and its external ID) is recorded, so a
// receipt that finds no message is tried again for a few seconds.
func (c *Channel) receipts(ctx context.Context, in desk.ChannelInbound, e Event) {
	state := desk.DeliveryDelivered
	if e.Type == EventSeen {
		state = desk.DeliverySeen
	}
	for i, id := range e.IDs {
		if i == 100 || !strings.HasPrefix(id, "lc-") {
			break
		}
		r := &desk.Receipt{Channel: desk.ChannelLiveChat, ExternalID: id, State: state, At: c.now().UTC()}
		if _, err := in.ApplyReceipt(ctx, r); desk.ErrorKind(err) == desk.ENOTFOUND {
			go func() {
				sys := desk.NewContextWithActor(context.WithoutCancel(ctx), desk.SystemActor)
				for range 20 {
					time.Sleep(250 * time.Millisecond)
					if _, err := in.ApplyReceipt(sys, r); desk.ErrorKind(err) != desk.ENOTFOUND {
						return
					}
				}
			}()
		}
	}
}
