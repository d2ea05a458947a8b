package sqlstore

import (
	"context"
	"database/sql"
	"time"

	"github.com/switchboard-cc/switchboard/internal/desk"
)

// qTouchWindow records an inbound message on a channel with a session
// window (D6), in the ingest's transaction.
const qTouchWindow = `INSERT INTO contact_windows (channel, address, last_inbound_at) VALUES ($1, $2, $3)
	ON CONFLICT (channel, address) DO UPDATE SET last_inbound_at = excluded.last_inbound_at
	WHERE contact_windows.last_inbound_at < excluded.last_inbound_at`

// touchWindowTx notes the contact's message when its channel has a window.
func (s *Conversations) touchWindowTx(ctx context.Context, tx *sql.Tx, in *desk.InboundMessage, at int64) error {
	if desk.CapabilitiesOf(in.Channel).SessionWindowHours == 0 || in.From == "" {
		return nil
	}
	_, err := s.txExec(ctx, tx, qTouchWindow, in.Channel, in.From, at)
	return err
}

// LastInboundAt returns when the contact last wrote on the channel (see
// desk.SessionWindowService).
func (s *Conversations) LastInboundAt(ctx context.Context, channel, address string) (*time.Time, error) {
	if _, err := desk.RequireActor(ctx); err != nil {
		return nil, err
	}
	if k, err := keyAddress(channel, address); err == nil {
		address = k // the window is kept under the contact's key (issue 16)
	}
	var at int64
	err := s.rd.QueryRowContext(ctx, `SELECT last_inbound_at FROM contact_windows WHERE channel = $1 AND address = $2`, channel, address).Scan(&at)
	if isNoRows(err) {
		return nil, nil
	} else if err != nil {
		return nil, err
	}
	t := fromMicros(at)
	return &t, nil
}
