package push

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"time"
)

// ErrGone says the push service no longer knows the subscription (404 or
// 410, RFC 8030 section 7.3): the browser unsubscribed or is gone.
var ErrGone = errors.New("push: subscription gone")

// Sender delivers push messages over HTTP (the SSRF-guarded client).
type Sender struct {
	Client *http.Client
	VAPID  *VAPID
	// TTL is how long the push service keeps an undelivered message.
	TTL time.Duration
	Now func() time.Time
}

// Send encrypts payload for sub and posts it to the push service:
// nil when accepted (201), ErrGone on 404/410, another error otherwise.
func (s *Sender) Send(ctx context.Context, sub Subscription, payload []byte) error {
	body, err := Encrypt(sub, payload, nil)
	if err != nil {
		return err
	}
	now := time.Now
	if s.Now != nil {
		now = s.Now
	}
	auth, err := s.VAPID.Authorization(sub.Endpoint, now())
	if err != nil {
		return err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, sub.Endpoint, bytes.NewReader(body))
	if err != nil {
		return err
	}
	ttl := s.TTL
	if ttl <= 0 {
		ttl = 10 * time.Minute
	}
	req.Header.Set("Authorization", auth)
	req.Header.Set("Content-Encoding", "aes128gcm")
	req.Header.Set("Content-Type", "application/octet-stream")
	req.Header.Set("TTL", strconv.Itoa(int(ttl.Seconds())))
	req.Header.Set("Urgency", "high")
	client := s.Client
	if client == nil {
		client = http.DefaultClient
	}
	resp, err := client.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	io.Copy(io.Discard, io.LimitReader(resp.Body, 4096))
	switch {
	case resp.StatusCode == http.StatusNotFound || resp.StatusCode == http.StatusGone:
		return ErrGone
	case resp.StatusCode >= 200 && resp.StatusCode < 300:
		return nil
	}
	return fmt.Errorf("push: the push service answered %d", resp.StatusCode)
}
