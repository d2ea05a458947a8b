package http

import (
	"net/http"

	"github.com/switchboard-cc/switchboard/internal/desk"
)

// handlePushKey returns the VAPID public key the browser subscribes with.
func (s *Server) handlePushKey(w http.ResponseWriter, r *http.Request) error {
	if s.cfg.VAPIDPublicKey == "" {
		return desk.Errorf(desk.ENOTFOUND, "web push is not configured")
	}
	writeJSON(w, http.StatusOK, map[string]string{"public_key": s.cfg.VAPIDPublicKey})
	return nil
}

// pushSubscribeRequest is PushSubscription.toJSON().
type pushSubscribeRequest struct {
	Endpoint       string   `json:"endpoint"`
	ExpirationTime *float64 `json:"expirationTime"`
	Keys           struct {
		P256dh string `json:"p256dh"`
		Auth   string `json:"auth"`
	} `json:"keys"`
}

// handlePushSubscribe keeps the signed-in session's push subscription
// (A7): it ends with the session.
func (s *Server) handlePushSubscribe(w http.ResponseWriter, r *http.Request) error {
	var req pushSubscribeRequest
	if err := s.decode(r, &req); err != nil {
		return err
	}
	sid := identity(r.Context()).SessionID
	if sid == 0 {
		return desk.FieldErrorf("endpoint", "push subscriptions belong to a signed-in session, not a token")
	}
	sub := &desk.PushSubscription{SessionID: sid, AgentID: desk.ActorFromContext(r.Context()).AgentID, Endpoint: req.Endpoint,
		P256dh: req.Keys.P256dh, Auth: req.Keys.Auth}
	if err := s.cfg.Store.SavePushSubscription(r.Context(), sub); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// handlePushUnsubscribe drops the session's subscription.
func (s *Server) handlePushUnsubscribe(w http.ResponseWriter, r *http.Request) error {
	if err := s.cfg.Store.DeletePushSubscription(r.Context(), identity(r.Context()).SessionID); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
