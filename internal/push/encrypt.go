package push

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/ecdh"
	"crypto/hkdf"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"errors"
	"io"
)

// Subscription is a browser's push subscription (PushSubscription.toJSON):
// the push service endpoint and the user agent's keys, base64url.
type Subscription struct {
	Endpoint string
	P256dh   string
	Auth     string
}

// recordSize is the aes128gcm record size announced in the header; one
// record carries the whole (small) payload.
const recordSize = 4096

// maxPayload keeps one record: 4096 minus the tag and the delimiter.
const maxPayload = recordSize - 16 - 1

// decode64 reads base64url with or without padding.
func decode64(s string) ([]byte, error) {
	if b, err := base64.RawURLEncoding.DecodeString(s); err == nil {
		return b, nil
	}
	return base64.URLEncoding.DecodeString(s)
}

// Encrypt encrypts plaintext for the subscription as RFC 8291 describes:
// an ephemeral P-256 key agreed with the user agent's key, the auth secret
// mixed in (HKDF-SHA-256), a random salt, and one aes128gcm record (RFC
// 8188) whose header carries the salt, the record size and the ephemeral
// public key. rnd supplies the salt and key (crypto/rand when nil).
func Encrypt(sub Subscription, plaintext []byte, rnd io.Reader) ([]byte, error) {
	if rnd == nil {
		rnd = rand.Reader
	}
	if len(plaintext) > maxPayload {
		return nil, errors.New("push: payload too large")
	}
	uaPub, err := decode64(sub.P256dh)
	if err != nil {
		return nil, errors.New("push: bad p256dh key")
	}
	authSecret, err := decode64(sub.Auth)
	if err != nil || len(authSecret) < 16 {
		return nil, errors.New("push: bad auth secret")
	}
	ua, err := ecdh.P256().NewPublicKey(uaPub)
	if err != nil {
		return nil, errors.New("push: bad p256dh key")
	}
	as, err := ecdh.P256().GenerateKey(rnd)
	if err != nil {
		return nil, err
	}
	asPub := as.PublicKey().Bytes()
	shared, err := as.ECDH(ua)
	if err != nil {
		return nil, err
	}
	salt := make([]byte, 16)
	if _, err := io.ReadFull(rnd, salt); err != nil {
		return nil, err
	}
	cek, nonce, err := deriveKeys(shared, authSecret, uaPub, asPub, salt)
	if err != nil {
		return nil, err
	}
	block, err := aes.NewCipher(cek)
	if err != nil {
		return nil, err
	}
	gcm, err := cipher.NewGCM(block)
	if err != nil {
		return nil, err
	}
	// The last (only) record ends with the 0x02 delimiter, no padding.
	padded := append(append([]byte{}, plaintext...), 0x02)
	header := make([]byte, 0, 16+4+1+len(asPub))
	header = append(header, salt...)
	header = binary.BigEndian.AppendUint32(header, recordSize)
	header = append(header, byte(len(asPub)))
	header = append(header, asPub...)
	return gcm.Seal(header, nonce, padded, nil), nil
}

// deriveKeys is RFC 8291 section 3.4: IKM from the ECDH secret and the
// auth secret, then RFC 8188's content-encryption key and nonce.
func deriveKeys(shared, authSecret, uaPub, asPub, salt []byte) (cek, nonce []byte, err error) {
	mac := hmac.New(sha256.New, authSecret)
	mac.Write(shared)
	prkKey := mac.Sum(nil)
	keyInfo := "WebPush: info\x00" + string(uaPub) + string(asPub)
	ikm, err := hkdf.Expand(sha256.New, prkKey, keyInfo, 32)
	if err != nil {
		return nil, nil, err
	}
	prk, err := hkdf.Extract(sha256.New, ikm, salt)
	if err != nil {
		return nil, nil, err
	}
	if cek, err = hkdf.Expand(sha256.New, prk, "Content-Encoding: aes128gcm\x00", 16); err != nil {
		return nil, nil, err
	}
	nonce, err = hkdf.Expand(sha256.New, prk, "Content-Encoding: nonce\x00", 12)
	return cek, nonce, err
}
