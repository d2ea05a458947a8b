package desk

import (
	"context"
	"time"
)

// ChangeNotificationCreated announces a new in-app notification: AgentID
// is its recipient (the live feed sends it to that agent's sockets, and
// Web Push to their subscribed devices).
const ChangeNotificationCreated = "notification.created"

// NotificationSLABreached is the type of the notification a breach sends.
const NotificationSLABreached = "sla_breached"

// Notification is one message for one agent in the workspace's list.
type Notification struct {
	ID             ID             `json:"id"`
	AgentID        ID             `json:"agent_id"`
	Type           string         `json:"type"`
	ConversationID *ID            `json:"conversation_id"`
	QueueID        ID             `json:"queue_id"`
	Title          string         `json:"title"`
	Data           map[string]any `json:"data"`
	CreatedAt      time.Time      `json:"created_at"`
	ReadAt         *time.Time     `json:"read_at"`
}

// NotificationService keeps each agent's notifications: an agent reads
// and marks only their own.
type NotificationService interface {
	// FindNotifications lists the actor's newest notifications (unread
	// only when unread is set), at most limit, and how many are unread.
	FindNotifications(ctx context.Context, unread bool, limit int) ([]*Notification, int, error)
	// MarkNotificationRead marks one of the actor's notifications read
	// (ENOTFOUND when it is not theirs).
	MarkNotificationRead(ctx context.Context, id ID) error
	// MarkAllNotificationsRead marks every notification of the actor read.
	MarkAllNotificationsRead(ctx context.Context) error
}

// OutOfHours is a queue's automatic reply to customers who write while
// its calendar is closed: Text on every channel, or Channels[kind] where
// one is set. Sent once per conversation per closed period.
type OutOfHours struct {
	QueueID  ID                `json:"queue_id"`
	Enabled  bool              `json:"enabled"`
	Text     string            `json:"text"`
	Channels map[string]string `json:"channels"`
	// CalendarID is the queue's calendar (read only; set it with
	// PUT /queues/{id}/calendar): without one the queue is never closed.
	CalendarID *ID `json:"calendar_id"`
}

// MaxOutOfHoursText bounds an out-of-hours reply (one SMS-sized screen
// is advisable; the limit is generous for email).
const MaxOutOfHoursText = 2000

// Validate checks an out-of-hours setting: a text when enabled, known
// channels with non-empty texts, within MaxOutOfHoursText.
func (o *OutOfHours) Validate() error {
	if o.Channels == nil {
		o.Channels = map[string]string{}
	}
	if len(o.Text) > MaxOutOfHoursText {
		return FieldErrorf("text", "text is at most %d characters", MaxOutOfHoursText)
	}
	for ch, text := range o.Channels {
		if !ValidChannel(ch) || ch == ChannelInternal || ch == ChannelVoice {
			return FieldErrorf("channels."+ch, "unknown channel %q", ch)
		}
		if text == "" || len(text) > MaxOutOfHoursText {
			return FieldErrorf("channels."+ch, "a channel's text is 1 to %d characters", MaxOutOfHoursText)
		}
	}
	if o.Enabled && o.Text == "" {
		return FieldErrorf("text", "text is required when the reply is enabled")
	}
	return nil
}

// TextFor is the reply for a channel.
func (o *OutOfHours) TextFor(channel string) string {
	if t := o.Channels[channel]; t != "" {
		return t
	}
	return o.Text
}

// OutOfHoursService keeps queues' out-of-hours replies.
type OutOfHoursService interface {
	// FindOutOfHours returns a queue's setting (disabled when never set).
	FindOutOfHours(ctx context.Context, queueID ID) (*OutOfHours, error)
	// SetOutOfHours replaces a queue's setting (supervisor+; EINVALID
	// with the field at fault).
	SetOutOfHours(ctx context.Context, o *OutOfHours) error
	// FindOutOfHoursQueues lists queues with an enabled reply and a
	// calendar (system).
	FindOutOfHoursQueues(ctx context.Context) ([]ID, error)
	// LoadOutOfHours reads a queue's reply and calendar, nil without one
	// (system).
	LoadOutOfHours(ctx context.Context, queueID ID) (*OutOfHours, *BusinessCalendar, error)
	// SendOutOfHoursReply sends the reply on a conversation unless it had
	// it in the closed period ending at until (system); 0 when not sent.
	SendOutOfHoursReply(ctx context.Context, convID ID, until time.Time, o *OutOfHours) (ID, error)
}
