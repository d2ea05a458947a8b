package http

import (
	"html"
	"strings"
	"testing"
	"time"

	"github.com/switchboard-cc/switchboard/internal/call"
	"github.com/switchboard-cc/switchboard/internal/desk"
	"github.com/switchboard-cc/switchboard/internal/media"
)

// The STUN/TURN servers reach the browsers: the workspace reads them from
// GET /api/v1/calls/ice-servers (agents only), the call-link page carries
// them for the customer's RTCPeerConnection; TURN credentials are the
// short-lived REST ones, never the shared secret.
func TestCallICEServers(t *testing.T) {
	hub, err := media.NewHub(media.Config{IncludeLoopback: true, ICE: media.ICE{
		URLs: []string{"stun:stun.example.com:3478", "turn:turn.example.com:3478?transport=udp"}, Secret: "shared-secret"}})
	if err != nil {
		t.Fatal(err)
	}
	e := newEnvWith(t, Config{}, func(cfg *envConfig) {
		svc := call.NewService(cfg.Store, hub, nil, call.Config{WrapUp: 30 * time.Second})
		cfg.Calls = Calls{Service: svc, Media: hub, Links: &call.Links{Secret: []byte("test"), Clock: desk.SystemClock{}}}
	})
	var out struct {
		ICEServers []media.ICEServer `json:"ice_servers"`
	}
	e.do("GET", "/api/v1/calls/ice-servers", "", "", 401, nil)
	body := e.do("GET", "/api/v1/calls/ice-servers", e.agentA, "", 200, &out)
	if len(out.ICEServers) != 2 || out.ICEServers[0].URLs[0] != "stun:stun.example.com:3478" ||
		!strings.HasSuffix(out.ICEServers[1].Username, ":switchboard") || out.ICEServers[1].Credential == "" {
		t.Fatalf("ice servers %s", body)
	}
	if strings.Contains(string(body), "shared-secret") {
		t.Fatal("the TURN secret reached a browser")
	}
	var link callLinkResponse
	e.do("POST", "/api/v1/conversations/"+e.convA.String()+"/call-link", e.agentA, "", 201, &link)
	page := html.UnescapeString(string(e.do("GET", "/call/"+link.Token, "", "", 200, nil)))
	if !strings.Contains(page, `"urls":["turn:turn.example.com:3478?transport=udp"]`) || strings.Contains(page, "shared-secret") {
		t.Fatalf("page: %s", page)
	}
}
