package bus

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"io"
	"log/slog"
	"net"
	"os"
	"slices"
	"testing"
	"time"
)

// testNATS dials the local NATS with a fresh prefix; it fails under CI and
// skips elsewhere when NATS is not running.
func testNATS(t *testing.T) *NATS {
	t.Helper()
	if testing.Short() {
		t.Skip("NATS: not in the fast tier (-short)")
	}
	if c, err := net.DialTimeout("tcp", "127.0.0.1:4222", 2*time.Second); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("NATS is not reachable (scripts/ensure-services.sh starts it): %v", err)
		}
		t.Skipf("NATS not reachable: %v", err)
	} else {
		c.Close()
	}
	var b [4]byte
	_, _ = rand.Read(b[:])
	prefix := "sbnodes" + hex.EncodeToString(b[:])
	nb, err := DialNATS(context.Background(), "nats://127.0.0.1:4222", prefix, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx := context.Background()
		_ = nb.js.DeleteKeyValue(ctx, prefix+"_nodes")
		_ = nb.js.DeleteStream(ctx, nb.stream.CachedInfo().Config.Name)
		nb.nc.Close()
	})
	return nb
}

// Two nodes find each other's URL; one that leaves (its context ends) is
// gone at once; one that stops refreshing (killed) is gone after the TTL.
func TestNodesDirectory(t *testing.T) {
	nb := testNATS(t)
	ctx := context.Background()
	ttl := 3 * time.Second
	a, err := nb.Nodes(ctx, "na", ttl)
	if err != nil {
		t.Fatal(err)
	}
	b, err := nb.Nodes(ctx, "nb", ttl)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := nb.Nodes(ctx, "bad.id", ttl); err == nil {
		t.Fatal("a node ID with a dot was accepted")
	}
	actx, leave := context.WithCancel(ctx)
	if err := a.Join(actx, "http://127.0.0.1:1001"); err != nil {
		t.Fatal(err)
	}
	if err := b.Join(ctx, "http://127.0.0.1:1002"); err != nil {
		t.Fatal(err)
	}
	if u, ok, err := b.URL(ctx, "na"); err != nil || !ok || u != "http://127.0.0.1:1001" {
		t.Fatalf("URL(na) = %q %v %v", u, ok, err)
	}
	if peers, err := a.Peers(ctx); err != nil || !slices.Equal(peers, []string{"http://127.0.0.1:1002"}) {
		t.Fatalf("peers of a = %v %v", peers, err)
	}
	// Refreshing keeps a past its TTL.
	time.Sleep(ttl + ttl/2)
	if ok, err := b.Alive(ctx, "na"); err != nil || !ok {
		t.Fatalf("a expired while running: %v %v", ok, err)
	}
	leave()
	deadline := time.Now().Add(5 * time.Second)
	for ok := true; ok; time.Sleep(50 * time.Millisecond) {
		if ok, _ = b.Alive(ctx, "na"); ok && time.Now().After(deadline) {
			t.Fatal("a is still listed after leaving")
		}
	}
	// A killed node: its entry is put once and never refreshed.
	if _, err := a.kv.PutString(ctx, "nkilled", "http://127.0.0.1:1003"); err != nil {
		t.Fatal(err)
	}
	if ok, _ := b.Alive(ctx, "nkilled"); !ok {
		t.Fatal("the node is not listed")
	}
	deadline = time.Now().Add(ttl + 10*time.Second)
	for ok := true; ok; time.Sleep(100 * time.Millisecond) {
		if ok, _ = b.Alive(ctx, "nkilled"); ok && time.Now().After(deadline) {
			t.Fatal("a node that stopped refreshing is still listed")
		}
	}
	if ok, err := b.Alive(ctx, "never.was"); ok || err != nil {
		t.Fatalf("a malformed ID is alive: %v %v", ok, err)
	}
}
