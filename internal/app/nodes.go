package app

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"log/slog"
	"net"
	"os"
	"regexp"

	"github.com/switchboard-cc/switchboard/internal/bus"
)

// nodeIDPattern is what a node ID may hold: it prefixes call IDs (up to
// the first dot) and keys the NATS directory.
var nodeIDPattern = regexp.MustCompile(`^[A-Za-z0-9_-]{1,32}$`)

// setNodeID checks --node-id or picks a random one.
func setNodeID(c *Config) error {
	if c.NodeID == "" {
		var b [4]byte
		_, _ = rand.Read(b[:])
		c.NodeID = "n" + hex.EncodeToString(b[:])
		return nil
	}
	if !nodeIDPattern.MatchString(c.NodeID) {
		return fmt.Errorf("--node-id: %q: use 1-32 letters, digits, - or _", c.NodeID)
	}
	return nil
}

// nodeURL is where the other nodes reach this one: --node-url, else
// http:// and the listening address (the host name for 0.0.0.0 or ::).
func nodeURL(c *Config, ln net.Listener) string {
	if c.NodeURL != "" {
		return c.NodeURL
	}
	host, port, _ := net.SplitHostPort(ln.Addr().String())
	if ip := net.ParseIP(host); ip == nil || ip.IsUnspecified() {
		if h, err := os.Hostname(); err == nil {
			host = h
		}
	}
	return "http://" + net.JoinHostPort(host, port)
}

// openNodes opens the directory of nodes when the bus is NATS; nil alone.
func openNodes(ctx context.Context, c *Config, nats *bus.NATS) (*bus.Nodes, error) {
	if nats == nil {
		return nil, nil
	}
	return nats.Nodes(ctx, c.NodeID, c.NodeTTL)
}

// joinNodes joins the directory of nodes (several nodes, NATS) under the
// URL the others reach this one at.
func joinNodes(ctx context.Context, c *Config, nodes *bus.Nodes, ln net.Listener, log *slog.Logger) error {
	if nodes != nil {
		u := nodeURL(c, ln)
		if err := nodes.Join(ctx, u); err != nil {
			return err
		}
		log.Info("joined the nodes", "node_id", c.NodeID, "node_url", u)
	}
	return nil
}

// aloneDirectory is the directory of a node alone: only itself runs.
type aloneDirectory string

// Alive reports whether node is this one.
func (a aloneDirectory) Alive(_ context.Context, node string) (bool, error) {
	return node == string(a), nil
}
