package trunk

import (
	"context"
	"fmt"
	"net"
	"time"

	"github.com/emiago/sipgo"
	"github.com/emiago/sipgo/sip"

	"github.com/switchboard-cc/switchboard/internal/call"
	"github.com/switchboard-cc/switchboard/internal/media"
)

// Dial calls number for a blind transfer of callID in the background
// (call.Dialer): the answered number takes the agent's side of the bridge.
func (t *Trunk) Dial(ctx context.Context, callID, number string, ev call.ExternalEvents) {
	t.dialAsync(ctx, callID, number, ev, false, func(callID string, conn *net.UDPConn, remote *net.UDPAddr, _ []byte) error {
		return t.media.ConnectRTP(callID, conn, remote)
	})
}

// DialCustomer calls the customer's number for an agent's outbound call
// in the background (call.Dialer): the answered number becomes the call's
// customer, bridged to the agent's browser.
func (t *Trunk) DialCustomer(ctx context.Context, callID, number string, ev call.ExternalEvents) {
	t.dialAsync(ctx, callID, number, ev, true, func(callID string, conn *net.UDPConn, remote *net.UDPAddr, answer []byte) error {
		if err := t.media.AttachCustomerRTP(callID, conn, remote); err != nil {
			return err
		}
		// The agent's key presses reach the dialed customer (an IVR, a
		// voicemail) as the telephone-events their answer accepted.
		t.media.SetCustomerEvents(callID, telephoneEvent(answer))
		return nil
	})
}

func (t *Trunk) dialAsync(ctx context.Context, callID, number string, ev call.ExternalEvents, customer bool, attach attachFunc) {
	go func() {
		if reason, err := t.dial(ctx, callID, number, ev, customer, attach); err != nil {
			t.cfg.Log.Info("trunk: call failed", "call", callID, "number", number, "reason", reason, "err", err)
			ev.Failed(reason)
		}
	}()
}

// attachFunc hands an answered leg's RTP to the hub; answer is the far
// side's SDP.
type attachFunc func(callID string, conn *net.UDPConn, remote *net.UDPAddr, answer []byte) error

// dial runs one INVITE transaction to the end: on 2xx it ACKs, bridges the
// media with attach and watches for the far side's BYE, re-INVITEs and
// UPDATEs; otherwise it returns the reason for the agent (busy, declined,
// invalid_number, no_answer, rejected, unreachable, auth_failed).
// customer tells the leg is the call's customer (its re-negotiations
// reach the hub's customer leg).
func (t *Trunk) dial(ctx context.Context, callID, number string, ev call.ExternalEvents, customer bool, attach attachFunc) (string, error) {
	codec, ok := t.media.Codec(callID)
	if !ok {
		return "unreachable", fmt.Errorf("no media for the call")
	}
	conn, err := t.listenRTP()
	if err != nil {
		return "unreachable", err
	}
	local := newLocalSDP(t.host, conn.LocalAddr().(*net.UDPAddr).Port, codec, media.DefaultEventPT)
	to := t.proxy
	to.User = number
	dialog, err := t.dialogs.Invite(ctx, to, local.marshal(dirSendRecv), sip.NewHeader("Content-Type", "application/sdp"),
		sip.NewHeader("Allow", allowed))
	if err != nil {
		conn.Close()
		return "unreachable", err
	}
	// A hang-up while it rings cancels the wait, which sends CANCEL.
	wctx, cancel := context.WithTimeout(ctx, t.cfg.RingTimeout)
	stop := t.pending(callID, cancel)
	// A trunk that answers 401/407 gets the INVITE again with digest
	// credentials (sipgo retries once more on a stale nonce).
	var challenged bool
	err = dialog.WaitAnswer(wctx, sipgo.AnswerOptions{Username: t.cfg.Username, Password: t.cfg.Password,
		OnResponse: func(res *sip.Response) error {
			if res.StatusCode == sip.StatusUnauthorized || res.StatusCode == sip.StatusProxyAuthRequired {
				challenged = true
			}
			return nil
		}})
	stop()
	cancel()
	if err != nil {
		conn.Close()
		_ = dialog.Close()
		return failReason(err, wctx.Err() != nil, challenged), err
	}
	if err := dialog.Ack(ctx); err != nil {
		conn.Close()
		_ = dialog.Close()
		return "unreachable", err
	}
	remote, err := sdpAnswerAddr(dialog.InviteResponse.Body())
	if err == nil {
		err = attach(callID, conn, remote, dialog.InviteResponse.Body())
	}
	if err != nil {
		_ = dialog.Bye(ctx)
		_ = dialog.Close()
		return "rejected", err
	}
	leg := &session{dialog: dialog.ID, bye: dialog.Bye, close: dialog.Close, done: dialog.Context().Done(),
		request: dialog.Do, local: local, dir: dirSendRecv}
	if c := dialog.InviteResponse.Contact(); c != nil {
		leg.target = c.Address
	}
	if customer {
		leg.update = func(remote *net.UDPAddr, send, recv bool) error {
			return t.media.UpdateCustomerRTP(callID, remote, send, recv)
		}
	}
	t.track(callID, leg, ev.Ended)
	// A session timer the trunk's answer set: it refreshes (uas), or asks
	// us to (uac) though our INVITE did not offer it.
	if se, refresher, ok := sessionExpires(header(dialog.InviteResponse, "Session-Expires", "x")); ok && se >= time.Second {
		t.armTimer(leg, se, refresher == "uac")
	}
	ev.Answered()
	return "", nil
}
