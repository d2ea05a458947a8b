package push

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"net/url"
	"time"
)

// VAPID identifies the server to push services (RFC 8292) with a P-256
// key: a signed JWT (ES256) naming the push service's origin, and the
// public key, which the browser received as applicationServerKey when it
// subscribed.
type VAPID struct {
	key     *ecdsa.PrivateKey
	subject string
}

// GenerateVAPIDKey returns a new private key, base64url (the scalar).
func GenerateVAPIDKey() (string, error) {
	k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return "", err
	}
	b := k.D.FillBytes(make([]byte, 32))
	return base64.RawURLEncoding.EncodeToString(b), nil
}

// NewVAPID loads a key made by GenerateVAPIDKey; subject is the contact
// (mailto: or https:) push services may use.
func NewVAPID(private, subject string) (*VAPID, error) {
	d, err := decode64(private)
	if err != nil || len(d) != 32 {
		return nil, errors.New("push: bad VAPID key")
	}
	k, err := ecdsa.ParseRawPrivateKey(elliptic.P256(), d)
	if err != nil {
		return nil, errors.New("push: bad VAPID key")
	}
	if subject == "" {
		subject = "mailto:admin@switchboard.invalid"
	}
	return &VAPID{key: k, subject: subject}, nil
}

// PublicKey is the uncompressed public point, base64url: the
// applicationServerKey of PushManager.subscribe.
func (v *VAPID) PublicKey() string {
	b, _ := v.key.PublicKey.Bytes()
	return base64.RawURLEncoding.EncodeToString(b)
}

// Authorization returns the "vapid t=..., k=..." header for a request to
// endpoint, valid for 12 hours from now.
func (v *VAPID) Authorization(endpoint string, now time.Time) (string, error) {
	u, err := url.Parse(endpoint)
	if err != nil || u.Host == "" {
		return "", errors.New("push: bad endpoint")
	}
	enc := base64.RawURLEncoding
	head, _ := json.Marshal(map[string]string{"typ": "JWT", "alg": "ES256"})
	claims, _ := json.Marshal(map[string]any{"aud": u.Scheme + "://" + u.Host, "exp": now.Add(12 * time.Hour).Unix(), "sub": v.subject})
	signing := enc.EncodeToString(head) + "." + enc.EncodeToString(claims)
	sum := sha256.Sum256([]byte(signing))
	r, s, err := ecdsa.Sign(rand.Reader, v.key, sum[:])
	if err != nil {
		return "", err
	}
	sig := append(r.FillBytes(make([]byte, 32)), s.FillBytes(make([]byte, 32))...)
	return "vapid t=" + signing + "." + enc.EncodeToString(sig) + ", k=" + v.PublicKey(), nil
}
