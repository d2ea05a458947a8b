package trunk

import (
	"context"
	"fmt"
	"net"

	"github.com/emiago/sipgo"
	"github.com/emiago/sipgo/sip"

	"github.com/switchboard-cc/switchboard/internal/call"
	"github.com/switchboard-cc/switchboard/internal/media"
)

// Dial calls number for a blind transfer of callID in the background
// (call.Dialer): the answered number takes the agent's side of the bridge.
func (t *Trunk) Dial(ctx context.Context, callID, number string, ev call.ExternalEvents) {
	t.dialAsync(ctx, callID, number, ev, func(callID string, conn *net.UDPConn, remote *net.UDPAddr, _ []byte) error {
		return t.media.ConnectRTP(callID, conn, remote)
	})
}

// DialCustomer calls the customer's number for an agent's outbound call
// in the background (call.Dialer): the answered number becomes the call's
// customer, bridged to the agent's browser.
func (t *Trunk) DialCustomer(ctx context.Context, callID, number string, ev call.ExternalEvents) {
	t.dialAsync(ctx, callID, number, ev, func(callID string, conn *net.UDPConn, remote *net.UDPAddr, answer []byte) error {
		if err := t.media.AttachCustomerRTP(callID, conn, remote); err != nil {
			return err
		}
		// The agent's key presses reach the dialed customer (an IVR, a
		// voicemail) as the telephone-events their answer accepted.
		t.media.SetCustomerEvents(callID, telephoneEvent(answer))
		return nil
	})
}

func (t *Trunk) dialAsync(ctx context.Context, callID, number string, ev call.ExternalEvents, attach attachFunc) {
	go func() {
		if reason, err := t.dial(ctx, callID, number, ev, attach); err != nil {
			t.cfg.Log.Info("trunk: call failed", "call", callID, "number", number, "reason", reason, "err", err)
			ev.Failed(reason)
		}
	}()
}

// attachFunc hands an answered leg's RTP to the hub; answer is the far
// side's SDP.
type attachFunc func(callID string, conn *net.UDPConn, remote *net.UDPAddr, answer []byte) error

// dial runs one INVITE transaction to the end: on 2xx it ACKs, bridges the
// media with attach and watches for the far side's BYE; otherwise it
// returns the reason for the agent (busy, no_answer, rejected,
// unreachable).
func (t *Trunk) dial(ctx context.Context, callID, number string, ev call.ExternalEvents, attach attachFunc) (string, error) {
	codec, ok := t.media.Codec(callID)
	if !ok {
		return "unreachable", fmt.Errorf("no media for the call")
	}
	conn, err := net.ListenUDP("udp4", &net.UDPAddr{IP: net.ParseIP(t.host)})
	if err != nil {
		return "unreachable", err
	}
	offer := sdpOffer(t.host, conn.LocalAddr().(*net.UDPAddr).Port, codec, media.DefaultEventPT)
	to := t.proxy
	to.User = number
	dialog, err := t.dialogs.Invite(ctx, to, offer, sip.NewHeader("Content-Type", "application/sdp"))
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
	t.track(callID, &session{bye: dialog.Bye, close: dialog.Close, done: dialog.Context().Done()}, ev.Ended)
	ev.Answered()
	return "", nil
}
