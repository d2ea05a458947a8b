package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"io"
	"mime/multipart"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/switchboard-cc/switchboard/internal/blob"
)

// TestServeStoresAttachmentsInS3 starts serve against the S3-compatible
// server of scripts/ensure-services.sh: a note's attachment lands in the
// bucket under attachments/, not in the data folder, is served back, and
// the secret key (given through the environment) appears in no log line.
func TestServeStoresAttachmentsInS3(t *testing.T) {
	cfg := blob.S3Config{Endpoint: "http://127.0.0.1:7070", AccessKey: "switchboard", SecretKey: "switchboard-test-secret", Region: "us-east-1"}
	var b [5]byte
	rand.Read(b[:])
	cfg.Bucket = "sbtest-" + hex.EncodeToString(b[:])
	probe, err := blob.NewS3(context.Background(), cfg, "attachments/")
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("S3 server unreachable under CI (scripts/ensure-services.sh starts it): %v", err)
		}
		t.Skipf("SKIPPING: no S3 server: %v", err)
	}
	dir := t.TempDir()
	MustRun(t, "user", "create", "--email", "admin@example.com", "--password", "admin-password", "--role", "admin", "--data", dir)
	t.Setenv("SWITCHBOARD_S3_SECRET_KEY", cfg.SecretKey)
	p := MustServe(t, "--data", dir, "--log-level", "debug", "--s3-endpoint", cfg.Endpoint, "--s3-bucket", cfg.Bucket,
		"--s3-access-key", cfg.AccessKey, "--s3-region", cfg.Region)
	token := login(t, p.url, "admin@example.com", "admin-password")
	var in struct {
		Conversation struct {
			ID string `json:"id"`
		} `json:"conversation"`
	}
	if code := call(t, "POST", p.url+"/api/v1/inbound", token, map[string]string{"channel": "api", "from": "+15550001234",
		"to": "support", "text": "hello", "external_id": "s3-1"}, &in); code != 201 {
		t.Fatalf("inbound: %d", code)
	}

	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	mw.WriteField("type", "note")
	mw.WriteField("text", "the log")
	w, _ := mw.CreateFormFile("files", "log.txt")
	w.Write([]byte("line one\nline two\n"))
	mw.Close()
	req, _ := http.NewRequest("POST", p.url+"/api/v1/conversations/"+in.Conversation.ID+"/messages", &body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	var note struct {
		Attachments []struct {
			ID  string `json:"id"`
			URL string `json:"url"`
		} `json:"attachments"`
	}
	json.NewDecoder(resp.Body).Decode(&note)
	resp.Body.Close()
	if resp.StatusCode != 201 || len(note.Attachments) != 1 {
		t.Fatalf("note: status %d, %+v\n%s", resp.StatusCode, note, p.stderr)
	}

	req, _ = http.NewRequest("GET", p.url+note.Attachments[0].URL, nil)
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err = http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	served, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || string(served) != "line one\nline two\n" {
		t.Fatalf("download: %d %q", resp.StatusCode, served)
	}

	// The bytes are in the bucket, under the attachments/ prefix.
	keys, err := probe.Keys(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	var found bool
	for _, k := range keys {
		rc, err := probe.Open(context.Background(), k)
		if err != nil {
			t.Fatal(err)
		}
		got, _ := io.ReadAll(rc)
		rc.Close()
		found = found || string(got) == "line one\nline two\n"
	}
	if !found {
		t.Fatal("the attachment is not in the S3 bucket")
	}
	if _, err := os.Stat(filepath.Join(dir, "attachments")); err == nil {
		t.Fatal("an attachments folder was made in the data folder although S3 is configured")
	}
	if strings.Contains(p.stderr.String(), cfg.SecretKey) {
		t.Fatal("the S3 secret key was logged")
	}
	if !strings.Contains(p.stderr.String(), cfg.Bucket) {
		t.Fatalf("the S3 store was not logged as in use:\n%s", p.stderr)
	}
}
