// Package trunk is Switchboard's SIP trunk (I1, I3): over SIP/UDP with
// sipgo it takes calls arriving from the provider (INVITE → a call routed
// to the agents), dials customers' numbers for agents' outbound calls, and
// dials external E.164 numbers for blind transfers. Every SIP leg offers
// the call's G.711 codec on a plain RTP socket handed to the media hub, so
// it bridges to the agents' WebRTC legs without transcoding; the socket
// is bound within --rtp-ports. Requests inside a call's dialog
// (re-INVITE, UPDATE: hold, resume, session refresh; RFC 4028 timers) are
// handled in that call (dialog.go, timer.go); SDP is built and read with
// pion/sdp (sdp.go). It implements call.Dialer.
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
	"github.com/switchboard-cc/switchboard/internal/desk"
	"github.com/switchboard-cc/switchboard/internal/media"
)

// Config tunes the trunk.
type Config struct {
	// Listen is the local SIP/UDP address (host:port); its host is also
	// the address offered for RTP.
	Listen string
	// Proxy is the trunk's SIP address (host:port) calls are sent to.
	Proxy string
	// Username and Password answer the trunk's digest challenge (401/407)
	// to our INVITEs; empty Password sends none. The password is never
	// logged.
	Username string
	Password string
	// RingTimeout bounds the wait for an answer (default 30 s).
	RingTimeout time.Duration
	// PortMin and PortMax bound the UDP ports of the trunk's RTP legs
	// (--rtp-ports; 0: any).
	PortMin, PortMax uint16
	// MinSE is the smallest session-timer interval accepted (RFC 4028;
	// default and floor in production: 90 s).
	MinSE time.Duration
	// Calls takes calls arriving from the trunk; nil refuses them (403).
	Calls Incoming
	Log   *slog.Logger
}

// Incoming is the call service as calls arriving from the trunk need it.
type Incoming interface {
	// IncomingSIP starts a call from number from to our number to;
	// connect hooks the caller's media to the call's ID before it rings.
	IncomingSIP(ctx context.Context, from, to string, connect func(callID string) error) (string, error)
	// Hangup ends a call (the caller's BYE: agent 0, by "customer").
	Hangup(ctx context.Context, id string, agent desk.ID, by string) (*call.Call, error)
}

// Media is what the trunk needs of the media hub.
type Media interface {
	Codec(callID string) (media.Codec, bool)
	// ConnectRTP makes conn the far side of a transfer (the agent's side).
	ConnectRTP(callID string, conn *net.UDPConn, remote *net.UDPAddr) error
	// ConnectCustomerRTP creates a call's media with a caller from the trunk.
	ConnectCustomerRTP(callID string, codec media.Codec, conn *net.UDPConn, remote *net.UDPAddr) error
	// AttachCustomerRTP makes conn the customer of an outbound call.
	AttachCustomerRTP(callID string, conn *net.UDPConn, remote *net.UDPAddr) error
	// SetCustomerEvents sets the telephone-event payload type the SIP
	// customer negotiated (0: none), for the agent's key presses.
	SetCustomerEvents(callID string, pt uint8)
	// UpdateCustomerRTP applies a SIP customer's re-negotiation: its new
	// RTP address (nil: unchanged), whether we send and it sends.
	UpdateCustomerRTP(callID string, remote *net.UDPAddr, send, recv bool) error
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
	// answered are the dialogs of calls that arrived from the trunk.
	answered *sipgo.DialogServerCache
	contact  sip.Uri

	mu sync.Mutex
	// sessions are the SIP legs of each call: the caller or dialed
	// customer, and the external party of a transfer.
	sessions map[string][]*session
	// ringing cancels the INVITEs of a call still waiting for an answer.
	ringing map[string][]*context.CancelFunc
	// byDialog finds a leg by its SIP dialog's ID, for the requests the
	// far side sends inside it (re-INVITE, UPDATE).
	byDialog map[string]*session
}

// session is one SIP leg of a call, placed or answered.
type session struct {
	callID string
	// dialog is the SIP dialog's ID.
	dialog string
	bye    func(ctx context.Context) error
	close  func() error
	done   <-chan struct{}
	hungUp bool
	// gone ends the call when the far side ended the leg.
	gone func()
	// request sends a request inside the dialog to target (the far
	// side's Contact): our session refresh.
	request func(ctx context.Context, req *sip.Request) (*sip.Response, error)
	target  sip.Uri
	// update applies a re-negotiation to the media (nil: the leg is not
	// the customer's, nothing to apply).
	update func(remote *net.UDPAddr, send, recv bool) error

	mu sync.Mutex
	// local is our description, dir its current direction, remoteCSeq
	// the far side's last in-dialog request.
	local      *localSDP
	dir        string
	remoteCSeq uint32
	timer      *time.Timer
	ended      bool
}

// stop ends the leg's session timer for good.
func (s *session) stop() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.ended = true
	if s.timer != nil {
		s.timer.Stop()
		s.timer = nil
	}
}

func (s *session) hasTimer() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.timer != nil
}

// New prepares a trunk; Start begins listening.
func New(cfg Config, m Media) (*Trunk, error) {
	if cfg.RingTimeout <= 0 {
		cfg.RingTimeout = 30 * time.Second
	}
	if cfg.Log == nil {
		cfg.Log = slog.Default()
	}
	if cfg.PortMin > cfg.PortMax {
		return nil, fmt.Errorf("trunk: RTP port range %d-%d is empty", cfg.PortMin, cfg.PortMax)
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
		sessions: map[string][]*session{}, ringing: map[string][]*context.CancelFunc{}, byDialog: map[string]*session{}}
	t.contact = sip.Uri{User: "switchboard", Host: host, Port: port}
	contact := sip.ContactHeader{Address: t.contact}
	t.dialogs = sipgo.NewDialogClientCache(client, contact)
	t.answered = sipgo.NewDialogServerCache(client, contact)
	srv.OnInvite(func(req *sip.Request, tx sip.ServerTransaction) {
		if inDialog(req) {
			t.onRenegotiate(req, tx)
			return
		}
		t.onInvite(req, tx)
	})
	srv.OnUpdate(t.onRenegotiate)
	srv.OnOptions(t.onOptions)
	srv.OnNoRoute(t.onNoRoute)
	srv.OnAck(t.onAck)
	srv.OnBye(func(req *sip.Request, tx sip.ServerTransaction) {
		err := t.dialogs.ReadBye(req, tx)
		if errors.Is(err, sipgo.ErrDialogDoesNotExists) {
			err = t.answered.ReadBye(req, tx)
		}
		if err != nil {
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

func (t *Trunk) minSE() time.Duration {
	if t.cfg.MinSE > 0 {
		return t.cfg.MinSE
	}
	return DefaultMinSE
}

// failReason maps a failed INVITE to what the agent's call view shows.
// challenged tells that the trunk asked for digest credentials: a final
// 401/407, or a 403 to the INVITE that carried them, is auth_failed (a
// wrong or missing trunk username/password), not a generic rejection.
func failReason(err error, timedOut, challenged bool) string {
	var dr *sipgo.ErrDialogResponse
	if errors.As(err, &dr) {
		switch code := dr.Res.StatusCode; {
		case code == 401 || code == 407 || (code == 403 && challenged):
			return "auth_failed"
		case code == 486 || code == 600:
			return "busy"
		case code == 603:
			return "declined"
		case code == 404 || code == 484 || code == 604:
			return "invalid_number"
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

// Hangup sends BYE on every SIP leg of a call still up (call.Dialer); it
// returns at once.
func (t *Trunk) Hangup(callID string) {
	t.mu.Lock()
	legs := t.sessions[callID]
	delete(t.sessions, callID)
	for _, s := range legs {
		s.hungUp = true
		delete(t.byDialog, s.dialog)
	}
	for _, cancel := range t.ringing[callID] {
		(*cancel)() // CANCEL to a number still ringing
	}
	delete(t.ringing, callID)
	t.mu.Unlock()
	// In the background: the call service calls this under its lock, and
	// a BYE waits for the far side's answer.
	for _, s := range legs {
		s.stop()
		go func() {
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			if err := s.bye(ctx); err != nil {
				t.cfg.Log.Info("trunk: BYE failed", "call", callID, "err", err)
			}
			_ = s.close()
		}()
	}
}

// pending registers the cancel of an INVITE waiting for an answer, until
// the returned func runs.
func (t *Trunk) pending(callID string, cancel context.CancelFunc) func() {
	p := &cancel
	t.mu.Lock()
	t.ringing[callID] = append(t.ringing[callID], p)
	t.mu.Unlock()
	return func() {
		t.mu.Lock()
		defer t.mu.Unlock()
		list := t.ringing[callID]
		for i, v := range list {
			if v == p {
				list = append(list[:i:i], list[i+1:]...)
				break
			}
		}
		if len(list) == 0 {
			delete(t.ringing, callID)
		} else {
			t.ringing[callID] = list
		}
	}
}

// track registers a call's SIP leg and runs gone when the far side ends
// it (its BYE), not when we hung up.
func (t *Trunk) track(callID string, s *session, gone func()) {
	s.callID, s.gone = callID, gone
	t.mu.Lock()
	t.sessions[callID] = append(t.sessions[callID], s)
	if s.dialog != "" {
		t.byDialog[s.dialog] = s
	}
	t.mu.Unlock()
	go func() {
		<-s.done
		s.stop()
		t.mu.Lock()
		if t.byDialog[s.dialog] == s {
			delete(t.byDialog, s.dialog)
		}
		ours := s.hungUp
		legs := t.sessions[callID]
		for i, v := range legs {
			if v == s {
				legs = append(legs[:i:i], legs[i+1:]...)
				break
			}
		}
		if len(legs) == 0 {
			delete(t.sessions, callID)
		} else {
			t.sessions[callID] = legs
		}
		t.mu.Unlock()
		_ = s.close()
		if !ours {
			gone()
		}
	}()
}
