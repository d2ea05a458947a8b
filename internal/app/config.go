package app

import (
	"time"

	"github.com/switchboard-cc/switchboard/internal/blob"
)

// Config is everything a node is built from: cmd/switchboard fills it from
// flags and SWITCHBOARD_* environment variables; New takes it whole.
type Config struct {
	Addr            string
	Data            string
	DB              string
	NATSPrefix      string
	NATS            string
	ShutdownTimeout time.Duration
	// Outbox tunes the send workers.
	OutboxSenders int
	OutboxLease   time.Duration
	OutboxPoll    time.Duration
	// MediaRetries and MediaRetryBase tune the retries of customers'
	// files whose download failed for a passing reason.
	MediaRetries   int
	MediaRetryBase time.Duration
	MediaLease     time.Duration
	// BaseURL is the public URL of the workspace; https makes cookies Secure.
	BaseURL string
	// OutboundAllow lists private networks outbound requests may reach
	// (comma-separated addresses or CIDR prefixes; see internal/safehttp).
	OutboundAllow string
	// SecretKey seals TOTP secrets at rest; set it through the environment
	// (SWITCHBOARD_SECRET_KEY), not the command line, which others can see.
	SecretKey string
	// PhoneRegion is the country assumed for phone numbers typed without
	// "+" (C3), e.g. "US"; empty keeps their digits as typed.
	PhoneRegion string
	// SMTPAddr is where the inbound SMTP listener of email channels
	// listens; empty runs none.
	SMTPAddr string
	// SMTPTLSCert and SMTPTLSKey are the PEM files of the certificate the
	// listener offers with STARTTLS; empty offers none.
	SMTPTLSCert string
	SMTPTLSKey  string
	// SMTPAuth lists user:password accounts that must authenticate (SMTP
	// AUTH PLAIN/LOGIN, over TLS only) before sending; give it through
	// SWITCHBOARD_SMTP_AUTH. Empty accepts mail from any server.
	SMTPAuth string
	// IMAPPoll is how often email channels with an IMAP mailbox are
	// polled; 0 turns polling off.
	IMAPPoll time.Duration
	// Calls (issue 10).
	CallsOff    bool
	RingTimeout time.Duration
	WrapUp      time.Duration
	Recordings  string
	CallSecret  string
	PublicURL   string
	RTPPorts    string
	SIPListen   string
	SIPTrunk    string
	// SIPUsername and SIPPassword answer the trunk's digest challenge;
	// give the password through SWITCHBOARD_SIP_PASSWORD (never logged).
	SIPUsername string
	SIPPassword string
	HoldMusic   string
	// NodeID names this node: the prefix of the calls it owns and its key
	// in the directory of nodes (default: random per start). NodeURL is
	// the URL other nodes reach it at (default: http:// + the listening
	// address); NodeTTL how soon a node that stopped refreshing its
	// directory entry counts as gone (docs/calls-across-nodes.md).
	NodeID  string
	NodeURL string
	NodeTTL time.Duration
	// DebugAddr serves the Go profiler (loopback only); empty = off.
	DebugAddr string
	// S3 is the S3-compatible store of uploaded files; when it has no
	// endpoint, files stay under the data folder.
	S3 blob.S3Config
	// STUN/TURN for the media of calls (see docs/calls.md).
	ICEServers   string
	TURNSecret   string
	TURNUser     string
	TURNPassword string
	MediaIP      string
	// TrustedProxies lists the reverse proxies (CIDRs) whose forwarded
	// headers name the client's address.
	TrustedProxies string
	// Timeouts bound slow clients (HTTP and SMTP).
	ReadHeaderTimeout  time.Duration
	BodyTimeout        time.Duration
	UploadTimeout      time.Duration
	IdleTimeout        time.Duration
	AnonPerAddress     int
	SMTPTimeout        time.Duration
	SMTPSessionTimeout time.Duration
	// WSPerSession caps the live sockets of one session per node.
	WSPerSession int
	// Scheduled backups (SQLite): how often, how many kept, where.
	BackupEvery time.Duration
	BackupKeep  int
	BackupTo    string
	// RetentionEvery is how often the queues' retention policies are
	// applied (0: never).
	RetentionEvery time.Duration
	// Version is the binary's version (stamped at release), recorded in
	// backups.
	Version string
}
