package email

import (
	"crypto/sha256"
	"crypto/subtle"
	"errors"
	"fmt"
	"strings"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
)

// Credentials are the SMTP AUTH accounts of the inbound listener, e.g. the
// relay of the mail provider that forwards a shop's mail. Passwords are
// kept as SHA-256 digests and compared in constant time.
type Credentials struct {
	users map[string][sha256.Size]byte
}

// ParseCredentials reads "user:password" pairs separated by commas (the
// --smtp-auth setting; give it through SWITCHBOARD_SMTP_AUTH, not the
// command line, which others can see).
func ParseCredentials(s string) (*Credentials, error) {
	c := &Credentials{users: map[string][sha256.Size]byte{}}
	for _, pair := range strings.Split(s, ",") {
		if pair = strings.TrimSpace(pair); pair == "" {
			continue
		}
		user, pass, ok := strings.Cut(pair, ":")
		if !ok || user == "" || len(pass) < 8 {
			return nil, fmt.Errorf("smtp auth: want user:password pairs with passwords of at least 8 characters")
		}
		c.users[user] = sha256.Sum256([]byte(pass))
	}
	if len(c.users) == 0 {
		return nil, errors.New("smtp auth: no accounts")
	}
	return c, nil
}

// Check reports whether user and password match an account.
func (c *Credentials) Check(user, password string) bool {
	want, ok := c.users[user]
	got := sha256.Sum256([]byte(password))
	return subtle.ConstantTimeCompare(want[:], got[:]) == 1 && ok
}

// authMechanisms are offered once the connection is encrypted: go-smtp
// refuses AUTH on a plaintext connection (523, TLS required) unless told
// otherwise, and the listener never tells it.
var authMechanisms = []string{sasl.Plain, sasl.Login}

// authServer returns the SASL server of a mechanism; a wrong password is
// 535 5.7.8, and done marks the session authenticated.
func (c *Credentials) authServer(mech string, done func(user string)) (sasl.Server, error) {
	check := func(user, pass string) error {
		if !c.Check(user, pass) {
			return smtp.ErrAuthFailed
		}
		done(user)
		return nil
	}
	switch mech {
	case sasl.Plain:
		return sasl.NewPlainServer(func(identity, user, pass string) error {
			if identity != "" && identity != user {
				return smtp.ErrAuthFailed
			}
			return check(user, pass)
		}), nil
	case sasl.Login:
		return &loginServer{check: check}, nil
	}
	return nil, smtp.ErrAuthUnknownMechanism
}

// loginServer is the server side of the LOGIN mechanism (obsolete but what
// many relays and clients still speak): it asks "Username:" unless the
// client sent it as the initial response, then "Password:".
type loginServer struct {
	check func(user, pass string) error
	user  string
	step  int
}

func (l *loginServer) Next(response []byte) ([]byte, bool, error) {
	switch l.step {
	case 0:
		l.step = 1
		if response == nil {
			return []byte("Username:"), false, nil
		}
		fallthrough
	case 1:
		l.user, l.step = string(response), 2
		return []byte("Password:"), false, nil
	case 2:
		l.step = 3
		return nil, true, l.check(l.user, string(response))
	}
	return nil, false, errors.New("unexpected LOGIN response")
}
