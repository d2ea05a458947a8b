package sqlstore

import (
	"context"
	"database/sql"

	"github.com/switchboard-cc/switchboard/internal/desk"
	"github.com/switchboard-cc/switchboard/internal/phone"
)

const channelColumns = `id, kind, provider, name, sender, queue_id, settings, secrets, created_at, updated_at`

func scanChannel(row interface{ Scan(...any) error }) (*desk.ChannelConfig, error) {
	var c desk.ChannelConfig
	var queue sql.NullInt64
	var settings, secrets string
	var created, updated int64
	if err := row.Scan(&c.ID, &c.Kind, &c.Provider, &c.Name, &c.Sender, &queue, &settings, &secrets, &created, &updated); err != nil {
		return nil, err
	}
	c.QueueID, c.CreatedAt, c.UpdatedAt = nullID(queue), fromMicros(created), fromMicros(updated)
	c.Settings, c.Secrets = map[string]string{}, map[string]string{}
	if err := scanJSON(settings, &c.Settings); err != nil {
		return nil, err
	}
	if err := scanJSON(secrets, &c.Secrets); err != nil {
		return nil, err
	}
	return &c, nil
}

// CreateChannel stores a channel (admin only).
func (s *Config) CreateChannel(ctx context.Context, c *desk.ChannelConfig) error {
	if err := c.Validate(); err != nil {
		return err
	}
	keyChannelSender(c)
	now := s.now()
	c.CreatedAt, c.UpdatedAt = now, now
	return s.inTx(ctx, func(tx *sql.Tx) error {
		if err := s.checkQueueTx(ctx, tx, c.QueueID); err != nil {
			return err
		}
		return tx.QueryRowContext(ctx, `INSERT INTO channels (kind, provider, name, sender, queue_id, settings, secrets, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8) RETURNING id`, c.Kind, c.Provider, c.Name, c.Sender, idArg(c.QueueID),
			mustJSON(c.Settings), mustJSON(c.Secrets), micros(now)).Scan(&c.ID)
	})
}

// checkQueueTx refuses an unknown queue with a field error.
func (s *Config) checkQueueTx(ctx context.Context, tx *sql.Tx, id *desk.ID) error {
	if id == nil {
		return nil
	}
	var n int
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM queues WHERE id = $1`, int64(*id)).Scan(&n); err != nil {
		return err
	} else if n == 0 {
		return desk.FieldErrorf("queue_id", "unknown queue %s", *id)
	}
	return nil
}

// FindChannelByID returns a channel (admin or system).
func (s *Config) FindChannelByID(ctx context.Context, id desk.ID) (*desk.ChannelConfig, error) {
	c, err := scanChannel(s.rd.QueryRowContext(ctx, `SELECT `+channelColumns+` FROM channels WHERE id = $1`, int64(id)))
	if isNoRows(err) {
		return nil, notFound("channel")
	}
	return c, err
}

// FindChannelBySender returns the channel of kind sending from sender, else
// the oldest channel of that kind.
func (s *Config) FindChannelBySender(ctx context.Context, kind, sender string) (*desk.ChannelConfig, error) {
	c, err := scanChannel(s.rd.QueryRowContext(ctx, `SELECT `+channelColumns+` FROM channels WHERE kind = $1
		ORDER BY CASE WHEN sender = $2 THEN 0 ELSE 1 END, id LIMIT 1`, kind, sender))
	if isNoRows(err) {
		return nil, notFound("channel")
	}
	return c, err
}

// FindChannels lists every channel by ID (admin only).
func (s *Config) FindChannels(ctx context.Context) ([]*desk.ChannelConfig, error) {
	rows, err := s.rd.QueryContext(ctx, `SELECT `+channelColumns+` FROM channels ORDER BY id`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []*desk.ChannelConfig{}
	for rows.Next() {
		c, err := scanChannel(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// FindChannelSummaries lists every channel by ID without settings and
// secrets, for any signed-in agent.
func (s *Config) FindChannelSummaries(ctx context.Context) ([]*desk.ChannelConfig, error) {
	if _, err := desk.RequireActor(ctx); err != nil {
		return nil, err
	}
	rows, err := s.rd.QueryContext(ctx, `SELECT id, kind, provider, name, sender, queue_id FROM channels ORDER BY id`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []*desk.ChannelConfig{}
	for rows.Next() {
		var c desk.ChannelConfig
		var id int64
		var queue sql.NullInt64
		if err := rows.Scan(&id, &c.Kind, &c.Provider, &c.Name, &c.Sender, &queue); err != nil {
			return nil, err
		}
		c.ID = desk.ID(id)
		if queue.Valid {
			q := desk.ID(queue.Int64)
			c.QueueID = &q
		}
		out = append(out, &c)
	}
	return out, rows.Err()
}

// UpdateChannel changes a channel (admin only).
func (s *Config) UpdateChannel(ctx context.Context, id desk.ID, upd desk.ChannelUpdate) (*desk.ChannelConfig, error) {
	var c *desk.ChannelConfig
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		var err error
		c, err = scanChannel(tx.QueryRowContext(ctx, `SELECT `+channelColumns+` FROM channels WHERE id = $1`, int64(id)))
		if isNoRows(err) {
			return notFound("channel")
		} else if err != nil {
			return err
		}
		upd.Apply(c)
		if err := c.Validate(); err != nil {
			return err
		}
		keyChannelSender(c)
		if err := s.checkQueueTx(ctx, tx, c.QueueID); err != nil {
			return err
		}
		c.UpdatedAt = s.now()
		_, err = tx.ExecContext(ctx, `UPDATE channels SET name = $1, sender = $2, queue_id = $3, settings = $4, secrets = $5, updated_at = $6 WHERE id = $7`,
			c.Name, c.Sender, idArg(c.QueueID), mustJSON(c.Settings), mustJSON(c.Secrets), micros(c.UpdatedAt), int64(id))
		return err
	})
	if err != nil {
		return nil, err
	}
	return c, nil
}

// DeleteChannel removes a channel (admin only); messages still waiting to
// be sent on it are marked failed, since nothing can send them any more.
func (s *Config) DeleteChannel(ctx context.Context, id desk.ID) error {
	return s.inTx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `UPDATE messages SET delivery_state = $1, failure_reason = $2
			WHERE id IN (SELECT message_id FROM outbox WHERE channel_id = $3 AND state = 'pending')`,
			desk.DeliveryFailed, "the channel was deleted", int64(id)); err != nil {
			return err
		}
		// Customers' files still waiting for a retried download through
		// this channel can no longer be fetched: refused, not pending for
		// good once the jobs go with the channel.
		if _, err := tx.ExecContext(ctx, `UPDATE attachments SET refused = $1, pending = 0
			WHERE id IN (SELECT attachment_id FROM media_jobs WHERE channel_id = $2 AND state = 'pending')`,
			"media_unavailable", int64(id)); err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `DELETE FROM channels WHERE id = $1`, int64(id))
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return notFound("channel")
		}
		return nil
	})
}

// keyChannelSender keys a channel's own number (issue 16) as the channel
// reads numbers: WhatsApp's digits are international; a name is kept.
func keyChannelSender(c *desk.ChannelConfig) {
	c.Sender = phone.Sender(c.Kind, c.Sender, phone.ChannelContext(c.Kind, c, ""))
}
