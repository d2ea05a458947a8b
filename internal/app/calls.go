package app

import (
	"context"
	"crypto/rand"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	calls "github.com/switchboard-cc/switchboard/internal/call"
	"github.com/switchboard-cc/switchboard/internal/desk"
	"github.com/switchboard-cc/switchboard/internal/media"
	"github.com/switchboard-cc/switchboard/internal/realtime"
	"github.com/switchboard-cc/switchboard/internal/trunk"
	"github.com/switchboard-cc/switchboard/internal/voice"
)

// callStore is what the calls read and write: the domain's store (through
// the access rules, as app.New gives it) and the trunk intake's lookups.
type callStore interface {
	desk.Store
	calls.IntakeStore
}

// newCalls wires the voice feature (issue 10): the media hub, the call
// lifecycle service, the SIP trunk (when configured) and signed call links.
// Nothing runs yet: App.Start runs the service's ticks and the trunk.
func newCalls(c *Config, store callStore, hub *realtime.Hub, route calls.Router, blobs desk.BlobStore, log *slog.Logger) (voice.Config, *trunk.Trunk, error) {
	if c.CallsOff {
		return voice.Config{}, nil, nil
	}
	recDir := c.Recordings
	if recDir == "" {
		recDir = filepath.Join(c.Data, "recordings")
	}
	if err := os.MkdirAll(recDir, 0o750); err != nil {
		return voice.Config{}, nil, fmt.Errorf("recordings: %w", err)
	}
	var portMin, portMax uint16
	if c.RTPPorts != "" {
		lo, hi, ok := strings.Cut(c.RTPPorts, "-")
		a, err1 := strconv.ParseUint(lo, 10, 16)
		b, err2 := strconv.ParseUint(hi, 10, 16)
		if !ok || err1 != nil || err2 != nil || a > b {
			return voice.Config{}, nil, fmt.Errorf("--rtp-ports: want MIN-MAX, got %q", c.RTPPorts)
		}
		portMin, portMax = uint16(a), uint16(b)
	}
	secret := []byte(c.CallSecret)
	if len(secret) == 0 {
		secret = make([]byte, 32)
		_, _ = rand.Read(secret)
		log.Warn("calls: no --call-secret; call links will not survive a restart nor work across nodes")
	}
	ice, err := iceConfig(c)
	if err != nil {
		return voice.Config{}, nil, err
	}
	// The media hub and the trunk call the service, which drives them:
	// they are built first and reach it through svc, set once below,
	// before anything runs. Only this function knows the order.
	var svc *calls.Service
	// Music on hold: the queue's own, set through the API (stored with
	// the other files, so every node has it), else the --hold-music
	// folder, else the built-in tone.
	// The queue's announcement (I2, B6) plays first, then the music.
	music := func(callID string) []int16 {
		call, err := svc.Find(callID)
		var announcement []int16
		if err == nil && blobs != nil {
			announcement = queueBlobAudio(context.Background(), blobs, voice.HoldAnnouncementKey(call.QueueID), log)
			if m := queueBlobAudio(context.Background(), blobs, voice.HoldMusicKey(call.QueueID), log); m != nil {
				return media.HoldSequence(announcement, m)
			}
		}
		if c.HoldMusic == "" {
			return media.HoldSequence(announcement, nil)
		}
		queue := "default"
		if err == nil {
			queue = call.QueueID.String()
		}
		return media.HoldSequence(announcement, holdMusic(c.HoldMusic, queue, log))
	}
	var publicIPs []string
	if c.MediaIP != "" {
		publicIPs = []string{c.MediaIP}
	}
	mh, err := media.NewHub(media.Config{RecordDir: recDir, PortMin: portMin, PortMax: portMax, Log: log, Music: music, ICE: ice, PublicIPs: publicIPs,
		IncludeLoopback: strings.HasPrefix(c.Addr, "127.") || strings.HasPrefix(c.Addr, "localhost"),
		OnCustomerGone: func(id string) {
			_, _ = svc.Hangup(context.Background(), id, 0, calls.ByCustomer)
		}})
	if err != nil {
		return voice.Config{}, nil, err
	}
	cfg := calls.Config{RingTimeout: c.RingTimeout, WrapUp: c.WrapUp, Log: log, Node: c.NodeID, PhoneRegion: c.PhoneRegion}
	var tr *trunk.Trunk
	if c.SIPListen != "" && c.SIPTrunk != "" {
		// The trunk hands arriving calls to the service, which dials out
		// through the trunk: the trunk reaches the service through svc,
		// like the media hub above, set just below and before the trunk
		// starts (App.Start).
		if tr, err = trunk.New(trunk.Config{Listen: c.SIPListen, Proxy: c.SIPTrunk, Username: c.SIPUsername, Password: c.SIPPassword,
			Calls: trunkCalls{&svc}, Log: log, PortMin: portMin, PortMax: portMax}, mh); err != nil {
			return voice.Config{}, nil, err
		}
		// Calls arriving from the trunk open Voice conversations routed
		// like messages (B2) and ring the queue's agents.
		cfg.Dialer, cfg.Intake, cfg.Router = tr, store, route
	}
	svc = calls.NewService(store, mh, hub, cfg)
	return voice.Config{Service: svc, Media: mh, Links: &calls.Links{Secret: secret, Clock: desk.SystemClock{}}, PublicURL: c.customerBase()}, tr, nil
}

// trunkCalls is the call service as the trunk, built before it, reaches
// it: *svc is set by newCalls before the trunk starts.
type trunkCalls struct{ svc **calls.Service }

func (t trunkCalls) IncomingSIP(ctx context.Context, from, to string, connect func(callID string) error) (string, error) {
	return (*t.svc).IncomingSIP(ctx, from, to, connect)
}

func (t trunkCalls) Hangup(ctx context.Context, id string, agent desk.ID, by string) (*calls.Call, error) {
	return (*t.svc).Hangup(ctx, id, agent, by)
}

// queueBlobAudio reads a recording a supervisor set for a queue (PUT
// /api/v1/queues/{id}/hold-music or hold-announcement); nil when none.
func queueBlobAudio(ctx context.Context, blobs desk.BlobStore, key string, log *slog.Logger) []int16 {
	rc, err := blobs.Open(ctx, key)
	if err != nil {
		if desk.ErrorKind(err) != desk.ENOTFOUND {
			log.Warn("calls: reading a queue's hold audio", "key", key, "err", err)
		}
		return nil
	}
	defer rc.Close()
	data, err := io.ReadAll(rc)
	if err != nil || len(data) == 0 {
		return nil
	}
	return media.MusicFromULaw(data)
}

// holdMusic reads a queue's music on hold and announcement (I2, B6) from
// dir: QUEUE_ID.ul, else default.ul (raw 8 kHz mu-law, the usual telephony
// format); nil plays the built-in tone.
func holdMusic(dir, queue string, log *slog.Logger) []int16 {
	for _, name := range []string{queue + ".ul", "default.ul"} {
		data, err := os.ReadFile(filepath.Join(dir, name))
		if err == nil {
			return media.MusicFromULaw(data)
		} else if !os.IsNotExist(err) {
			log.Warn("calls: reading hold music", "file", name, "err", err)
		}
	}
	return nil
}

// iceConfig reads the STUN/TURN flags; TURN credentials come from a REST
// secret (short-lived, preferred) or a static username and password.
func iceConfig(c *Config) (media.ICE, error) {
	urls, err := media.ParseICEURLs(c.ICEServers)
	if err != nil {
		return media.ICE{}, fmt.Errorf("--ice-servers: %w", err)
	}
	if c.MediaIP != "" && net.ParseIP(c.MediaIP) == nil {
		return media.ICE{}, fmt.Errorf("--media-public-ip: %q is not an IP address", c.MediaIP)
	}
	return media.ICE{URLs: urls, Secret: c.TURNSecret, Username: c.TURNUser, Password: c.TURNPassword}, nil
}
