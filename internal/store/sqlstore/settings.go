package sqlstore

import (
	"context"
	"strings"

	"github.com/switchboard-cc/switchboard/internal/desk"
)

// keyTransferPolicy is the settings row of desk.TransferPolicy.
const keyTransferPolicy = "external_transfer"

// FindTransferPolicy returns the external-transfer setting (I3).
func (s *Config) FindTransferPolicy(ctx context.Context) (*desk.TransferPolicy, error) {
	if _, err := desk.RequireActor(ctx); err != nil {
		return nil, err
	}
	p := &desk.TransferPolicy{}
	var v string
	err := s.rd.QueryRowContext(ctx, `SELECT value FROM settings WHERE key = $1`, keyTransferPolicy).Scan(&v)
	if isNoRows(err) {
		return p, nil
	} else if err != nil {
		return nil, err
	}
	return p, scanJSON(v, p)
}

// UpdateTransferPolicy replaces the external-transfer setting (supervisor+).
func (s *Config) UpdateTransferPolicy(ctx context.Context, p *desk.TransferPolicy) error {
	_, err := s.w.ExecContext(ctx, `INSERT INTO settings (key, value, updated_at) VALUES ($1, $2, $3)
		ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`, keyTransferPolicy, mustJSON(p), micros(s.now()))
	return err
}

// IsPhoneContact reports whether number is a People contact on a phone
// channel; stored numbers are compared with and without the leading +.
func (s *Config) IsPhoneContact(ctx context.Context, number string) (bool, error) {
	if _, err := desk.RequireActor(ctx); err != nil {
		return false, err
	}
	var n int
	err := s.rd.QueryRowContext(ctx, `SELECT count(*) FROM contacts WHERE channel IN ('voice', 'sms', 'whatsapp', 'viber') AND address IN ($1, $2)`,
		number, strings.TrimPrefix(number, "+")).Scan(&n)
	return n > 0, err
}
