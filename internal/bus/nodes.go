package bus

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"time"

	"github.com/nats-io/nats.go/jetstream"
)

// Nodes is the directory of running nodes (docs/calls-across-nodes.md):
// each node keeps {node ID → internal URL} in a NATS key-value bucket whose
// entries expire after the TTL unless refreshed, so a node that dies (even
// SIGKILLed) leaves it within one TTL. Calls are owned by the node whose
// ID prefixes theirs: other nodes forward call actions to its URL, and
// sweep its calls once it has left.
type Nodes struct {
	kv   jetstream.KeyValue
	self string
	ttl  time.Duration
	log  *slog.Logger

	mu  sync.Mutex
	url string
}

// Nodes opens the directory bucket of this deployment (the bus prefix
// names it); self is this node's ID. Join announces it.
func (b *NATS) Nodes(ctx context.Context, self string, ttl time.Duration) (*Nodes, error) {
	if ttl <= 0 {
		ttl = 15 * time.Second
	}
	if strings.ContainsAny(self, ". *>") || self == "" {
		return nil, fmt.Errorf("nodes: bad node ID %q", self)
	}
	bucket := strings.NewReplacer(".", "_", "-", "_").Replace(b.prefix) + "_nodes"
	kv, err := b.js.CreateOrUpdateKeyValue(ctx, jetstream.KeyValueConfig{Bucket: bucket, TTL: ttl, History: 1, Storage: jetstream.MemoryStorage})
	if err != nil {
		return nil, fmt.Errorf("nodes: %w", err)
	}
	return &Nodes{kv: kv, self: self, ttl: ttl, log: b.log}, nil
}

// Self is this node's ID.
func (n *Nodes) Self() string { return n.self }

// Join puts this node's internal URL in the directory and refreshes it
// every third of the TTL until ctx ends, when it leaves at once.
func (n *Nodes) Join(ctx context.Context, url string) error {
	n.mu.Lock()
	n.url = url
	n.mu.Unlock()
	if _, err := n.kv.PutString(ctx, n.self, url); err != nil {
		return fmt.Errorf("nodes: join: %w", err)
	}
	go func() {
		t := time.NewTicker(n.ttl / 3)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				lctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
				_ = n.kv.Delete(lctx, n.self)
				cancel()
				return
			case <-t.C:
				pctx, cancel := context.WithTimeout(ctx, n.ttl/3)
				if _, err := n.kv.PutString(pctx, n.self, url); err != nil && ctx.Err() == nil {
					n.log.Warn("nodes: refreshing this node's entry", "err", err)
				}
				cancel()
			}
		}
	}()
	return nil
}

// URL returns the internal URL of a running node; false when it is not in
// the directory (gone, or never was).
func (n *Nodes) URL(ctx context.Context, node string) (string, bool, error) {
	if node == "" || strings.ContainsAny(node, ". *>") {
		return "", false, nil
	}
	e, err := n.kv.Get(ctx, node)
	if errors.Is(err, jetstream.ErrKeyNotFound) {
		return "", false, nil
	} else if err != nil {
		return "", false, err
	}
	return string(e.Value()), true, nil
}

// Alive reports whether node is in the directory (call.NodeDirectory).
func (n *Nodes) Alive(ctx context.Context, node string) (bool, error) {
	_, ok, err := n.URL(ctx, node)
	return ok, err
}

// Peers returns the internal URLs of the other running nodes.
func (n *Nodes) Peers(ctx context.Context) ([]string, error) {
	keys, err := n.kv.Keys(ctx)
	if errors.Is(err, jetstream.ErrNoKeysFound) {
		return nil, nil
	} else if err != nil {
		return nil, err
	}
	var urls []string
	for _, k := range keys {
		if k == n.self {
			continue
		}
		if u, ok, err := n.URL(ctx, k); err == nil && ok {
			urls = append(urls, u)
		}
	}
	return urls, nil
}
