package sqlite_test

import (
	"context"
	"fmt"
	"path/filepath"
	"sync/atomic"
	"testing"

	"github.com/switchboard-cc/switchboard/internal/desk"
	"github.com/switchboard-cc/switchboard/internal/store/sqlite"
)

// BenchmarkIngest measures the store's inbound hot path alone (no HTTP):
// 1,000 customers, messages threaded into their conversations.
func BenchmarkIngest(b *testing.B) {
	s, err := sqlite.Open(context.Background(), filepath.Join(b.TempDir(), "b.db"), desk.SystemClock{})
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	ctx := desk.NewContextWithActor(context.Background(), desk.SystemActor)
	// 16 goroutines per CPU, like the HTTP benchmark's 32 connections on a
	// 2-core machine, so concurrent messages share commits as they do there.
	b.SetParallelism(16)
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		i := 0
		for pb.Next() {
			i++
			in := &desk.InboundMessage{Channel: "api", From: fmt.Sprintf("+1555%07d", i%1000), To: "bench", Text: "hello", ExternalID: fmt.Sprintf("%p-%d", pb, i)}
			if _, err := s.IngestMessage(ctx, in); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkIngestNewCustomers ingests every message from a number never
// seen before: a customer, a contact and a conversation each (bench
// ingest --new-customers without HTTP).
func BenchmarkIngestNewCustomers(b *testing.B) {
	s, err := sqlite.Open(context.Background(), filepath.Join(b.TempDir(), "b.db"), desk.SystemClock{})
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	ctx := desk.NewContextWithActor(context.Background(), desk.SystemActor)
	var n atomic.Int64
	b.SetParallelism(16)
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			i := n.Add(1)
			in := &desk.InboundMessage{Channel: "api", From: fmt.Sprintf("+1555%07d", i), To: "bench", Text: "hello", ExternalID: fmt.Sprintf("n-%d", i)}
			if _, err := s.IngestMessage(ctx, in); err != nil {
				b.Fatal(err)
			}
		}
	})
}
