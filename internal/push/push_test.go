package push_test

import (
	"context"
	"errors"
	"net/http"
	"testing"
	"time"

	"github.com/switchboard-cc/switchboard/internal/push"
	"github.com/switchboard-cc/switchboard/internal/push/pushtest"
)

func sub(ps *pushtest.Service, path string) push.Subscription {
	e, k, a := ps.Subscription(path)
	return push.Subscription{Endpoint: e, P256dh: k, Auth: a}
}

// TestSendVerifiedAndDecrypted sends through a local push service that
// verifies the VAPID signature and decrypts the RFC 8291 body itself.
func TestSendVerifiedAndDecrypted(t *testing.T) {
	ps := pushtest.New(t)
	key, err := push.GenerateVAPIDKey()
	if err != nil {
		t.Fatal(err)
	}
	v, err := push.NewVAPID(key, "mailto:ops@example.com")
	if err != nil {
		t.Fatal(err)
	}
	s := &push.Sender{Client: ps.Client(), VAPID: v}
	payload := `{"type":"conversation.assigned","conversation_id":"42","title":"New conversation"}`
	if err := s.Send(context.Background(), sub(ps, "/push/abc"), []byte(payload)); err != nil {
		t.Fatal(err)
	}
	if got := ps.Received(); len(got) != 1 || got[0] != payload {
		t.Fatalf("push service got %q", got)
	}
	// A subscription made for another server's key: the push service
	// checks the signature against the key sent, so a wrong pair fails.
	other, _ := push.GenerateVAPIDKey()
	ov, _ := push.NewVAPID(other, "mailto:x@example.com")
	if ov.PublicKey() == v.PublicKey() {
		t.Fatal("two keys alike")
	}
	// The subscription dropped by the push service: 410 and 404 are gone.
	for _, code := range []int{http.StatusGone, http.StatusNotFound} {
		ps.SetStatus(code)
		if err := s.Send(context.Background(), sub(ps, "/push/abc"), []byte(payload)); !errors.Is(err, push.ErrGone) {
			t.Fatalf("%d: %v", code, err)
		}
	}
	ps.SetStatus(http.StatusTooManyRequests)
	if err := s.Send(context.Background(), sub(ps, "/push/abc"), []byte(payload)); err == nil || errors.Is(err, push.ErrGone) {
		t.Fatalf("429 is a passing failure: %v", err)
	}
	// Keys that are not a P-256 point are refused before anything is sent.
	if _, err := push.Encrypt(push.Subscription{P256dh: "AAAA", Auth: "AAAAAAAAAAAAAAAAAAAAAA"}, []byte("x"), nil); err == nil {
		t.Fatal("bad key accepted")
	}
}

// TestForgedSignatureRefused: a JWT signed by another key than the one
// in the header does not pass the push service.
func TestForgedSignatureRefused(t *testing.T) {
	ps := pushtest.New(t)
	k1, _ := push.GenerateVAPIDKey()
	k2, _ := push.GenerateVAPIDKey()
	v1, _ := push.NewVAPID(k1, "")
	v2, _ := push.NewVAPID(k2, "")
	h1, _ := v1.Authorization(ps.URL(), time.Now())
	h2, _ := v2.Authorization(ps.URL(), time.Now())
	body, err := push.Encrypt(sub(ps, "/x"), []byte("hello"), nil)
	if err != nil {
		t.Fatal(err)
	}
	// Signature of v2's token, v1's key.
	forged := h2[:len(h2)-len(v2.PublicKey())] + v1.PublicKey()
	if code := ps.Post(forged, body); code != http.StatusUnauthorized {
		t.Fatalf("forged: %d", code)
	}
	// A body tampered with does not decrypt.
	bad := append([]byte{}, body...)
	bad[len(bad)-1] ^= 1
	if code := ps.Post(h1, bad); code != http.StatusBadRequest {
		t.Fatalf("tampered: %d", code)
	}
	if code := ps.Post(h1, body); code != http.StatusCreated {
		t.Fatalf("genuine: %d", code)
	}
}
