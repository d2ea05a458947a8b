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
// hangs up (BYE) ends the call.
func (t *Trunk) onInvite(req *sip.Request, tx sip.ServerTransaction) {
	if t.cfg.Calls == nil || !t.fromTrunk(req.Source()) {
		t.cfg.Log.Info("trunk: refusing an INVITE", "source", req.Source())
		_ = tx.Respond(sip.NewResponseFromRequest(req, sip.StatusForbidden, "Forbidden", nil))
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
	conn, err := net.ListenUDP("udp4", &net.UDPAddr{IP: net.ParseIP(t.host)})
	if err != nil {
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
	t.track(callID, &session{bye: dialog.Bye, close: dialog.Close, done: dialog.Context().Done()}, gone)
	if err := dialog.RespondSDP(sdpOffer(t.host, port, codec, event)); err != nil {
		// No ACK: the caller is gone.
		t.cfg.Log.Info("trunk: answering a call", "call", callID, "err", err)
		_ = dialog.Close()
		gone()
	}
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
