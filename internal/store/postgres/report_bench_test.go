package postgres_test

import (
	"testing"

	"github.com/switchboard-cc/switchboard/internal/desk"
	"github.com/switchboard-cc/switchboard/internal/store/postgres/pgtest"
	"github.com/switchboard-cc/switchboard/internal/store/sqlstore"
	"github.com/switchboard-cc/switchboard/internal/store/storetest"
)

// BenchmarkReport90Days: a 90-day conversation report over 100,000
// conversations' facts (docs/benchmarks.md).
func BenchmarkReport90Days(b *testing.B) {
	s := pgtest.Open(b, desk.SystemClock{})
	storetest.BenchReport(b, s, s.(*sqlstore.Store).DB(), 100_000)
}
