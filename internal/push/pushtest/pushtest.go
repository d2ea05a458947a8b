// Package pushtest is a local push service for tests, written
// independently of package push from RFC 8030, RFC 8291 and RFC 8292: it
// accepts a push only if the VAPID JWT's ES256 signature verifies against
// the key in the Authorization header (audience and expiry checked) and the
// aes128gcm body decrypts with the subscription's private key and auth
// secret. It refuses anything else.
package pushtest

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/ecdh"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/hkdf"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/big"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
)

// Service is a local push service as RFC 8030/8291/8292 describe it,
// written here independently of the sender: it checks the VAPID JWT's
// ES256 signature against the key in the header, its audience and
// expiry, then decrypts the aes128gcm body with the user agent's private
// key and auth secret. It refuses anything else.
type Service struct {
	t      testing.TB
	ua     *ecdh.PrivateKey
	auth   []byte
	mu     sync.Mutex
	got    []string
	status int // answer to valid requests (201 by default)
	srv    *httptest.Server
}

func New(t testing.TB) *Service {
	ua, err := ecdh.P256().GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	auth := make([]byte, 16)
	rand.Read(auth)
	p := &Service{t: t, ua: ua, auth: auth, status: http.StatusCreated}
	p.srv = httptest.NewServer(http.HandlerFunc(p.serve))
	t.Cleanup(p.srv.Close)
	return p
}

// Subscription returns a browser-like subscription at path.
func (p *Service) Subscription(path string) (endpoint, p256dh, auth string) {
	enc := base64.RawURLEncoding
	return p.srv.URL + path, enc.EncodeToString(p.ua.PublicKey().Bytes()), enc.EncodeToString(p.auth)
}

func (p *Service) serve(w http.ResponseWriter, r *http.Request) {
	if err := p.verifyVAPID(r); err != nil {
		http.Error(w, err.Error(), http.StatusUnauthorized)
		return
	}
	if r.Header.Get("Content-Encoding") != "aes128gcm" || r.Header.Get("TTL") == "" {
		http.Error(w, "bad headers", http.StatusBadRequest)
		return
	}
	body, _ := io.ReadAll(r.Body)
	msg, err := p.decrypt(body)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	p.mu.Lock()
	p.got = append(p.got, string(msg))
	status := p.status
	p.mu.Unlock()
	w.WriteHeader(status)
}

func (p *Service) verifyVAPID(r *http.Request) error {
	h := r.Header.Get("Authorization")
	if !strings.HasPrefix(h, "vapid ") {
		return errors.New("no vapid authorization")
	}
	var tok, key string
	for _, part := range strings.Split(strings.TrimPrefix(h, "vapid "), ",") {
		part = strings.TrimSpace(part)
		if v, ok := strings.CutPrefix(part, "t="); ok {
			tok = v
		} else if v, ok := strings.CutPrefix(part, "k="); ok {
			key = v
		}
	}
	enc := base64.RawURLEncoding
	kb, err := enc.DecodeString(key)
	if err != nil || len(kb) != 65 || kb[0] != 4 {
		return errors.New("bad k")
	}
	pub := &ecdsa.PublicKey{Curve: elliptic.P256(), X: new(big.Int).SetBytes(kb[1:33]), Y: new(big.Int).SetBytes(kb[33:])}
	parts := strings.Split(tok, ".")
	if len(parts) != 3 {
		return errors.New("bad jwt")
	}
	var head map[string]string
	hb, _ := enc.DecodeString(parts[0])
	if json.Unmarshal(hb, &head) != nil || head["alg"] != "ES256" {
		return errors.New("jwt alg")
	}
	sig, err := enc.DecodeString(parts[2])
	if err != nil || len(sig) != 64 {
		return errors.New("jwt signature form")
	}
	sum := sha256.Sum256([]byte(parts[0] + "." + parts[1]))
	if !ecdsa.Verify(pub, sum[:], new(big.Int).SetBytes(sig[:32]), new(big.Int).SetBytes(sig[32:])) {
		return errors.New("jwt signature does not verify")
	}
	var claims struct {
		Aud string `json:"aud"`
		Exp int64  `json:"exp"`
		Sub string `json:"sub"`
	}
	cb, _ := enc.DecodeString(parts[1])
	if json.Unmarshal(cb, &claims) != nil || claims.Aud != p.srv.URL || claims.Sub == "" {
		return fmt.Errorf("jwt claims %s", cb)
	}
	if exp := time.Unix(claims.Exp, 0); exp.Before(time.Now()) || exp.After(time.Now().Add(24*time.Hour)) {
		return errors.New("jwt expiry out of range")
	}
	return nil
}

// decrypt is RFC 8291 section 3 from the user agent's side.
func (p *Service) decrypt(body []byte) ([]byte, error) {
	if len(body) < 21 {
		return nil, errors.New("short body")
	}
	salt, rs, idlen := body[:16], binary.BigEndian.Uint32(body[16:20]), int(body[20])
	if rs < 18 || len(body) < 21+idlen {
		return nil, errors.New("bad header")
	}
	asPub, ct := body[21:21+idlen], body[21+idlen:]
	as, err := ecdh.P256().NewPublicKey(asPub)
	if err != nil {
		return nil, err
	}
	shared, err := p.ua.ECDH(as)
	if err != nil {
		return nil, err
	}
	mac := hmac.New(sha256.New, p.auth)
	mac.Write(shared)
	ikm, _ := hkdf.Expand(sha256.New, mac.Sum(nil), "WebPush: info\x00"+string(p.ua.PublicKey().Bytes())+string(asPub), 32)
	prk, _ := hkdf.Extract(sha256.New, ikm, salt)
	cek, _ := hkdf.Expand(sha256.New, prk, "Content-Encoding: aes128gcm\x00", 16)
	nonce, _ := hkdf.Expand(sha256.New, prk, "Content-Encoding: nonce\x00", 12)
	block, _ := aes.NewCipher(cek)
	gcm, _ := cipher.NewGCM(block)
	plain, err := gcm.Open(nil, nonce, ct, nil)
	if err != nil {
		return nil, fmt.Errorf("decrypt: %w", err)
	}
	// Strip padding down to the last-record delimiter 0x02.
	i := len(plain) - 1
	for i >= 0 && plain[i] == 0 {
		i--
	}
	if i < 0 || plain[i] != 0x02 {
		return nil, errors.New("no last-record delimiter")
	}
	return plain[:i], nil
}

// Received returns the decrypted payloads accepted so far.
func (p *Service) Received() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]string(nil), p.got...)
}

// SetStatus sets the answer to valid requests (410 for a gone subscription).
func (p *Service) SetStatus(code int) {
	p.mu.Lock()
	p.status = code
	p.mu.Unlock()
}

// Client is an HTTP client for the service.
func (p *Service) Client() *http.Client { return p.srv.Client() }

// URL is the service's origin.
func (p *Service) URL() string { return p.srv.URL }

// Post posts body with the Authorization header to the service and
// returns the status (tests of the checks themselves).
func (p *Service) Post(authorization string, body []byte) int {
	req, _ := http.NewRequest(http.MethodPost, p.srv.URL+"/x", strings.NewReader(string(body)))
	req.Header.Set("Authorization", authorization)
	req.Header.Set("Content-Encoding", "aes128gcm")
	req.Header.Set("TTL", "60")
	resp, err := p.srv.Client().Do(req)
	if err != nil {
		return 0
	}
	resp.Body.Close()
	return resp.StatusCode
}
