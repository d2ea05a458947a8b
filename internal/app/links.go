package app

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"log/slog"

	"github.com/switchboard-cc/switchboard/internal/attach"
)

// mediaLinks signs the public links through which providers and Live Chat
// visitors fetch the files agents send. The key derives from the secret
// key, so every node honours every node's links; without one it is random
// and links only work on the node that made them.
func mediaLinks(c *Config, logger *slog.Logger) *attach.Links {
	base := c.PublicURL
	if base == "" {
		base = c.BaseURL
	}
	if base == "" {
		logger.Warn("no --base-url or --public-url: providers cannot fetch the files agents send")
	}
	var key []byte
	if c.SecretKey != "" {
		m := hmac.New(sha256.New, []byte(c.SecretKey))
		m.Write([]byte("switchboard media links"))
		key = m.Sum(nil)
	} else {
		key = make([]byte, 32)
		_, _ = rand.Read(key)
	}
	return &attach.Links{BaseURL: base, Secret: key}
}
