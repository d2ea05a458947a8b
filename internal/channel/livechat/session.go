package livechat

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"strconv"
	"strings"
	"time"

	"github.com/switchboard-cc/switchboard/internal/desk"
)

// MaxSessionAge is how long a visitor's session token is honoured.
const MaxSessionAge = 365 * 24 * time.Hour

// Sessions signs and checks visitor session tokens: the visitor ID and the
// issue time, HMAC-SHA256 signed with the channel's secret and bound to the
// channel's ID, so a token is worth nothing on another channel and cannot
// be forged to read another visitor's conversation.
type Sessions struct {
	Secret    []byte
	ChannelID desk.ID
}

// NewVisitorID returns a fresh random visitor address.
func NewVisitorID() string {
	var b [12]byte
	_, _ = rand.Read(b[:])
	return "v-" + hex.EncodeToString(b[:])
}

// Issue returns a token for the visitor.
func (s Sessions) Issue(visitor string, now time.Time) string {
	payload := base64.RawURLEncoding.EncodeToString([]byte(visitor + "." + strconv.FormatInt(now.Unix(), 10)))
	return payload + "." + s.mac(payload)
}

// Verify returns the token's visitor, or EUNAUTHENTICATED when the token
// is malformed, forged, of another channel or too old.
func (s Sessions) Verify(token string, now time.Time) (string, error) {
	bad := desk.Errorf(desk.EUNAUTHENTICATED, "invalid or expired visitor session")
	payload, sig, ok := strings.Cut(token, ".")
	if !ok || !hmac.Equal([]byte(sig), []byte(s.mac(payload))) {
		return "", bad
	}
	raw, err := base64.RawURLEncoding.DecodeString(payload)
	if err != nil {
		return "", bad
	}
	visitor, issued, ok := strings.Cut(string(raw), ".")
	at, err := strconv.ParseInt(issued, 10, 64)
	if !ok || err != nil || !strings.HasPrefix(visitor, "v-") || now.Sub(time.Unix(at, 0)) > MaxSessionAge {
		return "", bad
	}
	return visitor, nil
}

func (s Sessions) mac(payload string) string {
	m := hmac.New(sha256.New, s.Secret)
	m.Write([]byte(s.ChannelID.String() + "." + payload))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}
