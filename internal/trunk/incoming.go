package trunk

import (
	"context"
	"net"

	"github.com/emiago/sipgo/sip"

	"github.com/switchboard-cc/switchboard/internal/call"
)

// onInvite takes a call arriving from the trunk (I1): the caller's G.711
// offer gets an RTP socket, the call service opens the call (its
// conversation, routing, ringing), and the INVITE is answered at once so
// the caller hears the queue's music while agents are rung. A caller who
// hangs up (BYE) ends the call. A CANCEL before the answer ends the
// attempt (sipgo answers 487 to the INVITE) and the call with it; a
// Session-Expires asks for RFC 4028 session timers (see timer.go).
func (t *Trunk) onInvite(req *sip.Request, tx sip.ServerTransaction) {
	if t.cfg.Calls == nil || !t.fromTrunk(req.Source()) {
		t.cfg.Log.Info("trunk: refusing an INVITE", "source", req.Source())
		_ = tx.Respond(sip.NewResponseFromRequest(req, sip.StatusForbidden, "Forbidden", nil))
		return
	}
	// A session interval under our minimum is refused before any call
	// opens (RFC 4028 §9: 422 with Min-SE; the caller retries).
	timer := negotiateTimer(req, t.minSE())
	if timer.tooSmall {
		_ = tx.Respond(tooSmall(req, t.minSE()))
		return
	}
	dialog, err := t.answered.ReadInvite(req, tx)
	if err != nil {
		_ = tx.Respond(sip.NewResponseFromRequest(req, sip.StatusBadRequest, "Bad Request", nil))
		return
	}
	codec, remote, err := sdpOfferMedia(req.Body())
	if err != nil {
		t.cfg.Log.Info("trunk: refusing a call", "err", err)
		_ = dialog.Respond(sip.StatusNotAcceptableHere, "Not Acceptable Here", nil)
		_ = dialog.Close()
		return
	}
	_ = dialog.Respond(sip.StatusTrying, "Trying", nil)
	conn, err := t.listenRTP()
	if err != nil {
		t.cfg.Log.Warn("trunk: no RTP port for a call", "err", err)
		_ = dialog.Respond(sip.StatusServiceUnavailable, "Service Unavailable", nil)
		_ = dialog.Close()
		return
	}
	port := conn.LocalAddr().(*net.UDPAddr).Port
	from, to := req.From().Address.User, req.To().Address.User
	ctx := context.Background()
	callID, err := t.cfg.Calls.IncomingSIP(ctx, from, to, func(id string) error {
		return t.media.ConnectCustomerRTP(id, codec, conn, remote)
	})
	if err != nil {
		t.cfg.Log.Info("trunk: refusing a call", "from", from, "err", err)
		conn.Close() // no-op when the hub took it
		_ = dialog.Respond(sip.StatusTemporarilyUnavailable, "Temporarily Unavailable", nil)
		_ = dialog.Close()
		return
	}
	// The caller's telephone-event, if offered, carries the agent's keys.
	event := telephoneEvent(req.Body())
	t.media.SetCustomerEvents(callID, event)
	gone := func() { _, _ = t.cfg.Calls.Hangup(ctx, callID, 0, call.ByCustomer) }
	leg := &session{dialog: dialog.ID, bye: dialog.Bye, close: dialog.Close, done: dialog.Context().Done(),
		request: dialog.Do, local: newLocalSDP(t.host, port, codec, event), dir: dirSendRecv, remoteCSeq: req.CSeq().SeqNo,
		update: func(remote *net.UDPAddr, send, recv bool) error {
			return t.media.UpdateCustomerRTP(callID, remote, send, recv)
		}}
	if c := req.Contact(); c != nil {
		leg.target = c.Address
	}
	t.track(callID, leg, gone)
	res := sip.NewSDPResponseFromRequest(dialog.InviteRequest, leg.local.marshal(dirSendRecv))
	res.AppendHeader(sip.NewHeader("Allow", allowed))
	res.AppendHeader(sip.NewHeader("Supported", "timer"))
	for _, h := range timer.headers() {
		res.AppendHeader(h)
	}
	if err := dialog.WriteResponse(res); err != nil {
		// A CANCEL came first (sipgo answered it and the INVITE 487),
		// or no ACK came: the caller is gone.
		t.cfg.Log.Info("trunk: answering a call", "call", callID, "err", err)
		_ = dialog.Close()
		t.mu.Lock()
		leg.hungUp = true
		t.mu.Unlock()
		gone()
		return
	}
	t.armTimer(leg, timer.interval, timer.refresher == "uas")
}

// fromTrunk reports whether a request's source address (host:port) is the
// trunk's: only the provider may place calls into the contact center, not
// whoever reaches the SIP port.
func (t *Trunk) fromTrunk(source string) bool {
	host, _, err := net.SplitHostPort(source)
	if err != nil {
		return false
	}
	if host == t.proxy.Host {
		return true
	}
	addrs, err := net.LookupHost(t.proxy.Host)
	if err != nil {
		return false
	}
	for _, a := range addrs {
		if a == host {
			return true
		}
	}
	return false
}
