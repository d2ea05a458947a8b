package bench

import (
	"bufio"
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"time"
)

// Server is a `switchboard serve` child process started for a benchmark, so
// the server and the load generator are separate processes as in production.
type Server struct {
	URL string
	cmd *exec.Cmd
	// DBCPU, when set, reads the CPU time the database server's
	// processes serving this server have used (PostgreSQL's backends,
	// see PostgresCPU); the read mixes report it per request.
	DBCPU func() time.Duration
	// DBCost, when set, reads PostgreSQL's CPU, transactions and
	// statements for this server (see PostgresCost).
	DBCost func() PGCost
}

// StartServer runs `bin serve --addr 127.0.0.1:0` with extra args (e.g.
// --data DIR or --db URL) and waits until it reports its address.
func StartServer(ctx context.Context, bin string, args ...string) (*Server, error) {
	// The load generator and the fake providers are on loopback: allow it
	// past the SSRF guard, and past the per-address cap of anonymous
	// requests (webhooks), which production traffic spreads over many
	// provider addresses.
	cmd := exec.CommandContext(ctx, bin, append([]string{"serve", "--addr", "127.0.0.1:0", "--log-level", "warn",
		"--outbound-allow", "127.0.0.0/8", "--anon-requests-per-address", "1000000"}, args...)...)
	cmd.Stderr = os.Stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	lines := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(out)
		if sc.Scan() {
			lines <- sc.Text()
		}
		close(lines)
		_, _ = io.Copy(io.Discard, out)
	}()
	select {
	case line, ok := <-lines:
		const prefix = "switchboard listening on "
		if !ok || !strings.HasPrefix(line, prefix) {
			_ = cmd.Process.Kill()
			_ = cmd.Wait()
			return nil, fmt.Errorf("bench: server did not start (first line %q)", line)
		}
		return &Server{URL: strings.TrimPrefix(line, prefix), cmd: cmd}, nil
	case <-time.After(60 * time.Second):
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
		return nil, fmt.Errorf("bench: server did not start within 60 s")
	}
}

// Stop ends the server with SIGINT (graceful) and waits for it.
func (s *Server) Stop() error {
	_ = s.cmd.Process.Signal(os.Interrupt)
	return s.cmd.Wait()
}

// Login returns a bearer token for the account.
func Login(ctx context.Context, baseURL, email, password string) (string, error) {
	body, _ := json.Marshal(map[string]string{"email": email, "password": password})
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, baseURL+"/api/v1/auth/login", bytes.NewReader(body))
	if err != nil {
		return "", err
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	var out struct {
		Token string `json:"token"`
	}
	if resp.StatusCode != http.StatusOK {
		msg, _ := io.ReadAll(resp.Body)
		return "", fmt.Errorf("login: status %d: %s", resp.StatusCode, msg)
	}
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil {
		return "", fmt.Errorf("login: %w", err)
	}
	return out.Token, nil
}

// RSS returns the server process's resident memory in bytes (Linux).
func (s *Server) RSS() (int64, error) { return s.status("VmRSS:") }

// RSSAnon returns the part of RSS that is the process's own memory (heap,
// stacks), not pages of files it maps (Linux): SQLite's memory-mapped
// database file counts in RSS once per connection.
func (s *Server) RSSAnon() (int64, error) { return s.status("RssAnon:") }

func (s *Server) status(field string) (int64, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", s.cmd.Process.Pid))
	if err != nil {
		return 0, err
	}
	for _, line := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(line, field) {
			var kb int64
			if _, err := fmt.Sscanf(strings.TrimSpace(strings.TrimPrefix(line, field)), "%d kB", &kb); err != nil {
				return 0, err
			}
			return kb * 1024, nil
		}
	}
	return 0, fmt.Errorf("bench: no %s for pid %d", field, s.cmd.Process.Pid)
}

// PostgresCPU returns a func that sums the CPU time of the PostgreSQL
// backends whose application_name is name (the benchmark's server sets it
// in its connection URL) in db's current database, read from /proc: PostgreSQL on the same machine.
// A backend that exits between two readings takes its time with it.
func PostgresCPU(ctx context.Context, db interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}, name string) func() time.Duration {
	return func() time.Duration {
		rows, err := db.QueryContext(ctx, `SELECT pid FROM pg_stat_activity WHERE application_name = $1 AND datname = current_database()`, name)
		if err != nil {
			return 0
		}
		defer rows.Close()
		var total time.Duration
		for rows.Next() {
			var pid int
			if rows.Scan(&pid) == nil {
				if d, err := procCPU(pid); err == nil {
					total += d
				}
			}
		}
		return total
	}
}

// CPU returns the CPU time (user + system) the server process has used so
// far (Linux). Per message it is a cost measure that other processes'
// load on a shared machine hardly disturbs, unlike throughput.
func (s *Server) CPU() (time.Duration, error) { return procCPU(s.cmd.Process.Pid) }

// WaitIdle waits, at most max, until the server uses less than 50 ms of
// CPU in a second: its start-up work (retention, SLA and report
// backfills) reads the whole history and would otherwise be counted in
// the first measurement's CPU per request. It returns how long it waited.
func (s *Server) WaitIdle(max time.Duration) time.Duration {
	start := time.Now()
	for time.Since(start) < max {
		c0, _ := s.CPU()
		time.Sleep(time.Second)
		if c1, _ := s.CPU(); c1-c0 < 50*time.Millisecond {
			break
		}
	}
	return time.Since(start)
}

// procCPU is a process's CPU time (user + system) from /proc (Linux).
func procCPU(pid int) (time.Duration, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0, err
	}
	// Fields after the parenthesised command name; utime and stime are
	// the 14th and 15th fields of the line, in clock ticks (100 a second
	// on Linux).
	i := bytes.LastIndexByte(b, ')')
	f := strings.Fields(string(b[i+1:]))
	if len(f) < 13 {
		return 0, fmt.Errorf("bench: short /proc/%d/stat", pid)
	}
	var ut, st int64
	fmt.Sscan(f[11], &ut)
	fmt.Sscan(f[12], &st)
	return time.Duration(ut+st) * 10 * time.Millisecond, nil
}
