package outbound

import (
	"context"
	"fmt"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/switchboard-cc/switchboard/internal/desk"
	"github.com/switchboard-cc/switchboard/internal/store/sqlite"
	"github.com/switchboard-cc/switchboard/internal/store/sqlstore"
)

// TestDispatchStraightFromCommit shows replies reach the provider without
// any poll (the poll interval is an hour): the store hands each committed,
// already-leased job to the worker. A job dispatched to a worker that died
// before sending is sent by another worker once its lease ends, once.
func TestDispatchStraightFromCommit(t *testing.T) {
	// The workers are built on the store: it hands jobs to whichever the
	// test has made current.
	var current atomic.Pointer[Worker]
	st, err := sqlite.OpenWith(context.Background(), filepath.Join(t.TempDir(), "t.db"), desk.SystemClock{},
		sqlstore.Options{Sends: currentWorker{&current}})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	sys := desk.NewContextWithActor(context.Background(), desk.SystemActor)
	if err := st.CreateChannel(sys, &desk.ChannelConfig{Kind: "whatsapp", Provider: "whatsapp", Name: "WA", Sender: "15550001"}); err != nil {
		t.Fatal(err)
	}
	res, err := st.IngestMessage(sys, &desk.InboundMessage{Channel: "whatsapp", From: "15559999", To: "15550001", Text: "hi", ExternalID: "in1"})
	if err != nil {
		t.Fatal(err)
	}
	ch := &fakeChannel{calls: map[string]int{}, sent: map[string]string{}}
	svc := &Service{Store: st, Channels: st, Adapters: fakeAdapters{ch}}
	reply := func(text string) {
		t.Helper()
		if _, err := svc.Reply(sys, ReplyRequest{ConversationID: res.Conversation.ID, Text: text}); err != nil {
			t.Fatal(err)
		}
	}

	// A worker that takes a job and dies before sending it.
	dead := NewWorker(st, fakeAdapters{ch}, nil, nil, WorkerConfig{Lease: 300 * time.Millisecond, Poll: time.Hour})
	current.Store(dead)
	reply("orphan")

	live := NewWorker(st, fakeAdapters{ch}, nil, nil, WorkerConfig{Senders: 4, Lease: 300 * time.Millisecond, Poll: time.Hour})
	current.Store(live)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { live.Run(ctx); close(done) }()
	defer func() { cancel(); <-done }()

	var wg sync.WaitGroup
	for i := range 40 {
		wg.Add(1)
		go func() { defer wg.Done(); reply(fmt.Sprintf("reply %d", i)) }()
	}
	wg.Wait()
	sent := func() int {
		ch.mu.Lock()
		defer ch.mu.Unlock()
		return len(ch.sent)
	}
	for deadline := time.Now().Add(5 * time.Second); sent() < 40 && time.Now().Before(deadline); {
		time.Sleep(5 * time.Millisecond)
	}
	if n := sent(); n < 40 {
		t.Fatalf("%d of 40 replies sent without polling", n)
	}
	// The orphan is due once its lease ends; a notification makes the live
	// worker look (in production the poll or another node does).
	time.Sleep(350 * time.Millisecond)
	live.Notify()
	for deadline := time.Now().Add(5 * time.Second); sent() < 41 && time.Now().Before(deadline); {
		time.Sleep(10 * time.Millisecond)
	}
	ch.mu.Lock()
	defer ch.mu.Unlock()
	if len(ch.sent) != 41 {
		t.Fatalf("%d messages sent, want 41 (40 replies and the orphan)", len(ch.sent))
	}
	for key, n := range ch.calls {
		if n != 1 {
			t.Errorf("%s (%q) sent %d times", key, ch.sent[key], n)
		}
	}
}

// currentWorker hands the store's jobs to the worker w points at (none
// yet: refused, written unleased). The test switches workers between
// replies, so a dispatch follows a Reserve granted by the same worker.
type currentWorker struct{ w *atomic.Pointer[Worker] }

func (c currentWorker) Reserve() (time.Duration, bool) {
	if w := c.w.Load(); w != nil {
		return w.Reserve()
	}
	return 0, false
}

func (c currentWorker) Dispatch(j *desk.SendJob) { c.w.Load().Dispatch(j) }
func (c currentWorker) Release()                 { c.w.Load().Release() }

func (c currentWorker) Notify() {
	if w := c.w.Load(); w != nil {
		w.Notify()
	}
}
