package postgres_test

import (
	"fmt"
	"testing"

	"github.com/switchboard-cc/switchboard/internal/desk"
	"github.com/switchboard-cc/switchboard/internal/store/postgres/pgtest"
	"github.com/switchboard-cc/switchboard/internal/store/storetest"
)

// BenchmarkReport90Days: a 90-day conversation report over 100,000
// conversations' facts (docs/benchmarks.md).
func BenchmarkReport90Days(b *testing.B) {
	s := pgtest.Open(b, desk.SystemClock{})
	storetest.BenchReport(b, s, s.DB(), 100_000)
}

// BenchmarkWallboard: the wallboard's reads with 1,000 and 50,000
// conversations waiting and 20,000 waits ended in the last hour
// (docs/benchmarks.md).
func BenchmarkWallboard(b *testing.B) {
	for _, n := range []int{1_000, 50_000} {
		b.Run(fmt.Sprintf("waiting=%d", n), func(b *testing.B) {
			s := pgtest.Open(b, desk.SystemClock{})
			storetest.BenchWallboard(b, s.DB(), s, n, 20_000)
		})
	}
}
