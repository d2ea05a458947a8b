package realtime_test

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/switchboard-cc/switchboard/internal/bus"
	"github.com/switchboard-cc/switchboard/internal/desk"
	"github.com/switchboard-cc/switchboard/internal/http/frametest"
	"github.com/switchboard-cc/switchboard/internal/realtime"
	"github.com/switchboard-cc/switchboard/internal/wallboard"
)

// boardTee hands the bus's events to the hubs, then to a board, as
// internal/app wires them.
type boardTee struct {
	nodes
	board *wallboard.Board
}

func (t boardTee) OnEvent(ev bus.Event) {
	t.nodes.OnEvent(ev)
	t.board.OnEvent(ev.Change)
}

// TestWallboardFrames: a supervisor's socket on the second node asks for
// the wallboard and receives a snapshot after a conversation is created
// through the first node's store (the bus carries it, as NATS between
// nodes); an agent's request is refused; a socket that stops watching
// receives no more wallboard frames.
func TestWallboardFrames(t *testing.T) {
	e := newEnv(t, realtime.Config{})
	n2 := e.secondNode()
	board := &wallboard.Board{Store: e.store, Pub: n2.hub, Log: slog.New(slog.NewTextHandler(io.Discard, nil)), Gather: 10 * time.Millisecond}
	if err := e.bus.Start(boardTee{nodes{e.hub, n2.hub}, board}, 0); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { board.Run(ctx); close(done) }()
	t.Cleanup(func() { cancel(); <-done })

	supTok, _ := n2.login("sup@example.com", desk.RoleSupervisor)
	agentTok, _ := n2.login("agent@example.com", desk.RoleAgent, e.qa)
	sup := n2.dial(supTok, "")
	agent := n2.dial(agentTok, "")
	send := func(c *conn, msg string) { c.send(msg) }
	send(agent, `{"type":"wallboard.subscribe"}`)
	if f, _ := agent.until("error"); f.Type != "error" {
		t.Fatalf("agent: %+v", f)
	}
	send(sup, `{"type":"wallboard.subscribe"}`)
	// The subscription is registered before the next frame the socket
	// handles: a ping's pong proves it.
	send(sup, `{"type":"ping"}`)
	sup.until("pong")

	e.ingest("+15550001", "wb-1", e.qa)
	var snap *wallboard.Snapshot
	for snap == nil || snap.Total.Waiting != 1 {
		snap = readWallboard(t, sup)
	}
	var a wallboard.Queue
	for _, q := range snap.Queues {
		if q.QueueID == e.qa {
			a = q
		}
	}
	if a.Waiting != 1 || a.OldestWaitingSince == nil || len(a.Channels) != 1 || a.Channels[0].Channel != desk.ChannelSMS {
		t.Fatalf("queue A: %+v", a)
	}
	if n2.hub.WallboardWatchers() != 1 {
		t.Fatalf("watchers: %d", n2.hub.WallboardWatchers())
	}

	send(sup, `{"type":"wallboard.unsubscribe"}`)
	send(sup, `{"type":"ping"}`)
	sup.until("pong")
	if n2.hub.WallboardWatchers() != 0 {
		t.Fatalf("watchers after unsubscribe: %d", n2.hub.WallboardWatchers())
	}
}

// readWallboard reads frames until a wallboard frame and returns its
// snapshot.
func readWallboard(t *testing.T, c *conn) *wallboard.Snapshot {
	t.Helper()
	for {
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		_, data, err := c.ws.Read(ctx)
		cancel()
		if err != nil {
			t.Fatal(err)
		}
		frametest.Check(t, frametest.Server, data)
		var f wallboard.Frame
		if err := json.Unmarshal(data, &f); err != nil {
			t.Fatal(err)
		}
		if f.Type == "wallboard" {
			return f.Snapshot
		}
	}
}
