package routing

import (
	"context"
	"io"
	"log/slog"
	"slices"
	"testing"

	"github.com/switchboard-cc/switchboard/internal/desk"
)

// backlogStore is an assignStore whose queue holds waiting conversations
// and whose every agent has room: each AutoAssign takes up to max of them.
// It records the batch sizes asked for.
type backlogStore struct {
	waiting  int
	asked    []int
	maxBatch int // MaxAutoAssignBatch's answer
}

func (s *backlogStore) AutoAssign(ctx context.Context, queueID desk.ID, max int) ([]desk.Assignment, error) {
	s.asked = append(s.asked, max)
	n := min(max, s.waiting)
	s.waiting -= n
	return make([]desk.Assignment, n), nil
}

func (s *backlogStore) FindAgentByID(ctx context.Context, id desk.ID) (*desk.Agent, error) {
	return nil, desk.Errorf(desk.ENOTFOUND, "no agent")
}

func (s *backlogStore) FindQueues(ctx context.Context, f desk.QueueFilter) ([]*desk.Queue, string, error) {
	return nil, "", nil
}

// sizedStore also says how large a batch it writes best.
type sizedStore struct{ *backlogStore }

func (s sizedStore) MaxAutoAssignBatch() int { return s.maxBatch }

// TestAssignerBatchGrowth: while batches come back full (a backlog), each
// next one is twice as large, up to routing's maxBatch, or up to the
// store's MaxAutoAssignBatch where it says one (PostgreSQL writes a batch
// in one statement, so larger batches cost fewer round trips and commits).
func TestAssignerBatchGrowth(t *testing.T) {
	for _, tc := range []struct {
		name  string
		store func(*backlogStore) assignStore
		want  []int
	}{
		{"default", func(s *backlogStore) assignStore { return s }, []int{32, 64, 128, 128, 128, 128, 128, 128, 128, 128, 128, 128, 128}},
		{"store says 512", func(s *backlogStore) assignStore { s.maxBatch = 512; return sizedStore{s} }, []int{32, 64, 128, 256, 512, 512}},
		{"store says 0", func(s *backlogStore) assignStore { return sizedStore{s} }, []int{32, 64, 128, 128, 128, 128, 128, 128, 128, 128, 128, 128, 128}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := &backlogStore{waiting: 1500} // the last call takes the rest, fewer than asked

			a := NewAssigner(tc.store(s), slog.New(slog.NewTextHandler(io.Discard, nil)))
			a.work(desk.NewContextWithActor(context.Background(), desk.SystemActor), 1, "")
			if !slices.Equal(s.asked, tc.want) || s.waiting != 0 {
				t.Fatalf("asked %v (left %d), want %v", s.asked, s.waiting, tc.want)
			}
		})
	}
}
