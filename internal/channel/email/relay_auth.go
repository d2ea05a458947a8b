package email

import (
	"crypto/hmac"
	"crypto/md5" //nolint:gosec // CRAM-MD5 (RFC 2195) is defined on HMAC-MD5
	"encoding/hex"
	"errors"
	"strings"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"

	"github.com/switchboard-cc/switchboard/internal/desk"
)

// CRAMMD5 is the CRAM-MD5 mechanism's name (RFC 2195).
const CRAMMD5 = "CRAM-MD5"

// relayAuth picks the SASL mechanism from what the relay advertises in
// its EHLO (RFC 4954): over TLS PLAIN, then LOGIN, then CRAM-MD5; over a
// plaintext connection CRAM-MD5 first, as it never sends the password
// itself. A relay that offers none of them is a configuration error
// (EINVALID, no retry), named with what it offers.
func relayAuth(cl *smtp.Client, encrypted bool, user, pass string) (sasl.Client, error) {
	order := []string{sasl.Plain, sasl.Login, CRAMMD5}
	if !encrypted {
		order = []string{CRAMMD5, sasl.Plain, sasl.Login}
	}
	for _, mech := range order {
		if !cl.SupportsAuth(mech) {
			continue
		}
		switch mech {
		case sasl.Plain:
			return sasl.NewPlainClient("", user, pass), nil
		case sasl.Login:
			return &loginClient{user: user, pass: pass}, nil
		case CRAMMD5:
			return &cramMD5Client{user: user, pass: pass}, nil
		}
	}
	_, offered := cl.Extension("AUTH")
	if offered == "" {
		offered = "none"
	}
	return nil, desk.Errorf(desk.EINVALID, "the mail relay offers no AUTH mechanism Switchboard speaks (PLAIN, LOGIN, CRAM-MD5); it offers: %s", offered)
}

// cramMD5Client answers the relay's challenge with the user name and the
// HMAC-MD5 of the challenge keyed by the password (RFC 2195 §2).
type cramMD5Client struct {
	user, pass string
	done       bool
}

func (c *cramMD5Client) Start() (string, []byte, error) { return CRAMMD5, nil, nil }

func (c *cramMD5Client) Next(challenge []byte) ([]byte, error) {
	if c.done {
		return nil, errors.New("cram-md5: unexpected server challenge")
	}
	c.done = true
	mac := hmac.New(md5.New, []byte(c.pass))
	mac.Write(challenge)
	return []byte(strings.Join([]string{c.user, hex.EncodeToString(mac.Sum(nil))}, " ")), nil
}

// loginClient speaks LOGIN the way every relay takes it: no initial
// response (go-sasl's client sends the user name with AUTH, which strict
// relays refuse), then the user name and the password as asked.
type loginClient struct {
	user, pass string
	step       int
}

func (l *loginClient) Start() (string, []byte, error) { return sasl.Login, nil, nil }

func (l *loginClient) Next(challenge []byte) ([]byte, error) {
	l.step++
	switch {
	case l.step == 1 && !strings.HasPrefix(strings.ToLower(string(challenge)), "password"):
		return []byte(l.user), nil
	case l.step <= 2:
		l.step = 2
		return []byte(l.pass), nil
	}
	return nil, errors.New("login: unexpected server challenge")
}
