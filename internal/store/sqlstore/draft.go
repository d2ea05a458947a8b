package sqlstore

import (
	"context"
	"database/sql"

	"github.com/switchboard-cc/switchboard/internal/desk"
)

// SaveDraft upserts the caller's draft of a visible conversation (H2).
func (s *Conversations) SaveDraft(ctx context.Context, d *desk.Draft) error {
	actor, err := desk.RequireActor(ctx)
	if err != nil {
		return err
	}
	if err := d.Validate(); err != nil {
		return err
	}
	if _, err := s.findConversation(ctx, s.rd, actor, d.ConversationID); err != nil {
		return err
	}
	d.AgentID, d.UpdatedAt = actor.AgentID, s.now()
	return upsertDraftTx(ctx, s.w, d)
}

// upsertDraftTx stores d, replacing the agent's draft of the conversation.
func upsertDraftTx(ctx context.Context, tx interface {
	ExecContext(context.Context, string, ...any) (sql.Result, error)
}, d *desk.Draft) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO drafts (conversation_id, agent_id, text, subject, cc, bcc, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7)
		ON CONFLICT (conversation_id, agent_id) DO UPDATE SET text = excluded.text, subject = excluded.subject, cc = excluded.cc, bcc = excluded.bcc,
		updated_at = excluded.updated_at`,
		int64(d.ConversationID), int64(d.AgentID), d.Text, d.Subject, jsonList(d.CC), jsonList(d.BCC), micros(d.UpdatedAt))
	return err
}

// FindDraft returns the caller's draft of a visible conversation.
func (s *Conversations) FindDraft(ctx context.Context, convID desk.ID) (*desk.Draft, error) {
	actor, err := desk.RequireActor(ctx)
	if err != nil {
		return nil, err
	}
	if _, err := s.findConversation(ctx, s.rd, actor, convID); err != nil {
		return nil, err
	}
	d := &desk.Draft{ConversationID: convID, AgentID: actor.AgentID}
	var cc, bcc string
	var at int64
	err = s.rd.QueryRowContext(ctx, `SELECT text, subject, cc, bcc, updated_at FROM drafts WHERE conversation_id = $1 AND agent_id = $2`,
		int64(convID), int64(actor.AgentID)).Scan(&d.Text, &d.Subject, &cc, &bcc, &at)
	if isNoRows(err) {
		return nil, notFound("draft")
	} else if err != nil {
		return nil, err
	}
	d.UpdatedAt, d.CC, d.BCC = fromMicros(at), []string{}, []string{}
	if err := scanJSON(cc, &d.CC); err != nil {
		return nil, err
	}
	return d, scanJSON(bcc, &d.BCC)
}

// DeleteDraft removes the caller's draft of a visible conversation.
func (s *Conversations) DeleteDraft(ctx context.Context, convID desk.ID) error {
	actor, err := desk.RequireActor(ctx)
	if err != nil {
		return err
	}
	if _, err := s.findConversation(ctx, s.rd, actor, convID); err != nil {
		return err
	}
	_, err = s.w.ExecContext(ctx, `DELETE FROM drafts WHERE conversation_id = $1 AND agent_id = $2`, int64(convID), int64(actor.AgentID))
	return err
}
