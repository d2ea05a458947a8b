// Package voice holds the use cases of calls (issue 10) that span the call
// lifecycle (internal/call), the media hub (internal/media) and the other
// nodes: starting, answering and connecting an agent's audio, in-call
// actions, call links for customers, and the SDP offers agents send over
// the workspace socket. The HTTP handlers and the real-time hub call it;
// it never calls them.
package voice

import (
	"context"
	"log/slog"

	"github.com/switchboard-cc/switchboard/internal/call"
	"github.com/switchboard-cc/switchboard/internal/desk"
	"github.com/switchboard-cc/switchboard/internal/media"
	"github.com/switchboard-cc/switchboard/internal/phone"
)

// Config is the voice feature's parts; a nil Service turns calls off.
type Config struct {
	Service *call.Service
	// Media bridges the calls' audio; nil runs calls without media.
	Media *media.Hub
	// Links signs call links (I5).
	Links *call.Links
	// PublicURL prefixes call links (https://desk.example.com); empty uses
	// the request's host.
	PublicURL string
	// Nodes finds the owners of other nodes' calls; nil on one node.
	Nodes Nodes
}

// Store is what the calls' use cases read and write beyond the call
// service: conversations (visibility, call links' Voice conversations),
// the live calls of every node, the external-transfer policy.
type Store interface {
	FindConversationByID(ctx context.Context, id desk.ID) (*desk.Conversation, error)
	CreateConversation(ctx context.Context, c *desk.Conversation) error
	FindLiveCalls(ctx context.Context) ([]*desk.CallRecord, error)
	desk.SettingsService
}

// Calls is the voice use cases.
type Calls struct {
	Config
	store  Store
	phones phone.Book
	log    *slog.Logger
}

// New builds the calls' use cases.
func New(cfg Config, store Store, phones phone.Book, log *slog.Logger) *Calls {
	if log == nil {
		log = slog.Default()
	}
	return &Calls{Config: cfg, store: store, phones: phones, log: log}
}

// Enabled is ENOTFOUND when calls are off.
func (v *Calls) Enabled() error {
	if v == nil || v.Service == nil {
		return desk.Errorf(desk.ENOTFOUND, "calls are not enabled")
	}
	return nil
}

// Response is a call with its media: the SDP answer to an offer the
// request carried, and the packet counters.
type Response struct {
	Call  call.View    `json:"call"`
	SDP   string       `json:"sdp,omitempty"`
	Media *media.Stats `json:"media,omitempty"`
}

// View renders a call for the caller, with media counters.
func (v *Calls) View(c *call.Call, sdp string) Response {
	res := Response{Call: v.Service.View(c), SDP: sdp}
	if v.Media != nil {
		if st, ok := v.Media.Stats(c.ID); ok {
			res.Media = &st
		}
	}
	return res
}

// FindVisible returns live call id if the actor of ctx sees its
// conversation (J2), else ENOTFOUND.
func (v *Calls) FindVisible(ctx context.Context, id string) (*call.Call, error) {
	if err := v.Enabled(); err != nil {
		return nil, err
	}
	c, err := v.Service.Find(id)
	if err != nil {
		return nil, err
	}
	if _, err := v.store.FindConversationByID(ctx, c.ConversationID); err != nil {
		return nil, desk.Errorf(desk.ENOTFOUND, "call not found")
	}
	return c, nil
}

// Create starts an outbound call from a visible conversation: the agent's
// offer connects their audio, then the customer's number (default: the
// Voice conversation's contact) is dialed over the SIP trunk and bridged
// when it answers.
func (v *Calls) Create(ctx context.Context, agent desk.ID, convID desk.ID, number, offer string) (*call.Call, string, error) {
	if err := v.Enabled(); err != nil {
		return nil, "", err
	}
	svc := v.Service
	conv, err := v.store.FindConversationByID(ctx, convID)
	if err != nil {
		return nil, "", err
	}
	if conv.Status == desk.ConversationClosed {
		return nil, "", desk.CodedErrorf(desk.ECONFLICT, "conversation_closed", "the conversation is closed")
	}
	if number == "" && conv.Channel == desk.ChannelVoice {
		number = conv.ContactAddress
	}
	number, err = phone.Key("number", number, v.phones.Typed(ctx, desk.ChannelVoice, ""))
	if err != nil {
		return nil, "", err
	}
	if err := call.ValidNumber("number", number); err != nil {
		return nil, "", err
	}
	if !svc.HasTrunk() {
		return nil, "", &desk.Error{Kind: desk.EINVALID, Code: "no_trunk", Field: "number", Message: "no SIP trunk is configured"}
	}
	codec := media.PCMU
	if offer != "" {
		if codec, err = media.OfferedCodec(offer); err != nil {
			return nil, "", &desk.Error{Kind: desk.EINVALID, Code: "media_failed", Field: "sdp", Message: err.Error()}
		}
	}
	c, err := svc.Outbound(ctx, conv.ID, conv.QueueID, agent)
	if err != nil {
		return nil, "", err
	}
	var answer string
	if m := v.Media; m != nil {
		err = m.Open(c.ID, codec)
		if err == nil {
			answer, err = v.ConnectAgent(ctx, c, offer)
		}
	}
	if err == nil {
		c, err = svc.DialOut(ctx, c.ID, agent, number)
	}
	if err != nil {
		_, _ = svc.Hangup(ctx, c.ID, agent, call.BySystem)
		return nil, "", err
	}
	return c, answer, nil
}

// Answer answers call id as actor and connects the offer's audio; shared
// by the REST route and the WebSocket's call.offer frame.
func (v *Calls) Answer(ctx context.Context, actor *desk.Actor, id, offer string) (*call.Call, string, error) {
	if _, err := v.FindVisible(ctx, id); err != nil {
		return nil, "", err
	}
	c, err := v.Service.Answer(ctx, id, actor.AgentID)
	if err != nil {
		return nil, "", err
	}
	sdp, err := v.ConnectAgent(ctx, c, offer)
	return c, sdp, err
}

// ConnectAgent bridges the agent's offer into the call's media.
func (v *Calls) ConnectAgent(ctx context.Context, c *call.Call, offer string) (string, error) {
	if offer == "" || v.Media == nil {
		return "", nil
	}
	answer, err := v.Media.ConnectAgent(ctx, c.ID, offer)
	if err != nil {
		return "", &desk.Error{Kind: desk.EINVALID, Code: "media_failed", Field: "sdp", Message: err.Error()}
	}
	if path := v.Media.Recording(c.ID); path != "" {
		v.Service.SetRecording(ctx, c.ID, path)
	}
	return answer, nil
}

// Reconnect (re)connects the audio of the actor's call in progress.
func (v *Calls) Reconnect(ctx context.Context, actor *desk.Actor, id, offer string) (*call.Call, string, error) {
	c, err := v.FindVisible(ctx, id)
	if err != nil {
		return nil, "", err
	}
	if c.AgentID != actor.AgentID || !AgentConnected(c) {
		return nil, "", desk.CodedErrorf(desk.ECONFLICT, "call_state", "only the agent in the call connects its audio")
	}
	sdp, err := v.ConnectAgent(ctx, c, offer)
	if err != nil {
		return nil, "", err
	}
	return c, sdp, nil
}

// Action is one of the agent's in-call actions.
type Action func(svc *call.Service, ctx context.Context, id string, agent desk.ID) (*call.Call, error)

// Act runs an in-call action of the actor on a visible call.
func (v *Calls) Act(ctx context.Context, id string, fn Action) (*call.Call, error) {
	if _, err := v.FindVisible(ctx, id); err != nil {
		return nil, err
	}
	actor, err := desk.RequireActor(ctx)
	if err != nil {
		return nil, err
	}
	return fn(v.Service, ctx, id, actor.AgentID)
}

// HangupByAgent hangs up as the agent of the call.
func HangupByAgent(svc *call.Service, ctx context.Context, id string, agent desk.ID) (*call.Call, error) {
	return svc.Hangup(ctx, id, agent, call.ByAgent)
}

// Transfer is a blind transfer (I3) to an agent of the call's queue, a
// queue with automatic assignment, or an E.164 number dialed over the SIP
// trunk (one of the three).
func (v *Calls) Transfer(ctx context.Context, id string, toAgent, toQueue *desk.ID, number string) (*call.Call, error) {
	if number != "" {
		if toAgent != nil || toQueue != nil {
			return nil, desk.FieldErrorf("number", "give one of agent_id, queue_id and number")
		}
		n, err := phone.Key("number", number, v.phones.Typed(ctx, desk.ChannelVoice, ""))
		if err != nil {
			return nil, err
		}
		if err := call.CheckExternalTarget(ctx, v.store, n); err != nil {
			return nil, err
		}
		return v.Act(ctx, id, func(svc *call.Service, ctx context.Context, id string, agent desk.ID) (*call.Call, error) {
			return svc.TransferExternal(ctx, id, agent, n)
		})
	}
	var a, q desk.ID
	if toAgent != nil {
		a = *toAgent
	}
	if toQueue != nil {
		q = *toQueue
	}
	return v.Act(ctx, id, func(svc *call.Service, ctx context.Context, id string, agent desk.ID) (*call.Call, error) {
		return svc.Transfer(ctx, id, agent, a, q)
	})
}

// AgentConnected reports whether the call's agent is on the line: talking,
// holding, or dialing a number.
func AgentConnected(c *call.Call) bool {
	return c.State == call.InCall || c.State == call.OnHold || (c.State == call.Dialing && c.Direction == desk.CallOutbound)
}

// HasCall and HasWrapUp tell whether this node holds agent's live call or
// wrap-up.
func HasCall(svc *call.Service, agent desk.ID) bool   { return svc.CallOf(agent) != nil }
func HasWrapUp(svc *call.Service, agent desk.ID) bool { return svc.WrapUpOf(agent) != nil }

// ICEServers are the STUN/TURN servers browsers' peer connections use
// (fresh TURN credentials per request), empty without media.
func (v *Calls) ICEServers() []media.ICEServer {
	if v == nil || v.Media == nil {
		return []media.ICEServer{}
	}
	if s := v.Media.ICEServers(); s != nil {
		return s
	}
	return []media.ICEServer{}
}

// HoldMusicKey is the blob key of a queue's music on hold (I2), raw 8 kHz
// μ-law; the call service plays it to callers on hold in that queue.
func HoldMusicKey(queueID desk.ID) string { return "holdmusic-" + queueID.String() }

// HoldAnnouncementKey is the blob key of a queue's announcement (I2, B6),
// raw 8 kHz μ-law, played before the music on hold.
func HoldAnnouncementKey(queueID desk.ID) string { return "holdannouncement-" + queueID.String() }
