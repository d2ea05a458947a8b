package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"runtime"
	"syscall"
	"time"

	"github.com/switchboard-cc/switchboard/internal/auth"
	"github.com/switchboard-cc/switchboard/internal/bench"
	"github.com/switchboard-cc/switchboard/internal/desk"
	"github.com/switchboard-cc/switchboard/internal/store/sqlstore"
)

// runBenchWS measures the live feed: server memory per idle socket and
// commit-to-socket latency under inbound load, on one node (SQLite) or
// several (--nodes N with --db and --nats).
func runBenchWS(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	var db, natsURL string
	var nodes, conns, queues int
	cfg := bench.WSConfig{}
	fs := flag.NewFlagSet("bench ws", flag.ContinueOnError)
	fs.StringVar(&db, "db", "", "PostgreSQL URL (a temporary schema is used); required with --nodes > 1")
	fs.StringVar(&natsURL, "nats", "", "NATS URL; required with --nodes > 1")
	fs.IntVar(&nodes, "nodes", 1, "server processes")
	fs.IntVar(&conns, "conns", 10000, "WebSocket connections, one agent session each")
	fs.IntVar(&queues, "queues", 1000, "queues; each message's event goes to one queue's agents")
	fs.IntVar(&cfg.Rate, "rate", 2000, "inbound messages per second")
	fs.DurationVar(&cfg.Duration, "duration", 10*time.Second, "how long to send")
	if err := parseFlags(fs, args, stderr); err != nil {
		return err
	}
	if nodes > 1 && (db == "" || natsURL == "") {
		return fmt.Errorf("bench ws: --nodes > 1 needs --db and --nats")
	}
	raiseFileLimit()
	store, kind, storeArgs, cleanup, err := openBenchStore(ctx, db, sqlstore.Options{})
	if err != nil {
		return err
	}
	defer cleanup()
	fmt.Fprintf(stdout, "bench ws: %s, %d node(s), %d sockets over %d queues, %d messages/s for %s, GOMAXPROCS %d\n",
		kind, nodes, conns, queues, cfg.Rate, cfg.Duration, runtime.GOMAXPROCS(0))
	cfg.Queues = queues
	if cfg.Admin, cfg.Tokens, err = seedWS(ctx, store, conns, queues); err != nil {
		return err
	}
	// The servers open the same folder or schema.
	args = storeArgs
	if nodes > 1 {
		args = append(args, "--nats", natsURL, "--nats-prefix", fmt.Sprintf("benchws%d", time.Now().UnixNano()))
	}
	bin, err := os.Executable()
	if err != nil {
		return err
	}
	for range nodes {
		srv, err := bench.StartServer(ctx, bin, args...)
		if err != nil {
			return err
		}
		defer srv.Stop()
		cfg.Nodes = append(cfg.Nodes, srv)
	}
	res, err := bench.WS(ctx, cfg)
	if res != nil {
		res.Fprint(stdout)
	}
	return err
}

// seedWS creates queues with routing rules, agents with sessions, and an
// admin session, straight in the store (hashing 10,000 passwords would
// take minutes and measure nothing).
func seedWS(ctx context.Context, store desk.Store, conns, queues int) (string, []string, error) {
	sys := desk.NewContextWithActor(ctx, desk.SystemActor)
	session := func(agentID desk.ID) (string, error) {
		tok := auth.NewToken(auth.SessionPrefix)
		now := time.Now()
		return tok, store.CreateSession(sys, &desk.Session{AgentID: agentID, TokenHash: auth.HashToken(tok), Client: "bench",
			CreatedAt: now, LastSeenAt: now, ExpiresAt: now.Add(24 * time.Hour)})
	}
	admin := &desk.Agent{Email: "admin@bench.example", Role: desk.RoleAdmin, Capacity: 5}
	if err := store.CreateAgent(sys, admin); err != nil {
		return "", nil, err
	}
	adminTok, err := session(admin.ID)
	if err != nil {
		return "", nil, err
	}
	qids := make([]desk.ID, queues)
	for i := range queues {
		q := &desk.Queue{Name: fmt.Sprintf("q%04d", i)}
		if err := store.CreateQueue(sys, q); err != nil {
			return "", nil, err
		}
		qids[i] = q.ID
		rule := &desk.RoutingRule{Name: q.Name, Channel: desk.ChannelSMS, Receiver: fmt.Sprintf("bench-q%04d", i), QueueID: q.ID}
		if err := store.CreateRoutingRule(sys, rule); err != nil {
			return "", nil, err
		}
	}
	tokens := make([]string, conns)
	for i := range conns {
		a := &desk.Agent{Email: fmt.Sprintf("agent%05d@bench.example", i), Role: desk.RoleAgent, Capacity: 5, QueueIDs: []desk.ID{qids[i%queues]}}
		if err := store.CreateAgent(sys, a); err != nil {
			return "", nil, err
		}
		if tokens[i], err = session(a.ID); err != nil {
			return "", nil, err
		}
	}
	return adminTok, tokens, nil
}

// raiseFileLimit lifts the soft open-files limit to the hard one: ten
// thousand sockets need as many descriptors, in this process and the
// servers it starts.
func raiseFileLimit() {
	var l syscall.Rlimit
	if syscall.Getrlimit(syscall.RLIMIT_NOFILE, &l) == nil {
		l.Cur = l.Max
		if l.Max < 65536 {
			l.Max, l.Cur = 65536, 65536 // allowed for root; otherwise ignored
		}
		if syscall.Setrlimit(syscall.RLIMIT_NOFILE, &l) != nil {
			_ = syscall.Getrlimit(syscall.RLIMIT_NOFILE, &l)
			l.Cur = l.Max
			_ = syscall.Setrlimit(syscall.RLIMIT_NOFILE, &l)
		}
	}
}
