package main

import (
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"
	"time"

	"github.com/switchboard-cc/switchboard/internal/app"
	"github.com/switchboard-cc/switchboard/internal/trace"
)

// Config is the command line's configuration, from flags and SWITCHBOARD_*
// environment variables (flags win): the node's (app.Config), and what only
// the serve process uses.
type Config struct {
	app.Config
	LogLevel string
	// CPUProfile, when set, writes the server's CPU profile there until it
	// stops (for go tool pprof during benchmarks).
	CPUProfile string
}

// storeFlags are the flags every command that opens the store shares.
func (c *Config) storeFlags(fs *flag.FlagSet) {
	fs.StringVar(&c.Data, "data", "./data", "data folder (SQLite file, uploads)")
	fs.StringVar(&c.DB, "db", "", "PostgreSQL URL (postgres://...); empty = SQLite in --data")
}

// serveFlags registers the serve command's flags on fs.
func (c *Config) serveFlags(fs *flag.FlagSet) {
	fs.StringVar(&c.Addr, "addr", "127.0.0.1:8080", "listen address (host:port; port 0 picks a free one)")
	c.storeFlags(fs)
	fs.StringVar(&c.NATS, "nats", "", "NATS URL for several server nodes (nats://...)")
	fs.StringVar(&c.NATSPrefix, "nats-prefix", "switchboard", "NATS subject and stream prefix (one per deployment)")
	fs.StringVar(&c.NodeID, "node-id", "", "this node's ID among several (letters, digits, - or _; default random per start): it prefixes the IDs of the calls it owns")
	fs.StringVar(&c.NodeURL, "node-url", "", "URL the other nodes reach this one at, for call actions (default http:// + the listening address, the host name if it listens on all addresses)")
	fs.DurationVar(&c.NodeTTL, "node-ttl", 15*time.Second, "how soon the other nodes count a node that stopped answering as gone and end its calls")
	fs.StringVar(&c.DebugAddr, "debug-addr", "", "loopback address serving the Go profiler at /debug/pprof/ (empty = off)")
	fs.StringVar(&c.LogLevel, "log-level", "info", "debug, info, warn or error")
	fs.StringVar(&c.BaseURL, "base-url", "", "public URL of the workspace (https://... makes session cookies Secure behind a TLS proxy)")
	fs.StringVar(&c.OutboundAllow, "outbound-allow", "", "private networks outbound requests (provider APIs, media, context cards, bot webhooks) may reach, e.g. 10.0.0.0/8,192.168.1.5")
	fs.StringVar(&c.TrustedProxies, "trusted-proxies", "", "reverse proxies (CIDRs or addresses, comma-separated) whose X-Forwarded-For/Forwarded headers name the client's address; empty = the connection's peer is the client")
	fs.DurationVar(&c.ReadHeaderTimeout, "read-header-timeout", 10*time.Second, "time a client has to send a request's headers (WebSocket handshakes included)")
	fs.DurationVar(&c.BodyTimeout, "body-timeout", 30*time.Second, "time a client has to send a request's whole body, after its headers")
	fs.DurationVar(&c.UploadTimeout, "upload-timeout", 10*time.Minute, "time a client has to send a file upload (multipart, audio) instead of --body-timeout")
	fs.DurationVar(&c.IdleTimeout, "idle-timeout", 2*time.Minute, "how long a keep-alive connection may wait for its next request")
	fs.IntVar(&c.AnonPerAddress, "anon-requests-per-address", 32, "requests one client address may have in progress at once on routes without credentials (sign-in, Live Chat, surveys, call links; provider webhooks count apart, 8 times as many)")
	fs.DurationVar(&c.SMTPTimeout, "smtp-timeout", 2*time.Minute, "time an SMTP client has for each command")
	fs.DurationVar(&c.SMTPSessionTimeout, "smtp-session-timeout", 10*time.Minute, "longest SMTP session, however busy")
	fs.IntVar(&c.WSPerSession, "ws-per-session", 16, "live-feed WebSockets one session may hold open on a node; more get 429")
	fs.StringVar(&c.SecretKey, "secret-key", "", "key (32+ characters) sealing TOTP secrets at rest; prefer SWITCHBOARD_SECRET_KEY")
	fs.DurationVar(&c.ShutdownTimeout, "shutdown-timeout", 30*time.Second, "how long graceful shutdown waits for in-flight work")
	fs.IntVar(&c.OutboxSenders, "outbox-senders", 64, "concurrent outbound sends; also the most replies that can be sent twice after a crash (flagged maybe_duplicate)")
	fs.DurationVar(&c.OutboxLease, "outbox-lease", 30*time.Second, "how long a claimed send is held before another worker may retry it")
	fs.StringVar(&c.PhoneRegion, "phone-region", "", "country (ISO 3166, e.g. US) assumed for phone numbers typed without +; empty = none")
	fs.IntVar(&c.MediaRetries, "media-retries", 6, "downloads tried in all for a customer's file whose provider fails for a passing reason (5xx, timeout, refused connection) before it is refused")
	fs.DurationVar(&c.MediaRetryBase, "media-retry-base", 30*time.Second, "wait before the first retry of a customer's file, doubled before each next one (at most 30 min)")
	fs.DurationVar(&c.MediaLease, "media-retry-lease", 5*time.Minute, "how long a claimed retry of a customer's file is held before another node (or this one after a restart) may take it")
	fs.DurationVar(&c.OutboxPoll, "outbox-poll", time.Second, "how often workers look for due sends (new replies wake them at once)")
	fs.StringVar(&c.SMTPAddr, "smtp-addr", "", "inbound SMTP listener for email channels (host:port, e.g. :2525); empty = none")
	fs.StringVar(&c.SMTPTLSCert, "smtp-tls-cert", "", "PEM certificate the SMTP listener offers with STARTTLS")
	fs.StringVar(&c.SMTPTLSKey, "smtp-tls-key", "", "PEM private key of --smtp-tls-cert")
	fs.StringVar(&c.SMTPAuth, "smtp-auth", "", "user:password[,user:password] accounts required to authenticate (AUTH PLAIN/LOGIN over TLS) before sending to the SMTP listener; prefer SWITCHBOARD_SMTP_AUTH")
	fs.StringVar(&c.CPUProfile, "cpu-profile", "", "write a CPU profile of the server to this file until it stops (benchmarks)")
	fs.DurationVar(&c.IMAPPoll, "imap-poll", time.Minute, "how often email channels with imap_addr are polled (0 = never)")
	fs.BoolVar(&c.CallsOff, "calls-off", false, "turn voice calls off")
	fs.DurationVar(&c.RingTimeout, "ring-timeout", 20*time.Second, "how long a call rings an agent before it goes to the next one")
	fs.DurationVar(&c.WrapUp, "wrap-up", 30*time.Second, "after-call wrap-up time (agents may add 10 s)")
	fs.StringVar(&c.Recordings, "recordings", "", "folder of call recordings (default DATA/recordings)")
	fs.StringVar(&c.CallSecret, "call-secret", "", "secret signing call links (the same on every node)")
	fs.StringVar(&c.PublicURL, "public-url", "", "public base URL of links sent to customers: surveys, call links (default: --base-url; unset: surveys carry no link, call links use the request's host)")
	fs.StringVar(&c.RTPPorts, "rtp-ports", "", "UDP port range of call media, MIN-MAX (default: any)")
	fs.StringVar(&c.HoldMusic, "hold-music", "", "folder of music on hold per queue: QUEUE_ID.ul or default.ul (8 kHz mu-law); default a built-in tone")
	fs.StringVar(&c.SIPListen, "sip-listen", "", "local SIP/UDP address for the trunk (host:port; empty: no SIP)")
	fs.StringVar(&c.S3.Endpoint, "s3-endpoint", "", "S3-compatible store for uploaded files, http(s)://host[:port]; empty = the data folder")
	fs.StringVar(&c.S3.Bucket, "s3-bucket", "", "bucket of uploaded files (created if missing)")
	fs.StringVar(&c.S3.AccessKey, "s3-access-key", "", "S3 access key")
	fs.StringVar(&c.S3.SecretKey, "s3-secret-key", "", "S3 secret key; prefer SWITCHBOARD_S3_SECRET_KEY (never logged)")
	fs.StringVar(&c.S3.Region, "s3-region", "", "S3 region (empty: discovered)")
	fs.StringVar(&c.SIPTrunk, "sip-trunk", "", "SIP trunk address (host:port): outbound calls and external transfers dial it, calls from it ring agents")
	fs.StringVar(&c.SIPUsername, "sip-username", "", "username answering the SIP trunk's digest challenge (401/407) to our INVITEs")
	fs.StringVar(&c.SIPPassword, "sip-password", "", "password of --sip-username; prefer SWITCHBOARD_SIP_PASSWORD (never logged)")
	fs.StringVar(&c.ICEServers, "ice-servers", "", "STUN/TURN URLs for call media, comma-separated (stun:host:3478,turn:host:3478?transport=udp), given to the server's and the browsers' peer connections")
	fs.StringVar(&c.TURNSecret, "turn-secret", "", "TURN REST shared secret (coturn static-auth-secret): short-lived TURN credentials per call; prefer SWITCHBOARD_TURN_SECRET")
	fs.StringVar(&c.TURNUser, "turn-username", "", "static TURN username (when no --turn-secret)")
	fs.StringVar(&c.TURNPassword, "turn-password", "", "static TURN password; prefer SWITCHBOARD_TURN_PASSWORD")
	c.backupFlags(fs)
	fs.DurationVar(&c.RetentionEvery, "retention-every", time.Hour, "how often the queues' retention policies delete what is due (0 = never)")
	fs.StringVar(&c.MediaIP, "media-public-ip", "", "public IP of this node behind a 1:1 NAT, announced in its ICE candidates")
}

// parseFlags applies SWITCHBOARD_<FLAG> environment variables as defaults,
// then parses args; flags given on the command line win.
func parseFlags(fs *flag.FlagSet, args []string, stderr io.Writer) error {
	fs.SetOutput(stderr)
	var envErr error
	fs.VisitAll(func(f *flag.Flag) {
		name := "SWITCHBOARD_" + strings.ToUpper(strings.ReplaceAll(f.Name, "-", "_"))
		if v, ok := os.LookupEnv(name); ok {
			if err := f.Value.Set(v); err != nil && envErr == nil {
				envErr = fmt.Errorf("%s: %w", name, err)
			}
		}
	})
	if envErr != nil {
		return envErr
	}
	if err := fs.Parse(args); err != nil {
		return errUsage
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "unexpected arguments: %v\n", fs.Args())
		return errUsage
	}
	return nil
}

// newLogger returns a JSON slog logger at the configured level.
func newLogger(w io.Writer, level string) (*slog.Logger, error) {
	var l slog.Level
	if err := l.UnmarshalText([]byte(level)); err != nil {
		return nil, fmt.Errorf("--log-level: %w", err)
	}
	// Lines logged with a request's context carry its request and trace IDs.
	return slog.New(trace.LogHandler(slog.NewJSONHandler(w, &slog.HandlerOptions{Level: l}))), nil
}
