// Package storetest is the conformance suite every Switchboard store
// passes: the sqlite and postgres packages run it against real databases.
package storetest

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/switchboard-cc/switchboard/internal/desk"
	"github.com/switchboard-cc/switchboard/internal/macro"
	"github.com/switchboard-cc/switchboard/internal/merge"
	"github.com/switchboard-cc/switchboard/internal/store/sqlstore"
	"github.com/switchboard-cc/switchboard/internal/survey"
)

// Clock is a settable clock for tests.
type Clock struct {
	mu sync.Mutex
	t  time.Time
}

// NewClock returns a clock set to a fixed day.
func NewClock() *Clock { return &Clock{t: time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)} }

// Now returns the clock's time.
func (c *Clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }

// Add moves the clock forward.
func (c *Clock) Add(d time.Duration) { c.mu.Lock(); c.t = c.t.Add(d); c.mu.Unlock() }

// Opener opens a fresh, empty store using the given clock and options.
// Both stores are a *sqlstore.Store on their dialect, which is every
// service the suite checks (desk.Store and the stores the use cases
// declare), so no case asks the store what it can do.
type Opener func(t *testing.T, clock desk.Clock, opts sqlstore.Options) *sqlstore.Store

// Run runs the whole suite.
func Run(t *testing.T, open Opener) {
	t.Run("Queues", func(t *testing.T) { testQueues(t, open) })
	t.Run("Agents", func(t *testing.T) { testAgents(t, open) })
	t.Run("Customers", func(t *testing.T) { testCustomers(t, open) })
	t.Run("Ingest", func(t *testing.T) { testIngest(t, open) })
	t.Run("IngestOneConversation", func(t *testing.T) { testIngestOneConversation(t, open) })
	t.Run("Access", func(t *testing.T) { testAccess(t, open) })
	t.Run("Views", func(t *testing.T) { testViews(t, open) })
	t.Run("Assignment", func(t *testing.T) { testAssignment(t, open) })
	t.Run("AssignRace", func(t *testing.T) { testAssignRace(t, open) })
	t.Run("Messages", func(t *testing.T) { testMessages(t, open) })
	t.Run("Sessions", func(t *testing.T) { testSessions(t, open) })
	t.Run("Tags", func(t *testing.T) { testTags(t, open) })
	t.Run("Pagination", func(t *testing.T) { testPagination(t, open) })
	t.Run("SortKeys", func(t *testing.T) { testSortKeys(t, open) })
	t.Run("ListRowVersions", func(t *testing.T) { testListRowVersions(t, open) })
	t.Run("Search", func(t *testing.T) { testSearch(t, open) })
	t.Run("SearchAccess", func(t *testing.T) { testSearchAccess(t, open) })
	t.Run("SearchIndexUpkeep", func(t *testing.T) { testSearchIndexUpkeep(t, open) })
	t.Run("SearchHighlights", func(t *testing.T) { testSearchHighlights(t, open) })
	t.Run("SearchInput", func(t *testing.T) { testSearchInput(t, open) })
	t.Run("SearchWindows", func(t *testing.T) { testSearchWindows(t, open) })
	t.Run("SearchMerge", func(t *testing.T) { testSearchMerge(t, open) })
	t.Run("SearchRecords", func(t *testing.T) { testSearchRecords(t, open) })
	t.Run("SearchLongPrefix", func(t *testing.T) { testSearchLongPrefix(t, open) })
	t.Run("ReadCache", func(t *testing.T) { testReadCache(t, open) })
	t.Run("QueueCounts", func(t *testing.T) { testQueueCounts(t, open) })
	t.Run("Presence", func(t *testing.T) { testPresence(t, open) })
	t.Run("Inactivity", func(t *testing.T) { testInactivity(t, open) })
	t.Run("Utilization", func(t *testing.T) { testUtilization(t, open) })
	t.Run("Activity", func(t *testing.T) { testActivity(t, open) })
	t.Run("RoutingRules", func(t *testing.T) { testRoutingRules(t, open) })
	t.Run("AutoAssignNext", func(t *testing.T) { testAutoAssignNext(t, open) })
	t.Run("AutoAssignBatch", func(t *testing.T) { testAutoAssignBatch(t, open) })
	t.Run("Assigner", func(t *testing.T) { testAssigner(t, open, false) })
	t.Run("AssignerInline", func(t *testing.T) { testAssigner(t, open, true) })
	t.Run("AssignInline", func(t *testing.T) { testAssignInline(t, open) })
	t.Run("AssignerFreedAfterJoin", func(t *testing.T) { testAssignerFreedAfterJoin(t, open) })
	t.Run("AssignChannelCapSkipsDrain", func(t *testing.T) { testAssignChannelCapSkips(t, open, "drain") })
	t.Run("AssignChannelCapSkipsAssigner", func(t *testing.T) { testAssignChannelCapSkips(t, open, "assigner") })
	t.Run("AssignChannelCapSkipsInline", func(t *testing.T) { testAssignChannelCapSkips(t, open, "inline") })
	t.Run("AssignFairness", func(t *testing.T) { testAssignFairness(t, open, false) })
	t.Run("AssignFairnessInline", func(t *testing.T) { testAssignFairness(t, open, true) })
	t.Run("Channels", func(t *testing.T) { testChannels(t, open) })
	t.Run("Setup", func(t *testing.T) { testSetup(t, open) })
	t.Run("ConversationPreviews", func(t *testing.T) { testConversationPreviews(t, open) })
	t.Run("Outbox", func(t *testing.T) { testOutbox(t, open) })
	t.Run("SessionWindow", func(t *testing.T) { testSessionWindow(t, open) })
	t.Run("ReplyContext", func(t *testing.T) { testReplyContext(t, open) })
	t.Run("OutboxDuplicateExternalID", func(t *testing.T) { testOutboxDuplicateExternalID(t, open) })
	t.Run("SendInDoubt", func(t *testing.T) { testSendInDoubt(t, open) })
	t.Run("TextRule", func(t *testing.T) { testTextRule(t, open) })
	t.Run("TwoFactor", func(t *testing.T) { testTwoFactor(t, open) })
	t.Run("TwoFactorPolicy", func(t *testing.T) { testTwoFactorPolicy(t, open) })
	t.Run("Audit", func(t *testing.T) { testAudit(t, open) })
	t.Run("StartConversation", func(t *testing.T) { testStartConversation(t, open) })
	t.Run("StartAssigneeAndForm", func(t *testing.T) { testStartAssigneeAndForm(t, open) })
	t.Run("Attachments", func(t *testing.T) { testAttachments(t, open) })
	t.Run("InboundAttachments", func(t *testing.T) { testInboundAttachments(t, open) })
	t.Run("MediaJobs", func(t *testing.T) { testMediaJobs(t, open) })
	t.Run("MediaJobMerge", func(t *testing.T) { testMediaJobMerge(t, open) })
	t.Run("MediaJobChannelDeleted", func(t *testing.T) { testMediaJobChannelDeleted(t, open) })
	t.Run("Templates", func(t *testing.T) { testTemplates(t, open) })
	t.Run("Macros", func(t *testing.T) { testMacros(t, open) })
	t.Run("MacroCompose", func(t *testing.T) { testMacroCompose(t, open) })
	t.Run("Merge", func(t *testing.T) { testMerge(t, open) })
	t.Run("MergeKeepsCurrent", func(t *testing.T) { testMergeKeepsCurrent(t, open) })
	t.Run("EmailThreading", func(t *testing.T) { testEmailThreading(t, open) })
	t.Run("ReplyChannelSwitch", func(t *testing.T) { testReplyChannelSwitch(t, open) })
	t.Run("Dispatch", func(t *testing.T) { testDispatch(t, open) })
	t.Run("Calls", func(t *testing.T) { testCalls(t, open) })
	t.Run("TransferPolicy", func(t *testing.T) { testTransferPolicy(t, open) })
	t.Run("Forms", func(t *testing.T) { testForms(t, open) })
	t.Run("People", func(t *testing.T) { testPeople(t, open) })
	t.Run("HistoryCap", func(t *testing.T) { testHistoryCap(t, open) })
	t.Run("Cards", func(t *testing.T) { testCards(t, open) })
	t.Run("InternalConversations", func(t *testing.T) { testInternalConversations(t, open) })
	t.Run("Surveys", func(t *testing.T) { testSurveys(t, open) })
	t.Run("SurveyWithoutLink", func(t *testing.T) { testSurveyWithoutLink(t, open) })
	t.Run("Drafts", func(t *testing.T) { testDrafts(t, open) })
	t.Run("DraftSend", func(t *testing.T) { testDraftSend(t, open) })
	t.Run("ProviderEvents", func(t *testing.T) { testProviderEvents(t, open) })
	t.Run("IdentityForms", func(t *testing.T) { testIdentityForms(t, open) })
	t.Run("IdentityProfileName", func(t *testing.T) { testIdentityProfileName(t, open) })
	t.Run("OneOngoingRace", func(t *testing.T) { testOneOngoingRace(t, open) })
	t.Run("IdentityMigration", func(t *testing.T) { testIdentityMigration(t, open) })
	t.Run("IdentityRegionRekey", func(t *testing.T) { testIdentityRegionRekey(t, open) })
	t.Run("Erase", func(t *testing.T) { testErase(t, open) })
	t.Run("Retention", func(t *testing.T) { testRetention(t, open) })
	t.Run("SLAScriptedDays", func(t *testing.T) { testSLAScriptedDays(t, open) })
	t.Run("ReportScriptedDays", func(t *testing.T) { testReportScriptedDays(t, open) })
	t.Run("ReportBackfill", func(t *testing.T) { testReportBackfill(t, open) })
	t.Run("SLARulesChange", func(t *testing.T) { testSLARulesChange(t, open) })
	t.Run("SLABreachNotifications", func(t *testing.T) { testSLABreachNotifications(t, open) })
	t.Run("OutOfHoursReply", func(t *testing.T) { testOutOfHoursReply(t, open) })
	t.Run("SLAWaitingOnCustomer", func(t *testing.T) { testSLAWaitingOnCustomer(t, open) })
	t.Run("WallboardWaits", func(t *testing.T) { testWallboardWaits(t, open) })
	t.Run("AutoAssignWaits", func(t *testing.T) { testAutoAssignWaits(t, open) })
}

// fixture is a store with an admin, a supervisor and helpers.
type fixture struct {
	t     *testing.T
	s     *sqlstore.Store
	clock *Clock
	sys   context.Context
	// changes is the handler onChanges installed: the store is opened
	// with one that forwards to it.
	changes atomic.Pointer[desk.ChangeHandler]
}

func newFixture(t *testing.T, open Opener) *fixture {
	t.Helper()
	return newFixtureWith(t, open, sqlstore.Options{})
}

// newFixtureWith opens the fixture's store with opts; unless opts name a
// change handler, the store tells its changes to the one onChanges sets.
func newFixtureWith(t *testing.T, open Opener, opts sqlstore.Options) *fixture {
	t.Helper()
	c := NewClock()
	f := &fixture{t: t, clock: c, sys: desk.NewContextWithActor(context.Background(), desk.SystemActor)}
	if opts.Changes == nil {
		opts.Changes = func(chs []desk.Change) {
			if h := f.changes.Load(); h != nil {
				(*h)(chs)
			}
		}
	}
	f.s = open(t, c, opts)
	return f
}

// onChanges makes h the handler told of the store's committed changes
// until the test ends. Tests change handlers as they go; the server gives
// its one handler when it opens the store (internal/app).
func (f *fixture) onChanges(h desk.ChangeHandler) {
	f.changes.Store(&h)
	f.t.Cleanup(func() { f.changes.Store(nil) })
}

// as returns a context acting as the agent.
func (f *fixture) as(a *desk.Agent) context.Context {
	return desk.NewContextWithActor(context.Background(), &desk.Actor{AgentID: a.ID, Name: a.Name, Role: a.Role})
}

// MustAgent creates an agent with the role, member of the given queues.
func (f *fixture) MustAgent(email string, role desk.Role, queues ...desk.ID) *desk.Agent {
	f.t.Helper()
	a := &desk.Agent{Email: email, Role: role, Capacity: 5, QueueIDs: queues}
	if err := f.s.CreateAgent(f.sys, a); err != nil {
		f.t.Fatalf("create agent %s: %v", email, err)
	}
	return a
}

// MustQueue creates a queue.
func (f *fixture) MustQueue(name string) *desk.Queue {
	f.t.Helper()
	q := &desk.Queue{Name: name}
	if err := f.s.CreateQueue(f.sys, q); err != nil {
		f.t.Fatalf("create queue %s: %v", name, err)
	}
	return q
}

// MustIngest ingests an inbound message into queue q (0 = Default).
func (f *fixture) MustIngest(from, ext, text string, q desk.ID) *desk.IngestResult {
	f.t.Helper()
	res, err := f.s.IngestMessage(f.sys, &desk.InboundMessage{Channel: desk.ChannelSMS, From: from, To: "support", Text: text, ExternalID: ext, QueueID: q})
	if err != nil {
		f.t.Fatalf("ingest %s: %v", ext, err)
	}
	return res
}

// wantCode fails unless err carries the code.
func wantCode(t *testing.T, err error, code string) {
	t.Helper()
	if got := desk.ErrorCode(err); got != code {
		t.Fatalf("error code = %q (%v), want %q", got, err, code)
	}
}

// wantField fails unless err has the code and names the field.
func wantField(t *testing.T, err error, code, field string) {
	t.Helper()
	var e *desk.Error
	if !errors.As(err, &e) || desk.ErrorCode(err) != code || e.Field != field {
		t.Fatalf("error = %v, want code %q on field %q", err, code, field)
	}
}

// mergeConversations and mergeCustomers merge through the use case
// (internal/merge) over the store under test.
func (f *fixture) mergeConversations(ctx context.Context, id, otherID desk.ID) (*desk.Conversation, error) {
	return (&merge.Service{Store: f.s}).Conversations(ctx, id, otherID)
}

// surveys is the survey use case over the store.
func (f *fixture) surveys() *survey.Service {
	return &survey.Service{Store: f.s, Clock: f.clock}
}

// answerSurvey answers a survey on its page, through the survey use case.
func (f *fixture) answerSurvey(token string, rating int) error {
	return f.surveys().Answer(f.sys, token, rating)
}

func (f *fixture) mergeCustomers(ctx context.Context, id, otherID desk.ID) (*desk.Customer, error) {
	return (&merge.Service{Store: f.s}).Customers(ctx, id, otherID)
}

// applyMacro applies a macro to a conversation through the use case
// (internal/macro) over the store under test.
func (f *fixture) applyMacro(ctx context.Context, convID, macroID desk.ID, preview bool) (*desk.MacroResult, error) {
	return (&macro.Applier{Store: f.s, Clock: f.clock}).Apply(ctx, convID, macroID, preview)
}
