package desk

import (
	"context"
	"time"
)

// ReportFact is one conversation as reports count it, recomputed from the
// conversation's timeline whenever it changes (see docs/reports.md).
// Durations are nil when they do not apply (no reply yet, not solved).
type ReportFact struct {
	ConversationID ID
	QueueID        ID
	Channel        string
	// AgentID is the assignee, or else the author of the last agent
	// reply; nil when no agent took part.
	AgentID      *ID
	CreatedAt    time.Time
	Tags         []string
	FirstReplyAt *time.Time
	// FirstResponse is from creation to the first agent reply; Business
	// counts only the queue calendar's opening hours.
	FirstResponse         *time.Duration
	FirstResponseBusiness *time.Duration
	// ResolvedAt is the last time it was solved or closed; nil while open.
	ResolvedAt         *time.Time
	Resolution         *time.Duration
	ResolutionBusiness *time.Duration
	// Handle is from the first assignment to an agent to ResolvedAt.
	Handle *time.Duration
	// Reopens counts reopenings after a solve or close.
	Reopens int
	// SLAApplied says a policy applied; SLABreached that a target of it
	// was breached.
	SLAApplied, SLABreached bool
	SurveySent              bool
	SurveyRating            *int
}

// ReportFilter selects facts: created or resolved in [From, To), and
// optionally of a queue, channel, agent and tag.
type ReportFilter struct {
	From, To time.Time
	QueueID  *ID
	Channel  string
	AgentID  *ID
	Tag      string
}

// ReportStore keeps and reads report facts.
type ReportStore interface {
	// RefreshReportFact recomputes a conversation's fact (system).
	RefreshReportFact(ctx context.Context, conversationID ID) error
	// RefreshReportFacts recomputes conversations' facts and moves the
	// report rollups by the difference, in one transaction (system).
	RefreshReportFacts(ctx context.Context, conversationIDs []ID) error
	// RollUpReportFacts adds up to limit facts the rollups do not hold
	// yet to them and says how many (system).
	RollUpReportFacts(ctx context.Context, limit int) (int, error)
	// FindReportFacts returns the facts of the filter (supervisor+).
	FindReportFacts(ctx context.Context, f ReportFilter) ([]*ReportFact, error)
	// FindConversationsWithoutReportFact pages through conversations
	// with no fact yet, IDs after afterID ascending (system).
	FindConversationsWithoutReportFact(ctx context.Context, afterID ID, limit int) ([]ID, error)
}
