package blob

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"log/slog"
	"os"
	"strings"
	"testing"
	"time"
)

// testS3Config is the S3-compatible server scripts/ensure-services.sh
// starts (versitygw on 127.0.0.1:7070); SWITCHBOARD_TEST_S3_* override it.
func testS3Config() S3Config {
	env := func(k, def string) string {
		if v := os.Getenv("SWITCHBOARD_TEST_S3_" + k); v != "" {
			return v
		}
		return def
	}
	return S3Config{Endpoint: env("ENDPOINT", "http://127.0.0.1:7070"), Bucket: env("BUCKET", "switchboard-test"),
		AccessKey: env("ACCESS_KEY", "switchboard"), SecretKey: env("SECRET_KEY", "switchboard-test-secret"), Region: "us-east-1"}
}

// newTestS3 connects to the test server under a fresh prefix. An
// unreachable server fails the test under CI and skips it elsewhere.
func newTestS3(t *testing.T) (*S3, S3Config) {
	t.Helper()
	cfg := testS3Config()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	var b [6]byte
	rand.Read(b[:])
	s, err := NewS3(ctx, cfg, "test-"+hex.EncodeToString(b[:])+"/")
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("S3 server unreachable at %s under CI (scripts/ensure-services.sh starts it): %v", cfg.Endpoint, err)
		}
		t.Skipf("SKIPPING S3 blob store: %v (run scripts/ensure-services.sh)", err)
	}
	return s, cfg
}

func TestS3(t *testing.T) {
	s, _ := newTestS3(t)
	testBlobStore(t, s)
}

// TestS3Prefixes shows two stores sharing a bucket under different
// prefixes (attachments, channel media) do not see each other's files.
func TestS3Prefixes(t *testing.T) {
	a, cfg := newTestS3(t)
	b, err := NewS3(context.Background(), cfg, a.prefix+"other/")
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if _, err := a.Put(ctx, "shared-key", strings.NewReader("from a"), 10); err != nil {
		t.Fatal(err)
	}
	if _, err := b.Open(ctx, "shared-key"); err == nil {
		t.Fatal("a store under another prefix read the file")
	}
}

func TestS3Config(t *testing.T) {
	ctx := context.Background()
	good := testS3Config()
	tests := []struct {
		name string
		mod  func(*S3Config)
		want string
	}{
		{"no bucket", func(c *S3Config) { c.Bucket = "" }, "bucket"},
		{"endpoint without scheme", func(c *S3Config) { c.Endpoint = "127.0.0.1:7070" }, "http(s)://"},
		{"endpoint with a path", func(c *S3Config) { c.Endpoint = "http://127.0.0.1:7070/bucket" }, "http(s)://"},
		{"secret key without access key", func(c *S3Config) { c.AccessKey = "" }, "both the access key and the secret key"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := good
			tt.mod(&c)
			_, err := NewS3(ctx, c, "")
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err = %v, want one mentioning %q", err, tt.want)
			}
			if err != nil && strings.Contains(err.Error(), c.SecretKey) && c.SecretKey != "" {
				t.Fatal("the error carries the secret key")
			}
		})
	}
	t.Run("logging a config never shows the secret key", func(t *testing.T) {
		var buf bytes.Buffer
		slog.New(slog.NewJSONHandler(&buf, nil)).Info("s3", "config", good)
		if strings.Contains(buf.String(), good.SecretKey) || !strings.Contains(buf.String(), good.Bucket) {
			t.Fatalf("logged %s", buf.String())
		}
	})
}

// TestS3Keys lists what the store holds under its prefix only.
func TestS3Keys(t *testing.T) {
	s, _ := newTestS3(t)
	ctx := context.Background()
	for _, k := range []string{"key-a", "key-b"} {
		if _, err := s.Put(ctx, k, strings.NewReader(k), 10); err != nil {
			t.Fatal(err)
		}
	}
	keys, err := s.Keys(ctx)
	if err != nil || len(keys) != 2 || keys[0] != "key-a" || keys[1] != "key-b" {
		t.Fatalf("keys = %v, %v", keys, err)
	}
}
