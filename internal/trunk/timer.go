package trunk

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/emiago/sipgo/sip"
)

// Session timers (RFC 4028): a carrier asks with Session-Expires that the
// session be refreshed (a re-INVITE or UPDATE) within an interval, by the
// refresher it or we name. The side that does not refresh ends a session
// whose refresh never came with BYE, so a call whose far end vanished
// does not stay up.

// DefaultMinSE is the smallest session interval accepted (RFC 4028 §4:
// at least 90 seconds).
const DefaultMinSE = 90 * time.Second

// headers is a request's or response's header access.
type headers interface {
	GetHeader(name string) sip.Header
	GetHeaders(name string) []sip.Header
}

// header returns the value of a header given by its full or compact name.
func header(m headers, names ...string) string {
	for _, n := range names {
		if h := m.GetHeader(n); h != nil {
			return h.Value()
		}
	}
	return ""
}

// hasOption reports whether a Supported or Require list names opt.
func hasOption(m headers, opt string, names ...string) bool {
	for _, n := range names {
		for _, h := range m.GetHeaders(n) {
			for _, v := range strings.Split(h.Value(), ",") {
				if strings.EqualFold(strings.TrimSpace(v), opt) {
					return true
				}
			}
		}
	}
	return false
}

// sessionExpires reads a Session-Expires value: the interval in seconds
// and the refresher ("uac", "uas" or "").
func sessionExpires(v string) (time.Duration, string, bool) {
	if v == "" {
		return 0, "", false
	}
	parts := strings.Split(v, ";")
	n, err := strconv.Atoi(strings.TrimSpace(parts[0]))
	if err != nil || n <= 0 {
		return 0, "", false
	}
	refresher := ""
	for _, p := range parts[1:] {
		if k, val, ok := strings.Cut(strings.TrimSpace(p), "="); ok && strings.EqualFold(k, "refresher") {
			refresher = strings.ToLower(strings.TrimSpace(val))
		}
	}
	return time.Duration(n) * time.Second, refresher, true
}

// timerAnswer is what a request's Session-Expires leads to.
type timerAnswer struct {
	// tooSmall: answer 422 with our Min-SE.
	tooSmall bool
	// interval is the session interval (0: no session timer), refresher
	// who refreshes, uas meaning us.
	interval  time.Duration
	refresher string
	// require: the UAC supports timers, so the 2xx says Require: timer.
	require bool
}

// negotiateTimer answers an INVITE or UPDATE we receive as the dialog's
// UAS of this transaction (RFC 4028 §9). A UAC that does not support
// timers while a proxy asked for one leaves us the refresher, which we
// are only when it accepts UPDATE (our refresh); otherwise no timer runs.
func negotiateTimer(req *sip.Request, minSE time.Duration) timerAnswer {
	se, refresher, ok := sessionExpires(header(req, "Session-Expires", "x"))
	if !ok {
		return timerAnswer{}
	}
	if se < minSE {
		return timerAnswer{tooSmall: true}
	}
	if !hasOption(req, "timer", "Supported", "k") {
		if !hasOption(req, "UPDATE", "Allow") {
			return timerAnswer{}
		}
		return timerAnswer{interval: se, refresher: "uas"}
	}
	if refresher != "uas" {
		refresher = "uac"
	}
	return timerAnswer{interval: se, refresher: refresher, require: true}
}

// headers are what the 2xx carries for the negotiated timer.
func (a timerAnswer) headers() []sip.Header {
	if a.interval == 0 {
		return nil
	}
	hs := []sip.Header{sip.NewHeader("Session-Expires", fmt.Sprintf("%d;refresher=%s", int(a.interval/time.Second), a.refresher))}
	if a.require {
		hs = append(hs, sip.NewHeader("Require", "timer"))
	}
	return hs
}

// tooSmall is the 422 answer to an interval under minSE.
func tooSmall(req *sip.Request, minSE time.Duration) *sip.Response {
	res := sip.NewResponseFromRequest(req, 422, "Session Interval Too Small", nil)
	res.AppendHeader(sip.NewHeader("Min-SE", strconv.Itoa(int(minSE/time.Second))))
	return res
}

// armTimer (re)starts a leg's session timer after a refresh: we refresh
// (UPDATE) at half the interval; otherwise the far side must, and
// without its refresh we send BYE shortly before the interval ends
// (RFC 4028 §10: the interval less a third, at most 32 seconds less).
// interval 0 stops the timer.
func (t *Trunk) armTimer(s *session, interval time.Duration, weRefresh bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.timer != nil {
		s.timer.Stop()
		s.timer = nil
	}
	if interval <= 0 || s.ended {
		return
	}
	if weRefresh {
		s.timer = time.AfterFunc(interval/2, func() { t.refresh(s, interval) })
		return
	}
	s.timer = time.AfterFunc(interval-min(32*time.Second, interval/3), func() {
		t.cfg.Log.Info("trunk: no session refresh, ending the call", "call", s.callID, "interval", interval)
		t.expire(s)
	})
}

// refresh sends our UPDATE refreshing the session; a far side that does
// not answer it, or answers 408/481, has lost the call.
func (t *Trunk) refresh(s *session, interval time.Duration) {
	if s.request == nil {
		return
	}
	req := sip.NewRequest(sip.UPDATE, s.target)
	req.AppendHeader(sip.NewHeader("Session-Expires", fmt.Sprintf("%d;refresher=uac", int(interval/time.Second))))
	req.AppendHeader(sip.NewHeader("Supported", "timer"))
	ctx, cancel := context.WithTimeout(context.Background(), 32*time.Second)
	defer cancel()
	res, err := s.request(ctx, req)
	switch {
	case err != nil || res.StatusCode == 408 || res.StatusCode == 481:
		t.cfg.Log.Info("trunk: session refresh failed, ending the call", "call", s.callID, "err", err)
		t.expire(s)
	case res.IsSuccess():
		t.armTimer(s, interval, true)
	default:
		// A refusal (e.g. 491 glare) keeps the session; retry later.
		t.armTimer(s, interval, true)
	}
}

// expire ends a leg whose session expired: BYE to the far side and the
// call ended as the customer's hang-up would.
func (t *Trunk) expire(s *session) {
	t.mu.Lock()
	legs := t.sessions[s.callID]
	for i, v := range legs {
		if v == s {
			t.sessions[s.callID] = append(legs[:i:i], legs[i+1:]...)
			break
		}
	}
	if len(t.sessions[s.callID]) == 0 {
		delete(t.sessions, s.callID)
	}
	s.hungUp = true
	delete(t.byDialog, s.dialog)
	t.mu.Unlock()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_ = s.bye(ctx)
	_ = s.close()
	s.stop()
	if s.gone != nil {
		s.gone()
	}
}
