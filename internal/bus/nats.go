package bus

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/switchboard-cc/switchboard/internal/desk"
)

// NATS is the bus of several nodes: changes go to a JetStream stream,
// whose sequence is the one order every node's hub sees; signals go over
// plain NATS subjects.
type NATS struct {
	nc      *nats.Conn
	js      jetstream.JetStream
	stream  jetstream.Stream
	subject string
	signals string
	prefix  string
	log     *slog.Logger

	mu   sync.Mutex
	cons jetstream.ConsumeContext
	sub  *nats.Subscription
}

// DialNATS connects to url and makes sure the stream exists. prefix names
// the subjects and the stream, so several deployments can share a server.
func DialNATS(ctx context.Context, url, prefix string, log *slog.Logger) (*NATS, error) {
	nc, err := nats.Connect(url, nats.Name("switchboard"), nats.MaxReconnects(-1), nats.ReconnectWait(250*time.Millisecond))
	if err != nil {
		return nil, fmt.Errorf("nats: %w", err)
	}
	b := &NATS{nc: nc, subject: prefix + ".events", signals: prefix + ".signals", prefix: prefix, log: log}
	b.js, err = jetstream.New(nc, jetstream.WithPublishAsyncErrHandler(func(_ jetstream.JetStream, _ *nats.Msg, err error) {
		log.Error("bus: publish", "err", err)
	}))
	if err == nil {
		b.stream, err = b.js.CreateOrUpdateStream(ctx, jetstream.StreamConfig{
			Name:     strings.ToUpper(strings.NewReplacer(".", "_", "-", "_").Replace(prefix)) + "_EVENTS",
			Subjects: []string{b.subject},
			Storage:  jetstream.FileStorage,
			MaxAge:   time.Hour,
			MaxMsgs:  1_000_000,
		})
	}
	if err != nil {
		nc.Close()
		return nil, fmt.Errorf("nats jetstream: %w", err)
	}
	return b, nil
}

// Publish appends changes to the stream without waiting for the acks.
func (b *NATS) Publish(changes []desk.Change) {
	for _, ch := range changes {
		m := &nats.Msg{Subject: b.subject, Data: encode(ch)}
		if ch.Trace != "" {
			// The trace crosses nodes in the message's headers (W3C).
			m.Header = nats.Header{"traceparent": []string{ch.Trace}}
		}
		if _, err := b.js.PublishMsgAsync(m); err != nil {
			b.log.Error("bus: publish", "type", ch.Type, "err", err)
		}
	}
}

// Signal publishes an ephemeral signal.
func (b *NATS) Signal(sig Signal) {
	if err := b.nc.Publish(b.signals, encode(sig)); err != nil {
		b.log.Error("bus: signal", "type", sig.Type, "err", err)
	}
}

// Start replays up to backlog recent events, then delivers new ones, in
// stream order, through an ordered consumer.
func (b *NATS) Start(h Handler, backlog int) error {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	info, err := b.stream.Info(ctx)
	if err != nil {
		return err
	}
	start := info.State.FirstSeq
	if last := info.State.LastSeq; last > uint64(backlog) && last-uint64(backlog)+1 > start {
		start = last - uint64(backlog) + 1
	}
	cfg := jetstream.OrderedConsumerConfig{DeliverPolicy: jetstream.DeliverAllPolicy}
	if start > 1 {
		cfg = jetstream.OrderedConsumerConfig{DeliverPolicy: jetstream.DeliverByStartSequencePolicy, OptStartSeq: start}
	}
	cons, err := b.stream.OrderedConsumer(ctx, cfg)
	if err != nil {
		return err
	}
	cc, err := cons.Consume(func(m jetstream.Msg) {
		md, err := m.Metadata()
		if err != nil {
			return
		}
		var ch desk.Change
		if err := json.Unmarshal(m.Data(), &ch); err != nil {
			b.log.Error("bus: bad event", "seq", md.Sequence.Stream, "err", err)
			return
		}
		ch.Trace = m.Headers().Get("traceparent")
		h.OnEvent(Event{Seq: md.Sequence.Stream, Change: ch})
	})
	if err != nil {
		return err
	}
	sub, err := b.nc.Subscribe(b.signals, func(m *nats.Msg) {
		var sig Signal
		if err := json.Unmarshal(m.Data, &sig); err == nil {
			h.OnSignal(sig)
		}
	})
	if err != nil {
		cc.Stop()
		return err
	}
	b.mu.Lock()
	b.cons, b.sub = cc, sub
	b.mu.Unlock()
	return nil
}

// Close waits briefly for unacknowledged publishes, then disconnects.
func (b *NATS) Close() error {
	select {
	case <-b.js.PublishAsyncComplete():
	case <-time.After(5 * time.Second):
		b.log.Warn("bus: closing with publishes unacknowledged", "pending", b.js.PublishAsyncPending())
	}
	b.mu.Lock()
	if b.cons != nil {
		b.cons.Stop()
	}
	if b.sub != nil {
		_ = b.sub.Unsubscribe()
	}
	b.mu.Unlock()
	return b.nc.Drain()
}
