package voice

import (
	"context"
	"strings"
	"time"

	"github.com/switchboard-cc/switchboard/internal/call"
	"github.com/switchboard-cc/switchboard/internal/desk"
)

// The call link page (I5): a customer calls in the browser from a link an
// agent sent in the chat.

// Link is a signed call link.
type Link struct {
	URL       string    `json:"url"`
	Token     string    `json:"token"`
	ExpiresAt time.Time `json:"expires_at"`
}

// LinkCall is where a call made from a link is.
type LinkCall struct {
	CallID string     `json:"call_id"`
	State  call.State `json:"state"`
	SDP    string     `json:"sdp,omitempty"`
}

func (v *Calls) linksOn() error {
	if v == nil || v.Service == nil || v.Links == nil {
		return desk.Errorf(desk.ENOTFOUND, "calls are not enabled")
	}
	return nil
}

// CreateLink signs a call link for a visible, open conversation, for the
// agent to send in the chat; base is the request's origin, used without a
// public URL.
func (v *Calls) CreateLink(ctx context.Context, convID desk.ID, base string) (*Link, error) {
	if err := v.linksOn(); err != nil {
		return nil, err
	}
	conv, err := v.store.FindConversationByID(ctx, convID)
	if err != nil {
		return nil, err
	}
	if conv.Status == desk.ConversationClosed {
		return nil, desk.CodedErrorf(desk.ECONFLICT, "conversation_closed", "the conversation is closed")
	}
	token, exp := v.Links.Sign(conv.ID, 0)
	if p := strings.TrimSuffix(v.PublicURL, "/"); p != "" {
		base = p
	}
	return &Link{URL: base + "/call/" + token, Token: token, ExpiresAt: exp}, nil
}

// LinkConversation verifies a call link and returns the conversation the
// call belongs to: the one the link was sent in while it is not closed,
// else a new Voice conversation of the same customer and queue (C5).
func (v *Calls) LinkConversation(ctx context.Context, token string) (*desk.Conversation, error) {
	if err := v.linksOn(); err != nil {
		return nil, err
	}
	id, err := v.Links.Verify(token)
	if err != nil {
		return nil, err
	}
	sys := desk.NewContextWithActor(ctx, desk.SystemActor)
	conv, err := v.store.FindConversationByID(sys, id)
	if err != nil || conv.Status != desk.ConversationClosed {
		return conv, err
	}
	voice := &desk.Conversation{Channel: desk.ChannelVoice, CustomerID: conv.CustomerID, QueueID: conv.QueueID,
		ContactAddress: conv.ContactAddress, SenderAddress: conv.SenderAddress}
	if err := v.store.CreateConversation(sys, voice); err != nil {
		return nil, err
	}
	return voice, nil
}

// LinkOffer starts the customer's call: the conversation rings an agent
// and the customer's audio joins the media hub; the SDP answer comes back.
// One call at a time per conversation.
func (v *Calls) LinkOffer(ctx context.Context, token, offer string) (*LinkCall, error) {
	if offer == "" {
		return nil, desk.FieldErrorf("sdp", "sdp is required")
	}
	conv, err := v.LinkConversation(ctx, token)
	if err != nil {
		return nil, err
	}
	svc := v.Service
	if svc.ActiveOn(conv.ID) != nil || v.Elsewhere(ctx, conv.ID) {
		return nil, desk.CodedErrorf(desk.ECONFLICT, "call_in_progress", "a call is already in progress")
	}
	var prefer desk.ID
	if conv.AssigneeID != nil {
		prefer = *conv.AssigneeID
	}
	c, err := svc.Inbound(ctx, conv.ID, conv.QueueID, prefer)
	if err != nil {
		return nil, err
	}
	var answer string
	if v.Media != nil {
		if answer, err = v.Media.ConnectCustomer(ctx, c.ID, offer); err != nil {
			_, _ = svc.Hangup(ctx, c.ID, 0, call.BySystem)
			return nil, &desk.Error{Kind: desk.EINVALID, Code: "media_failed", Field: "sdp", Message: err.Error()}
		}
	}
	if c, err = svc.Find(c.ID); err != nil {
		return nil, err
	}
	return &LinkCall{CallID: c.ID, State: c.State, SDP: answer}, nil
}

// FindLinkCall returns the call of a link's conversation; a call that is
// over reads as ended.
func (v *Calls) FindLinkCall(ctx context.Context, token, callID string) (*call.Call, error) {
	conv, err := v.LinkConversation(ctx, token)
	if err != nil {
		return nil, err
	}
	c, err := v.Service.Find(callID)
	if err != nil {
		return &call.Call{ID: callID, State: call.Ended}, nil
	}
	if c.ConversationID != conv.ID {
		return nil, desk.Errorf(desk.ENOTFOUND, "call not found")
	}
	return c, nil
}

// LinkHangup ends the call from the customer's side.
func (v *Calls) LinkHangup(ctx context.Context, token, callID string) (*LinkCall, error) {
	c, err := v.FindLinkCall(ctx, token, callID)
	if err != nil {
		return nil, err
	}
	if c.State != call.Ended {
		if _, err := v.Service.Hangup(ctx, c.ID, 0, call.ByCustomer); err != nil && desk.ErrorCode(err) != "call_state" {
			return nil, err
		}
	}
	return &LinkCall{CallID: c.ID, State: call.Ended}, nil
}
