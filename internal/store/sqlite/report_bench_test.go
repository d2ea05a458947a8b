package sqlite_test

import (
	"context"
	"fmt"
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

// BenchmarkWallboard: the wallboard's reads with 1,000 and 50,000
// conversations waiting and 20,000 waits ended in the last hour
// (docs/benchmarks.md).
func BenchmarkWallboard(b *testing.B) {
	for _, n := range []int{1_000, 50_000} {
		b.Run(fmt.Sprintf("waiting=%d", n), func(b *testing.B) {
			s, err := sqlite.Open(context.Background(), filepath.Join(b.TempDir(), "b.db"), desk.SystemClock{})
			if err != nil {
				b.Fatal(err)
			}
			defer s.Close()
			storetest.BenchWallboard(b, s.DB(), s, n, 20_000)
		})
	}
}
