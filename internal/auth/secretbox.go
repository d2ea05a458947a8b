package auth

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"strings"

	"github.com/switchboard-cc/switchboard/internal/desk"
)

// MinSecretKeyLength is the shortest secret key accepted.
const MinSecretKeyLength = 32

// sealedPrefix marks a sealed value; anything else is stored in the clear
// (written before a key was configured).
const sealedPrefix = "enc1:"

// SecretBox seals TOTP secrets at rest with AES-256-GCM under a key from
// the configuration, so that a copy of the database alone does not give
// the second factor away. Each value is bound to its agent, so sealed
// secrets cannot be swapped between rows.
type SecretBox struct {
	aead cipher.AEAD
}

// NewSecretBox derives the AES key from key (at least 32 characters of
// high-entropy text, e.g. `openssl rand -base64 32`).
func NewSecretBox(key string) (*SecretBox, error) {
	if len(key) < MinSecretKeyLength {
		return nil, errors.New("the secret key must be at least 32 characters")
	}
	k := sha256.Sum256([]byte("switchboard secret box v1\x00" + key))
	block, err := aes.NewCipher(k[:])
	if err != nil {
		return nil, err
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, err
	}
	return &SecretBox{aead: aead}, nil
}

// Seal encrypts plain for the agent.
func (b *SecretBox) Seal(plain string, agentID desk.ID) string {
	nonce := make([]byte, b.aead.NonceSize())
	if _, err := rand.Read(nonce); err != nil {
		panic(err) // crypto/rand does not fail on supported platforms
	}
	out := b.aead.Seal(nonce, nonce, []byte(plain), []byte(agentID.String()))
	return sealedPrefix + base64.RawStdEncoding.EncodeToString(out)
}

// Open decrypts a sealed value of the agent; a value stored in the clear
// is returned as it is.
func (b *SecretBox) Open(stored string, agentID desk.ID) (string, error) {
	if !strings.HasPrefix(stored, sealedPrefix) {
		return stored, nil
	}
	raw, err := base64.RawStdEncoding.DecodeString(stored[len(sealedPrefix):])
	if err != nil || len(raw) < b.aead.NonceSize() {
		return "", errors.New("secret box: malformed sealed value")
	}
	n := b.aead.NonceSize()
	plain, err := b.aead.Open(nil, raw[:n], raw[n:], []byte(agentID.String()))
	if err != nil {
		return "", errors.New("secret box: cannot open the value (wrong key?)")
	}
	return string(plain), nil
}

// sealSecret is the stored form of a new TOTP secret.
func (a *Authenticator) sealSecret(plain string, agentID desk.ID) string {
	if a.Secrets == nil {
		return plain
	}
	return a.Secrets.Seal(plain, agentID)
}

// openSecret returns the TOTP secret of an enrollment. A sealed secret
// with no key configured is an internal error: sign-in with 2FA cannot
// work until the operator restores the key.
func (a *Authenticator) openSecret(tf *desk.TwoFactor) (string, error) {
	if a.Secrets == nil {
		if strings.HasPrefix(tf.Secret, sealedPrefix) {
			return "", errors.New("a TOTP secret is encrypted but no secret key is configured")
		}
		return tf.Secret, nil
	}
	return a.Secrets.Open(tf.Secret, tf.AgentID)
}
