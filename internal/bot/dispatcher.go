// Package bot hands conversations of queues with a bot to that bot first
// (C6 "All chatbots"): every customer message is posted, signed, to the
// queue's bot endpoint, whose answer may reply to the customer and may hand
// the conversation off to the queue's agents.
package bot

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"time"

	"github.com/switchboard-cc/switchboard/internal/desk"
)

// SignatureHeader carries hex HMAC-SHA256 of the body with the queue's bot
// secret, as "sha256=<hex>".
const SignatureHeader = "X-Switchboard-Signature"

// maxAnswer bounds a bot's answer.
const maxAnswer = 64 << 10

// store is what the dispatcher needs.
type store interface {
	FindConversationByID(ctx context.Context, id desk.ID) (*desk.Conversation, error)
	FindQueueByID(ctx context.Context, id desk.ID) (*desk.Queue, error)
	FindMessages(ctx context.Context, conversationID desk.ID, f desk.MessageFilter) ([]*desk.Message, string, error)
	HandOffConversation(ctx context.Context, id desk.ID, reason string) (*desk.Conversation, error)
}

// Replier sends the bot's answer to the customer (through the channel
// rules and the outbox).
type Replier func(ctx context.Context, conversationID desk.ID, text string) error

// Request is what a bot receives for each customer message.
type Request struct {
	ConversationID desk.ID `json:"conversation_id"`
	MessageID      desk.ID `json:"message_id"`
	CustomerID     desk.ID `json:"customer_id"`
	Channel        string  `json:"channel"`
	From           string  `json:"from"`
	Text           string  `json:"text"`
}

// Answer is what a bot may answer: a reply to the customer, a handoff to
// agents (with a reason for the timeline), or both.
type Answer struct {
	Reply   string `json:"reply"`
	Handoff bool   `json:"handoff"`
	Reason  string `json:"reason"`
}

// Dispatcher posts bot-held conversations' messages to their bots.
type Dispatcher struct {
	store  store
	reply  Replier
	client *http.Client
	log    *slog.Logger
	jobs   chan desk.Change
}

// New returns a dispatcher; client should be the SSRF-guarded outbound
// client (bots are admin-configured URLs, still never internal ones).
func New(s store, reply Replier, client *http.Client, log *slog.Logger) *Dispatcher {
	return &Dispatcher{store: s, reply: reply, client: client, log: log, jobs: make(chan desk.Change, 4096)}
}

// HandleChanges queues customer messages of bot-held conversations.
func (d *Dispatcher) HandleChanges(changes []desk.Change) {
	for _, ch := range changes {
		if ch.Type != desk.ChangeMessageCreated || !ch.Bot {
			continue
		}
		select {
		case d.jobs <- ch:
		default:
			d.log.Warn("bot: queue full, message not posted to the bot", "conversation", ch.ConversationID)
		}
	}
}

// Run posts queued messages until ctx ends, a few at a time.
func (d *Dispatcher) Run(ctx context.Context) {
	sem := make(chan struct{}, 8)
	for {
		select {
		case <-ctx.Done():
			return
		case ch := <-d.jobs:
			sem <- struct{}{}
			go func() {
				defer func() { <-sem }()
				if err := d.handle(ctx, ch); err != nil && ctx.Err() == nil {
					d.log.Warn("bot: message not handled", "conversation", ch.ConversationID, "err", err)
				}
			}()
		}
	}
}

// handle posts one message to the bot and acts on its answer. A bot that
// fails (unreachable, error status, bad answer) hands the conversation to
// agents, so a customer is never left with a broken bot.
func (d *Dispatcher) handle(ctx context.Context, ch desk.Change) error {
	sys := desk.NewContextWithActor(ctx, desk.SystemActor)
	c, err := d.store.FindConversationByID(sys, ch.ConversationID)
	if err != nil || c.Bot == "" {
		return err // handed off meanwhile: nothing to do
	}
	q, err := d.store.FindQueueByID(sys, c.QueueID)
	if err != nil {
		return err
	}
	m, err := d.message(sys, c.ID, ch.MessageID)
	if err != nil {
		return err
	} else if m.Direction != desk.DirectionIn || m.Kind != desk.KindMessage {
		return nil // the bot's own replies and agents' notes are not for the bot
	}
	if q.BotURL == "" {
		_, err := d.store.HandOffConversation(sys, c.ID, "the queue has no bot any more")
		return err
	}
	ans, err := d.post(ctx, q, Request{ConversationID: c.ID, MessageID: m.ID, CustomerID: c.CustomerID, Channel: c.Channel, From: m.From, Text: m.Text})
	if err != nil {
		_, herr := d.store.HandOffConversation(sys, c.ID, "bot failed: "+err.Error())
		return herr
	}
	if ans.Reply != "" {
		if err := d.reply(sys, c.ID, ans.Reply); err != nil {
			return err
		}
	}
	if ans.Handoff {
		_, err = d.store.HandOffConversation(sys, c.ID, ans.Reason)
	}
	return err
}

// message finds the message the change announced.
func (d *Dispatcher) message(ctx context.Context, conv, id desk.ID) (*desk.Message, error) {
	f := desk.MessageFilter{Limit: 200}
	for {
		page, next, err := d.store.FindMessages(ctx, conv, f)
		if err != nil {
			return nil, err
		}
		for _, m := range page {
			if m.ID == id {
				return m, nil
			}
		}
		if next == "" {
			return nil, fmt.Errorf("bot: message %s not found", id)
		}
		f.Cursor = next
	}
}

// post sends the signed request and decodes the answer.
func (d *Dispatcher) post(ctx context.Context, q *desk.Queue, r Request) (*Answer, error) {
	body, _ := json.Marshal(r)
	mac := hmac.New(sha256.New, []byte(q.BotSecret))
	mac.Write(body)
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, q.BotURL, bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set(SignatureHeader, "sha256="+hex.EncodeToString(mac.Sum(nil)))
	resp, err := d.client.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode >= 300 {
		return nil, fmt.Errorf("bot answered %d", resp.StatusCode)
	}
	var ans Answer
	if err := json.NewDecoder(io.LimitReader(resp.Body, maxAnswer)).Decode(&ans); err != nil && err != io.EOF {
		return nil, fmt.Errorf("bot answer: %w", err)
	}
	return &ans, nil
}
