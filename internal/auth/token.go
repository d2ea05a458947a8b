package auth

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"strings"
)

// Token prefixes tell session tokens from integration tokens.
const (
	SessionPrefix     = "sbs_"
	IntegrationPrefix = "sbi_"
)

// NewToken returns a random token with the prefix (256 bits of entropy).
func NewToken(prefix string) string {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		panic(err) // crypto/rand does not fail on supported platforms
	}
	return prefix + base64.RawURLEncoding.EncodeToString(b)
}

// HashToken returns the stored form of a token.
func HashToken(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

// IsIntegrationToken reports whether token is an integration token.
func IsIntegrationToken(token string) bool { return strings.HasPrefix(token, IntegrationPrefix) }
