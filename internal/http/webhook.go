package http

import (
	"context"
	"errors"
	"io"
	"net/http"
	"strings"

	"github.com/switchboard-cc/switchboard/internal/auth"
	"github.com/switchboard-cc/switchboard/internal/desk"
)

// ChannelAdapters builds the adapter of a configured channel; the server
// takes it as an interface so it depends on no adapter package.
type ChannelAdapters interface {
	Adapter(cfg *desk.ChannelConfig) (desk.Channel, error)
	DefaultProvider(kind string) string
}

// handleWebhook serves /webhooks/{provider}/{channel_id}: the channel's
// adapter checks the signature and parses; messages are ingested
// (idempotent on the provider's message ID) and receipts applied. A bad
// signature is 401 and logged without secrets; a malformed payload is 400
// and kept as a dead letter.
func (s *Server) handleWebhook(w http.ResponseWriter, r *http.Request) error {
	cs, err := s.channelStore()
	if err != nil {
		return err
	}
	id, err := pathID(r, "channel_id")
	if err != nil {
		return err
	}
	ctx := desk.NewContextWithActor(r.Context(), desk.SystemActor)
	cfg, ch, err := s.webhookChannels.get(id, func() (*desk.ChannelConfig, desk.Channel, error) {
		cfg, err := cs.FindChannelByID(ctx, id)
		if err != nil {
			return nil, nil, err
		}
		ch, err := s.cfg.Channels.Adapter(cfg)
		return cfg, ch, err
	})
	if err != nil {
		return err
	} else if cfg.Provider != r.PathValue("provider") {
		return desk.Errorf(desk.ENOTFOUND, "channel not found")
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, s.cfg.BodyLimit))
	var tooBig *http.MaxBytesError
	if errors.As(err, &tooBig) {
		return desk.CodedErrorf(desk.ETOOLARGE, "too_large", "the body is larger than %d bytes", s.cfg.BodyLimit)
	} else if err != nil {
		return desk.Errorf(desk.EINVALID, "could not read the body")
	}
	req := &desk.WebhookRequest{Method: r.Method, URL: requestURL(r), Header: r.Header, Query: r.URL.Query(), Body: body}
	res, err := ch.HandleWebhook(ctx, req)
	switch desk.ErrorKind(err) {
	case "":
	case desk.EUNAUTHENTICATED:
		s.cfg.Logger.Warn("webhook refused", "channel_id", cfg.ID.String(), "provider", cfg.Provider,
			"remote", auth.ClientIPFromContext(r.Context()), "reason", desk.ErrorMessage(err))
		return err
	case desk.EINVALID:
		return s.deadLetter(ctx, cs, cfg, r, body, err)
	default:
		return err
	}
	desk.CleanStrings(res) // the text rule: a signed payload with NUL is stored, not refused
	counts, err := s.deliverWebhook(ctx, cs, cfg, ch, r, body, res)
	if err != nil {
		return err
	}
	if rp := res.Reply; rp != nil {
		if rp.ContentType != "" {
			w.Header().Set("Content-Type", rp.ContentType)
		}
		w.WriteHeader(max(rp.Status, http.StatusOK))
		_, _ = w.Write(rp.Body)
		return nil
	}
	writeJSON(w, http.StatusOK, counts)
	return nil
}

// deadLetter keeps a refused payload for inspection and answers 400.
func (s *Server) deadLetter(ctx context.Context, cs desk.ChannelStore, cfg *desk.ChannelConfig, r *http.Request, body []byte, cause error) error {
	d := &desk.DeadLetter{ChannelID: cfg.ID, Provider: cfg.Provider, Reason: desk.ErrorMessage(cause), Header: safeHeader(r.Header), Body: string(body)}
	if err := cs.CreateDeadLetter(ctx, d); err != nil {
		return err
	}
	s.cfg.Logger.Warn("webhook payload refused", "channel_id", cfg.ID.String(), "provider", cfg.Provider,
		"dead_letter_id", d.ID.String(), "reason", d.Reason)
	return &desk.Error{Kind: desk.EINVALID, Code: "malformed_payload", Message: d.Reason, Detail: map[string]any{"dead_letter_id": d.ID.String()}}
}

// safeHeader keeps a request's headers minus anything that authenticates:
// credentials and signatures never reach the dead-letter table.
func safeHeader(h http.Header) map[string]string {
	out := map[string]string{}
	for k, v := range h {
		lk := strings.ToLower(k)
		if lk == "authorization" || lk == "cookie" || strings.Contains(lk, "signature") || strings.Contains(lk, "token") || len(v) == 0 {
			continue
		}
		out[k] = v[0]
	}
	return out
}

// requestURL is the URL the provider called, as far as the server can tell
// (behind a proxy, adapters that sign URLs take a webhook_url setting).
func requestURL(r *http.Request) string {
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	if p := r.Header.Get("X-Forwarded-Proto"); p == "https" || p == "http" {
		scheme = p
	}
	return scheme + "://" + r.Host + r.URL.RequestURI()
}
