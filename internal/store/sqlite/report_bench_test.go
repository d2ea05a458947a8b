package sqlite_test

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/switchboard-cc/switchboard/internal/desk"
	"github.com/switchboard-cc/switchboard/internal/store/sqlite"
	"github.com/switchboard-cc/switchboard/internal/store/storetest"
)

// BenchmarkReport90Days: a 90-day conversation report over 100,000
// conversations' facts (docs/benchmarks.md).
func BenchmarkReport90Days(b *testing.B) {
	s, err := sqlite.Open(context.Background(), filepath.Join(b.TempDir(), "b.db"), desk.SystemClock{})
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	storetest.BenchReport(b, s, s.DB(), 100_000)
}
