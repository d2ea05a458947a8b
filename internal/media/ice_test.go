package media

import (
	"context"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/pion/logging"
	"github.com/pion/turn/v5"
)

// STUN URLs go without credentials, TURN URLs with static ones or, given
// a REST secret, with a username expiring after the TTL and its HMAC.
func TestICEServers(t *testing.T) {
	now := time.Unix(1_700_000_000, 0)
	urls, err := ParseICEURLs(" stun:stun.example.com:3478, turn:turn.example.com:3478?transport=udp ,")
	if err != nil || len(urls) != 2 {
		t.Fatalf("%v %v", urls, err)
	}
	if _, err := ParseICEURLs("http://example.com"); err == nil {
		t.Fatal("an http URL was taken for an ICE server")
	}
	static := ICE{URLs: urls, Username: "u", Password: "p"}.Servers(now)
	if len(static) != 2 || static[0].Username != "" || static[1].Username != "u" || static[1].Credential != "p" {
		t.Fatalf("static %+v", static)
	}
	rest := ICE{URLs: urls, Secret: "s3cret", Username: "u", Password: "p", TTL: time.Hour}.Servers(now)
	if rest[1].Username != "1700003600:switchboard" || rest[1].Credential == "p" || rest[1].Credential == "" {
		t.Fatalf("rest %+v", rest[1])
	}
	if got := (ICE{}).Servers(now); got != nil {
		t.Fatalf("no servers: %+v", got)
	}
}

// The hub's peer connections use the configured TURN server with REST
// credentials: a pion TURN server checking them with the shared secret
// grants an allocation, and the hub's answer offers the relayed candidate.
func TestHubUsesTURN(t *testing.T) {
	udp, err := net.ListenPacket("udp4", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	const secret = "turn-shared-secret"
	srv, err := turn.NewServer(turn.ServerConfig{
		Realm:       "switchboard",
		AuthHandler: turn.LongTermTURNRESTAuthHandler(secret, logging.NewDefaultLoggerFactory().NewLogger("turn")),
		PacketConnConfigs: []turn.PacketConnConfig{{PacketConn: udp,
			RelayAddressGenerator: &turn.RelayAddressGeneratorStatic{RelayAddress: net.ParseIP("127.0.0.1"), Address: "127.0.0.1"}}},
	})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	hub, err := NewHub(Config{IncludeLoopback: true,
		ICE: ICE{URLs: []string{"turn:" + udp.LocalAddr().String() + "?transport=udp"}, Secret: secret}})
	if err != nil {
		t.Fatal(err)
	}
	phone, offer, err := NewSoftphone(0x43)
	if err != nil {
		t.Fatal(err)
	}
	defer phone.Close()
	answer, err := hub.ConnectCustomer(context.Background(), "c1", offer)
	if err != nil {
		t.Fatal(err)
	}
	defer hub.End("c1")
	if !strings.Contains(answer, "typ relay") {
		t.Fatalf("no relayed candidate in the answer:\n%s", answer)
	}

	// A wrong secret gets no allocation: no relayed candidate.
	bad, _ := NewHub(Config{IncludeLoopback: true,
		ICE: ICE{URLs: []string{"turn:" + udp.LocalAddr().String() + "?transport=udp"}, Secret: "wrong"}})
	phone2, offer2, _ := NewSoftphone(0x44)
	defer phone2.Close()
	answer2, err := bad.ConnectCustomer(context.Background(), "c2", offer2)
	if err != nil {
		t.Fatal(err)
	}
	defer bad.End("c2")
	if strings.Contains(answer2, "typ relay") {
		t.Fatal("a relayed candidate with a wrong TURN secret")
	}
}
