package attach

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"strconv"
	"strings"
	"time"

	"github.com/switchboard-cc/switchboard/internal/desk"
)

// DefaultLinkTTL is how long a media link stays valid: long enough for a
// provider to fetch a file after a few retries, short enough that a leaked
// link soon stops working.
const DefaultLinkTTL = 24 * time.Hour

// Links signs the public, expiring URLs through which a provider (or a
// Live Chat visitor) fetches a file an agent sent: /media/{token}, where
// the token is the attachment ID and expiry, HMAC-SHA256 signed with a
// secret every node shares. The workspace's own URL
// (/api/v1/attachments/{id}) needs an agent's session instead.
type Links struct {
	// BaseURL is the public URL of the server, e.g. https://cc.example.com.
	BaseURL string
	Secret  []byte
	// TTL is a link's lifetime (default DefaultLinkTTL).
	TTL time.Duration
}

// URL returns a link to attachment id valid from now for TTL.
func (l *Links) URL(id desk.ID, now time.Time) string {
	ttl := l.TTL
	if ttl <= 0 {
		ttl = DefaultLinkTTL
	}
	payload := id.String() + "." + strconv.FormatInt(now.Add(ttl).Unix(), 10)
	return strings.TrimRight(l.BaseURL, "/") + "/media/" + payload + "." + l.mac(payload)
}

// Verify returns the attachment a token names, or ENOTFOUND when it is
// malformed, forged or expired (a bad link reveals nothing).
func (l *Links) Verify(token string, now time.Time) (desk.ID, error) {
	bad := desk.Errorf(desk.ENOTFOUND, "file not found")
	i := strings.LastIndexByte(token, '.')
	if i < 0 || len(l.Secret) == 0 {
		return 0, bad
	}
	payload, sig := token[:i], token[i+1:]
	if !hmac.Equal([]byte(sig), []byte(l.mac(payload))) {
		return 0, bad
	}
	idStr, expStr, ok := strings.Cut(payload, ".")
	id, err1 := strconv.ParseInt(idStr, 10, 64)
	exp, err2 := strconv.ParseInt(expStr, 10, 64)
	if !ok || err1 != nil || err2 != nil || id <= 0 || now.Unix() > exp {
		return 0, bad
	}
	return desk.ID(id), nil
}

func (l *Links) mac(payload string) string {
	m := hmac.New(sha256.New, l.Secret)
	m.Write([]byte("media." + payload))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}
