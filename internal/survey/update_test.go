package survey

import (
	"context"
	"testing"

	"github.com/switchboard-cc/switchboard/internal/desk"
)

// FindConversationByID, FindQueueByID and UpdateConversation complete the
// fake: conversations and queues by ID, and the updates asked for.
func (f *fakeStore) FindConversationByID(_ context.Context, id desk.ID) (*desk.Conversation, error) {
	c, ok := f.convs[id]
	if !ok {
		return nil, desk.Errorf(desk.ENOTFOUND, "conversation not found")
	}
	cp := *c
	return &cp, nil
}

func (f *fakeStore) FindQueueByID(_ context.Context, id desk.ID) (*desk.Queue, error) {
	f.queueReads++
	q, ok := f.queues[id]
	if !ok {
		return nil, desk.Errorf(desk.ENOTFOUND, "queue not found")
	}
	return q, nil
}

func (f *fakeStore) UpdateConversation(_ context.Context, id desk.ID, upd desk.ConversationUpdate) (*desk.Conversation, error) {
	f.updates = append(f.updates, upd)
	return f.FindConversationByID(context.Background(), id)
}

func TestOwed(t *testing.T) {
	on, off := &desk.Queue{SurveyEnabled: true}, &desk.Queue{}
	open := &desk.Conversation{Status: desk.ConversationOpen, Channel: desk.ChannelSMS, CustomerID: 3}
	surveyed := *open
	surveyed.Survey = &desk.Survey{SentAt: now}
	solvedAlready := *open
	solvedAlready.Status = desk.ConversationSolved
	internal := *open
	internal.Channel = desk.ChannelInternal
	for _, tt := range []struct {
		name   string
		c      *desk.Conversation
		status string
		q      *desk.Queue
		want   bool
	}{
		{"solved in a surveyed queue", open, desk.ConversationSolved, on, true},
		{"closed in a surveyed queue", open, desk.ConversationClosed, on, true},
		{"waiting", open, desk.ConversationWaiting, on, false},
		{"queue without surveys", open, desk.ConversationSolved, off, false},
		{"queue gone", open, desk.ConversationSolved, nil, false},
		{"had one already", &surveyed, desk.ConversationSolved, on, false},
		{"solved to closed", &solvedAlready, desk.ConversationClosed, on, false},
		{"internal conversation", &internal, desk.ConversationSolved, on, false},
	} {
		if got := Owed(tt.c, tt.status, tt.q); got != tt.want {
			t.Errorf("%s: Owed = %v, want %v", tt.name, got, tt.want)
		}
	}
}

// TestUpdateConversationAsksSurvey: the update use case asks the store for
// the survey exactly when the new status owes one, reads the queue only
// for a change that solves or closes, and never passes a caller's own
// Survey flag through.
func TestUpdateConversationAsksSurvey(t *testing.T) {
	solved, waiting := desk.ConversationSolved, desk.ConversationWaiting
	prio := desk.PriorityHigh
	for _, tt := range []struct {
		name       string
		conv       desk.ID
		upd        desk.ConversationUpdate
		want       bool
		queueReads int
	}{
		{"solve in a surveyed queue", 1, desk.ConversationUpdate{Status: &solved}, true, 1},
		{"solve in a quiet queue", 2, desk.ConversationUpdate{Status: &solved}, false, 1},
		{"waiting", 1, desk.ConversationUpdate{Status: &waiting}, false, 0},
		{"no status, caller's flag dropped", 1, desk.ConversationUpdate{Priority: &prio, Survey: true}, false, 0},
		{"solved already", 3, desk.ConversationUpdate{Status: &solved}, false, 0},
	} {
		t.Run(tt.name, func(t *testing.T) {
			st := newFake()
			st.queues = map[desk.ID]*desk.Queue{10: {ID: 10, SurveyEnabled: true}, 20: {ID: 20}}
			st.convs = map[desk.ID]*desk.Conversation{
				1: {ID: 1, Status: desk.ConversationOpen, Channel: desk.ChannelSMS, CustomerID: 7, QueueID: 10},
				2: {ID: 2, Status: desk.ConversationOpen, Channel: desk.ChannelSMS, CustomerID: 7, QueueID: 20},
				3: {ID: 3, Status: desk.ConversationSolved, Channel: desk.ChannelSMS, CustomerID: 7, QueueID: 10},
			}
			if _, err := (&Service{Store: st}).UpdateConversation(context.Background(), tt.conv, tt.upd); err != nil {
				t.Fatal(err)
			}
			if len(st.updates) != 1 || st.updates[0].Survey != tt.want || st.queueReads != tt.queueReads {
				t.Fatalf("updates %+v, %d queue reads; want survey %v, %d reads", st.updates, st.queueReads, tt.want, tt.queueReads)
			}
		})
	}
	// An unknown conversation is the store's ENOTFOUND, and nothing is written.
	st := newFake()
	if _, err := (&Service{Store: st}).UpdateConversation(context.Background(), 99, desk.ConversationUpdate{Status: &solved}); desk.ErrorKind(err) != desk.ENOTFOUND || len(st.updates) != 0 {
		t.Fatalf("unknown conversation: %v, %+v", err, st.updates)
	}
}
