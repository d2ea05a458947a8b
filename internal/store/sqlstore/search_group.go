package sqlstore

import (
	"context"
	"database/sql"
	"strings"

	"github.com/switchboard-cc/switchboard/internal/desk"
	"github.com/switchboard-cc/switchboard/internal/search"
)

// groupSearch runs one Search's group queries.
type groupSearch struct {
	s     *Store
	actor *desk.Actor
	q     search.Query
	expr  string // q in the index's syntax
	n     int    // page size
}

// collect reads a group's window — the newest searchWindow matches the
// actor may see below the cursor — with the query sel (SELECT ... FROM,
// ending in the index's FROM clause and joins) and passes each row to
// scan, newest first.
func (g *groupSearch) collect(ctx context.Context, group string, cur searchCursor, restricted bool, sel string, scan func(*sql.Rows) error) error {
	_, match, id := g.s.dialect.Search.Source(group)
	var w where
	w.add(match, g.expr)
	if cur.Before > 0 {
		w.add(id+` < ?`, cur.Before)
	}
	if restricted {
		restrict(&w, g.actor)
	}
	rows, err := g.s.rd.QueryContext(ctx, sel+w.sql()+` ORDER BY `+id+` DESC LIMIT `+itoa(searchWindow), g.s.dialect.Search.Args(w.args)...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		if err := scan(rows); err != nil {
			return err
		}
	}
	return rows.Err()
}

// messages is the messages group: each hit with a highlighted snippet and
// its conversation.
func (g *groupSearch) messages(ctx context.Context, cur searchCursor) ([]*desk.MessageHit, string, error) {
	from, _, _ := g.s.dialect.Search.Source(desk.SearchMessages)
	sel := `SELECT m.id, m.kind, m.direction, m.channel, m.text, m.created_at,
		c.id, c.channel, c.status, c.topic, COALESCE(c.customer_id, 0), COALESCE(NULLIF(cu.name, ''), c.contact_address)
		FROM ` + from + ` JOIN conversations c ON c.id = m.conversation_id LEFT JOIN customers cu ON cu.id = c.customer_id`
	var win window[*desk.MessageHit]
	texts := map[desk.ID]string{}
	err := g.collect(ctx, desk.SearchMessages, cur, true, sel, func(rows *sql.Rows) error {
		var h desk.MessageHit
		var text string
		var at int64
		if err := rows.Scan(&h.ID, &h.Kind, &h.Direction, &h.Channel, &text, &at, &h.Conversation.ID, &h.Conversation.Channel,
			&h.Conversation.Status, &h.Conversation.Topic, &h.Conversation.CustomerID, &h.Conversation.CustomerName); err != nil {
			return err
		}
		h.CreatedAt = fromMicros(at)
		texts[h.ID] = text
		win.add(g.q, search.Tokenize(text), candidate[*desk.MessageHit]{item: &h, id: int64(h.ID), recent: at})
		return nil
	})
	if err != nil {
		return nil, "", err
	}
	page, next := rankPage(desk.SearchMessages, &win, cur, g.n)
	for _, h := range page {
		h.Snippet, h.Highlights = search.Snippet(texts[h.ID], g.q)
		if h.Highlights == nil {
			h.Highlights = []desk.Span{}
		}
	}
	return page, next, nil
}

// conversations is the conversations group: matched by topic or by their
// customer's name, addresses and phone numbers.
func (g *groupSearch) conversations(ctx context.Context, cur searchCursor) ([]*desk.Conversation, string, error) {
	from, _, _ := g.s.dialect.Search.Source(desk.SearchConversations)
	joins := strings.TrimPrefix(conversationFrom, ` FROM conversations c`)
	sel := conversationSelect + `, COALESCE(cu.search_terms, '') FROM ` + from + joins
	var win window[*desk.Conversation]
	err := g.collect(ctx, desk.SearchConversations, cur, true, sel, func(rows *sql.Rows) error {
		var terms string
		c, err := scanConversation(rows, &terms)
		if err != nil {
			return err
		}
		recent := c.CreatedAt
		if c.LastMessageAt != nil {
			recent = *c.LastMessageAt
		}
		win.add(g.q, search.Tokenize(c.Topic+" "+terms), candidate[*desk.Conversation]{item: c, id: int64(c.ID), recent: micros(recent)})
		return nil
	})
	if err != nil {
		return nil, "", err
	}
	page, next := rankPage(desk.SearchConversations, &win, cur, g.n)
	return page, next, nil
}

// searchCustomerColumns are customerColumns qualified for joins with an
// index, plus the indexed terms.
const searchCustomerColumns = `cu.id, cu.name, cu.gender, cu.city, cu.country, cu.attributes, cu.tags, cu.contacts,
	cu.created_at, cu.updated_at, cu.last_activity_at, cu.search_terms`

// customers is the customers group. People are visible to every actor, as
// in FindCustomers.
func (g *groupSearch) customers(ctx context.Context, cur searchCursor) ([]*desk.Customer, string, error) {
	from, _, _ := g.s.dialect.Search.Source(desk.SearchCustomers)
	var win window[*desk.Customer]
	err := g.collect(ctx, desk.SearchCustomers, cur, false, `SELECT `+searchCustomerColumns+` FROM `+from, func(rows *sql.Rows) error {
		var terms string
		c, err := scanCustomer(rows, &terms)
		if err != nil {
			return err
		}
		recent := c.CreatedAt
		if c.LastActivityAt != nil {
			recent = *c.LastActivityAt
		}
		win.add(g.q, search.Tokenize(terms), candidate[*desk.Customer]{item: c, id: int64(c.ID), recent: micros(recent)})
		return nil
	})
	if err != nil {
		return nil, "", err
	}
	page, next := rankPage(desk.SearchCustomers, &win, cur, g.n)
	return page, next, nil
}
