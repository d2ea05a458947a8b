package http

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"net/http/httputil"
	"net/url"

	"github.com/switchboard-cc/switchboard/internal/call"
	"github.com/switchboard-cc/switchboard/internal/desk"
	"github.com/switchboard-cc/switchboard/internal/voice"
)

// Calls across nodes (docs/calls-across-nodes.md): a call lives on the node
// whose ID prefixes the call's ID. A request about another node's call is
// forwarded there with the caller's own credentials, so that node checks
// role and queue access again (J2 end to end); media never crosses nodes,
// as the SDP answer comes from the owner's media hub.

// CallNodes is the directory of running nodes (voice.Nodes).
type CallNodes = voice.Nodes

// forwardedHeader marks a request one node sent another (voice.ForwardedHeader).
const forwardedHeader = voice.ForwardedHeader

// ownedCall serves a request about the call named by path value param on
// the node that owns it: here, or forwarded to its node.
func (s *Server) ownedCall(param string, h handlerFunc) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		if r.Header.Get(forwardedHeader) != "" {
			return h(w, r)
		}
		base, err := s.voice.OwnerURL(r.Context(), r.PathValue(param))
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
			pr.Out.Header.Set(forwardedHeader, s.voice.Nodes.Self())
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
		nodes := s.voice.Nodes
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
			res, err := s.voice.NodeRequest(r.Context(), r.Method, peer+r.URL.RequestURI(), r.Header, body)
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
