package main

import (
	"bufio"
	"os/exec"
	"regexp"
	"strings"
	"testing"
	"time"
)

// serveLines starts serve on dir and returns its first n stdout lines.
func serveLines(t *testing.T, dir string, n int) []string {
	t.Helper()
	cmd := exec.Command(binPath, "serve", "--addr", "127.0.0.1:0", "--data", dir, "--log-level", "warn")
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	ch := make(chan []string, 1)
	go func() {
		var lines []string
		sc := bufio.NewScanner(out)
		for len(lines) < n && sc.Scan() {
			lines = append(lines, sc.Text())
		}
		ch <- lines
	}()
	select {
	case l := <-ch:
		return l
	case <-time.After(60 * time.Second):
		t.Fatal("serve printed too little within 60 s")
	}
	return nil
}

// TestServeFirstRunSetupLink: on an empty data folder serve prints a
// one-time setup link right after its address; the link's token creates
// the first admin once; afterwards (and with an admin from `user create`)
// no link is printed.
func TestServeFirstRunSetupLink(t *testing.T) {
	needBinary(t)
	dir := t.TempDir()
	lines := serveLines(t, dir, 2)
	base := strings.TrimPrefix(lines[0], "switchboard listening on ")
	m := regexp.MustCompile(`(http://\S+)/setup\?token=([0-9a-f]{64})$`).FindStringSubmatch(lines[1])
	if m == nil || m[1] != base {
		t.Fatalf("second line %q: want the setup link on %s", lines[1], base)
	}
	body := map[string]string{"token": m[2], "name": "Ada", "email": "ada@example.com", "password": "correct-horse-battery", "organisation": "Shop", "phone_region": "US"}
	if code := call(t, "POST", base+"/api/v1/setup", "", body, nil); code != 201 {
		t.Fatalf("setup: %d", code)
	}
	if code := call(t, "POST", base+"/api/v1/setup", "", body, nil); code != 409 {
		t.Fatalf("second setup: %d", code)
	}
	login(t, base, "ada@example.com", "correct-horse-battery")

	// user create still works for scripts, and a data folder with an admin
	// prints no link.
	other := t.TempDir()
	MustRun(t, "user", "create", "--email", "root@example.com", "--password", "long-enough-pw", "--role", "admin", "--data", other)
	p := MustServe(t, "--data", other)
	var got struct{ Needed bool }
	if code := call(t, "GET", p.url+"/api/v1/setup", "", nil, &got); code != 200 || got.Needed {
		t.Fatalf("setup state with an admin: %d %+v", code, got)
	}
}
