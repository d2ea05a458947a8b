package sqlstore

import (
	"context"
	"database/sql"
	"strings"

	"github.com/switchboard-cc/switchboard/internal/desk"
)

// replyContextSelect is findConversation's read with the queue's row, the
// conversation's own contact's window and opt-out (read by the address
// as the conversation stores it) and the configuration version (migration
// 320): one statement instead of five.
var replyContextSelect = conversationSelect + `, q.` + strings.ReplaceAll(queueColumns, ", ", ", q.") + `,
	(SELECT w.last_inbound_at FROM contact_windows w WHERE w.channel = c.channel AND w.address = c.contact_address),
	(SELECT o.reason FROM contact_opt_outs o WHERE o.channel = c.channel AND o.address = c.contact_address),
	(SELECT o.created_at FROM contact_opt_outs o WHERE o.channel = c.channel AND o.address = c.contact_address),
	(SELECT n FROM config_version), `

// replyContextFrom is findConversation's; the window and opt-out are
// scalar subqueries (primary-key lookups), which keep the join the
// planner searches as small as the conversation read's.
const replyContextFrom = conversationFrom

// FindReplyContext reads what an agent's reply checks in one statement
// (desk.ReplyContextService). The window and opt-out count only when the
// conversation's address is already the key the store files them under
// (keyAddress); otherwise Contact is false and the caller reads them apart.
func (s *Conversations) FindReplyContext(ctx context.Context, id desk.ID) (*desk.ReplyContext, error) {
	actor, err := desk.RequireActor(ctx)
	if err != nil {
		return nil, err
	}
	w := visibleByID(actor, id)
	member := `FALSE`
	if actor.AgentID != 0 {
		w.args = append(w.args, int64(actor.AgentID))
		member = `c.queue_id IN (SELECT queue_id FROM queue_members WHERE agent_id = $` + itoa(len(w.args)) + `)`
	}
	var rc desk.ReplyContext
	var window, optAt sql.NullInt64
	var reason sql.NullString
	var q *desk.Queue
	row := s.rd.QueryRowContext(ctx, replyContextSelect+member+replyContextFrom+w.sql(), w.args...)
	c, err := scanConversation(scannerFunc(func(dest ...any) error {
		var err error
		q, err = scanQueue(scannerFunc(func(qdest ...any) error {
			return row.Scan(append(dest, append(qdest, &window, &reason, &optAt, &rc.ConfigVersion, &rc.InQueue)...)...)
		}))
		return err
	}))
	if isNoRows(err) {
		return nil, notFound("conversation")
	} else if err != nil {
		return nil, err
	}
	rc.Conversation, rc.Queue = c, q
	key, err := keyAddress(c.Channel, c.ContactAddress)
	if err != nil {
		key = c.ContactAddress // as LastInboundAt and FindOptOut fall back
	}
	if rc.Contact = key == c.ContactAddress; rc.Contact {
		rc.LastInboundAt = nullTime(window)
		if reason.Valid {
			rc.OptOut = &desk.OptOut{Channel: c.Channel, Address: key, Reason: reason.String, CreatedAt: fromMicros(optAt.Int64)}
		}
	}
	return &rc, nil
}

// scannerFunc lets one row's Scan fill the destinations of two scanners
// (the conversation's, then the queue's and the rest).
type scannerFunc func(dest ...any) error

func (f scannerFunc) Scan(dest ...any) error { return f(dest...) }
