package sqlstore

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"time"

	"github.com/switchboard-cc/switchboard/internal/desk"
)

// surveyAnswerWindow is how long after sending a reply of 1-5 counts as
// the survey's answer.
const surveyAnswerWindow = 7 * 24 * time.Hour

// sendSurveyTx sends the CSAT survey (C12) when c has just been solved or
// closed in a queue that enables surveys and never had one: a message on
// the conversation's channel, through the outbox when a channel is
// configured for its sender. It returns the message's ID, or 0.
func (s *Store) sendSurveyTx(ctx context.Context, tx *sql.Tx, actor *desk.Actor, c *desk.Conversation, oldStatus string, now time.Time) (desk.ID, error) {
	if !desk.SurveyDue(c, oldStatus) {
		return 0, nil
	}
	var enabled bool
	if err := tx.QueryRowContext(ctx, `SELECT survey_enabled FROM queues WHERE id = $1`, int64(c.QueueID)).Scan(&enabled); err != nil || !enabled {
		return 0, err
	}
	return s.sendSurveyNowTx(ctx, tx, actor, c, now)
}

// sendSurveyNowTx sends c's CSAT survey (C12), which the caller has found
// due: a message on the conversation's channel, through the outbox when a
// channel is configured for its sender. It returns the message's ID.
func (s *Store) sendSurveyNowTx(ctx context.Context, tx *sql.Tx, actor *desk.Actor, c *desk.Conversation, now time.Time) (desk.ID, error) {
	var b [16]byte
	_, _ = rand.Read(b[:])
	token := hex.EncodeToString(b[:])
	m := &desk.Message{ConversationID: c.ID, Kind: desk.KindMessage, Direction: desk.DirectionOut, Type: desk.TypeText,
		Text: desk.SurveyQuestion(s.publicURL, token), Channel: c.Channel, From: c.SenderAddress, To: c.ContactAddress,
		DeliveryState: desk.DeliveryQueued, CreatedAt: now}
	var channelID int64
	err := tx.QueryRowContext(ctx, `SELECT id FROM channels WHERE kind = $1 AND sender = $2 ORDER BY id LIMIT 1`, c.Channel, c.SenderAddress).Scan(&channelID)
	if err == nil {
		m.Send = &desk.SendRequest{ChannelID: desk.ID(channelID)}
	} else if !isNoRows(err) {
		return 0, err
	}
	if err := s.insertAgentMessageTx(ctx, tx, m, now); err != nil {
		return 0, err
	}
	if _, err := tx.ExecContext(ctx, `UPDATE conversations SET survey_token = $1, survey_sent_at = $2 WHERE id = $3`, token, micros(now), int64(c.ID)); err != nil {
		return 0, err
	}
	return m.ID, s.insertEventTx(ctx, tx, c.ID, desk.EventSurveySent, actor, micros(now), map[string]any{"message_id": m.ID.String()})
}

// AnswerSurvey stores the rating for the survey with the token; the token
// is the credential, so no actor is needed (the public survey page).
func (s *Store) AnswerSurvey(ctx context.Context, token string, rating int) error {
	if rating < 1 || rating > 5 {
		return desk.FieldErrorf("rating", "rating must be 1 to 5")
	}
	var id desk.ID
	var answered sql.NullInt64
	err := s.rd.QueryRowContext(ctx, `SELECT id, survey_answered_at FROM conversations WHERE survey_token = $1`, token).Scan(&id, &answered)
	if isNoRows(err) || token == "" {
		return notFound("survey")
	} else if err != nil {
		return err
	}
	if answered.Valid {
		return desk.CodedErrorf(desk.ECONFLICT, "survey_answered", "this survey has been answered already")
	}
	return s.recordRating(ctx, id, rating, "web")
}

// answerSurveyByReply records an inbound "1".."5" as the answer to the
// customer's latest unanswered survey of the last week, if any.
func (s *Store) answerSurveyByReply(ctx context.Context, res *desk.IngestResult) {
	rating, ok := desk.SurveyRating(res.Message.Text)
	if !ok || res.Customer == nil {
		return
	}
	var id desk.ID
	err := s.rd.QueryRowContext(ctx, `SELECT id FROM conversations WHERE customer_id = $1 AND survey_sent_at >= $2 AND survey_answered_at IS NULL
		ORDER BY survey_sent_at DESC, id DESC LIMIT 1`, int64(res.Customer.ID), micros(s.now().Add(-surveyAnswerWindow))).Scan(&id)
	if err == nil {
		// The message is stored whatever happens here; a lost race with
		// the web answer leaves the first answer in place.
		_ = s.recordRating(ctx, id, rating, "reply")
	}
}

// recordRating stores an answer once, with a survey_answered event.
func (s *Store) recordRating(ctx context.Context, id desk.ID, rating int, via string) error {
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		now := micros(s.now())
		res, err := tx.ExecContext(ctx, `UPDATE conversations SET survey_rating = $1, survey_answered_at = $2 WHERE id = $3 AND survey_answered_at IS NULL`, rating, now, int64(id))
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return desk.CodedErrorf(desk.ECONFLICT, "survey_answered", "this survey has been answered already")
		}
		return s.insertEventTx(ctx, tx, id, desk.EventSurveyAnswered, desk.SystemActor, now, map[string]any{"rating": rating, "via": via})
	})
	if err == nil {
		s.publishConversations(ctx, id)
	}
	return err
}

// keepLatestSurveyTx leaves only the most recent survey of two merged
// conversations (C8), on the survivor.
func (s *Store) keepLatestSurveyTx(ctx context.Context, tx *sql.Tx, survivor, older *desk.Conversation) error {
	if older.Survey == nil {
		return nil
	}
	var token string
	var sent int64
	var rating, answered sql.NullInt64
	if err := tx.QueryRowContext(ctx, `SELECT survey_token, survey_sent_at, survey_rating, survey_answered_at FROM conversations WHERE id = $1`,
		int64(older.ID)).Scan(&token, &sent, &rating, &answered); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `UPDATE conversations SET survey_token = NULL, survey_sent_at = NULL, survey_rating = NULL, survey_answered_at = NULL
		WHERE id = $1`, int64(older.ID)); err != nil {
		return err
	}
	if survivor.Survey != nil && !older.Survey.SentAt.After(survivor.Survey.SentAt) {
		return nil
	}
	_, err := tx.ExecContext(ctx, `UPDATE conversations SET survey_token = $1, survey_sent_at = $2, survey_rating = $3, survey_answered_at = $4 WHERE id = $5`,
		token, sent, rating, answered, int64(survivor.ID))
	return err
}
