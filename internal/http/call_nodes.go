package http

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httputil"
	"net/url"
	"time"

	"github.com/switchboard-cc/switchboard/internal/call"
	"github.com/switchboard-cc/switchboard/internal/desk"
)

// Calls across nodes (docs/calls-across-nodes.md): a call lives on the node
// whose ID prefixes the call's ID. A request about another node's call is
// forwarded there with the caller's own credentials, so that node checks
// role and queue access again (J2 end to end); media never crosses nodes,
// as the SDP answer comes from the owner's media hub.

// CallNodes is the directory of running nodes (bus.Nodes); nil when this
// node is alone.
type CallNodes interface {
	// Self is this node's ID.
	Self() string
	// URL is a running node's internal base URL; false when it is gone.
	URL(ctx context.Context, node string) (string, bool, error)
	// Peers are the internal base URLs of the other running nodes.
	Peers(ctx context.Context) ([]string, error)
}

// forwardedHeader marks a request one node sent another: the receiver
// answers it itself and never forwards it again. A client setting it only
// keeps its request on the node it reached.
const forwardedHeader = "X-Switchboard-Forwarded-By"

// nodeClient sends requests between nodes.
var nodeClient = &http.Client{Timeout: 30 * time.Second}

// callOwnerURL returns the internal URL of the node owning call id, ""
// when it is this node's (or there is one node); ENOTFOUND when its node
// has gone (the sweeper ends such calls).
func (s *Server) callOwnerURL(ctx context.Context, id string) (string, error) {
	nodes := s.cfg.Calls.Nodes
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

// ownedCall serves a request about the call named by path value param on
// the node that owns it: here, or forwarded to its node.
func (s *Server) ownedCall(param string, h handlerFunc) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		if r.Header.Get(forwardedHeader) != "" {
			return h(w, r)
		}
		base, err := s.callOwnerURL(r.Context(), r.PathValue(param))
		if err != nil || base == "" {
			if err != nil {
				return err
			}
			return h(w, r)
		}
		return s.forward(w, r, base)
	}
}

// forward proxies r to the node at base as it came (method, path, body,
// credentials, Host), and relays the answer.
func (s *Server) forward(w http.ResponseWriter, r *http.Request, base string) error {
	target, err := url.Parse(base)
	if err != nil {
		return fmt.Errorf("node URL %q: %w", base, err)
	}
	rp := &httputil.ReverseProxy{
		Rewrite: func(pr *httputil.ProxyRequest) {
			pr.SetURL(target)
			pr.Out.Host = pr.In.Host
			pr.Out.Header.Set(forwardedHeader, s.cfg.Calls.Nodes.Self())
		},
		// The owner sets its own security headers; ours would double them.
		ModifyResponse: func(res *http.Response) error {
			for k := range res.Header {
				w.Header().Del(k)
			}
			return nil
		},
		ErrorHandler: func(w http.ResponseWriter, r *http.Request, err error) {
			s.writeError(w, r, fmt.Errorf("forwarding to the call's node %s: %w", base, err))
		},
	}
	rp.ServeHTTP(w, r)
	return nil
}

// callElsewhere reports whether another running node has a live call on
// the conversation (one call at a time per conversation, whichever node
// the customer's page reached). A call of a node that is gone does not
// count: the sweeper is ending it.
func (s *Server) callElsewhere(ctx context.Context, conv desk.ID) bool {
	nodes := s.cfg.Calls.Nodes
	if nodes == nil {
		return false
	}
	sys := desk.NewContextWithActor(ctx, desk.SystemActor)
	live, err := s.cfg.Store.FindLiveCalls(sys)
	if err != nil {
		s.cfg.Logger.Warn("calls: listing live calls", "err", err)
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

// onAgentsNode serves the caller's own call or wrap-up (GET /me/call,
// /me/wrap-up...) on the node holding it: here when here says so, else
// the peer that answers other than 404. Peers are asked only while the
// store says the agent is in a call or wrapping up on some node.
func (s *Server) onAgentsNode(here func(svc *call.Service, agent desk.ID) bool, h handlerFunc) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		svc, actor, err := s.agentCalls(r)
		if err != nil {
			return err
		}
		nodes := s.cfg.Calls.Nodes
		if nodes == nil || here(svc, actor.AgentID) {
			return h(w, r)
		}
		if r.Header.Get(forwardedHeader) != "" {
			return desk.Errorf(desk.ENOTFOUND, "not on this node")
		}
		ag, err := s.cfg.Store.FindAgentByID(r.Context(), actor.AgentID)
		if err != nil || ag.CallState == "" {
			return h(w, r)
		}
		peers, err := nodes.Peers(r.Context())
		if err != nil {
			s.cfg.Logger.Warn("calls: listing the other nodes", "err", err)
			return h(w, r)
		}
		body, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
		if err != nil {
			return desk.Errorf(desk.EINVALID, "cannot read the request body")
		}
		for _, peer := range peers {
			res, err := s.nodeRequest(r.Context(), r.Method, peer+r.URL.RequestURI(), r.Header, body)
			if err != nil {
				s.cfg.Logger.Warn("calls: asking another node", "node_url", peer, "err", err)
				continue
			}
			if res.StatusCode == http.StatusNotFound {
				res.Body.Close()
				continue
			}
			defer res.Body.Close()
			for k, v := range res.Header {
				w.Header()[k] = v
			}
			w.WriteHeader(res.StatusCode)
			_, _ = io.Copy(w, res.Body)
			return nil
		}
		r.Body = io.NopCloser(bytes.NewReader(body))
		return h(w, r)
	}
}

// nodeRequest sends a request to another node with hdr's credentials.
func (s *Server) nodeRequest(ctx context.Context, method, u string, hdr http.Header, body []byte) (*http.Response, error) {
	req, err := http.NewRequestWithContext(ctx, method, u, bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	for _, k := range []string{"Authorization", "Cookie", "X-Requested-With", "Sec-Fetch-Site", "Content-Type"} {
		if v := hdr.Values(k); len(v) > 0 {
			req.Header[k] = v
		}
	}
	req.Header.Set(forwardedHeader, s.cfg.Calls.Nodes.Self())
	return nodeClient.Do(req)
}

// remoteCallOffer is CallOffer for a call of the node at base: it reads
// the call there and answers it (ringing) or reconnects the agent's audio,
// as the agent whose socket sent the offer.
func (s *Server) remoteCallOffer(ctx context.Context, base string, creds http.Header, callID, offer string) (string, error) {
	hdr := creds.Clone()
	if hdr == nil {
		hdr = http.Header{}
	}
	// The socket was accepted same-origin only; its cookie speaks for the
	// workspace page as an X-Requested-With request would.
	hdr.Set("X-Requested-With", "switchboard-node")
	hdr.Set("Content-Type", "application/json")
	var cur callResponse
	if err := s.nodeJSON(ctx, "GET", base+"/api/v1/calls/"+url.PathEscape(callID), hdr, nil, &cur); err != nil {
		return "", err
	}
	action := "media"
	if cur.Call.State == call.Ringing {
		action = "answer"
	}
	var res callResponse
	body, _ := json.Marshal(sdpRequest{SDP: offer})
	if err := s.nodeJSON(ctx, "POST", base+"/api/v1/calls/"+url.PathEscape(callID)+"/"+action, hdr, body, &res); err != nil {
		return "", err
	}
	return res.SDP, nil
}

// nodeJSON sends a request to another node and decodes its JSON answer;
// an error answer becomes the same domain error here.
func (s *Server) nodeJSON(ctx context.Context, method, u string, hdr http.Header, body []byte, out any) error {
	res, err := s.nodeRequest(ctx, method, u, hdr, body)
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
	return &desk.Error{Kind: kindOf(res.StatusCode), Code: e.Error.Code, Message: e.Error.Message, Field: e.Error.Field}
}

// kindOf maps another node's error status back to its error kind.
func kindOf(status int) string {
	for kind, st := range statusOf {
		if st == status && kind != desk.EINVALID {
			return kind
		}
	}
	if status == http.StatusBadRequest || status == http.StatusUnprocessableEntity {
		return desk.EINVALID
	}
	return desk.EINTERNAL
}
