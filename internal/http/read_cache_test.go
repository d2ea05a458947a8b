package http

import (
	"context"
	"regexp"
	"strconv"
	"testing"
	"time"

	"github.com/switchboard-cc/switchboard/internal/auth"
	"github.com/switchboard-cc/switchboard/internal/desk"
)

// cacheHits reads switchboard_read_cache_lookups_total{result="hit"}.
func (e *env) cacheHits() int {
	e.t.Helper()
	m := regexp.MustCompile(`switchboard_read_cache_lookups_total\{result="hit"\} (\d+)`).FindSubmatch(e.do("GET", "/metrics", "", "", 200, nil))
	if m == nil {
		e.t.Fatal("no read cache metric")
	}
	n, _ := strconv.Atoi(string(m[1]))
	return n
}

// TestReadCache checks the read cache through the API: a read repeated
// with nothing written is answered from the cache; removing an agent
// from a queue (and adding them) shows at once in their list, the
// conversation, its messages and search; "mine" is each agent's own.
func TestReadCache(t *testing.T) {
	bothStores(t, func(t *testing.T, newEnv func(*testing.T) *env) {
		e := newEnv(t)
		cA := "/api/v1/conversations/" + e.convA.String()
		e.do("POST", cA+"/messages", e.agentA, `{"type":"note","text":"zebrafish note"}`, 201, nil)
		listsA := func(token string, view string) bool {
			t.Helper()
			var list struct{ Items []struct{ ID desk.ID } }
			e.do("GET", "/api/v1/conversations?view="+view, token, "", 200, &list)
			for _, c := range list.Items {
				if c.ID == e.convA {
					return true
				}
			}
			return false
		}
		sees := func(step string, want bool) {
			t.Helper()
			code := map[bool]int{true: 200, false: 404}[want]
			for i := 0; i < 2; i++ { // the second time possibly from the cache
				if got := listsA(e.agentB, "all"); got != want {
					t.Fatalf("%s (ask %d): agent B lists conversation A: %v, want %v", step, i+1, got, want)
				}
				e.do("GET", cA, e.agentB, "", code, nil)
				e.do("GET", cA+"/messages", e.agentB, "", code, nil)
				var res desk.SearchResult
				e.do("GET", "/api/v1/search?q=zebrafish", e.agentB, "", 200, &res)
				if got := len(res.Messages.Items) == 1; got != want {
					t.Fatalf("%s (ask %d): agent B finds A's note: %v, want %v", step, i+1, got, want)
				}
			}
		}
		sees("at first", false)
		// With nothing written, the same list is answered from the cache
		// (PostgreSQL's generation moves with other databases' commits on a
		// shared server: asked up to 10 times).
		hits := e.cacheHits()
		for i := 0; i < 10 && e.cacheHits() == hits; i++ {
			listsA(e.agentB, "all")
		}
		if e.cacheHits() == hits {
			t.Fatal("a repeated list was never answered from the cache")
		}

		setQueues := func(agent desk.ID, ids ...desk.ID) {
			t.Helper()
			body := `{"queue_ids":[`
			for i, id := range ids {
				if i > 0 {
					body += ","
				}
				body += `"` + id.String() + `"`
			}
			e.do("PATCH", "/api/v1/agents/"+agent.String(), e.admin, body+`]}`, 200, nil)
		}
		setQueues(e.idB, e.queueB, e.queueA)
		sees("after joining queue A", true)
		setQueues(e.idB, e.queueB)
		sees("after leaving queue A", false)

		// "mine" names the agent: two supervisors (both see every queue, the
		// same role) get their own.
		sys := desk.NewContextWithActor(context.Background(), desk.SystemActor)
		sup2 := &desk.Agent{Email: "sup2@example.com", Name: "Sup Two", Role: desk.RoleSupervisor, Capacity: 5}
		if err := e.store.CreateAgent(sys, sup2); err != nil {
			t.Fatal(err)
		}
		tok := auth.NewToken(auth.SessionPrefix)
		if err := e.store.CreateSession(sys, &desk.Session{AgentID: sup2.ID, TokenHash: auth.HashToken(tok), Client: "test", ExpiresAt: time.Now().Add(time.Hour)}); err != nil {
			t.Fatal(err)
		}
		setQueues(e.idSup, e.queueA)
		e.do("POST", cA+"/assign", e.sup, `{"agent_id":"`+e.idSup.String()+`"}`, 200, nil)
		for i := 0; i < 2; i++ {
			if !listsA(e.sup, "mine") || listsA(tok, "mine") {
				t.Fatalf("ask %d: mine of the supervisors: %v / %v, want true / false", i+1, listsA(e.sup, "mine"), listsA(tok, "mine"))
			}
		}
	})
}
