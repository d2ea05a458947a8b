package sqlstore

import (
	"context"
	"database/sql"
	"strings"

	"github.com/switchboard-cc/switchboard/internal/desk"
	"github.com/switchboard-cc/switchboard/internal/sla"
)

var _ desk.SLAService = (*Store)(nil)

const qCalendarCols = `id, name, time_zone, hours, holidays, created_at`

// checkCalendar trims and validates a calendar (zone, hours, holidays).
func checkCalendar(c *desk.BusinessCalendar) error {
	c.Name = strings.TrimSpace(c.Name)
	if c.Name == "" || len(c.Name) > 200 {
		return desk.FieldErrorf("name", "name is required, at most 200 characters")
	}
	if c.Hours == nil {
		c.Hours = []desk.BusinessHours{}
	}
	if c.Holidays == nil {
		c.Holidays = []string{}
	}
	_, err := sla.Compile(c)
	return err
}

func (s *Config) calendarNameTaken(err error) error {
	if err != nil && s.dialect.IsUniqueViolation(err) {
		return &desk.Error{Kind: desk.ECONFLICT, Code: "name_taken", Field: "name", Message: "a calendar with this name exists"}
	}
	return err
}

// CreateCalendar stores a calendar (supervisor+).
func (s *Config) CreateCalendar(ctx context.Context, c *desk.BusinessCalendar) error {
	if err := checkCalendar(c); err != nil {
		return err
	}
	c.CreatedAt = s.now()
	err := s.w.QueryRowContext(ctx, `INSERT INTO business_calendars (name, time_zone, hours, holidays, created_at) VALUES ($1, $2, $3, $4, $5) RETURNING id`,
		c.Name, c.TimeZone, mustJSON(c.Hours), mustJSON(c.Holidays), micros(c.CreatedAt)).Scan(&c.ID)
	return s.calendarNameTaken(err)
}

// UpdateCalendar replaces a calendar (supervisor+). Conversations of its
// queues get new due times when they next change or fall due.
func (s *Config) UpdateCalendar(ctx context.Context, c *desk.BusinessCalendar) error {
	if err := checkCalendar(c); err != nil {
		return err
	}
	res, err := s.w.ExecContext(ctx, `UPDATE business_calendars SET name = $1, time_zone = $2, hours = $3, holidays = $4 WHERE id = $5`,
		c.Name, c.TimeZone, mustJSON(c.Hours), mustJSON(c.Holidays), int64(c.ID))
	if err != nil {
		return s.calendarNameTaken(err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return notFound("calendar")
	}
	s.publish(desk.Change{Type: desk.ChangeSLARules, At: s.now()})
	got, err := s.FindCalendarByID(ctx, c.ID)
	if err == nil {
		*c = *got
	}
	return err
}

func scanCalendar(row interface{ Scan(...any) error }) (*desk.BusinessCalendar, error) {
	var c desk.BusinessCalendar
	var hours, holidays string
	var created int64
	if err := row.Scan(&c.ID, &c.Name, &c.TimeZone, &hours, &holidays, &created); err != nil {
		return nil, err
	}
	if err := scanJSON(hours, &c.Hours); err != nil {
		return nil, err
	}
	if err := scanJSON(holidays, &c.Holidays); err != nil {
		return nil, err
	}
	c.CreatedAt = fromMicros(created)
	return &c, nil
}

// FindCalendars lists calendars by name (any signed-in user: agents see
// the hours their targets count in).
func (s *Config) FindCalendars(ctx context.Context) ([]*desk.BusinessCalendar, error) {
	if _, err := desk.RequireActor(ctx); err != nil {
		return nil, err
	}
	rows, err := s.rd.QueryContext(ctx, `SELECT `+qCalendarCols+` FROM business_calendars ORDER BY name`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []*desk.BusinessCalendar{}
	for rows.Next() {
		c, err := scanCalendar(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// FindCalendarByID returns ENOTFOUND if there is no such calendar.
func (s *Config) FindCalendarByID(ctx context.Context, id desk.ID) (*desk.BusinessCalendar, error) {
	if _, err := desk.RequireActor(ctx); err != nil {
		return nil, err
	}
	c, err := scanCalendar(s.r.QueryRowContext(ctx, `SELECT `+qCalendarCols+` FROM business_calendars WHERE id = $1`, int64(id)))
	if isNoRows(err) {
		return nil, notFound("calendar")
	}
	return c, err
}

// DeleteCalendar removes a calendar (supervisor+); its queues fall back
// to calendar time.
func (s *Config) DeleteCalendar(ctx context.Context, id desk.ID) error {
	defer s.publish(desk.Change{Type: desk.ChangeSLARules, At: s.now()})
	return s.inTx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM queue_calendars WHERE calendar_id = $1`, int64(id)); err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `DELETE FROM business_calendars WHERE id = $1`, int64(id))
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return notFound("calendar")
		}
		return nil
	})
}

// SetQueueCalendar assigns a calendar to a queue, or none (supervisor+).
func (s *Config) SetQueueCalendar(ctx context.Context, queueID desk.ID, calendarID *desk.ID) error {
	defer s.publish(desk.Change{Type: desk.ChangeSLARules, QueueID: queueID, At: s.now()})
	return s.inTx(ctx, func(tx *sql.Tx) error {
		var one int
		if err := tx.QueryRowContext(ctx, `SELECT 1 FROM queues WHERE id = $1`, int64(queueID)).Scan(&one); isNoRows(err) {
			return notFound("queue")
		} else if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM queue_calendars WHERE queue_id = $1`, int64(queueID)); err != nil || calendarID == nil {
			return err
		}
		if err := tx.QueryRowContext(ctx, `SELECT 1 FROM business_calendars WHERE id = $1`, int64(*calendarID)).Scan(&one); isNoRows(err) {
			return &desk.Error{Kind: desk.EINVALID, Field: "calendar_id", Message: "calendar not found"}
		} else if err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO queue_calendars (queue_id, calendar_id) VALUES ($1, $2)`, int64(queueID), int64(*calendarID))
		return err
	})
}

// QueueCalendarID returns the queue's calendar, nil if none.
func (s *Config) QueueCalendarID(ctx context.Context, queueID desk.ID) (*desk.ID, error) {
	if _, err := desk.RequireActor(ctx); err != nil {
		return nil, err
	}
	var id sql.NullInt64
	err := s.r.QueryRowContext(ctx, `SELECT calendar_id FROM queue_calendars WHERE queue_id = $1`, int64(queueID)).Scan(&id)
	if isNoRows(err) {
		return nil, nil
	}
	return nullID(id), err
}
