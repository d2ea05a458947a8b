package http

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/switchboard-cc/switchboard/internal/auth"
	"github.com/switchboard-cc/switchboard/internal/desk"
)

// TestAssignRaceHTTP: 20 agents take one conversation at once over HTTP;
// exactly one gets 200 and the rest 409 already_assigned (B4).
func TestAssignRaceHTTP(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	sys := desk.NewContextWithActor(context.Background(), desk.SystemActor)
	type racer struct {
		id    desk.ID
		token string
	}
	var racers []racer
	for i := 0; i < 20; i++ {
		h, _ := auth.HashPassword("password1")
		a := &desk.Agent{Email: fmt.Sprintf("r%d@example.com", i), Role: desk.RoleAgent, PasswordHash: h, QueueIDs: []desk.ID{e.queueA}}
		if err := e.store.CreateAgent(sys, a); err != nil {
			t.Fatal(err)
		}
		var out struct{ Token string }
		e.do("POST", "/api/v1/auth/login", "", `{"email":"`+a.Email+`","password":"password1"}`, 200, &out)
		racers = append(racers, racer{a.ID, out.Token})
	}
	codes := map[int]int{}
	var mu sync.Mutex
	var wg sync.WaitGroup
	start := make(chan struct{})
	for _, r := range racers {
		wg.Add(1)
		go func(r racer) {
			defer wg.Done()
			<-start
			req, _ := http.NewRequest("POST", e.url+"/api/v1/conversations/"+e.convA.String()+"/assign", strings.NewReader(`{"agent_id":"`+r.id.String()+`"}`))
			req.Header.Set("Authorization", "Bearer "+r.token)
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Error(err)
				return
			}
			resp.Body.Close()
			mu.Lock()
			codes[resp.StatusCode]++
			mu.Unlock()
		}(r)
	}
	close(start)
	wg.Wait()
	if codes[200] != 1 || codes[409] != 19 {
		t.Fatalf("status counts %v, want one 200 and 19 409", codes)
	}
}
