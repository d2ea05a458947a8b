package http

import (
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"runtime"
	"strconv"
	"syscall"
	"testing"
	"time"

	"github.com/switchboard-cc/switchboard/internal/desk"
)

// TestListPageCost measures a list page on the read cache's miss path in
// process (the handler, no socket): CPU time and allocations a page, for
// comparing builds on a machine too loaded for `bench read` to tell a few
// per cent (issue 22). It asserts nothing timed; run it with
// SWITCHBOARD_LIST_COST=1 go test ./internal/http -run TestListPageCost -v.
func TestListPageCost(t *testing.T) {
	if os.Getenv("SWITCHBOARD_LIST_COST") == "" {
		t.Skip("set SWITCHBOARD_LIST_COST=1 to measure")
	}
	e := newEnv(t)
	sys := desk.NewContextWithActor(context.Background(), desk.SystemActor)
	for i := range 300 {
		q := e.queueA
		if i%2 == 1 {
			q = e.queueB
		}
		if _, err := e.store.IngestMessage(sys, &desk.InboundMessage{Channel: "sms", From: "+1555100" + strconv.Itoa(1000+i),
			Text: "hello <there> & \"you\"", ExternalID: "cost" + strconv.Itoa(i), QueueID: q}); err != nil {
			t.Fatal(err)
		}
	}
	for _, c := range []struct{ name, token, query string }{
		{"agent all", e.agentA, "view=all"},
		{"supervisor all", e.sup, "view=all"},
		{"supervisor unassigned by customer", e.sup, "view=unassigned&sort=customer"},
	} {
		page := func() {
			req := httptest.NewRequest(http.MethodGet, "/api/v1/conversations?limit=50&"+c.query, nil)
			req.Header.Set("Authorization", "Bearer "+c.token)
			req.Header.Set("Cache-Control", "no-cache")
			rec := httptest.NewRecorder()
			e.handler.ServeHTTP(rec, req)
			if rec.Code != http.StatusOK {
				t.Fatalf("%s: %d %s", c.name, rec.Code, rec.Body)
			}
		}
		for range 200 { // warm: row caches, prepared statements
			page()
		}
		const n = 3000
		var m0, m1 runtime.MemStats
		runtime.ReadMemStats(&m0)
		cpu0 := cpuTime(t)
		for range n {
			page()
		}
		cpu := cpuTime(t) - cpu0
		runtime.ReadMemStats(&m1)
		t.Logf("%-36s %6.1f µs CPU a page, %5d allocations, %7d bytes", c.name, float64(cpu.Microseconds())/n,
			(m1.Mallocs-m0.Mallocs)/n, (m1.TotalAlloc-m0.TotalAlloc)/n)
	}
}

// cpuTime is the process's user + system CPU time so far.
func cpuTime(t *testing.T) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		t.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
