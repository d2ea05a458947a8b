package sqlstore

import (
	"context"
	"database/sql"
	"strings"

	"github.com/switchboard-cc/switchboard/internal/desk"
)

const conversationSelect = `SELECT c.id, c.channel, c.customer_id, c.status, c.priority, c.topic, c.summary,
	c.queue_id, c.assignee_id, c.contact_address, c.sender_address, c.merged_into_id,
	c.created_at, c.updated_at, c.last_message_at, c.last_customer_message_at, c.closed_at, c.tags,
	c.subject, c.cc, c.bcc, COALESCE(NULLIF(cu.name, ''), c.contact_address), q.name, COALESCE(a.name, ''), COALESCE(c.bot, ''),
	c.form_id, c.form_values, c.linked_id, c.survey_sent_at, c.survey_rating, c.survey_answered_at`

const conversationFrom = ` FROM conversations c
	JOIN queues q ON q.id = c.queue_id
	LEFT JOIN customers cu ON cu.id = c.customer_id
	LEFT JOIN agents a ON a.id = c.assignee_id`

func scanConversation(row interface{ Scan(...any) error }, extra ...any) (*desk.Conversation, error) {
	var c desk.Conversation
	var customer, assignee, merged, lastMsg, lastCust, closed sql.NullInt64
	var form, linked, surveySent, rating, answered sql.NullInt64
	var created, updated int64
	var tags, cc, bcc, values string
	dest := []any{&c.ID, &c.Channel, &customer, &c.Status, &c.Priority, &c.Topic, &c.Summary,
		&c.QueueID, &assignee, &c.ContactAddress, &c.SenderAddress, &merged,
		&created, &updated, &lastMsg, &lastCust, &closed, &tags, &c.Subject, &cc, &bcc, &c.CustomerName, &c.QueueName, &c.AssigneeName, &c.Bot,
		&form, &values, &linked, &surveySent, &rating, &answered}
	if err := row.Scan(append(dest, extra...)...); err != nil {
		return nil, err
	}
	c.CustomerID = desk.ID(customer.Int64)
	c.ContactDisplay = displayAddress(c.Channel, c.ContactAddress)
	if c.CustomerName == c.ContactAddress {
		c.CustomerName = c.ContactDisplay // an unknown customer, shown by number
	}
	c.AssigneeID, c.MergedIntoID = nullID(assignee), nullID(merged)
	c.CreatedAt, c.UpdatedAt = fromMicros(created), fromMicros(updated)
	c.LastMessageAt, c.LastCustomerMessageAt, c.ClosedAt = nullTime(lastMsg), nullTime(lastCust), nullTime(closed)
	c.Tags, c.CC, c.BCC = []string{}, []string{}, []string{}
	c.FormID, c.LinkedConversationID = nullID(form), nullID(linked)
	if surveySent.Valid {
		c.Survey = &desk.Survey{SentAt: fromMicros(surveySent.Int64), AnsweredAt: nullTime(answered)}
		if rating.Valid {
			r := int(rating.Int64)
			c.Survey.Rating = &r
		}
	}
	c.FormValues = map[string]any{}
	// Most rows hold empty lists: skip the decoder for them (a list page
	// decodes four values a row).
	if values != "{}" {
		if err := scanJSON(values, &c.FormValues); err != nil {
			return nil, err
		}
	}
	for _, l := range []struct {
		s   string
		dst *[]string
	}{{cc, &c.CC}, {bcc, &c.BCC}, {tags, &c.Tags}} {
		if l.s == "[]" {
			continue
		}
		if err := scanJSON(l.s, l.dst); err != nil {
			return nil, err
		}
	}
	return &c, nil
}

// listFrom is where a list page's IDs are chosen: every sort key is a
// column of the conversation (migration 270 stores the customer and queue
// ones), so the page reads one index in order and stops after limit rows
// without a join per candidate row (issue 22). The queues and customers
// are joined for the page's rows only.
const listFrom = ` FROM conversations c`

// restrictList is restrict for lists: the unary + keeps SQLite from
// driving the access condition through the queue index, so a page is read
// in the order of the sort key's index whatever the planner's statistics
// say.
func restrictList(w *where, actor *desk.Actor) {
	if !actor.SeesAllQueues() {
		w.add(`(+c.queue_id IN (SELECT queue_id FROM queue_members WHERE agent_id = ?) OR c.assignee_id = ? OR c.opened_by = ?)`,
			int64(actor.AgentID), int64(actor.AgentID), int64(actor.AgentID))
	}
}

// restrict adds the queue-access condition for an agent (J2): only
// conversations of their queues, assigned to them, or internal ones they
// opened (C9). Applied in the query.
func restrict(w *where, actor *desk.Actor) {
	if !actor.SeesAllQueues() {
		// opened_by: the agent who opened an internal conversation in
		// another queue (C9) keeps seeing it.
		w.add(`(c.queue_id IN (SELECT queue_id FROM queue_members WHERE agent_id = ?) OR c.assignee_id = ? OR c.opened_by = ?)`,
			int64(actor.AgentID), int64(actor.AgentID), int64(actor.AgentID))
	}
}

// visibleByID is the condition of conversation c being id and visible to
// actor (its queue access).
func visibleByID(actor *desk.Actor, id desk.ID) where {
	var w where
	w.add(`c.id = ?`, int64(id))
	restrict(&w, actor)
	return w
}

// findConversation reads one conversation as the actor may see it.
func (s *Conversations) findConversation(ctx context.Context, q interface {
	QueryRowContext(context.Context, string, ...any) *sql.Row
}, actor *desk.Actor, id desk.ID) (*desk.Conversation, error) {
	w := visibleByID(actor, id)
	c, err := scanConversation(q.QueryRowContext(ctx, conversationSelect+conversationFrom+w.sql(), w.args...))
	if isNoRows(err) {
		return nil, notFound("conversation")
	} else if err != nil {
		return nil, err
	}
	return c, nil
}

// FindConversationByID returns ENOTFOUND if missing or not visible.
func (s *Conversations) FindConversationByID(ctx context.Context, id desk.ID) (*desk.Conversation, error) {
	actor, err := desk.RequireActor(ctx)
	if err != nil {
		return nil, err
	}
	return s.findConversation(ctx, s.rd, actor, id)
}

// CreateConversation stores a conversation with a created event.
func (s *Conversations) CreateConversation(ctx context.Context, c *desk.Conversation) error {
	actor, err := desk.RequireActor(ctx)
	if err != nil {
		return err
	}
	if err := c.Validate(); err != nil {
		return err
	}
	if c.QueueID == 0 {
		c.QueueID = s.defaultQueue
	}
	err = s.inTx(ctx, func(tx *sql.Tx) error { return s.createConversationTx(ctx, tx, actor, c, nil) })
	if err != nil {
		return err
	}
	fresh, err := s.findConversation(ctx, s.rd, desk.SystemActor, c.ID)
	if err == nil {
		*c = *fresh
		s.publish(s.conversationChange(desk.ChangeConversationCreated, c))
	}
	return err
}

// createConversationTx inserts c with its tags, the assignee's recounted
// load and a created event (extra adds to the event's data). The queue
// must exist and an agent must belong to it; the assignee must exist.
func (s *Conversations) createConversationTx(ctx context.Context, tx *sql.Tx, actor *desk.Actor, c *desk.Conversation, extra map[string]any) error {
	if err := existsTx(ctx, tx, "queues", c.QueueID, "queue"); err != nil {
		return desk.FieldErrorf("queue_id", "unknown queue")
	}
	if !actor.SeesAllQueues() && c.Channel != desk.ChannelInternal {
		// Internal conversations may be opened to any queue (C9: asking
		// another queue for help).
		var one int
		if err := tx.QueryRowContext(ctx, `SELECT 1 FROM queue_members WHERE queue_id = $1 AND agent_id = $2`, int64(c.QueueID), int64(actor.AgentID)).Scan(&one); err != nil {
			return desk.FieldErrorf("queue_id", "you are not a member of this queue")
		}
	}
	var customer any
	if c.CustomerID != 0 {
		if err := existsTx(ctx, tx, "customers", c.CustomerID, "customer"); err != nil {
			return desk.FieldErrorf("customer_id", "unknown customer")
		}
		customer = int64(c.CustomerID)
	}
	if c.AssigneeID != nil {
		if _, err := mayHoldTx(ctx, tx, *c.AssigneeID, c.QueueID, "assignee_id"); err != nil {
			return err
		}
		if err := s.lockAgentsTx(ctx, tx, c.AssigneeID); err != nil {
			return err
		}
	}
	now := micros(s.now())
	var closed any
	if c.Status == desk.ConversationClosed {
		closed = now
	}
	if err := tx.QueryRowContext(ctx, `INSERT INTO conversations (channel, customer_id, status, priority, topic, summary, queue_id, assignee_id,
		contact_address, sender_address, created_at, updated_at, closed_at, priority_rank, waiting_since, subject, cc, bcc)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11, $12, $13, $11, $14, $15, $16) RETURNING id`,
		c.Channel, customer, c.Status, c.Priority, c.Topic, c.Summary, int64(c.QueueID), idArg(c.AssigneeID),
		c.ContactAddress, c.SenderAddress, now, closed, desk.PriorityRank(c.Priority), c.Subject, jsonList(c.CC), jsonList(c.BCC)).Scan(&c.ID); err != nil {
		return err
	}
	if err := s.refreshLoadTx(ctx, tx, c.AssigneeID); err != nil {
		return err
	}
	if err := setTagsTx(ctx, tx, "conversations", c.ID, c.Tags); err != nil {
		return err
	}
	data := map[string]any{"channel": c.Channel, "queue_id": c.QueueID.String()}
	for k, v := range extra {
		data[k] = v
	}
	return s.insertEventTx(ctx, tx, c.ID, desk.EventCreated, actor, now, data)
}

// jsonList stores a string list, never as null.
func jsonList(l []string) string {
	if l == nil {
		return "[]"
	}
	return mustJSON(l)
}

// FindConversations lists one view (C6) with keyset pagination.
func (s *Conversations) FindConversations(ctx context.Context, f desk.ConversationFilter) ([]*desk.Conversation, string, error) {
	return s.findConversations(ctx, f, true)
}

// FindConversationRows is FindConversations whose rows may be the row
// cache's own, not copies (desk.PreviewFiller): the list handler only
// renders them, and a copy of every row was a quarter of the bytes a list
// page allocated (issue 22).
func (s *Conversations) FindConversationRows(ctx context.Context, f desk.ConversationFilter) ([]*desk.Conversation, string, error) {
	return s.findConversations(ctx, f, false)
}

// findConversations lists a view; own asks for rows the caller owns.
func (s *Conversations) findConversations(ctx context.Context, f desk.ConversationFilter, own bool) ([]*desk.Conversation, string, error) {
	actor, err := desk.RequireActor(ctx)
	if err != nil {
		return nil, "", err
	}
	if err := f.Validate(); err != nil {
		return nil, "", err
	}
	page, args, numeric, err := listPage(actor, f, s.dialect.PendingMinute)
	if err != nil {
		return nil, "", err
	}
	n := limit(f.Limit)
	rows, err := s.rd.QueryContext(s.unwatched(ctx), page, args...)
	if err != nil {
		return nil, "", err
	}
	got := make([]pageRow, 0, n+1)
	// One set of destinations for every row (declared in the loop they
	// escaped to the heap: two allocations a row), the ID a plain int64
	// (database/sql converts into a named type by reflection).
	var (
		id, version, created int64
		k                    sql.NullInt64 // closed_at of a closed conversation is always set
		str                  string
	)
	var keyDest any = &k
	if !numeric {
		keyDest = &str
	}
	for rows.Next() {
		if err := rows.Scan(&id, keyDest, &version, &created); err != nil {
			rows.Close()
			return nil, "", err
		}
		got = append(got, pageRow{id: desk.ID(id), num: k.Int64, str: str, version: version, created: created})
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, "", err
	}
	// The rows shown (not the one read ahead for the cursor) from the row
	// cache, under one lock.
	missing := s.listRows.getPage(got[:min(len(got), n)], own)
	fetched, err := s.listRowsByID(ctx, missing)
	if err != nil {
		return nil, "", err
	}
	out := make([]*desk.Conversation, 0, len(got))
	for i, r := range got {
		if i == n {
			break
		}
		if r.c == nil {
			// Read after the page: at the page's version or newer. A row
			// deleted in between is left out.
			if r.c = fetched[r.id]; r.c == nil {
				continue
			}
		}
		out = append(out, r.c)
	}
	next := ""
	if len(got) > n {
		var key any = got[n-1].num
		if !numeric {
			key = got[n-1].str
		}
		next = cursor{Key: key, ID: int64(got[n-1].id)}.encode()
	}
	return out, next, nil
}

// listPage returns the statement of a list page (f validated): its IDs,
// sort keys, row versions and created_at, one row more than the limit.
// On SQLite it reads only columns the list indexes hold (migration 420),
// so every view and sort is read from its index alone (issue 22). Where
// the pending key's minute is indexed instead (pendingMinuteIndexed,
// PostgreSQL: a touch must change no indexed column to be written in
// place, so no index holds row_version or the key), the page's IDs are
// read from the index alone (migration 500) and only the page's rows from
// the table: pageByIDs, pendingPageByMinute.
func listPage(actor *desk.Actor, f desk.ConversationFilter, pendingMinuteIndexed bool) (page string, args []any, numeric bool, err error) {
	var w where
	restrictList(&w, actor)
	switch f.View {
	// The unary + keeps SQLite off conversations_assignee, whose entries
	// for "nobody" or for an agent include every closed conversation: the
	// open views read the partial indexes of open conversations (issue 22).
	case desk.ViewMine:
		w.add(`+c.assignee_id = ? AND c.status <> 'closed'`, int64(actor.AgentID))
	case desk.ViewAll:
		w.add(`c.status <> 'closed'`)
	case desk.ViewUnassigned:
		w.add(`+c.assignee_id IS NULL AND c.bot IS NULL AND c.status <> 'closed'`)
	case desk.ViewBots:
		w.add(`c.bot IS NOT NULL AND c.status <> 'closed'`)
	case desk.ViewHistory:
		w.add(`c.status = 'closed'`)
	}
	if f.Status != "" {
		w.add(`c.status = ?`, f.Status)
	}
	if f.QueueID != nil {
		w.add(`c.queue_id = ?`, int64(*f.QueueID))
	}
	if f.AssigneeID != nil {
		w.add(`c.assignee_id = ?`, int64(*f.AssigneeID))
	}
	if f.CustomerID != nil {
		w.add(`c.customer_id = ?`, int64(*f.CustomerID))
	}
	if f.Channel != "" {
		w.add(`c.channel = ?`, f.Channel)
	}
	if f.Priority != "" {
		w.add(`c.priority = ?`, f.Priority)
	}
	if f.Tag != "" {
		w.add(`EXISTS (SELECT 1 FROM conversation_tags t WHERE t.conversation_id = c.id AND t.tag = ?)`, strings.ToLower(f.Tag))
	}
	key, desc, numeric := sortKey(f.Sort)
	var cur *cursor
	if f.Cursor != "" {
		cur = new(cursor)
		if err := cur.decode(f.Cursor); err != nil {
			return "", nil, false, err
		}
		if _, isNum := cur.Key.(int64); isNum != numeric {
			return "", nil, false, desk.FieldErrorf("cursor", "cursor does not belong to this sort order")
		}
	}
	op, dir := ">", " ASC"
	if desc {
		op, dir = "<", " DESC"
	}
	n := itoa(limit(f.Limit) + 1)
	if pendingMinuteIndexed {
		if key == pendingKey {
			page = pendingPageByMinute(&w, cur, op, dir, n)
		} else {
			page = pageByIDs(&w, key, cur, op, dir, n)
		}
		return page, w.args, numeric, nil
	}
	if cur != nil {
		w.add(`(`+key+` `+op+` ? OR (`+key+` = ? AND c.id `+op+` ?))`, cur.Key, cur.Key, cur.ID)
	}
	// The page is two steps (issue 22): its IDs, keys and row versions,
	// reading only what the conditions and the key need; then the full
	// rows (names, previews, JSON lists) of those the row cache does not
	// hold at the version read — none when nothing on the page changed.
	page = `SELECT c.id, ` + key + `, c.row_version, c.created_at` + listFrom + w.sql() +
		` ORDER BY ` + key + dir + `, c.id` + dir + ` LIMIT ` + n
	return page, w.args, numeric, nil
}

// listRowByID is the lateral read of a PostgreSQL list page's row by the
// ID its index gave (OFFSET 0 keeps it a look-up of the primary key for
// each ID, never a join over the whole table).
const listRowByID = `, LATERAL (SELECT c.row_version, c.created_at, c.last_message_at FROM conversations c WHERE c.id = p.id OFFSET 0) c`

// pageByIDs is a PostgreSQL page sorted by a key its list index holds
// (status, customer, queue, closed_at; migration 500): the IDs and keys
// of the page from the index alone — the access condition and the view's
// filter read from its INCLUDE columns — then the row version of those
// rows only. A row's key and ID come from the index entry, which the
// statement's snapshot sees as the row is.
func pageByIDs(w *where, key string, cur *cursor, op, dir, n string) string {
	if cur != nil {
		// The bound on the key alone is the index walk's start (an index
		// condition); the OR alone would be a filter of every entry before
		// the cursor, a cost growing with the page's depth.
		w.add(key+` `+op+`= ? AND (`+key+` `+op+` ? OR (`+key+` = ? AND c.id `+op+` ?))`, cur.Key, cur.Key, cur.Key, cur.ID)
	}
	return `SELECT p.id, p.k, c.row_version, c.created_at FROM (SELECT c.id, ` + key + ` AS k` + listFrom + w.sql() +
		` ORDER BY ` + key + dir + `, c.id` + dir + ` LIMIT ` + n + `) p` + listRowByID + ` ORDER BY p.k` + dir + `, p.id` + dir
}

// pendingPageByMinute is a PostgreSQL page of a pending sort. Its index
// holds the key's minute (migration 400), not the key, which a touch
// changes; the page orders by (minute, key, id), the same order as (key,
// id). The minutes the page spans come from the index alone: the minute
// of the limit-th entry after the cursor's minute bounds them (there are
// enough entries up to it, whatever the cursor's own minute holds); the
// IDs of those minutes, the cursor's included, are read from the index
// and their rows from the table, which give the key to sort and to compare
// with the cursor. A page reads the table for its rows and for the rest
// of its last minute (and of the cursor's minute before the cursor).
func pendingPageByMinute(w *where, cur *cursor, op, dir, n string) string {
	conds := w.sql()
	and := func(c string) string {
		if conds == "" {
			return " WHERE TRUE" + c
		}
		return conds + c
	}
	agg := "max"
	if op == "<" {
		agg = "min"
	}
	after, from, exact, none := "", "", "", "NULL"
	if cur != nil {
		m := w.arg(pendingMinute(cur.Key.(int64)))
		none = m // no entry after the cursor's minute: up to that minute
		after = ` AND c.pending_minute ` + op + ` ` + m
		from = ` AND c.pending_minute ` + op + `= ` + m
		k1, k2, id := w.arg(cur.Key), w.arg(cur.Key), w.arg(cur.ID)
		exact = ` WHERE (` + pendingRowKey + ` ` + op + ` ` + k1 + ` OR (` + pendingRowKey + ` = ` + k2 + ` AND p.id ` + op + ` ` + id + `))`
	}
	bound := `SELECT COALESCE(` + agg + `(b.m), ` + none + `) FROM (SELECT c.pending_minute AS m` + listFrom + and(after) +
		` ORDER BY c.pending_minute` + dir + ` LIMIT ` + n + `) b`
	upTo := "<="
	if op == "<" {
		upTo = ">="
	}
	ids := `SELECT c.id, c.pending_minute AS m` + listFrom + and(from+` AND c.pending_minute `+upTo+` (`+bound+`)`)
	return `SELECT p.id, ` + pendingRowKey + `, c.row_version, c.created_at FROM (` + ids + `) p` + listRowByID + exact +
		` ORDER BY p.m` + dir + `, ` + pendingRowKey + dir + `, p.id` + dir + ` LIMIT ` + n
}

// pendingRowKey is pendingKey over listRowByID's columns.
const pendingRowKey = `COALESCE(c.last_message_at, c.created_at)`

// listRowsByID reads full list rows (names, previews) by ID, in one
// statement, and keeps them in the row cache under the version read with
// them.
func (s *Conversations) listRowsByID(ctx context.Context, ids []desk.ID) (map[desk.ID]*desk.Conversation, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	args := make([]any, len(ids))
	var in strings.Builder
	for i, id := range ids {
		args[i] = int64(id)
		if i > 0 {
			in.WriteString(", ")
		}
		in.WriteString("$" + itoa(i+1))
	}
	rows, err := s.rd.QueryContext(s.unwatched(ctx), conversationSelect+`, `+listPreviewColumns+`, c.row_version`+conversationFrom+listPreviewJoin+
		` WHERE c.id IN (`+in.String()+`)`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := make(map[desk.ID]*desk.Conversation, len(ids))
	for rows.Next() {
		var p listPreview
		var version int64
		c, err := scanConversation(rows, append(p.dest(), &version)...)
		if err != nil {
			return nil, err
		}
		p.fill(c)
		c.RowVersion = version
		s.listRows.put(c)
		out[c.ID] = c
	}
	return out, rows.Err()
}

// pageRow is a list page's row: its ID, sort key (numeric or text) and
// version, and the row once known.
type pageRow struct {
	id               desk.ID
	num              int64
	str              string
	version, created int64
	c                *desk.Conversation
}

// pendingKey is the pending sorts' key: the last message's time, else the
// conversation's opening.
const pendingKey = `COALESCE(c.last_message_at, c.created_at)`

// pendingMinute is the minute of a pending key (microseconds), as
// migration 400 of PostgreSQL stores it: divided toward zero, as SQL
// divides integers.
func pendingMinute(key int64) int64 { return key / 60000000 }

// sortKey returns the SQL key of a sort order, its direction and whether
// the key is numeric.
func sortKey(sort string) (key string, desc, numeric bool) {
	switch sort {
	case desk.SortLatestPending:
		return pendingKey, true, true
	case desk.SortStatus:
		return `c.status`, false, false
	case desk.SortCustomer:
		// Stored by migration 270's triggers: the customer's sort_name,
		// else the lowercased contact address; indexed per view.
		return `c.customer_sort_key`, false, false
	case desk.SortQueue:
		// queueSortKey of the conversation's queue, stored likewise.
		return `c.queue_sort_key`, false, false
	case desk.SortOldestClosed:
		return `c.closed_at`, false, true
	case desk.SortLatestClosed:
		return `c.closed_at`, true, true
	}
	return pendingKey, false, true
}
