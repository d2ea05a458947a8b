package auth

import (
	"crypto/rand"
	"encoding/base32"
	"strings"
)

// RecoveryCodeCount is how many recovery codes an enrollment gets.
const RecoveryCodeCount = 10

// newRecoveryCodes returns n random recovery codes (80 bits each) shown to
// the agent once, formatted XXXX-XXXX-XXXX-XXXX, and their stored hashes.
// The hash is an unsalted SHA-256: with 80 random bits a code cannot be
// found from its hash, and the store looks codes up by hash.
func newRecoveryCodes(n int) (codes, hashes []string) {
	enc := base32.StdEncoding.WithPadding(base32.NoPadding)
	for i := 0; i < n; i++ {
		b := make([]byte, 10)
		if _, err := rand.Read(b); err != nil {
			panic(err) // crypto/rand does not fail on supported platforms
		}
		raw := enc.EncodeToString(b) // 16 characters
		codes = append(codes, strings.Join([]string{raw[0:4], raw[4:8], raw[8:12], raw[12:16]}, "-"))
		hashes = append(hashes, hashRecoveryCode(raw))
	}
	return codes, hashes
}

// hashRecoveryCode returns the stored form of a normalized recovery code.
func hashRecoveryCode(normalized string) string { return HashToken("recovery:" + normalized) }
