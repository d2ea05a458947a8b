package report

import (
	"context"
	"io"
	"log/slog"
	"slices"
	"testing"

	"github.com/switchboard-cc/switchboard/internal/desk"
)

type refreshed struct{ ids []desk.ID }

func (r *refreshed) RefreshReportFacts(_ context.Context, ids []desk.ID) error {
	r.ids = append(r.ids, ids...)
	return nil
}
func (*refreshed) FindConversationsWithoutReportFact(context.Context, desk.ID, int) ([]desk.ID, error) {
	return nil, nil
}
func (*refreshed) RollUpReportFacts(context.Context, int) (int, error) { return 0, nil }

// TestRecorderSkipsCustomerMessages checks that a customer's message
// marks its conversation only when it reopened it (nothing else a fact
// holds changes with it), and that every other change marks.
func TestRecorderSkipsCustomerMessages(t *testing.T) {
	st := &refreshed{}
	r := NewRecorder(st, slog.New(slog.NewTextHandler(io.Discard, nil)))
	r.HandleChanges([]desk.Change{
		{Type: desk.ChangeMessageCreated, ConversationID: 1, Direction: desk.DirectionIn, Kind: desk.KindMessage},
		{Type: desk.ChangeMessageCreated, ConversationID: 2, Direction: desk.DirectionIn, Kind: desk.KindMessage, Reopened: true},
		{Type: desk.ChangeMessageCreated, ConversationID: 3, Direction: desk.DirectionOut, Kind: desk.KindMessage},
		{Type: desk.ChangeConversationCreated, ConversationID: 4},
		{Type: desk.ChangeConversationUpdated, ConversationID: 5},
		{Type: desk.ChangeAgentStatus, AgentID: 7},
	})
	if err := r.Flush(context.Background()); err != nil {
		t.Fatal(err)
	}
	slices.Sort(st.ids)
	if !slices.Equal(st.ids, []desk.ID{2, 3, 4, 5}) {
		t.Fatalf("refreshed %v, want [2 3 4 5]", st.ids)
	}
}
