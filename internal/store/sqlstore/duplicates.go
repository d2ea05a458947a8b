package sqlstore

import (
	"context"
	"strings"

	"github.com/switchboard-cc/switchboard/internal/desk"
)

// duplicateQueries find pairs of customers that may be one person, each
// with its reason: the same name, or one address on two channels (a
// number on SMS and WhatsApp).
var duplicateQueries = []struct{ reason, sql string }{
	{"same_name", `SELECT a.id, b.id FROM customers a JOIN customers b ON lower(a.name) = lower(b.name) AND a.id < b.id
		WHERE a.name <> '' ORDER BY a.id, b.id LIMIT $1`},
	{"same_address", `SELECT DISTINCT a.customer_id, b.customer_id FROM contacts a JOIN contacts b
		ON a.address = b.address AND a.customer_id < b.customer_id ORDER BY a.customer_id, b.customer_id LIMIT $1`},
}

// FindDuplicateCustomers lists possible duplicates (see desk.PeopleService).
func (s *Conversations) FindDuplicateCustomers(ctx context.Context, limit int) ([]*desk.DuplicateCustomers, error) {
	n := limit
	if n <= 0 || n > 200 {
		n = 50
	}
	type pair struct{ a, b desk.ID }
	seen := map[pair]bool{}
	var pairs []pair
	var reasons []string
	add := func(a, b desk.ID, reason string) {
		if a > b {
			a, b = b, a
		}
		if p := (pair{a, b}); a != b && !seen[p] && len(pairs) < n {
			seen[p] = true
			pairs, reasons = append(pairs, p), append(reasons, reason)
		}
	}
	for _, q := range duplicateQueries {
		rows, err := s.rd.QueryContext(ctx, q.sql, n)
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			var a, b desk.ID
			if err := rows.Scan(&a, &b); err != nil {
				rows.Close()
				return nil, err
			}
			add(a, b, q.reason)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	// The same email local part on two customers (ann@work.example and
	// ann@home.example), grouped here: SQL dialects split strings apart.
	rows, err := s.rd.QueryContext(ctx, `SELECT customer_id, address FROM contacts WHERE channel = 'email' ORDER BY customer_id LIMIT 10000`)
	if err != nil {
		return nil, err
	}
	first := map[string]desk.ID{}
	for rows.Next() {
		var id desk.ID
		var addr string
		if err := rows.Scan(&id, &addr); err != nil {
			rows.Close()
			return nil, err
		}
		local, _, _ := strings.Cut(addr, "@")
		if len(local) < 3 {
			continue // "me@", "hi@": too common to mean one person
		}
		if o, ok := first[local]; ok {
			add(o, id, "same_email_local_part")
		} else {
			first[local] = id
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	out := make([]*desk.DuplicateCustomers, 0, len(pairs))
	for i, p := range pairs {
		a, err := s.FindCustomerByID(ctx, p.a)
		if err != nil {
			return nil, err
		}
		b, err := s.FindCustomerByID(ctx, p.b)
		if err != nil {
			return nil, err
		}
		out = append(out, &desk.DuplicateCustomers{Customers: []*desk.Customer{a, b}, Reason: reasons[i]})
	}
	return out, nil
}
