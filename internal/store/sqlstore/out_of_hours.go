package sqlstore

import (
	"context"
	"database/sql"
	"time"

	"github.com/switchboard-cc/switchboard/internal/desk"
)

var _ desk.OutOfHoursService = (*Store)(nil)

// FindOutOfHours returns a queue's out-of-hours reply (disabled when never
// set); any signed-in user may read it.
func (s *Config) FindOutOfHours(ctx context.Context, queueID desk.ID) (*desk.OutOfHours, error) {
	if _, err := desk.RequireActor(ctx); err != nil {
		return nil, err
	}
	var one int
	if err := s.rd.QueryRowContext(ctx, `SELECT 1 FROM queues WHERE id = $1`, int64(queueID)).Scan(&one); isNoRows(err) {
		return nil, notFound("queue")
	} else if err != nil {
		return nil, err
	}
	o, err := s.outOfHours(ctx, s.rd, queueID)
	if err != nil {
		return nil, err
	}
	var cal sql.NullInt64
	if err := s.rd.QueryRowContext(ctx, `SELECT calendar_id FROM queue_calendars WHERE queue_id = $1`, int64(queueID)).Scan(&cal); err != nil && !isNoRows(err) {
		return nil, err
	}
	o.CalendarID = nullID(cal)
	return o, nil
}

func (s *Config) outOfHours(ctx context.Context, q interface {
	QueryRowContext(context.Context, string, ...any) *sql.Row
}, queueID desk.ID) (*desk.OutOfHours, error) {
	o := &desk.OutOfHours{QueueID: queueID, Channels: map[string]string{}}
	var channels string
	err := q.QueryRowContext(ctx, `SELECT enabled, text, channels FROM queue_out_of_hours WHERE queue_id = $1`, int64(queueID)).Scan(&o.Enabled, &o.Text, &channels)
	if isNoRows(err) {
		return o, nil
	} else if err != nil {
		return nil, err
	}
	return o, scanJSON(channels, &o.Channels)
}

// SetOutOfHours replaces a queue's out-of-hours reply (supervisor+). It is
// announced as a queue update (the auto-replier reads its queues again).
func (s *Config) SetOutOfHours(ctx context.Context, o *desk.OutOfHours) error {
	if err := o.Validate(); err != nil {
		return err
	}
	var one int
	if err := s.rd.QueryRowContext(ctx, `SELECT 1 FROM queues WHERE id = $1`, int64(o.QueueID)).Scan(&one); isNoRows(err) {
		return notFound("queue")
	} else if err != nil {
		return err
	}
	if _, err := s.w.ExecContext(ctx, `INSERT INTO queue_out_of_hours (queue_id, enabled, text, channels) VALUES ($1, $2, $3, $4)
		ON CONFLICT (queue_id) DO UPDATE SET enabled = excluded.enabled, text = excluded.text, channels = excluded.channels`,
		int64(o.QueueID), o.Enabled, o.Text, mustJSON(o.Channels)); err != nil {
		return err
	}
	s.publish(desk.Change{Type: desk.ChangeQueueUpdated, QueueID: o.QueueID, At: s.now()})
	return nil
}

// FindOutOfHoursQueues lists the queues whose out-of-hours reply is
// enabled and that have a calendar (system): without one a queue is never
// closed.
func (s *Config) FindOutOfHoursQueues(ctx context.Context) ([]desk.ID, error) {
	return s.systemIDs(ctx, `SELECT o.queue_id FROM queue_out_of_hours o JOIN queue_calendars c ON c.queue_id = o.queue_id
		WHERE o.enabled = $1 ORDER BY o.queue_id`, true)
}

// LoadOutOfHours reads a queue's reply and calendar (system); the
// calendar is nil when the queue has none.
func (s *Config) LoadOutOfHours(ctx context.Context, queueID desk.ID) (*desk.OutOfHours, *desk.BusinessCalendar, error) {
	if err := requireSystem(ctx); err != nil {
		return nil, nil, err
	}
	o, err := s.outOfHours(ctx, s.rd, queueID)
	if err != nil {
		return nil, nil, err
	}
	cal, err := scanCalendar(s.rd.QueryRowContext(ctx, `SELECT c.id, c.name, c.time_zone, c.hours, c.holidays, c.created_at
		FROM business_calendars c JOIN queue_calendars q ON q.calendar_id = c.id WHERE q.queue_id = $1`, int64(queueID)))
	if isNoRows(err) {
		return o, nil, nil
	}
	return o, cal, err
}

// SendOutOfHoursReply sends the queue's out-of-hours reply on a
// conversation for the closed period ending at until (the next opening;
// zero when the calendar never opens), unless it got one for that period
// already (system). The reply is an automatic message (no author: not a
// response for SLA targets and reports) through the outbox, on the
// conversation's channel, with an auto_replied timeline event. It returns
// the message's ID, or 0 when nothing was sent.
func (s *Conversations) SendOutOfHoursReply(ctx context.Context, convID desk.ID, until time.Time, o *desk.OutOfHours) (desk.ID, error) {
	if err := requireSystem(ctx); err != nil {
		return 0, err
	}
	var period int64
	if !until.IsZero() {
		period = micros(until)
	}
	var conv *desk.Conversation
	var msgID desk.ID
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		msgID, conv = 0, nil
		c, err := s.findConversation(ctx, tx, desk.SystemActor, convID)
		if desk.ErrorKind(err) == desk.ENOTFOUND {
			return nil
		} else if err != nil {
			return err
		}
		text := o.TextFor(c.Channel)
		if text == "" || c.Channel == desk.ChannelInternal || c.Channel == desk.ChannelVoice || c.CustomerID == 0 ||
			c.Status == desk.ConversationClosed || c.Bot != "" {
			return nil
		}
		now := s.now()
		res, err := tx.ExecContext(ctx, `INSERT INTO out_of_hours_replies (conversation_id, period, created_at) VALUES ($1, $2, $3)
			ON CONFLICT (conversation_id, period) DO NOTHING`, int64(convID), period, micros(now))
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return nil // this closed period's reply went already
		}
		m := &desk.Message{ConversationID: c.ID, Kind: desk.KindMessage, Direction: desk.DirectionOut, Type: desk.TypeText,
			Text: text, Channel: c.Channel, From: c.SenderAddress, To: c.ContactAddress, DeliveryState: desk.DeliveryQueued, CreatedAt: now}
		var channelID int64
		err = tx.QueryRowContext(ctx, `SELECT id FROM channels WHERE kind = $1 AND sender = $2 ORDER BY id LIMIT 1`, c.Channel, c.SenderAddress).Scan(&channelID)
		if err == nil {
			m.Send = &desk.SendRequest{ChannelID: desk.ID(channelID)}
		} else if !isNoRows(err) {
			return err
		}
		if err := s.insertAgentMessageTx(ctx, tx, m, now); err != nil {
			return err
		}
		data := map[string]any{"message_id": m.ID.String(), "reason": "out_of_hours"}
		if period != 0 {
			data["until"] = until.UTC().Format(time.RFC3339)
		}
		if err := s.insertEventTx(ctx, tx, c.ID, desk.EventAutoReplied, desk.SystemActor, micros(now), data); err != nil {
			return err
		}
		msgID, conv = m.ID, c
		return nil
	})
	if err != nil || conv == nil {
		return 0, err
	}
	if s.dispatcher != nil {
		s.dispatcher.Notify()
	}
	ch := s.conversationChange(desk.ChangeMessageCreated, conv)
	ch.MessageID, ch.Direction, ch.Kind = msgID, desk.DirectionOut, desk.KindMessage
	s.publish(ch)
	return msgID, nil
}
