// Package sqlstore is the SQL both Switchboard stores share: transactions
// and queries over database/sql, not rules. The sqlite and postgres packages
// open the connections, run their own migrations and pass a Dialect for the
// few places the databases differ. Both accept $1-style placeholders, so
// each statement is written once.
//
// The store scopes what an agent reads and writes to the agent's queues
// and keeps the server's own operations (ingesting, claiming jobs, call
// states, ...) to the system actor, but checks no role: who may call an
// operation ("admin only", "supervisor+" in the comments below) is
// internal/access's rule, which every user's request passes first.
//
// The store is split by aggregate: the tables whose rows change together in
// one transaction are written by one type, and each feature is handed the
// aggregate its interface names rather than the whole store (issue 21).
//
//   - core (unexported) is what every aggregate holds: the writer and
//     reader pools, the Dialect, the clock, the statement caches, inTx (the
//     write transaction, its AfterWrite statements and commit hook), the
//     committed-change notification (publish), the ID of the Default queue
//     (Config makes sure it exists; conversations and agents fall back to
//     it), systemIDs, the one read helper several aggregates share, and
//     Generation, the database's write generation that read caches key on.
//   - Config is what administrators set up and the desk reads: queues and
//     their members, agent statuses, templates, macro definitions, forms,
//     tags, routing rules, business calendars and SLA policies, channels,
//     context cards, settings and out-of-hours messages.
//   - Team is who works on the desk: agents, sessions and integration
//     tokens, two-factor, first-run setup, push subscriptions, the audit
//     log. An agent's status and load are Conversations': they change in
//     the transactions that assign and return conversations.
//   - Conversations is the conversation aggregate: customers and their
//     contacts, conversations, messages, attachments, events, drafts, the
//     outbox, ingest, assignment with agents' presence and load (a status
//     change returns conversations to their queues in its transaction),
//     calls, surveys, SLA status and breach notifications, merges, privacy
//     and retention. These writes share transactions, so they are one type.
//   - Reports is what is counted afterwards: report facts, rollups and their
//     backfill, the wallboard, utilization and queue counts.
//   - SearchIndex is full-text search: queries and reindex.
//
// An aggregate that reads another's rows inside its own work holds that
// aggregate by name (Conversations.config, .team and .reports;
// SearchIndex.conv), so each crossing is visible where it is made. Store
// composes them all: it embeds every aggregate, so it still implements
// desk.Store for the callers that need most of it (the HTTP server through
// internal/access, the conformance suite). TestAggregateSeams keeps new
// methods off Store and each file in one aggregate.
package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/switchboard-cc/switchboard/internal/desk"
)

// Dialect holds what differs between the databases.
type Dialect struct {
	Name string
	// IsUniqueViolation reports whether err is a unique-constraint failure.
	IsUniqueViolation func(err error) bool
	// IsTransient reports whether a transaction failed only because it met
	// another one (deadlock, serialization failure) and may simply be run
	// again. Nil when the database serializes writers.
	IsTransient func(err error) bool
	// RowLocks says the database has SELECT ... FOR UPDATE and several
	// writers, so agent rows are locked before their load is counted.
	RowLocks bool
	// LockQueue, if set, is run first in an automatic-assignment
	// transaction with the queue's ID: nodes then work one queue one at a
	// time, so each pick sees the loads the previous one left (fairness).
	LockQueue string
	// PendingMinute says conversations have pending_minute, the minute of
	// the pending sorts' key, and index it instead of the key (PostgreSQL,
	// migration 400: a touch then changes no indexed column and is written
	// in place). The pending sorts then order by the minute first.
	PendingMinute bool
	// WritableCTE says the database runs data-modifying statements in
	// WITH clauses (PostgreSQL), which lets the ingest hot path touch a
	// conversation and store its message in one round trip.
	WritableCTE bool
	// LastInsertID says the driver reports the row ID an INSERT made
	// (SQLite), so the ingest hot path stores its message without
	// RETURNING, which SQLite runs like a trigger: with a statement journal
	// of every page the statement writes.
	LastInsertID bool
	// Arrays says the driver takes Go slices as array parameters (unnest),
	// so a batch of assignments is written in a few statements rather than
	// a few per assignment.
	Arrays bool
	// Unwatched says a list page's statements (and a list row's version)
	// are run without the request's cancellation: SQLite's readers never
	// wait for a lock (WAL) and a page is a few tens of µs, while watching
	// the context costs two goroutines a statement (the driver's interrupt
	// watch and database/sql's), ~5 % of a page's CPU (issue 22).
	Unwatched bool
	// Prepare caches prepared statements in the store. SQLite needs it (its
	// driver parses every statement anew); pgx caches statements per
	// connection by itself.
	Prepare bool
	// IngestLanes is how many group-commit writers ingest inbound messages
	// (see ingestBatcher): 1 for a single-writer database (SQLite), a few
	// for PostgreSQL, where lanes commit in parallel. 0 writes each message
	// in its own transaction.
	IngestLanes int
	// Search is how the database's full-text index is queried and rebuilt.
	Search SearchSQL
	// AfterWrite are statements run at the end of a write transaction,
	// before commit (SQLite indexes the new messages, customers and
	// conversations for search in one go).
	AfterWrite []string
	// IndexEvery, if set, runs AfterWrite in at most one write transaction
	// per interval rather than in every one: under a stream of small
	// commits (group-committed ingest) each run wrote a small full-text
	// segment and merged segments, a fifth of the writer's CPU. Rows
	// written between runs wait above the index's marks, and a search
	// first indexes them (see indexPending), so it still finds every
	// committed row.
	IndexEvery time.Duration
	// Unindexed, with IndexEvery, is a query answering whether committed
	// rows wait to be indexed (by this process or another on the file).
	Unindexed string
	// OrderedAgentScan says the database has the agents_offer index and
	// must be told to walk it when reading eligible agents (SQLite; see
	// qEligibleAgentsOrdered). PostgreSQL's planner did worse with it
	// (drain 386/s against 4,645/s at 10,000 conversations), so it has
	// neither the index nor the hint.
	OrderedAgentScan bool
	// AfterCommit, if set, is told of every committed write transaction
	// (SQLite counts them to checkpoint its log in the background). It
	// must not block.
	AfterCommit func()
	// Close, if set, releases what the dialect runs beside the pools; the
	// store calls it first when it closes.
	Close func()
}

// Store is the whole store: every aggregate over one core. It implements
// desk.Store through the aggregates it embeds; Config, Team, Conversations,
// Reports and SearchIndex are each handed to the features that need only
// them.
type Store struct {
	*core
	*Config
	*Team
	*Conversations
	*Reports
	*SearchIndex
}

// core is what every aggregate shares: connections, dialect, clock,
// statement caches, the write transaction and the change notification.
type core struct {
	w, r    *sql.DB // writer and readers; the same pool on PostgreSQL
	dialect Dialect
	clock   desk.Clock

	defaultQueue desk.ID
	// rd runs reads, through the rstmts cache when the dialect prepares;
	// wstmts holds the hot write statements prepared on the writer.
	rd     reader
	rstmts *stmtCache
	wstmts map[string]*sql.Stmt
	// changes is told of committed changes (nil: no one).
	changes desk.ChangeHandler
	// indexedAt is when a write transaction last ran AfterWrite
	// (Dialect.IndexEvery), read and set by the transaction holding the
	// single writer connection.
	indexedAt time.Time
}

// Config is the desk's set-up: queues, statuses, templates, macros,
// forms, tags, routing rules, SLA calendars and policies, channels, cards,
// settings and out-of-hours messages.
type Config struct{ *core }

// Team is the desk's people and their access: agents, sessions and tokens,
// two-factor, setup, push subscriptions and the audit log.
type Team struct{ *core }

// Conversations is the conversation aggregate: customers, conversations,
// messages, ingest, drafts, the outbox, assignment and presence, calls,
// surveys, SLA status, merges, privacy and retention.
type Conversations struct {
	*core
	// config's forms are read where a conversation's fields are set, team's
	// agent where its status changes; reports' rollups lose the facts that
	// retention deletes, in the same transaction.
	config  *Config
	team    *Team
	reports *Reports
	// lanes group concurrent ingests into shared commits; a customer's
	// contact always maps to the same lane.
	lanes []*ingestBatcher
	// dispatcher takes committed send jobs straight to this node's workers.
	dispatcher desk.SendDispatcher
	// publicURL prefixes links sent to customers (surveys).
	publicURL string
	// inline makes writes that let work be assigned assign it in their
	// own transaction (single writer only; see Options.InlineAssign).
	inline bool
	// planHook, if set, is told of each assignment plan (tests).
	planHook PlanHook
	// listRows holds list rows under their row_version (list_rows.go).
	listRows listRows
	// backlog holds the queues whose last automatic assignment here
	// filled its batch (assign_backlog.go).
	backlog backlogQueues
}

// Reports is what is counted from the conversations: report facts and
// rollups, their backfill, the wallboard, utilization and queue counts.
type Reports struct{ *core }

// SearchIndex is full-text search over customers, conversations and
// messages, and its reindex.
type SearchIndex struct {
	*core
	// conv checks that the actor sees a conversation searched in.
	conv *Conversations
}

var (
	_ desk.Store        = (*Store)(nil)
	_ desk.ChannelStore = (*Store)(nil)

	// The desk services each aggregate implements alone. The others span
	// aggregates: SLAService and OutOfHoursService (Config's definitions,
	// the conversation writes that apply them), PresenceService (statuses,
	// presence, utilization), ChannelStore (channels and the outbox).
	_ interface {
		desk.QueueService
		desk.TemplateService
		desk.MacroService
		desk.FormService
		desk.TagService
		desk.RoutingService
		desk.CardService
		desk.ChannelService
		desk.SettingsService
	} = (*Config)(nil)
	_ interface {
		desk.AgentService
		desk.SessionService
		desk.TwoFactorService
		desk.SetupStore
		desk.PushService
		desk.AuditService
	} = (*Team)(nil)
	_ interface {
		desk.CustomerService
		desk.ConversationService
		desk.ConversationStarter
		desk.AttachmentService
		desk.PeopleService
		desk.InternalConversationService
		desk.DraftService
		desk.MessageService
		desk.EventService
		desk.NotificationService
		desk.AutoAssignService
		desk.BotService
		desk.CallService
		desk.SessionWindowService
		desk.ReplyFailureService
		desk.DeadLetterService
		desk.OutboxService
		desk.ReceiptService
		desk.MediaJobService
		desk.ProviderEventService
		desk.IdempotencyService
		desk.PrivacyStore
	} = (*Conversations)(nil)
	_ interface {
		desk.ReportStore
		desk.WallboardStore
		desk.QueueCountService
	} = (*Reports)(nil)
	_ desk.SearchService = (*SearchIndex)(nil)
)

// Options configure a store when it is opened: whatever it tells or
// consults as it commits is given here, so a store is complete once opened
// and nothing is installed on it afterwards in an order callers must know
// (issue 21). The zero value is a store that tells no one, sends no links
// and leaves all assignment to the Assigner (tools, most tests).
type Options struct {
	// PublicURL is the public base URL (https://desk.example.com) that
	// links sent to customers start with; empty sends survey messages
	// without a web link (customers answer by replying 1-5).
	PublicURL string
	// Changes is told of every committed write's changes (automatic
	// assignment, the real-time hub). It must not block. A handler that
	// needs the store itself (the Assigner does) is reached through a
	// value built before the store that forwards to it; see internal/app.
	Changes desk.ChangeHandler
	// Sends takes committed send jobs straight to this node's workers
	// (see desk.SendDispatcher); nil leaves them to the workers' polls.
	Sends desk.SendDispatcher
	// InlineAssign asks for automatic assignment inside the writes that
	// make work assignable as well (see Store.InlineAssign). Only a
	// single-writer database (SQLite) takes it.
	InlineAssign bool
	// PlanHook is told of each automatic-assignment plan (tests).
	PlanHook PlanHook
}

// New wraps migrated connections and makes sure the Default queue exists.
func New(ctx context.Context, w, r *sql.DB, d Dialect, clock desk.Clock, opts Options) (*Store, error) {
	c := &core{w: w, r: r, dialect: d, clock: clock, changes: opts.Changes}
	c.rd = reader{c}
	s := &Store{core: c, Config: &Config{c}, Team: &Team{c}, Reports: &Reports{c}}
	s.Conversations = &Conversations{core: c, config: s.Config, team: s.Team, reports: s.Reports,
		dispatcher: opts.Sends, publicURL: opts.PublicURL, inline: opts.InlineAssign && !d.RowLocks, planHook: opts.PlanHook}
	s.SearchIndex = &SearchIndex{core: c, conv: s.Conversations}
	if err := s.ensureDefaultQueue(ctx); err != nil {
		return nil, err
	}
	if d.Prepare {
		c.rstmts = newStmtCache(r)
		if err := c.prepareWriter(ctx); err != nil {
			c.closeStmts()
			return nil, err
		}
	}
	if err := s.migrateIdentity(ctx); err != nil {
		c.closeStmts()
		return nil, fmt.Errorf("%s: %w", identityMigration, err)
	}
	for range d.IngestLanes {
		s.lanes = append(s.lanes, newIngestBatcher(s.Conversations, !d.RowLocks))
	}
	return s, nil
}

// DB returns the writer pool, for bulk tools (the search benchmark's
// seeding) that write through SQL rather than the services.
func (s *Store) DB() *sql.DB { return s.w }

// Ping checks both pools.
func (s *Store) Ping(ctx context.Context) error {
	if err := s.w.PingContext(ctx); err != nil {
		return err
	}
	return s.r.PingContext(ctx)
}

// Close closes the pools.
func (s *Store) Close() error {
	for _, b := range s.lanes {
		b.close()
	}
	if s.dialect.Close != nil {
		s.dialect.Close()
	}
	s.closeStmts()
	err := s.w.Close()
	if s.r != s.w {
		if rerr := s.r.Close(); err == nil {
			err = rerr
		}
	}
	return err
}

func (s *core) closeStmts() {
	s.rstmts.close()
	for _, st := range s.wstmts {
		st.Close()
	}
}

// retryable reports whether a failed write transaction may succeed when run
// again: it lost a race on a unique index or met another transaction.
func (s *core) retryable(err error) bool {
	return s.dialect.IsUniqueViolation(err) || (s.dialect.IsTransient != nil && s.dialect.IsTransient(err))
}

// now returns the clock's time truncated to the stored precision.
func (s *core) now() time.Time { return s.clock.Now().UTC().Truncate(time.Microsecond) }

// inTx runs fn in a write transaction, committing on success.
func (s *core) inTx(ctx context.Context, fn func(tx *sql.Tx) error) error {
	return s.writeTx(ctx, false, fn)
}

// writeTx is inTx; index runs the dialect's AfterWrite statements
// whatever Dialect.IndexEvery says.
func (s *core) writeTx(ctx context.Context, index bool, fn func(tx *sql.Tx) error) error {
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	defer tx.Rollback()
	if err := fn(tx); err != nil {
		return err
	}
	// Left for a later transaction or the next search otherwise (the
	// rows wait above the index's marks).
	after := len(s.dialect.AfterWrite) > 0 &&
		(index || s.dialect.IndexEvery == 0 || time.Since(s.indexedAt) >= s.dialect.IndexEvery)
	if after {
		for _, q := range s.dialect.AfterWrite {
			if _, err := s.txExec(ctx, tx, q); err != nil {
				return fmt.Errorf("after write: %w", err)
			}
		}
		s.indexedAt = time.Now()
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	if s.dialect.AfterCommit != nil {
		s.dialect.AfterCommit()
	}
	return nil
}

// micros converts a time to the stored form.
func micros(t time.Time) int64 { return t.UnixMicro() }

// fromMicros converts the stored form back.
func fromMicros(v int64) time.Time { return time.UnixMicro(v).UTC() }

// nullTime converts a nullable stored time.
func nullTime(v sql.NullInt64) *time.Time {
	if !v.Valid {
		return nil
	}
	t := fromMicros(v.Int64)
	return &t
}

// nullID converts a nullable stored ID.
func nullID(v sql.NullInt64) *desk.ID {
	if !v.Valid {
		return nil
	}
	id := desk.ID(v.Int64)
	return &id
}

// idArg turns an optional ID into a query argument.
func idArg(id *desk.ID) any {
	if id == nil {
		return nil
	}
	return int64(*id)
}

func mustJSON(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return string(b)
}

func scanJSON(s string, v any) error {
	if s == "" {
		return nil
	}
	return json.Unmarshal([]byte(s), v)
}

// notFound is the error for a missing or invisible record.
func notFound(what string) error { return desk.Errorf(desk.ENOTFOUND, "%s not found", what) }

// isNoRows reports whether err is sql.ErrNoRows.
func isNoRows(err error) bool { return errors.Is(err, sql.ErrNoRows) }

// limit clamps a page size: default 50, at most 200.
func limit(n int) int {
	if n <= 0 {
		return 50
	} else if n > 200 {
		return 200
	}
	return n
}
