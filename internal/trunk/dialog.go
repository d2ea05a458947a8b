package trunk

import (
	"strings"

	"github.com/emiago/sipgo/sip"
)

// allowed are the methods the trunk takes; every OPTIONS answer and every
// 405/501 names them (RFC 3261 §8.2.1, §20.5).
const allowed = "INVITE, ACK, BYE, CANCEL, OPTIONS, UPDATE"

// known are the SIP methods other than ours (RFC 3261, 3262, 3265, 3311,
// 3428, 3515, 3903, 6086): refused with 405, anything else with 501.
var known = map[string]bool{"REGISTER": true, "PRACK": true, "SUBSCRIBE": true, "NOTIFY": true,
	"PUBLISH": true, "INFO": true, "REFER": true, "MESSAGE": true}

// withAllow adds our Allow, Accept and Supported to a response.
func withAllow(res *sip.Response) *sip.Response {
	res.AppendHeader(sip.NewHeader("Allow", allowed))
	res.AppendHeader(sip.NewHeader("Accept", "application/sdp"))
	res.AppendHeader(sip.NewHeader("Supported", "timer"))
	return res
}

// onOptions answers a trunk's keepalive or capability query: 200 with
// what we take, in or out of a dialog.
func (t *Trunk) onOptions(req *sip.Request, tx sip.ServerTransaction) {
	_ = tx.Respond(withAllow(sip.NewResponseFromRequest(req, sip.StatusOK, "OK", nil)))
}

// onNoRoute refuses a method we do not take: 405 for a SIP method, 501
// for one we do not know, both with Allow.
func (t *Trunk) onNoRoute(req *sip.Request, tx sip.ServerTransaction) {
	code, reason := 501, "Not Implemented"
	if known[strings.ToUpper(req.Method.String())] {
		code, reason = sip.StatusMethodNotAllowed, "Method Not Allowed"
	}
	_ = tx.Respond(withAllow(sip.NewResponseFromRequest(req, code, reason, nil)))
}

// inDialog reports whether a request belongs to an established dialog
// (its To carries the tag our answer gave).
func inDialog(req *sip.Request) bool {
	if to := req.To(); to != nil && to.Params != nil {
		_, ok := to.Params.Get("tag")
		return ok
	}
	return false
}

// legOf finds the leg an in-dialog request belongs to: a call that
// arrived from the trunk (we are its UAS) or one we dialed (its UAC).
func (t *Trunk) legOf(req *sip.Request) *session {
	t.mu.Lock()
	defer t.mu.Unlock()
	if id, err := sip.DialogIDFromRequestUAS(req); err == nil {
		if s := t.byDialog[id]; s != nil {
			return s
		}
	}
	if id, err := sip.DialogIDFromRequestUAC(req); err == nil {
		return t.byDialog[id]
	}
	return nil
}

// onRenegotiate handles a re-INVITE or UPDATE inside a call's dialog —
// hold (sendonly or inactive, answered recvonly or inactive), resume, a
// new media address, a session refresh — without opening another call.
// A request for no dialog we know gets 481; a codec other than the
// call's, 488 (the call goes on as it was).
func (t *Trunk) onRenegotiate(req *sip.Request, tx sip.ServerTransaction) {
	s := t.legOf(req)
	if s == nil {
		_ = tx.Respond(sip.NewResponseFromRequest(req, sip.StatusCallTransactionDoesNotExists, "Call/Transaction Does Not Exist", nil))
		return
	}
	seq := req.CSeq().SeqNo
	s.mu.Lock()
	if seq <= s.remoteCSeq && s.remoteCSeq != 0 {
		s.mu.Unlock()
		// RFC 3261 §12.2.2: a request out of order is answered 500.
		_ = tx.Respond(sip.NewResponseFromRequest(req, sip.StatusInternalServerError, "Server Internal Error", nil))
		return
	}
	s.remoteCSeq = seq
	s.mu.Unlock()

	timer := negotiateTimer(req, t.minSE())
	if timer.tooSmall {
		_ = tx.Respond(tooSmall(req, t.minSE()))
		return
	}
	var body []byte
	if len(req.Body()) > 0 {
		offer, err := parseSDP(req.Body())
		if err != nil || !offer.offers(s.local.codec) {
			res := sip.NewResponseFromRequest(req, sip.StatusNotAcceptableHere, "Not Acceptable Here", nil)
			_ = tx.Respond(res)
			return
		}
		dir := offer.answerDir()
		s.mu.Lock()
		changed := dir != s.dir
		s.dir = dir
		if changed {
			body = s.local.next(dir)
		} else {
			body = s.local.marshal(dir)
		}
		s.mu.Unlock()
		if s.update != nil {
			// Silence from a party on hold is no hang-up, even when its
			// sendonly promised audio (many phones send none meanwhile):
			// the idle timeout waits for the resume.
			send := dir == dirSendRecv || dir == dirSendOnly
			if err := s.update(offer.addr, send, dir == dirSendRecv); err != nil {
				t.cfg.Log.Info("trunk: applying a re-negotiation", "call", s.callID, "err", err)
			}
		}
		t.cfg.Log.Info("trunk: media re-negotiated", "call", s.callID, "method", req.Method.String(), "direction", dir)
	} else if req.IsInvite() {
		// An offerless re-INVITE: our description is the offer, the
		// ACK's the answer (kept as it was).
		s.mu.Lock()
		body = s.local.marshal(s.dir)
		s.mu.Unlock()
	}
	res := sip.NewResponseFromRequest(req, sip.StatusOK, "OK", nil)
	if body != nil {
		res.AppendHeader(sip.NewHeader("Content-Type", "application/sdp"))
		res.SetBody(body)
	}
	res.AppendHeader(&sip.ContactHeader{Address: t.contact})
	for _, h := range timer.headers() {
		res.AppendHeader(h)
	}
	if err := tx.Respond(res); err != nil {
		t.cfg.Log.Info("trunk: answering a re-negotiation", "call", s.callID, "err", err)
		return
	}
	if timer.interval > 0 {
		t.armTimer(s, timer.interval, timer.refresher == "uas") // the uas of this refresh is us
	} else if s.hasTimer() {
		// A refresh without Session-Expires turns the timer off (RFC 4028 §9).
		t.armTimer(s, 0, false)
	}
}

// onAck takes the ACK of an answered INVITE (the first, or a re-INVITE's).
func (t *Trunk) onAck(req *sip.Request, tx sip.ServerTransaction) {
	_ = t.answered.ReadAck(req, tx)
}
