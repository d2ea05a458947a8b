package sqlstore

import (
	"context"
	"database/sql"
	"strings"

	"github.com/switchboard-cc/switchboard/internal/desk"
	"github.com/switchboard-cc/switchboard/internal/phone"
)

const routingRuleColumns = `id, position, name, channel, sender, receiver, keyword, attribute_key, attribute_value, queue_id, created_at, updated_at`

func scanRoutingRule(row interface{ Scan(...any) error }) (*desk.RoutingRule, error) {
	var r desk.RoutingRule
	var created, updated int64
	if err := row.Scan(&r.ID, &r.Position, &r.Name, &r.Channel, &r.Sender, &r.Receiver, &r.Keyword,
		&r.AttributeKey, &r.AttributeValue, &r.QueueID, &created, &updated); err != nil {
		return nil, err
	}
	r.CreatedAt, r.UpdatedAt = fromMicros(created), fromMicros(updated)
	return &r, nil
}

// CreateRoutingRule adds a rule (supervisor+); position 0 appends it.
func (s *Config) CreateRoutingRule(ctx context.Context, r *desk.RoutingRule) error {
	if err := keyRule(r); err != nil {
		return err
	}
	if err := r.Validate(); err != nil {
		return err
	}
	now := s.now()
	r.CreatedAt, r.UpdatedAt = now, now
	defer s.publishRulesChanged()
	return s.inTx(ctx, func(tx *sql.Tx) error {
		if err := existsTx(ctx, tx, "queues", r.QueueID, "queue"); err != nil {
			return desk.FieldErrorf("queue_id", "unknown queue")
		}
		if r.Position == 0 {
			if err := tx.QueryRowContext(ctx, `SELECT COALESCE(MAX(position), 0) + 1 FROM routing_rules`).Scan(&r.Position); err != nil {
				return err
			}
		}
		return tx.QueryRowContext(ctx, `INSERT INTO routing_rules (position, name, channel, sender, receiver, keyword, attribute_key,
			attribute_value, queue_id, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10) RETURNING id`,
			r.Position, r.Name, r.Channel, r.Sender, r.Receiver, r.Keyword, r.AttributeKey, r.AttributeValue, int64(r.QueueID),
			micros(now)).Scan(&r.ID)
	})
}

// FindRoutingRules lists rules in the order they are tried.
func (s *Config) FindRoutingRules(ctx context.Context) ([]*desk.RoutingRule, error) {
	if _, err := desk.RequireActor(ctx); err != nil {
		return nil, err
	}
	rows, err := s.rd.QueryContext(ctx, `SELECT `+routingRuleColumns+` FROM routing_rules ORDER BY position, id`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []*desk.RoutingRule{}
	for rows.Next() {
		r, err := scanRoutingRule(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// UpdateRoutingRule changes a rule (supervisor+).
func (s *Config) UpdateRoutingRule(ctx context.Context, id desk.ID, upd desk.RoutingRuleUpdate) (*desk.RoutingRule, error) {
	var r *desk.RoutingRule
	defer s.publishRulesChanged()
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		var err error
		r, err = scanRoutingRule(tx.QueryRowContext(ctx, `SELECT `+routingRuleColumns+` FROM routing_rules WHERE id = $1`, int64(id)))
		if isNoRows(err) {
			return notFound("routing rule")
		} else if err != nil {
			return err
		}
		for _, f := range []struct {
			dst *string
			src *string
		}{{&r.Name, upd.Name}, {&r.Channel, upd.Channel}, {&r.Sender, upd.Sender}, {&r.Receiver, upd.Receiver},
			{&r.Keyword, upd.Keyword}, {&r.AttributeKey, upd.AttributeKey}, {&r.AttributeValue, upd.AttributeValue}} {
			if f.src != nil {
				*f.dst = *f.src
			}
		}
		if upd.Position != nil {
			r.Position = *upd.Position
		}
		if upd.QueueID != nil {
			r.QueueID = *upd.QueueID
		}
		if err := keyRule(r); err != nil {
			return err
		}
		if err := r.Validate(); err != nil {
			return err
		}
		if err := existsTx(ctx, tx, "queues", r.QueueID, "queue"); err != nil {
			return desk.FieldErrorf("queue_id", "unknown queue")
		}
		r.UpdatedAt = s.now()
		_, err = tx.ExecContext(ctx, `UPDATE routing_rules SET position = $1, name = $2, channel = $3, sender = $4, receiver = $5,
			keyword = $6, attribute_key = $7, attribute_value = $8, queue_id = $9, updated_at = $10 WHERE id = $11`,
			r.Position, r.Name, r.Channel, r.Sender, r.Receiver, r.Keyword, r.AttributeKey, r.AttributeValue, int64(r.QueueID),
			micros(r.UpdatedAt), int64(id))
		return err
	})
	return r, err
}

// DeleteRoutingRule removes a rule (supervisor+).
func (s *Config) DeleteRoutingRule(ctx context.Context, id desk.ID) error {
	defer s.publishRulesChanged()
	return s.inTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM routing_rules WHERE id = $1`, int64(id))
		if err != nil {
			return err
		} else if n, _ := res.RowsAffected(); n == 0 {
			return notFound("routing rule")
		}
		return nil
	})
}

// publishRulesChanged tells routers to reload the rules. Told after any
// attempt, even a failed one, which costs only a reload.
func (s *Config) publishRulesChanged() {
	s.publish(desk.Change{Type: desk.ChangeRoutingRules, At: s.now()})
}

// keyRule keys a rule's phone addresses (issue 16) where it names a
// channel: the server keyed what was typed with the channel's country
// already; keying again changes no key.
func keyRule(r *desk.RoutingRule) error {
	if !desk.ValidChannel(r.Channel) {
		return nil // Validate names it
	}
	pc := phone.ForChannel(r.Channel, "", "")
	if strings.TrimSpace(r.Sender) != "" {
		a, err := phone.Address("sender", r.Channel, r.Sender, pc)
		if err != nil {
			return err
		}
		r.Sender = a
	}
	r.Receiver = phone.Sender(r.Channel, r.Receiver, pc)
	return nil
}
