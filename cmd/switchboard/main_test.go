package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// binPath is the switchboard binary built once for the process tests.
var binPath string

func TestMain(m *testing.M) {
	flag.Parse()
	if testing.Short() {
		// The fast tier builds no binary: process tests skip (needBinary).
		os.Exit(m.Run())
	}
	dir, err := os.MkdirTemp("", "switchboard-cmd-test-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	binPath = filepath.Join(dir, "switchboard")
	out, err := exec.Command("go", "build", "-o", binPath, ".").CombinedOutput()
	if err != nil {
		fmt.Fprintf(os.Stderr, "build switchboard: %v\n%s", err, out)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// needBinary skips a process test in the fast tier (-short), which builds
// no binary.
func needBinary(tb testing.TB) {
	tb.Helper()
	if binPath == "" {
		tb.Skip("process test: not in the fast tier (-short)")
	}
}

// proc is a `switchboard serve` child process.
type proc struct {
	cmd    *exec.Cmd
	url    string
	stderr *bytes.Buffer
}

// MustServe starts `switchboard serve` on a free port with the given args.
func MustServe(tb testing.TB, args ...string) *proc {
	tb.Helper()
	needBinary(tb)
	cmd := exec.Command(binPath, append([]string{"serve", "--addr", "127.0.0.1:0"}, args...)...)
	var stderr bytes.Buffer
	cmd.Stderr = &syncWriter{w: &stderr}
	out, err := cmd.StdoutPipe()
	if err != nil {
		tb.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		tb.Fatal(err)
	}
	line := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(out)
		sc.Scan()
		line <- sc.Text()
		_, _ = io.Copy(io.Discard, out)
	}()
	p := &proc{cmd: cmd, stderr: &stderr}
	select {
	case l := <-line:
		if !strings.HasPrefix(l, "switchboard listening on ") {
			_ = cmd.Process.Kill()
			_ = cmd.Wait()
			tb.Fatalf("unexpected first line %q; stderr:\n%s", l, stderr.String())
		}
		p.url = strings.TrimPrefix(l, "switchboard listening on ")
	case <-time.After(60 * time.Second):
		_ = cmd.Process.Kill()
		tb.Fatal("server did not start within 60 s")
	}
	tb.Cleanup(func() {
		if cmd.ProcessState == nil {
			_ = cmd.Process.Kill()
			_ = cmd.Wait()
		}
	})
	return p
}

type syncWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (s *syncWriter) Write(b []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.w.Write(b)
}

// MustRun runs a switchboard command and returns its stdout.
func MustRun(tb testing.TB, args ...string) string {
	tb.Helper()
	needBinary(tb)
	out, err := exec.Command(binPath, args...).CombinedOutput()
	if err != nil {
		tb.Fatalf("switchboard %v: %v\n%s", args, err, out)
	}
	return string(out)
}

// call sends a JSON request and decodes the JSON response into out (if non-nil).
func call(tb testing.TB, method, url, token string, body any, out any) int {
	tb.Helper()
	var r io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		r = bytes.NewReader(b)
	}
	req, _ := http.NewRequest(method, url, r)
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		tb.Fatalf("%s %s: %v", method, url, err)
	}
	defer resp.Body.Close()
	if out != nil {
		_ = json.NewDecoder(resp.Body).Decode(out)
	}
	return resp.StatusCode
}

func login(tb testing.TB, base, email, password string) string {
	tb.Helper()
	var res struct {
		Token string `json:"token"`
	}
	if code := call(tb, "POST", base+"/api/v1/auth/login", "", map[string]string{"email": email, "password": password}, &res); code != 200 || res.Token == "" {
		tb.Fatalf("login: status %d", code)
	}
	return res.Token
}

func TestUserCreateValidates(t *testing.T) {
	needBinary(t)
	dir := t.TempDir()
	out, err := exec.Command(binPath, "user", "create", "--email", "nobody", "--password", "long-enough-pw", "--role", "admin", "--data", dir).CombinedOutput()
	if err == nil || !strings.Contains(string(out), "email") {
		t.Fatalf("bad email accepted: %v %s", err, out)
	}
	out, err = exec.Command(binPath, "user", "create", "--email", "a@example.com", "--password", "long-enough-pw", "--role", "root", "--data", dir).CombinedOutput()
	if err == nil || !strings.Contains(string(out), "role") {
		t.Fatalf("bad role accepted: %v %s", err, out)
	}
	MustRun(t, "user", "create", "--email", "a@example.com", "--password", "long-enough-pw", "--role", "admin", "--data", dir)
	out, err = exec.Command(binPath, "user", "create", "--email", "A@example.com", "--password", "long-enough-pw", "--role", "agent", "--data", dir).CombinedOutput()
	if err == nil {
		t.Fatalf("duplicate email accepted: %s", out)
	}
}

func TestServeEnvConfigAndHealth(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("SWITCHBOARD_DATA", dir)
	p := MustServe(t)
	for _, path := range []string{"/healthz", "/readyz", "/metrics", "/api/v1/openapi.json"} {
		if code := call(t, "GET", p.url+path, "", nil, nil); code != 200 {
			t.Errorf("GET %s: status %d", path, code)
		}
	}
	// SWITCHBOARD_DATA put the database in dir.
	if _, err := os.Stat(filepath.Join(dir, "switchboard.db")); err != nil {
		t.Fatalf("database not in SWITCHBOARD_DATA folder: %v", err)
	}
	if err := p.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	if err := p.cmd.Wait(); err != nil {
		t.Fatalf("serve did not exit cleanly on SIGTERM: %v\n%s", err, p.stderr)
	}
}

// TestGracefulShutdownLosesNothing sends SIGTERM during a burst of inbound
// messages, restarts on the same data folder and shows that every message
// the server accepted (2xx) was kept: re-posting it is a duplicate.
func TestGracefulShutdownLosesNothing(t *testing.T) {
	dir := t.TempDir()
	MustRun(t, "user", "create", "--email", "admin@example.com", "--password", "admin-password", "--role", "admin", "--data", dir)
	p := MustServe(t, "--data", dir)
	token := login(t, p.url, "admin@example.com", "admin-password")

	var mu sync.Mutex
	var accepted []string
	var wg sync.WaitGroup
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	for w := 0; w < 8; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			client := &http.Client{Timeout: 10 * time.Second}
			for i := 0; ctx.Err() == nil; i++ {
				id := fmt.Sprintf("w%d-%d", w, i)
				body := fmt.Sprintf(`{"channel":"api","from":"+1555000%03d","to":"support","text":"burst %s","external_id":"%s"}`, i%50, id, id)
				req, _ := http.NewRequestWithContext(ctx, "POST", p.url+"/api/v1/inbound", strings.NewReader(body))
				req.Header.Set("Authorization", "Bearer "+token)
				req.Header.Set("Content-Type", "application/json")
				resp, err := client.Do(req)
				if err != nil {
					return // server gone
				}
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				if resp.StatusCode == 201 {
					mu.Lock()
					accepted = append(accepted, id)
					mu.Unlock()
				} else if resp.StatusCode != 503 {
					t.Errorf("inbound %s: status %d", id, resp.StatusCode)
					return
				}
			}
		}(w)
	}
	time.Sleep(700 * time.Millisecond)
	if err := p.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	if err := p.cmd.Wait(); err != nil {
		t.Fatalf("serve did not exit cleanly: %v\n%s", err, p.stderr)
	}
	cancel()
	wg.Wait()
	if len(accepted) < 10 {
		t.Fatalf("only %d messages accepted before shutdown; the test proves nothing", len(accepted))
	}

	p2 := MustServe(t, "--data", dir)
	token = login(t, p2.url, "admin@example.com", "admin-password")
	for _, id := range accepted {
		var res struct {
			Duplicate bool `json:"duplicate"`
		}
		body := map[string]string{"channel": "api", "from": "+15550009999", "to": "support", "text": "again", "external_id": id}
		code := call(t, "POST", p2.url+"/api/v1/inbound", token, body, &res)
		if code != 200 || !res.Duplicate {
			t.Fatalf("accepted message %s was lost across shutdown (status %d, duplicate %v)", id, code, res.Duplicate)
		}
	}
	t.Logf("%d accepted messages all kept across SIGTERM", len(accepted))
}
