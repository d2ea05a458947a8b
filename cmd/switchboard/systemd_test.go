package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// TestSystemdUnit checks deploy/switchboard.service with systemd's own
// tools: `systemd-analyze verify` accepts it (ExecStart pointed at the
// test's binary) and `systemd-analyze security --offline` rates its
// exposure at most 2.0 ("OK"; an unhardened service rates 9.6).
func TestSystemdUnit(t *testing.T) {
	needBinary(t)
	if _, err := exec.LookPath("systemd-analyze"); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("systemd-analyze missing under CI (scripts/ensure-services.sh installs systemd)")
		}
		t.Skip("SKIPPING: no systemd-analyze")
	}
	b, err := os.ReadFile(filepath.Join(repoRoot(t), "deploy", "switchboard.service"))
	if err != nil {
		t.Fatal(err)
	}
	unit := strings.ReplaceAll(string(b), "/usr/local/bin/switchboard", binPath)
	path := filepath.Join(t.TempDir(), "switchboard.service")
	if err := os.WriteFile(path, []byte(unit), 0o644); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command("systemd-analyze", "verify", path).CombinedOutput(); err != nil || len(strings.TrimSpace(string(out))) > 0 {
		t.Fatalf("systemd-analyze verify: %v\n%s", err, out)
	}
	out, _ := exec.Command("systemd-analyze", "security", "--offline=yes", "--no-pager", path).CombinedOutput()
	m := regexp.MustCompile(`Overall exposure level for switchboard\.service: ([0-9.]+) (\w+)`).FindSubmatch(out)
	if m == nil {
		t.Fatalf("systemd-analyze security:\n%s", out)
	}
	score, _ := strconv.ParseFloat(string(m[1]), 64)
	if score > 2.0 {
		t.Fatalf("exposure %.1f %s, want at most 2.0:\n%s", score, m[2], out)
	}
	t.Logf("exposure %.1f %s", score, m[2])
}
