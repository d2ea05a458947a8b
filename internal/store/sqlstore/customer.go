package sqlstore

import (
	"context"
	"database/sql"
	"strings"

	"github.com/switchboard-cc/switchboard/internal/desk"
	"github.com/switchboard-cc/switchboard/internal/phone"
	"github.com/switchboard-cc/switchboard/internal/search"
)

const customerColumns = `id, name, gender, city, country, attributes, tags, contacts, created_at, updated_at, last_activity_at`

func scanCustomer(row interface{ Scan(...any) error }, extra ...any) (*desk.Customer, error) {
	var c desk.Customer
	var attrs, tags, contacts string
	var created, updated int64
	var last sql.NullInt64
	dest := []any{&c.ID, &c.Name, &c.Gender, &c.City, &c.Country, &attrs, &tags, &contacts, &created, &updated, &last}
	if err := row.Scan(append(dest, extra...)...); err != nil {
		return nil, err
	}
	c.CreatedAt, c.UpdatedAt, c.LastActivityAt = fromMicros(created), fromMicros(updated), nullTime(last)
	c.Attributes, c.Tags, c.Contacts = map[string]string{}, []string{}, []desk.Contact{}
	if err := scanJSON(attrs, &c.Attributes); err != nil {
		return nil, err
	}
	if err := scanJSON(tags, &c.Tags); err != nil {
		return nil, err
	}
	if err := scanJSON(contacts, &c.Contacts); err != nil {
		return nil, err
	}
	fillDisplay(&c)
	return &c, nil
}

// writeCustomerPartsTx replaces contacts and tags, and their copies on the
// customer row with its search terms (the full-text index follows them by
// trigger); a contact owned by another customer is ECONFLICT
// contact_taken.
func (s *Conversations) writeCustomerPartsTx(ctx context.Context, tx *sql.Tx, c *desk.Customer) error {
	if _, err := tx.ExecContext(ctx, `DELETE FROM contacts WHERE customer_id = $1`, int64(c.ID)); err != nil {
		return err
	}
	for i, ct := range c.Contacts {
		_, err := tx.ExecContext(ctx, `INSERT INTO contacts (channel, address, customer_id, position) VALUES ($1, $2, $3, $4)`, ct.Channel, ct.Address, int64(c.ID), i)
		if err != nil && s.dialect.IsUniqueViolation(err) {
			return &desk.Error{Kind: desk.ECONFLICT, Code: "contact_taken", Field: "contacts",
				Message: "the " + ct.Channel + " address " + ct.Address + " belongs to another customer"}
		} else if err != nil {
			return err
		}
	}
	if err := setTagsTx(ctx, tx, "customers", c.ID, c.Tags); err != nil {
		return err
	}
	_, err := tx.ExecContext(ctx, `UPDATE customers SET sort_name = $1, contacts = $2, search_terms = $3 WHERE id = $4`,
		sortName(c), mustJSON(c.Contacts), search.CustomerTerms(c.Name, c.Contacts), int64(c.ID))
	return err
}

// sortName is the key of the customer-name sort (C6): the display name,
// lower-cased.
func sortName(c *desk.Customer) string { return strings.ToLower(c.DisplayName()) }

// CreateCustomer stores a customer with contacts and tags, all or nothing.
func (s *Conversations) CreateCustomer(ctx context.Context, c *desk.Customer) error {
	if _, err := desk.RequireActor(ctx); err != nil {
		return err
	}
	if err := keyContacts(c.Contacts); err != nil {
		return err
	}
	if err := c.Validate(); err != nil {
		return err
	}
	if c.Attributes == nil {
		c.Attributes = map[string]string{}
	}
	if c.Contacts == nil {
		c.Contacts = []desk.Contact{}
	}
	now := s.now()
	c.CreatedAt, c.UpdatedAt = now, now
	return s.inTx(ctx, func(tx *sql.Tx) error {
		err := tx.QueryRowContext(ctx, `INSERT INTO customers (name, gender, city, country, attributes, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $6) RETURNING id`, c.Name, c.Gender, c.City, c.Country, mustJSON(c.Attributes), micros(now)).Scan(&c.ID)
		if err != nil {
			return err
		}
		if err := s.writeCustomerPartsTx(ctx, tx, c); err != nil {
			return err
		}
		fillDisplay(c)
		return nil
	})
}

// FindCustomerByID returns a customer; People are visible to every actor.
func (s *Conversations) FindCustomerByID(ctx context.Context, id desk.ID) (*desk.Customer, error) {
	if _, err := desk.RequireActor(ctx); err != nil {
		return nil, err
	}
	c, err := scanCustomer(s.rd.QueryRowContext(ctx, `SELECT `+customerColumns+` FROM customers WHERE id = $1`, int64(id)))
	if isNoRows(err) {
		return nil, notFound("customer")
	} else if err != nil {
		return nil, err
	}
	return c, nil
}

// FindCustomerByContact returns the owner of a channel address.
func (s *Conversations) FindCustomerByContact(ctx context.Context, channel, address string) (*desk.Customer, error) {
	if _, err := desk.RequireActor(ctx); err != nil {
		return nil, err
	}
	addr, err := phone.Address("address", channel, address, phone.ForChannel(channel, "", ""))
	if err != nil {
		return nil, err
	}
	var id desk.ID
	err = s.rd.QueryRowContext(ctx, `SELECT customer_id FROM contacts WHERE channel = $1 AND address = $2`, channel, addr).Scan(&id)
	if isNoRows(err) {
		return nil, notFound("customer")
	} else if err != nil {
		return nil, err
	}
	return s.FindCustomerByID(ctx, id)
}

// FindCustomers lists customers by display name with keyset pagination.
func (s *Conversations) FindCustomers(ctx context.Context, f desk.CustomerFilter) ([]*desk.Customer, string, error) {
	if _, err := desk.RequireActor(ctx); err != nil {
		return nil, "", err
	}
	var w where
	if f.Query != "" {
		p := likePrefix(strings.ToLower(strings.TrimSpace(f.Query)))
		if addr, digits := phoneQuery(f.Query); digits != "" {
			w.add(`(sort_name LIKE ? OR lower(name) LIKE ? OR id IN (SELECT customer_id FROM contacts WHERE address LIKE ? OR address LIKE ?))`,
				p, p, likePrefix(addr), "%"+likePrefix(digits))
		} else {
			w.add(`(sort_name LIKE ? OR lower(name) LIKE ? OR id IN (SELECT customer_id FROM contacts WHERE address LIKE ?))`, p, p, likePrefix(addr))
		}
	}
	if f.Tag != "" {
		w.add(`id IN (SELECT customer_id FROM customer_tags WHERE tag = ?)`, strings.ToLower(f.Tag))
	}
	if f.Channel != "" {
		w.add(`id IN (SELECT customer_id FROM contacts WHERE channel = ?)`, f.Channel)
	}
	if f.Cursor != "" {
		var c cursor
		if err := c.decode(f.Cursor); err != nil {
			return nil, "", err
		}
		key, _ := c.Key.(string)
		w.add(`(sort_name > ? OR (sort_name = ? AND id > ?))`, key, key, c.ID)
	}
	n := limit(f.Limit)
	rows, err := s.rd.QueryContext(ctx, `SELECT `+customerColumns+`, sort_name FROM customers`+w.sql()+` ORDER BY sort_name, id LIMIT `+itoa(n+1), w.args...)
	if err != nil {
		return nil, "", err
	}
	var out []*desk.Customer
	var keys []string
	for rows.Next() {
		var key string
		c, err := scanCustomer(rows, &key)
		if err != nil {
			rows.Close()
			return nil, "", err
		}
		out, keys = append(out, c), append(keys, key)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, "", err
	}
	next := ""
	if len(out) > n {
		out = out[:n]
		next = cursor{Key: keys[n-1], ID: int64(out[n-1].ID)}.encode()
	}
	return out, next, nil
}

// likePrefix escapes LIKE wildcards and appends %.
func likePrefix(s string) string {
	s = strings.NewReplacer(`%`, ``, `_`, ``).Replace(s)
	return s + "%"
}

// UpdateCustomer changes a customer, all or nothing.
func (s *Conversations) UpdateCustomer(ctx context.Context, id desk.ID, upd desk.CustomerUpdate) (*desk.Customer, error) {
	c, err := s.FindCustomerByID(ctx, id)
	if err != nil {
		return nil, err
	}
	set := func(dst *string, v *string) {
		if v != nil {
			*dst = *v
		}
	}
	set(&c.Name, upd.Name)
	set(&c.Gender, upd.Gender)
	set(&c.City, upd.City)
	set(&c.Country, upd.Country)
	if upd.Tags != nil {
		c.Tags = *upd.Tags
	}
	if upd.Attributes != nil {
		c.Attributes = *upd.Attributes
	}
	if upd.Contacts != nil {
		c.Contacts = *upd.Contacts
		if err := keyContacts(c.Contacts); err != nil {
			return nil, err
		}
	}
	if err := c.Validate(); err != nil {
		return nil, err
	}
	if c.Attributes == nil {
		c.Attributes = map[string]string{}
	}
	if c.Contacts == nil {
		c.Contacts = []desk.Contact{}
	}
	c.UpdatedAt = s.now()
	err = s.inTx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `UPDATE customers SET name = $1, gender = $2, city = $3, country = $4, attributes = $5, updated_at = $6 WHERE id = $7`,
			c.Name, c.Gender, c.City, c.Country, mustJSON(c.Attributes), micros(c.UpdatedAt), int64(id)); err != nil {
			return err
		}
		return s.writeCustomerPartsTx(ctx, tx, c)
	})
	if err != nil {
		return nil, err
	}
	fillDisplay(c)
	return c, nil
}

// fillDisplay sets how each contact address is shown.
func fillDisplay(c *desk.Customer) {
	for i := range c.Contacts {
		c.Contacts[i].Display = displayAddress(c.Contacts[i].Channel, c.Contacts[i].Address)
	}
}

// displayAddress is how a contact address is shown: a phone number
// formatted ("+1 202-555-0177"), a Live Chat visitor's random ID as
// "Web visitor" and its last characters, anything else as stored.
func displayAddress(channel, address string) string {
	if channel == desk.ChannelLiveChat && strings.HasPrefix(address, "v-") && len(address) > 8 {
		return "Web visitor " + address[len(address)-6:]
	}
	return phone.Display(address)
}

// phoneQuery is what a People query matches contact addresses by: the
// key of a phone-like query as a prefix ("+1 (202) 555-0177" finds
// "+12025550177"), and its digits anywhere in a number (G2: "555 0177" or
// a national "(202) 555-0177" finds it too); else the query lower-cased,
// as a prefix only, and no digits.
func phoneQuery(q string) (key, digits string) {
	q = strings.ToLower(strings.TrimSpace(q))
	if _, ok := phone.Digits(q); ok {
		if k, err := phone.Key("q", q, phone.Context{}); err == nil {
			return k, strings.TrimLeft(strings.TrimPrefix(k, "+"), "0")
		}
	}
	return q, ""
}

// keyContacts keys the phone contacts of a profile in place
// (phone.KeyContacts).
func keyContacts(contacts []desk.Contact) error { return phone.KeyContacts(contacts) }
