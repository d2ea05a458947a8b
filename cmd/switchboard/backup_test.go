package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/switchboard-cc/switchboard/internal/backup"
)

// burst ingests messages over the API channel from several writers until
// stop is called; acked returns the external IDs answered 201 so far.
type burst struct {
	mu     sync.Mutex
	ids    []string
	cancel context.CancelFunc
	wg     sync.WaitGroup
}

func startBurst(t *testing.T, base, token string) *burst {
	ctx, cancel := context.WithCancel(context.Background())
	b := &burst{cancel: cancel}
	for w := 0; w < 4; w++ {
		b.wg.Add(1)
		go func(w int) {
			defer b.wg.Done()
			client := &http.Client{Timeout: 10 * time.Second}
			for i := 0; ctx.Err() == nil; i++ {
				id := fmt.Sprintf("bk%dx%d", w, i)
				body := fmt.Sprintf(`{"channel":"api","from":"+1555000%03d","to":"support","text":"burst %s","external_id":"%s"}`, i%40, id, id)
				req, _ := http.NewRequestWithContext(ctx, "POST", base+"/api/v1/inbound", strings.NewReader(body))
				req.Header.Set("Authorization", "Bearer "+token)
				req.Header.Set("Content-Type", "application/json")
				resp, err := client.Do(req)
				if err != nil {
					return
				}
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				if resp.StatusCode != 201 {
					t.Errorf("inbound %s: status %d", id, resp.StatusCode)
					return
				}
				b.mu.Lock()
				b.ids = append(b.ids, id)
				b.mu.Unlock()
			}
		}(w)
	}
	return b
}

func (b *burst) acked() []string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return append([]string(nil), b.ids...)
}

func (b *burst) stop() { b.cancel(); b.wg.Wait() }

// waitAcked waits until at least n messages are acknowledged.
func (b *burst) waitAcked(t *testing.T, n int) {
	t.Helper()
	for deadline := time.Now().Add(60 * time.Second); len(b.acked()) < n; {
		if time.Now().After(deadline) {
			t.Fatalf("only %d messages acknowledged", len(b.acked()))
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// TestBackupDuringWriteBurstRestores backs a served data folder up while
// four writers ingest, restores it into an empty folder and serves that:
// the database passes SQLite's integrity check, every message
// acknowledged before the backup started is there (and findable by
// search), logins still work and the uploaded files came along.
func TestBackupDuringWriteBurstRestores(t *testing.T) {
	dir := t.TempDir()
	MustRun(t, "user", "create", "--email", "admin@example.com", "--password", "admin-password", "--role", "admin", "--data", dir)
	// An uploaded file as the blob store keeps it (attachments/KEY[:2]/KEY).
	key := "ab0123456789abcdef"
	if err := os.MkdirAll(filepath.Join(dir, "attachments", "ab"), 0o750); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "attachments", "ab", key), []byte("file bytes"), 0o640); err != nil {
		t.Fatal(err)
	}
	p := MustServe(t, "--data", dir)
	token := login(t, p.url, "admin@example.com", "admin-password")

	b := startBurst(t, p.url, token)
	b.waitAcked(t, 200)
	before := b.acked()
	archive := filepath.Join(t.TempDir(), "snap.tar.zst")
	out := MustRun(t, "backup", "--data", dir, "--to", archive)
	after := len(b.acked())
	b.waitAcked(t, after+50) // the writers kept going during and after the backup
	b.stop()
	if t.Failed() {
		return
	}
	t.Logf("%s%d acknowledged before the backup, %d by its end", out, len(before), after)

	restored := filepath.Join(t.TempDir(), "restored")
	MustRun(t, "restore", "--from", archive, "--data", restored)
	if err := backup.IntegrityCheck(context.Background(), filepath.Join(restored, "switchboard.db")); err != nil {
		t.Fatal(err)
	}
	if got, err := os.ReadFile(filepath.Join(restored, "attachments", "ab", key)); err != nil || string(got) != "file bytes" {
		t.Fatalf("uploaded file after restore: %q, %v", got, err)
	}
	// Restoring over a non-empty folder is refused.
	if out, err := runCmd("restore", "--from", archive, "--data", restored); err == nil {
		t.Fatalf("restore into a non-empty folder succeeded: %s", out)
	}

	p2 := MustServe(t, "--data", restored)
	token = login(t, p2.url, "admin@example.com", "admin-password")
	for _, id := range before {
		var res struct {
			Duplicate bool `json:"duplicate"`
		}
		body := map[string]string{"channel": "api", "from": "+15550009999", "to": "support", "text": "again", "external_id": id}
		if code := call(t, "POST", p2.url+"/api/v1/inbound", token, body, &res); code != 200 || !res.Duplicate {
			t.Fatalf("message %s acknowledged before the backup is not in it (status %d)", id, code)
		}
	}
	// The search index came along: the first and the last message
	// acknowledged before the backup are found by their words.
	for _, id := range []string{before[0], before[len(before)-1]} {
		var res struct {
			Messages struct {
				Items []struct {
					Snippet string `json:"snippet"`
				} `json:"items"`
			} `json:"messages"`
		}
		if code := call(t, "GET", p2.url+"/api/v1/search?q="+url.QueryEscape(id), token, nil, &res); code != 200 || len(res.Messages.Items) != 1 || res.Messages.Items[0].Snippet != "burst "+id {
			t.Fatalf("search for %s after restore: status %d, %+v", id, code, res)
		}
	}
}

// runCmd runs a switchboard command and returns its combined output.
func runCmd(args ...string) (string, error) {
	out, err := exec.Command(binPath, args...).CombinedOutput()
	return string(out), err
}

// TestScheduledBackups serves with --backup-every and --backup-keep: the
// backups folder ends up holding the newest two of at least three made,
// and the newest restores.
func TestScheduledBackups(t *testing.T) {
	dir := t.TempDir()
	to := filepath.Join(t.TempDir(), "backups")
	MustRun(t, "user", "create", "--email", "admin@example.com", "--password", "admin-password", "--role", "admin", "--data", dir)
	MustServe(t, "--data", dir, "--backup-every", "150ms", "--backup-keep", "2", "--backup-to", to+"/")
	var names []string
	var newest string
	seen := map[string]bool{}
	for deadline := time.Now().Add(60 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		entries, _ := os.ReadDir(to)
		names = names[:0]
		for _, e := range entries {
			if strings.HasSuffix(e.Name(), ".tar.zst") {
				names = append(names, e.Name())
				seen[e.Name()] = true
			}
		}
		made := len(seen)
		if made >= 3 && len(names) == 2 {
			// The server goes on making backups and pruning: the newest is
			// copied aside at once (a copy that lost the race is retried).
			if b, err := os.ReadFile(filepath.Join(to, names[1])); err == nil {
				newest = filepath.Join(t.TempDir(), names[1])
				if err := os.WriteFile(newest, b, 0o600); err != nil {
					t.Fatal(err)
				}
				break
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d backups made, %v kept", made, names)
		}
	}
	out := filepath.Join(t.TempDir(), "restored")
	MustRun(t, "restore", "--from", newest, "--data", out)
	if err := backup.IntegrityCheck(context.Background(), filepath.Join(out, "switchboard.db")); err != nil {
		t.Fatal(err)
	}
}
