package sqlstore

import (
	"context"
	"sync"

	"github.com/switchboard-cc/switchboard/internal/desk"
)

// listRows keeps the list rows read before, each under the row_version
// it was read with (migration 300: the database bumps it on every change
// to anything the row shows). A list page reads its rows' IDs and
// versions and fetches only the rows it does not hold at that version
// (issue 22: on a read-cache miss, reading and scanning 51 full rows was
// most of a page's CPU). A row is served only if its version and
// created_at both match what the page read, so an entry is never served
// for a changed row, whoever changed it (another process, node, raw SQL),
// nor for a deleted row whose ID came back.
type listRows struct {
	mu   sync.Mutex
	rows map[desk.ID]*desk.Conversation
}

// listRowsMax bounds the cache; when full it starts afresh.
const listRowsMax = 20000

// get returns the row held for id at version and created (micros), or
// nil: a copy if own, else the cached row itself, which nobody changes
// (put keeps a copy of what it is given).
func (l *listRows) get(id desk.ID, version, created int64, own bool) *desk.Conversation {
	l.mu.Lock()
	c := l.rows[id]
	l.mu.Unlock()
	if c == nil || c.RowVersion != version || micros(c.CreatedAt) != created {
		return nil
	}
	if !own {
		return c
	}
	return copyRow(c)
}

// getPage sets each page row's c to the row held at its version (see
// get) and returns the IDs of those it does not hold.
func (l *listRows) getPage(page []pageRow, own bool) (missing []desk.ID) {
	l.mu.Lock()
	for i := range page {
		r := &page[i]
		if c := l.rows[r.id]; c != nil && c.RowVersion == r.version && micros(c.CreatedAt) == r.created {
			r.c = c
		}
	}
	l.mu.Unlock()
	for i := range page {
		r := &page[i]
		if r.c == nil {
			missing = append(missing, r.id)
		} else if own {
			r.c = copyRow(r.c)
		}
	}
	return missing
}

// put keeps c (read with its RowVersion) unless a newer version is held.
func (l *listRows) put(c *desk.Conversation) {
	keep := copyRow(c)
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.rows == nil || len(l.rows) >= listRowsMax {
		l.rows = make(map[desk.ID]*desk.Conversation, 1024)
	}
	if old := l.rows[c.ID]; old != nil && old.RowVersion > c.RowVersion && old.CreatedAt.Equal(c.CreatedAt) {
		return
	}
	l.rows[c.ID] = keep
}

// copyRow copies a row's top-level fields, so a caller that sets a field
// of what it got (a name, a preview) does not change the cached row. The
// lists, maps and pointed-to values are shared: list rows are read, not
// edited in place (a deep copy per row was measurable on a page).
func copyRow(c *desk.Conversation) *desk.Conversation {
	cp := *c
	return &cp
}

// FindConversationRow reads a conversation as a list row shows it: its
// version first (one primary-key read with the access condition), then
// the cached row at that version, else the full row with its preview.
func (s *Conversations) FindConversationRow(ctx context.Context, id desk.ID) (*desk.Conversation, error) {
	actor, err := desk.RequireActor(ctx)
	if err != nil {
		return nil, err
	}
	w := visibleByID(actor, id)
	var version, created int64
	err = s.rd.QueryRowContext(s.unwatched(ctx), `SELECT c.row_version, c.created_at FROM conversations c`+w.sql(), w.args...).Scan(&version, &created)
	if isNoRows(err) {
		return nil, notFound("conversation")
	} else if err != nil {
		return nil, err
	}
	if c := s.listRows.get(id, version, created, true); c != nil {
		return c, nil
	}
	rows, err := s.listRowsByID(ctx, []desk.ID{id})
	if err != nil {
		return nil, err
	}
	if c := rows[id]; c != nil {
		return c, nil
	}
	return nil, notFound("conversation") // deleted since
}
