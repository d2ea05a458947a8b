package call

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/switchboard-cc/switchboard/internal/desk"
)

// LinkTTL is how long a call link stays valid by default (I5).
const LinkTTL = 24 * time.Hour

// Links signs and checks call links (I5): a token names the conversation
// the link was sent in and its expiry, with an HMAC-SHA256 over both, so
// the public call page needs no database lookup to refuse a forged or
// expired link, and every node with the same secret accepts it.
type Links struct {
	Secret []byte
	Clock  desk.Clock
}

// Sign returns a token for conversation valid for ttl (LinkTTL if 0).
func (l *Links) Sign(conversation desk.ID, ttl time.Duration) (token string, expires time.Time) {
	if ttl <= 0 {
		ttl = LinkTTL
	}
	expires = l.Clock.Now().Add(ttl).Truncate(time.Second)
	body := conversation.String() + "." + strconv.FormatInt(expires.Unix(), 10)
	return enc(body) + "." + enc(string(l.mac(body))), expires
}

// Verify returns the conversation of a valid token; ENOTFOUND for a forged
// or malformed one, EFORBIDDEN code link_expired for an expired one.
func (l *Links) Verify(token string) (desk.ID, error) {
	bad := desk.CodedErrorf(desk.ENOTFOUND, "call_link_invalid", "this call link is not valid")
	b64body, b64mac, ok := strings.Cut(token, ".")
	if !ok {
		return 0, bad
	}
	body, err1 := base64.RawURLEncoding.DecodeString(b64body)
	mac, err2 := base64.RawURLEncoding.DecodeString(b64mac)
	if err1 != nil || err2 != nil || !hmac.Equal(mac, l.mac(string(body))) {
		return 0, bad
	}
	conv, exp, ok := strings.Cut(string(body), ".")
	if !ok {
		return 0, bad
	}
	id, err := desk.ParseID(conv)
	unix, err2 := strconv.ParseInt(exp, 10, 64)
	if err != nil || err2 != nil {
		return 0, bad
	}
	if !l.Clock.Now().Before(time.Unix(unix, 0)) {
		return 0, desk.CodedErrorf(desk.EFORBIDDEN, "call_link_expired", "this call link has expired; ask for a new one")
	}
	return id, nil
}

func (l *Links) mac(body string) []byte {
	m := hmac.New(sha256.New, l.Secret)
	fmt.Fprint(m, "call-link:", body)
	return m.Sum(nil)
}

func enc(s string) string { return base64.RawURLEncoding.EncodeToString([]byte(s)) }
