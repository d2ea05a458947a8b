package sqlstore

import (
	"context"
	"database/sql"
	"time"

	"github.com/switchboard-cc/switchboard/internal/desk"
	"github.com/switchboard-cc/switchboard/internal/survey"
)

// sendSurveyTx sends the CSAT survey (C12) the caller asked for (want,
// decided by survey.Owed in the use case) when this change of c from
// oldStatus is the one that solves or closes it (survey.Due, on the
// store's own read): a message on the conversation's channel, through the
// outbox when a channel is configured for its sender. It returns the
// message's ID, or 0.
func (s *Conversations) sendSurveyTx(ctx context.Context, tx *sql.Tx, actor *desk.Actor, c *desk.Conversation, oldStatus string, want bool, now time.Time) (desk.ID, error) {
	if !want || !survey.Due(c, oldStatus) {
		return 0, nil
	}
	return s.sendSurveyNowTx(ctx, tx, actor, c, now)
}

// sendSurveyNowTx sends c's CSAT survey (C12), which the caller has found
// due (survey.Due): the survey.Question with a fresh token, a message on the conversation's channel, through the outbox when a
// channel is configured for its sender. It returns the message's ID.
// The conversation's survey columns are claimed first, only while it has
// none: once per conversation holds in the write itself, even against a
// concurrent change that decided from the same read (then this sends
// nothing and returns 0).
func (s *Conversations) sendSurveyNowTx(ctx context.Context, tx *sql.Tx, actor *desk.Actor, c *desk.Conversation, now time.Time) (desk.ID, error) {
	token := survey.NewToken()
	res, err := tx.ExecContext(ctx, `UPDATE conversations SET survey_token = $1, survey_sent_at = $2 WHERE id = $3 AND survey_sent_at IS NULL`, token, micros(now), int64(c.ID))
	if err != nil {
		return 0, err
	} else if n, _ := res.RowsAffected(); n == 0 {
		return 0, nil
	}
	m := &desk.Message{ConversationID: c.ID, Kind: desk.KindMessage, Direction: desk.DirectionOut, Type: desk.TypeText,
		Text: survey.Question(s.publicURL, token), Channel: c.Channel, From: c.SenderAddress, To: c.ContactAddress,
		DeliveryState: desk.DeliveryQueued, CreatedAt: now}
	var channelID int64
	err = tx.QueryRowContext(ctx, `SELECT id FROM channels WHERE kind = $1 AND sender = $2 ORDER BY id LIMIT 1`, c.Channel, c.SenderAddress).Scan(&channelID)
	if err == nil {
		m.Send = &desk.SendRequest{ChannelID: desk.ID(channelID)}
	} else if !isNoRows(err) {
		return 0, err
	}
	if err := s.insertAgentMessageTx(ctx, tx, m, now); err != nil {
		return 0, err
	}
	return m.ID, s.insertEventTx(ctx, tx, c.ID, desk.EventSurveySent, actor, micros(now), map[string]any{"message_id": m.ID.String()})
}

// FindSurveyByToken returns the conversation whose survey has the token
// and that survey; ENOTFOUND for none.
func (s *Conversations) FindSurveyByToken(ctx context.Context, token string) (desk.ID, *desk.Survey, error) {
	var id desk.ID
	var sent int64
	var rating, answered sql.NullInt64
	err := s.rd.QueryRowContext(ctx, `SELECT id, survey_sent_at, survey_rating, survey_answered_at FROM conversations WHERE survey_token = $1`, token).
		Scan(&id, &sent, &rating, &answered)
	if isNoRows(err) || token == "" {
		return 0, nil, notFound("survey")
	} else if err != nil {
		return 0, nil, err
	}
	sv := &desk.Survey{SentAt: fromMicros(sent), AnsweredAt: nullTime(answered)}
	if rating.Valid {
		r := int(rating.Int64)
		sv.Rating = &r
	}
	return id, sv, nil
}

// LatestOpenSurvey returns the conversation of the customer's most recent
// unanswered survey sent at or after since; ENOTFOUND for none.
func (s *Conversations) LatestOpenSurvey(ctx context.Context, customerID desk.ID, since time.Time) (desk.ID, error) {
	var id desk.ID
	err := s.rd.QueryRowContext(ctx, `SELECT id FROM conversations WHERE customer_id = $1 AND survey_sent_at >= $2 AND survey_answered_at IS NULL
		ORDER BY survey_sent_at DESC, id DESC LIMIT 1`, int64(customerID), micros(since)).Scan(&id)
	if isNoRows(err) {
		return 0, notFound("survey")
	}
	return id, err
}

// WriteSurveyAnswer stores the rating of a conversation's survey once,
// with a survey_answered event naming via, in one transaction: ECONFLICT
// survey_answered when it was answered meanwhile.
func (s *Conversations) WriteSurveyAnswer(ctx context.Context, id desk.ID, rating int, via string) error {
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
// conversations (C8), on the survivor (survey.Merged).
func (s *Conversations) keepLatestSurveyTx(ctx context.Context, tx *sql.Tx, survivor, older *desk.Conversation) error {
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
	if !survey.Merged(survivor.Survey, older.Survey) {
		return nil
	}
	_, err := tx.ExecContext(ctx, `UPDATE conversations SET survey_token = $1, survey_sent_at = $2, survey_rating = $3, survey_answered_at = $4 WHERE id = $5`,
		token, sent, rating, answered, int64(survivor.ID))
	return err
}
