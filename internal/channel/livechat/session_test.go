package livechat

import (
	"strings"
	"testing"
	"time"

	"github.com/switchboard-cc/switchboard/internal/desk"
	"github.com/switchboard-cc/switchboard/internal/socket"
)

func TestSessions(t *testing.T) {
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	s := Sessions{Secret: []byte("0123456789abcdef"), ChannelID: 7}
	visitor := NewVisitorID()
	tok := s.Issue(visitor, now)
	payload, sig, _ := strings.Cut(tok, ".")
	tests := []struct {
		name  string
		s     Sessions
		token string
		at    time.Time
		ok    bool
	}{
		{"valid", s, tok, now.Add(time.Hour), true},
		{"after a reload a month later", s, tok, now.Add(30 * 24 * time.Hour), true},
		{"expired", s, tok, now.Add(MaxSessionAge + time.Hour), false},
		{"other channel", Sessions{Secret: s.Secret, ChannelID: 8}, tok, now, false},
		{"other secret", Sessions{Secret: []byte("fedcba9876543210"), ChannelID: 7}, tok, now, false},
		{"forged payload", s, Sessions{Secret: []byte("attacker-secret!"), ChannelID: 7}.Issue("v-victim", now), now, false},
		{"tampered signature", s, payload + "." + strings.ToUpper(sig), now, false},
		{"garbage", s, "not-a-token", now, false},
		{"empty", s, "", now, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := tt.s.Verify(tt.token, tt.at)
			if tt.ok && (err != nil || got != visitor) {
				t.Fatalf("Verify = %q, %v; want %q", got, err, visitor)
			} else if !tt.ok && desk.ErrorKind(err) != desk.EUNAUTHENTICATED {
				t.Fatalf("Verify = %q, %v; want EUNAUTHENTICATED", got, err)
			}
		})
	}
}

func TestNewRequiresSecret(t *testing.T) {
	if _, err := New(NewHub(HubConfig{}), &desk.ChannelConfig{Kind: desk.ChannelLiveChat, Secrets: map[string]string{"session_secret": "short"}}); desk.ErrorKind(err) != desk.EINVALID {
		t.Fatalf("short secret: %v", err)
	}
}

func TestHubDropsSlowSockets(t *testing.T) {
	h := NewHub(HubConfig{})
	c := h.register("v-a", nil)
	for i := 0; i < sendBuffer; i++ {
		if h.Push("v-a", Event{Type: EventMessage}) != 1 {
			t.Fatal("push refused before the buffer was full")
		}
	}
	if h.Push("v-a", Event{Type: EventMessage}) != 0 {
		t.Fatal("push past the buffer was taken")
	}
	if c.Kicked() != socket.CloseTooSlow {
		t.Fatalf("slow socket: close code %d, want %d", c.Kicked(), socket.CloseTooSlow)
	}
	h.unregister("v-a", c)
	if h.Push("v-a", Event{}) != 0 {
		t.Fatal("push after unregister")
	}
}

// fakeRelay records what the hub relays to other nodes.
type fakeRelay struct {
	published []string
	typing    []string
}

func (f *fakeRelay) Publish(visitor string, e Event) {
	f.published = append(f.published, visitor+":"+e.Type)
}
func (f *fakeRelay) VisitorTyping(visitor string) { f.typing = append(f.typing, visitor) }

// TestHubRelays: Send pushes locally and relays to the other nodes (whose
// hubs Push, without relaying again); a visitor's typing is relayed.
func TestHubRelays(t *testing.T) {
	alone := NewHub(HubConfig{})
	if c := alone.register("v-a", nil); alone.Send("v-a", Event{Type: EventMessage}) != 1 || len(c.Waiting()) != 1 {
		t.Fatal("no local push without a relay")
	}
	r := &fakeRelay{}
	h := NewHub(HubConfig{Relay: r})
	c := h.register("v-a", nil)
	if h.Send("v-b", Event{Type: EventMessage}) != 0 || h.PushSeen("v-a") != 1 {
		t.Fatal("local pushes")
	}
	h.Push("v-a", Event{Type: EventTyping})
	h.visitorTyping("v-a")
	if strings.Join(r.published, ",") != "v-b:message,v-a:seen" || strings.Join(r.typing, ",") != "v-a" {
		t.Fatalf("relayed %v, typing %v", r.published, r.typing)
	}
	if !h.Connected() {
		t.Fatal("not connected")
	}
	h.unregister("v-a", c)
	if h.Connected() {
		t.Fatal("connected after the last socket left")
	}
}
