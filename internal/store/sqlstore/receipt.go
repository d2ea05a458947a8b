package sqlstore

import (
	"context"
	"database/sql"

	"github.com/switchboard-cc/switchboard/internal/desk"
)

// ApplyReceipt moves an outbound message's delivery state forward (D2).
// Receipts arrive out of order (a "read" may beat its "delivered"), so a
// state never moves back.
func (s *Conversations) ApplyReceipt(ctx context.Context, r *desk.Receipt) (*desk.Message, error) {
	if err := requireSystem(ctx); err != nil {
		return nil, err
	}
	if desk.DeliveryRank(r.State) == 0 || r.State == desk.DeliveryQueued {
		return nil, desk.FieldErrorf("state", "unknown delivery state %q", r.State)
	}
	var m *desk.Message
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		var err error
		m, err = scanMessage(tx.QueryRowContext(ctx, `SELECT `+messageColumns+` FROM messages WHERE channel = $1 AND external_id = $2 AND direction = 'out'`,
			r.Channel, r.ExternalID))
		if isNoRows(err) {
			return notFound("message")
		} else if err != nil {
			return err
		}
		if desk.DeliveryRank(r.State) <= desk.DeliveryRank(m.DeliveryState) {
			return nil
		}
		m.DeliveryState, m.FailureReason = r.State, ""
		if r.State == desk.DeliveryFailed {
			m.FailureReason = r.Reason
			if m.FailureReason == "" {
				m.FailureReason = "the provider reported a failure"
			}
		}
		_, err = tx.ExecContext(ctx, `UPDATE messages SET delivery_state = $1, failure_reason = $2 WHERE id = $3`, m.DeliveryState, m.FailureReason, int64(m.ID))
		return err
	})
	if err != nil {
		return nil, err
	}
	s.publishMessageUpdates(ctx, m.ID)
	return m, nil
}
