package http

import (
	"net/http"

	"github.com/switchboard-cc/switchboard/internal/auth"
	"github.com/switchboard-cc/switchboard/internal/desk"
)

func (s *Server) handleTokenList(w http.ResponseWriter, r *http.Request) error {
	items, err := s.cfg.Store.FindIntegrationTokens(r.Context())
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, newList(items, ""))
	return nil
}

// handleTokenCreate returns the plaintext token once; only its hash is kept.
func (s *Server) handleTokenCreate(w http.ResponseWriter, r *http.Request) error {
	var req struct {
		Name   string   `json:"name"`
		Scopes []string `json:"scopes"`
	}
	if err := s.decode(r, &req); err != nil {
		return err
	}
	scopes := []string{auth.ScopeInbound} // without scopes: what tokens did before them
	if req.Scopes != nil {
		var err error
		if scopes, err = auth.NormalizeScopes(req.Scopes); err != nil {
			return err
		}
	}
	plain := auth.NewToken(auth.IntegrationPrefix)
	t := &desk.IntegrationToken{Name: req.Name, Scopes: scopes, TokenHash: auth.HashToken(plain)}
	if err := s.cfg.Store.CreateIntegrationToken(r.Context(), t); err != nil {
		return err
	}
	s.auth.Audit(r.Context(), &desk.AuditEntry{Type: desk.AuditTokenCreated, ActorID: &t.CreatedBy,
		Detail: map[string]any{"token_id": t.ID.String(), "name": t.Name, "scopes": t.Scopes}})
	writeJSON(w, http.StatusCreated, map[string]any{"id": t.ID, "name": t.Name, "scopes": t.Scopes, "token": plain,
		"created_by": t.CreatedBy, "created_at": t.CreatedAt})
	return nil
}

func (s *Server) handleTokenDelete(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if err := s.cfg.Store.DeleteIntegrationToken(r.Context(), id); err != nil {
		return err
	}
	s.cfg.Tokens.DropIntegrationToken(id)
	actor := desk.ActorFromContext(r.Context())
	s.auth.Audit(r.Context(), &desk.AuditEntry{Type: desk.AuditTokenDeleted, ActorID: &actor.AgentID,
		Detail: map[string]any{"token_id": id.String()}})
	w.WriteHeader(http.StatusNoContent)
	return nil
}
