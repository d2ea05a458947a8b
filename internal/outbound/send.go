package outbound

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"time"

	"github.com/switchboard-cc/switchboard/internal/desk"
	"github.com/switchboard-cc/switchboard/internal/safehttp"
	"github.com/switchboard-cc/switchboard/internal/trace"
	"go.opentelemetry.io/otel/attribute"
	oteltrace "go.opentelemetry.io/otel/trace"
)

// send makes one attempt and classifies it: sent; failed when retrying
// cannot help (EINVALID from the adapter, a deleted channel) or attempts
// are exhausted; otherwise retried after an exponential backoff.
func (w *Worker) send(sys context.Context, j *desk.SendJob) desk.SendOutcome {
	o := desk.SendOutcome{JobID: j.ID, MessageID: j.MessageID}
	if j.InDoubt {
		w.log.Warn("sending a reply again whose last attempt may have reached the provider; flagged maybe_duplicate",
			"message_id", j.MessageID.String(), "channel_id", j.ChannelID.String(), "attempt", j.Attempts)
	}
	// A send dispatched by the write that queued it joins its trace; the
	// provider call (the adapters' HTTP transport) is its child.
	if j.Trace != "" {
		var span oteltrace.Span
		sys, span = trace.StartFrom(sys, j.Trace, "outbox.send", oteltrace.WithAttributes(
			attribute.String("message_id", j.MessageID.String()), attribute.Int("attempt", j.Attempts)))
		defer func() { span.SetAttributes(attribute.String("result", o.Result)); span.End() }()
	}
	ch, err := w.adapter(sys, j.ChannelID)
	if err == nil {
		ctx, cancel := context.WithTimeout(sys, w.cfg.SendTimeout)
		if w.media != nil && len(j.Message.Attachments) > 0 {
			w.media.PrepareMedia(ctx, &j.Message)
		}
		var res *desk.SendResult
		res, err = ch.Send(ctx, &j.Message)
		cancel()
		if err == nil {
			o.Result, o.ExternalID = desk.SendSent, res.ExternalID
			return o
		}
	}
	o.Reason = desk.ErrorMessage(err)
	if desk.ErrorKind(err) == desk.EINTERNAL {
		o.Reason = err.Error() // transport errors: the operator needs them
	}
	if desk.ErrorCode(err) == "contact_opted_out" {
		w.recordOptOut(sys, j, o.Reason)
	}
	kind := desk.ErrorKind(err)
	switch {
	case errors.Is(err, safehttp.ErrBlocked):
		// The provider's URL names an address the SSRF guard refuses:
		// retrying cannot help until an admin fixes it or allows it.
		o.Result, o.Reason = desk.SendFailed, "the channel's provider URL is a private address; allow it with --outbound-allow"
	case kind == desk.EINVALID || kind == desk.ENOTFOUND:
		o.Result = desk.SendFailed
	case j.Attempts >= w.cfg.MaxAttempts:
		o.Result, o.Reason = desk.SendFailed, fmt.Sprintf("gave up after %d attempts: %s", j.Attempts, o.Reason)
	default:
		o.Result, o.NextAttemptAt = desk.SendRetry, w.clock.Now().Add(w.backoff(j.Attempts))
	}
	w.log.Warn("send attempt failed", "message_id", j.MessageID.String(), "channel_id", j.ChannelID.String(),
		"attempt", j.Attempts, "outcome", o.Result, "reason", o.Reason)
	return o
}

// backoff is BaseBackoff·2^(attempt-1), capped, with up to 20% jitter so
// retries of a provider outage do not arrive together.
func (w *Worker) backoff(attempt int) time.Duration {
	d := float64(w.cfg.BaseBackoff) * math.Pow(2, float64(attempt-1))
	d = math.Min(d, float64(w.cfg.MaxBackoff))
	return time.Duration(d * (1 + 0.2*rand.Float64()))
}

// adapter returns the channel's adapter, reusing it for AdapterCache so a
// burst does not read the channel row for every message.
func (w *Worker) adapter(sys context.Context, id desk.ID) (desk.Channel, error) {
	now := time.Now()
	w.mu.Lock()
	c, ok := w.cache[id]
	w.mu.Unlock()
	if ok && now.Sub(c.at) < w.cfg.AdapterCache {
		return c.ch, c.err
	}
	cfg, err := w.store.FindChannelByID(sys, id)
	var ch desk.Channel
	if err == nil {
		ch, err = w.adapters.Adapter(cfg)
		if err != nil {
			err = desk.Errorf(desk.EINVALID, "channel %s is misconfigured: %s", id, desk.ErrorMessage(err))
		}
	}
	w.mu.Lock()
	w.cache[id] = cachedAdapter{ch: ch, err: err, at: now}
	w.mu.Unlock()
	return ch, err
}
