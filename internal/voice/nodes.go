package voice

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"time"

	"github.com/switchboard-cc/switchboard/internal/call"
	"github.com/switchboard-cc/switchboard/internal/desk"
)

// Calls across nodes (docs/calls-across-nodes.md): a call lives on the node
// whose ID prefixes the call's ID. A request about another node's call is
// sent there with the caller's own credentials, so that node checks role
// and queue access again (J2 end to end); media never crosses nodes, as
// the SDP answer comes from the owner's media hub.

// Nodes is the directory of running nodes (bus.Nodes); nil when this node
// is alone.
type Nodes interface {
	// Self is this node's ID.
	Self() string
	// URL is a running node's internal base URL; false when it is gone.
	URL(ctx context.Context, node string) (string, bool, error)
	// Peers are the internal base URLs of the other running nodes.
	Peers(ctx context.Context) ([]string, error)
}

// ForwardedHeader marks a request one node sent another: the receiver
// answers it itself and never forwards it again. A client setting it only
// keeps its request on the node it reached.
const ForwardedHeader = "X-Switchboard-Forwarded-By"

// nodeClient sends requests between nodes.
var nodeClient = &http.Client{Timeout: 30 * time.Second}

// OwnerURL returns the internal URL of the node owning call id, "" when
// it is this node's (or there is one node); ENOTFOUND when its node has
// gone (the sweeper ends such calls).
func (v *Calls) OwnerURL(ctx context.Context, id string) (string, error) {
	nodes := v.Nodes
	if nodes == nil {
		return "", nil
	}
	owner := call.NodeOf(id)
	if owner == "" || owner == nodes.Self() {
		return "", nil
	}
	u, ok, err := nodes.URL(ctx, owner)
	if err != nil {
		return "", fmt.Errorf("finding the node of call %s: %w", id, err)
	}
	if !ok {
		return "", desk.Errorf(desk.ENOTFOUND, "call not found")
	}
	return u, nil
}

// Elsewhere reports whether another running node has a live call on the
// conversation (one call at a time per conversation, whichever node the
// customer's page reached). A call of a node that is gone does not count:
// the sweeper is ending it.
func (v *Calls) Elsewhere(ctx context.Context, conv desk.ID) bool {
	nodes := v.Nodes
	if nodes == nil {
		return false
	}
	sys := desk.NewContextWithActor(ctx, desk.SystemActor)
	live, err := v.store.FindLiveCalls(sys)
	if err != nil {
		v.log.Warn("calls: listing live calls", "err", err)
		return false
	}
	for _, c := range live {
		owner := call.NodeOf(c.ID)
		if c.ConversationID != conv || owner == nodes.Self() {
			continue
		}
		if _, ok, err := nodes.URL(ctx, owner); ok || err != nil {
			return true
		}
	}
	return false
}

// Offer answers an agent's SDP offer sent over the workspace socket
// (realtime.CallOfferFunc): it answers a call ringing for the agent, or
// reconnects the audio of the agent's call in progress — on the node
// owning the call, as the agent whose socket sent it (creds).
func (v *Calls) Offer(ctx context.Context, actor *desk.Actor, creds http.Header, callID, offer string) (string, error) {
	ctx = desk.NewContextWithActor(ctx, actor)
	if offer == "" {
		return "", desk.FieldErrorf("sdp", "sdp is required")
	}
	if base, err := v.OwnerURL(ctx, callID); err != nil {
		return "", err
	} else if base != "" {
		return v.remoteOffer(ctx, base, creds, callID, offer)
	}
	c, err := v.FindVisible(ctx, callID)
	if err != nil {
		return "", err
	}
	if c.State == call.Ringing {
		_, answer, err := v.Answer(ctx, actor, callID, offer)
		return answer, err
	}
	if c.AgentID != actor.AgentID || !AgentConnected(c) {
		return "", desk.CodedErrorf(desk.ECONFLICT, "call_state", "only the agent in the call connects its audio")
	}
	return v.ConnectAgent(ctx, c, offer)
}

// NodeRequest sends a request to another node with hdr's credentials.
func (v *Calls) NodeRequest(ctx context.Context, method, u string, hdr http.Header, body []byte) (*http.Response, error) {
	req, err := http.NewRequestWithContext(ctx, method, u, bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	for _, k := range []string{"Authorization", "Cookie", "X-Requested-With", "Sec-Fetch-Site", "Content-Type"} {
		if v := hdr.Values(k); len(v) > 0 {
			req.Header[k] = v
		}
	}
	req.Header.Set(ForwardedHeader, v.Nodes.Self())
	return nodeClient.Do(req)
}

// remoteOffer is Offer for a call of the node at base: it reads the call
// there and answers it (ringing) or reconnects the agent's audio, as the
// agent whose socket sent the offer.
func (v *Calls) remoteOffer(ctx context.Context, base string, creds http.Header, callID, offer string) (string, error) {
	hdr := creds.Clone()
	if hdr == nil {
		hdr = http.Header{}
	}
	// The socket was accepted same-origin only; its cookie speaks for the
	// workspace page as an X-Requested-With request would.
	hdr.Set("X-Requested-With", "switchboard-node")
	hdr.Set("Content-Type", "application/json")
	var cur Response
	if err := v.nodeJSON(ctx, "GET", base+"/api/v1/calls/"+url.PathEscape(callID), hdr, nil, &cur); err != nil {
		return "", err
	}
	action := "media"
	if cur.Call.State == call.Ringing {
		action = "answer"
	}
	var res Response
	body, _ := json.Marshal(struct {
		SDP string `json:"sdp"`
	}{offer})
	if err := v.nodeJSON(ctx, "POST", base+"/api/v1/calls/"+url.PathEscape(callID)+"/"+action, hdr, body, &res); err != nil {
		return "", err
	}
	return res.SDP, nil
}

// nodeJSON sends a request to another node and decodes its JSON answer;
// an error answer becomes the same domain error here.
func (v *Calls) nodeJSON(ctx context.Context, method, u string, hdr http.Header, body []byte, out any) error {
	res, err := v.NodeRequest(ctx, method, u, hdr, body)
	if err != nil {
		return fmt.Errorf("calling the call's node: %w", err)
	}
	defer res.Body.Close()
	if res.StatusCode < 300 {
		return json.NewDecoder(io.LimitReader(res.Body, 1<<20)).Decode(out)
	}
	var e struct {
		Error struct {
			Code    string `json:"code"`
			Message string `json:"message"`
			Field   string `json:"field"`
		} `json:"error"`
	}
	_ = json.NewDecoder(io.LimitReader(res.Body, 1<<16)).Decode(&e)
	return &desk.Error{Kind: desk.KindOfStatus(res.StatusCode), Code: e.Error.Code, Message: e.Error.Message, Field: e.Error.Field}
}
