// Package trunk is Switchboard's SIP trunk client (I3): it dials external
// E.164 numbers over SIP/UDP with sipgo, offers the call's G.711 codec on a
// plain RTP socket, and hands the answered media to the hub, so the
// customer's WebRTC leg bridges to the trunk without transcoding. It
// implements call.Dialer.
package trunk

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"strconv"
	"sync"
	"time"

	"github.com/emiago/sipgo"
	"github.com/emiago/sipgo/sip"

	"github.com/switchboard-cc/switchboard/internal/call"
	"github.com/switchboard-cc/switchboard/internal/media"
)

// Config tunes the trunk.
type Config struct {
	// Listen is the local SIP/UDP address (host:port); its host is also
	// the address offered for RTP.
	Listen string
	// Proxy is the trunk's SIP address (host:port) calls are sent to.
	Proxy string
	// RingTimeout bounds the wait for an answer (default 30 s).
	RingTimeout time.Duration
	Log         *slog.Logger
}

// Media is what the trunk needs of the media hub.
type Media interface {
	Codec(callID string) (media.Codec, bool)
	ConnectRTP(callID string, conn *net.UDPConn, remote *net.UDPAddr) error
}

// Trunk places calls to a SIP trunk.
type Trunk struct {
	cfg     Config
	media   Media
	host    string
	port    int
	proxy   sip.Uri
	ua      *sipgo.UserAgent
	srv     *sipgo.Server
	dialogs *sipgo.DialogClientCache

	mu       sync.Mutex
	sessions map[string]*session
}

// session is one external leg.
type session struct {
	dialog *sipgo.DialogClientSession
	hungUp bool
}

// New prepares a trunk; Start begins listening.
func New(cfg Config, m Media) (*Trunk, error) {
	if cfg.RingTimeout <= 0 {
		cfg.RingTimeout = 30 * time.Second
	}
	if cfg.Log == nil {
		cfg.Log = slog.Default()
	}
	host, portStr, err := net.SplitHostPort(cfg.Listen)
	if err != nil {
		return nil, fmt.Errorf("trunk: listen address: %w", err)
	}
	port, _ := strconv.Atoi(portStr)
	phost, pport, err := net.SplitHostPort(cfg.Proxy)
	if err != nil {
		return nil, fmt.Errorf("trunk: proxy address: %w", err)
	}
	pp, _ := strconv.Atoi(pport)
	ua, err := sipgo.NewUA(sipgo.WithUserAgent("Switchboard"), sipgo.WithUserAgentHostname(host))
	if err != nil {
		return nil, err
	}
	client, err := sipgo.NewClient(ua, sipgo.WithClientHostname(host), sipgo.WithClientPort(port))
	if err != nil {
		return nil, err
	}
	srv, err := sipgo.NewServer(ua)
	if err != nil {
		return nil, err
	}
	t := &Trunk{cfg: cfg, media: m, host: host, port: port, proxy: sip.Uri{Host: phost, Port: pp}, ua: ua, srv: srv,
		sessions: map[string]*session{}}
	t.dialogs = sipgo.NewDialogClientCache(client, sip.ContactHeader{Address: sip.Uri{User: "switchboard", Host: host, Port: port}})
	srv.OnBye(func(req *sip.Request, tx sip.ServerTransaction) {
		if err := t.dialogs.ReadBye(req, tx); err != nil {
			_ = tx.Respond(sip.NewResponseFromRequest(req, sip.StatusCallTransactionDoesNotExists, "Call/Transaction Does Not Exist", nil))
		}
	})
	return t, nil
}

// Start listens for SIP on the configured UDP address until ctx ends.
func (t *Trunk) Start(ctx context.Context) error {
	conn, err := net.ListenPacket("udp4", t.cfg.Listen)
	if err != nil {
		return fmt.Errorf("trunk: %w", err)
	}
	go func() {
		<-ctx.Done()
		conn.Close()
	}()
	go func() {
		if err := t.srv.ServeUDP(conn); err != nil && ctx.Err() == nil {
			t.cfg.Log.Error("trunk: SIP listener stopped", "err", err)
		}
	}()
	return nil
}

// Close stops the user agent.
func (t *Trunk) Close() error { return t.ua.Close() }

// Dial calls number for callID in the background (call.Dialer).
func (t *Trunk) Dial(ctx context.Context, callID, number string, ev call.ExternalEvents) {
	go func() {
		if reason, err := t.dial(ctx, callID, number, ev); err != nil {
			t.cfg.Log.Info("trunk: external call failed", "call", callID, "number", number, "reason", reason, "err", err)
			ev.Failed(reason)
		}
	}()
}

// Hangup sends BYE on a call's external leg (call.Dialer); it returns at
// once.
func (t *Trunk) Hangup(callID string) {
	t.mu.Lock()
	s := t.sessions[callID]
	delete(t.sessions, callID)
	if s != nil {
		s.hungUp = true
	}
	t.mu.Unlock()
	if s == nil {
		return
	}
	// In the background: the call service calls this under its lock, and
	// a BYE waits for the far side's answer.
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if err := s.dialog.Bye(ctx); err != nil {
			t.cfg.Log.Info("trunk: BYE failed", "call", callID, "err", err)
		}
		_ = s.dialog.Close()
	}()
}

// dial runs one INVITE transaction to the end: on 2xx it ACKs, bridges the
// media and watches for the far side's BYE; otherwise it returns the
// reason for the agent (busy, no_answer, rejected, unreachable).
func (t *Trunk) dial(ctx context.Context, callID, number string, ev call.ExternalEvents) (string, error) {
	codec, ok := t.media.Codec(callID)
	if !ok {
		return "unreachable", fmt.Errorf("no media for the call")
	}
	conn, err := net.ListenUDP("udp4", &net.UDPAddr{IP: net.ParseIP(t.host)})
	if err != nil {
		return "unreachable", err
	}
	offer := sdpOffer(t.host, conn.LocalAddr().(*net.UDPAddr).Port, codec)
	to := t.proxy
	to.User = number
	dialog, err := t.dialogs.Invite(ctx, to, offer, sip.NewHeader("Content-Type", "application/sdp"))
	if err != nil {
		conn.Close()
		return "unreachable", err
	}
	wctx, cancel := context.WithTimeout(ctx, t.cfg.RingTimeout)
	err = dialog.WaitAnswer(wctx, sipgo.AnswerOptions{})
	cancel()
	if err != nil {
		conn.Close()
		_ = dialog.Close()
		return failReason(err, wctx.Err() != nil), err
	}
	if err := dialog.Ack(ctx); err != nil {
		conn.Close()
		_ = dialog.Close()
		return "unreachable", err
	}
	remote, err := sdpAnswerAddr(dialog.InviteResponse.Body())
	if err == nil {
		err = t.media.ConnectRTP(callID, conn, remote)
	}
	if err != nil {
		_ = dialog.Bye(ctx)
		_ = dialog.Close()
		return "rejected", err
	}
	s := &session{dialog: dialog}
	t.mu.Lock()
	t.sessions[callID] = s
	t.mu.Unlock()
	ev.Answered()
	go func() {
		<-dialog.Context().Done() // the far side's BYE, or ours
		t.mu.Lock()
		ours := s.hungUp
		delete(t.sessions, callID)
		t.mu.Unlock()
		if !ours {
			ev.Ended()
		}
	}()
	return "", nil
}

// failReason maps a failed INVITE to what the agent's call view shows.
func failReason(err error, timedOut bool) string {
	var dr *sipgo.ErrDialogResponse
	if errors.As(err, &dr) {
		switch code := dr.Res.StatusCode; {
		case code == 486 || code == 600:
			return "busy"
		case code == 408 || code == 480 || code == 487:
			return "no_answer"
		default:
			return "rejected"
		}
	}
	if timedOut {
		return "no_answer"
	}
	return "unreachable"
}
