package media

import (
	"crypto/hmac"
	"crypto/sha1"
	"encoding/base64"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/pion/stun/v4"
	"github.com/pion/webrtc/v4"
)

// ICE configures STUN and TURN for every WebRTC leg: the hub's own peer
// connections (pion) and the browsers' RTCPeerConnection (agents in the
// workspace, customers on call-link pages) get the same servers, so a
// party behind NAT reaches the hub through a server-reflexive or relayed
// candidate.
type ICE struct {
	// URLs are stun:, turn: and turns: URLs (RFC 7064/7065).
	URLs []string
	// Secret is a TURN server's shared REST secret (coturn
	// static-auth-secret): each request gets a username expiring after
	// TTL and its HMAC-SHA1 as the password, so no long-lived TURN
	// password reaches a browser. It wins over Username/Password.
	Secret string
	// Username and Password are static TURN credentials.
	Username, Password string
	// TTL of REST credentials (default 24 h).
	TTL time.Duration
}

// ICEServer is one entry of RTCConfiguration.iceServers as browsers take
// it.
type ICEServer struct {
	URLs       []string `json:"urls"`
	Username   string   `json:"username,omitempty"`
	Credential string   `json:"credential,omitempty"`
}

// ParseICEURLs splits a comma-separated list of ICE server URLs, checking
// each scheme.
func ParseICEURLs(list string) ([]string, error) {
	var out []string
	for _, u := range strings.Split(list, ",") {
		u = strings.TrimSpace(u)
		if u == "" {
			continue
		}
		if _, err := stun.ParseURI(u); err != nil {
			return nil, fmt.Errorf("ICE server %q: %w", u, err)
		}
		out = append(out, u)
	}
	return out, nil
}

// Servers returns the ICE servers with credentials valid from now: STUN
// URLs without credentials, TURN URLs with them.
func (c ICE) Servers(now time.Time) []ICEServer {
	var stun, turn []string
	for _, u := range c.URLs {
		if strings.HasPrefix(u, "turn:") || strings.HasPrefix(u, "turns:") {
			turn = append(turn, u)
		} else {
			stun = append(stun, u)
		}
	}
	var out []ICEServer
	if len(stun) > 0 {
		out = append(out, ICEServer{URLs: stun})
	}
	if len(turn) > 0 {
		user, pass := c.Username, c.Password
		if c.Secret != "" {
			ttl := c.TTL
			if ttl <= 0 {
				ttl = 24 * time.Hour
			}
			user = strconv.FormatInt(now.Add(ttl).Unix(), 10) + ":switchboard"
			mac := hmac.New(sha1.New, []byte(c.Secret))
			mac.Write([]byte(user))
			pass = base64.StdEncoding.EncodeToString(mac.Sum(nil))
		}
		out = append(out, ICEServer{URLs: turn, Username: user, Credential: pass})
	}
	return out
}

// webrtcServers is Servers in pion's form.
func (c ICE) webrtcServers(now time.Time) []webrtc.ICEServer {
	var out []webrtc.ICEServer
	for _, s := range c.Servers(now) {
		ws := webrtc.ICEServer{URLs: s.URLs, Username: s.Username}
		if s.Credential != "" {
			ws.Credential = s.Credential
		}
		out = append(out, ws)
	}
	return out
}
