package main

import (
	"bufio"
	"bytes"
	"debug/elf"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httputil"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"

	"go.yaml.in/yaml/v3"
)

// repoRoot is the module's root (tests run in cmd/switchboard).
func repoRoot(t *testing.T) string {
	t.Helper()
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	return root
}

// dockerfile is the parsed Dockerfile: its stages' instructions, the
// continuation lines joined.
type dockerfile struct {
	stages []dockerStage
}

type dockerStage struct {
	from  string // the FROM line
	lines []string
}

func parseDockerfile(t *testing.T) *dockerfile {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(repoRoot(t), "Dockerfile"))
	if err != nil {
		t.Fatal(err)
	}
	df := &dockerfile{}
	var cont string
	for _, l := range strings.Split(string(b), "\n") {
		l = strings.TrimSpace(l)
		if l == "" || strings.HasPrefix(l, "#") {
			continue
		}
		if strings.HasSuffix(l, "\\") {
			cont += strings.TrimSuffix(l, "\\") + " "
			continue
		}
		l, cont = cont+l, ""
		if strings.HasPrefix(l, "FROM ") {
			df.stages = append(df.stages, dockerStage{from: l})
			continue
		}
		if len(df.stages) == 0 {
			t.Fatalf("instruction before FROM: %s", l)
		}
		s := &df.stages[len(df.stages)-1]
		s.lines = append(s.lines, l)
	}
	return df
}

// find returns the stage's instructions starting with prefix.
func (s dockerStage) find(prefix string) []string {
	var out []string
	for _, l := range s.lines {
		if strings.HasPrefix(l, prefix) {
			out = append(out, l)
		}
	}
	return out
}

func freePort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// TestDockerfileBuild builds the binary with the Dockerfile's own go
// build line (its flags as written, the VERSION build argument set), then
// checks what the image relies on: the binary is static (no interpreter,
// no shared libraries: it runs on distroless/static), `version` prints the
// stamped version, and the image's HEALTHCHECK command passes against a
// server started with the image's environment. The final stage runs as a
// numeric non-root user with /data as a volume.
func TestDockerfileBuild(t *testing.T) {
	df := parseDockerfile(t)
	var build, final dockerStage
	for _, s := range df.stages {
		if strings.HasSuffix(s.from, " AS build") {
			build = s
		}
	}
	final = df.stages[len(df.stages)-1]
	runs := build.find("RUN CGO_ENABLED=0")
	if len(runs) != 1 || !strings.Contains(runs[0], " go build ") {
		t.Fatalf("the build stage's go build line: %q", runs)
	}
	cmdline := strings.TrimPrefix(runs[0], "RUN ")
	if !strings.Contains(cmdline, "-o /out/switchboard") {
		t.Fatalf("the go build line does not write /out/switchboard: %s", cmdline)
	}
	out := filepath.Join(t.TempDir(), "switchboard")
	cmdline = strings.Replace(cmdline, "-o /out/switchboard", "-o "+out, 1)
	const stamp = "v9.8.7-test"
	cmd := exec.Command("sh", "-c", cmdline)
	cmd.Dir = repoRoot(t)
	cmd.Env = append(os.Environ(), "VERSION="+stamp)
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("%s: %v\n%s", cmdline, err, b)
	}

	f, err := elf.Open(out)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range f.Progs {
		if p.Type == elf.PT_INTERP || p.Type == elf.PT_DYNAMIC {
			t.Fatalf("the binary is dynamically linked (program header %v)", p.Type)
		}
	}
	f.Close()
	if v, err := exec.Command(out, "version").Output(); err != nil || strings.TrimSpace(string(v)) != stamp {
		t.Fatalf("version = %q, %v; want %s", v, err, stamp)
	}

	// The final stage.
	if !strings.Contains(final.from, "distroless/static") {
		t.Errorf("final stage %q is not a static-binary base", final.from)
	}
	user := final.find("USER ")
	if len(user) != 1 || !regexp.MustCompile(`^USER [1-9][0-9]*:[1-9][0-9]*$`).MatchString(user[0]) {
		t.Errorf("final stage user %q: want a numeric non-root uid:gid", user)
	}
	if v := final.find("VOLUME "); len(v) != 1 || !strings.Contains(v[0], `"/data"`) {
		t.Errorf("final stage volume %q", v)
	}
	env := map[string]string{}
	for _, l := range final.find("ENV ") {
		for _, kv := range strings.Fields(strings.TrimPrefix(l, "ENV ")) {
			k, v, _ := strings.Cut(kv, "=")
			env[k] = v
		}
	}
	if env["SWITCHBOARD_DATA"] != "/data" {
		t.Errorf("the image's data folder is %q, not the volume", env["SWITCHBOARD_DATA"])
	}
	hc := final.find("HEALTHCHECK ")
	if len(hc) != 1 {
		t.Fatalf("HEALTHCHECK: %q", hc)
	}
	// The exec form of the health check, run against a server started with
	// the image's environment (data folder and port moved to the test's).
	m := regexp.MustCompile(`CMD (\[.*\])`).FindStringSubmatch(hc[0])
	var hcArgs []string
	if m == nil || yaml.Unmarshal([]byte(m[1]), &hcArgs) != nil || len(hcArgs) < 2 || hcArgs[0] != "/usr/local/bin/switchboard" {
		t.Fatalf("HEALTHCHECK command: %s", hc[0])
	}
	port := freePort(t)
	_, imagePort, _ := net.SplitHostPort(env["SWITCHBOARD_ADDR"])
	srv := exec.Command(out, "serve")
	srv.Env = append(os.Environ(), "SWITCHBOARD_DATA="+t.TempDir(), fmt.Sprintf("SWITCHBOARD_ADDR=127.0.0.1:%d", port))
	stdout, _ := srv.StdoutPipe()
	if err := srv.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { srv.Process.Kill(); srv.Wait() }()
	if line, _ := bufio.NewReader(stdout).ReadString('\n'); !strings.HasPrefix(line, "switchboard listening on ") {
		t.Fatalf("serve: %q", line)
	}
	args := make([]string, len(hcArgs)-1)
	for i, a := range hcArgs[1:] {
		args[i] = strings.Replace(a, "127.0.0.1:"+imagePort, fmt.Sprintf("127.0.0.1:%d", port), 1)
	}
	if b, err := exec.Command(out, args...).CombinedOutput(); err != nil {
		t.Fatalf("health check %v: %v\n%s", args, err, b)
	}
	srv.Process.Kill()
	srv.Wait()
	if err := exec.Command(out, args...).Run(); err == nil {
		t.Fatal("the health check passes with the server stopped")
	}
}

// composeFile is what the test reads of deploy/compose.yaml.
type composeFile struct {
	Services map[string]struct {
		Command     []string          `yaml:"command"`
		Environment map[string]string `yaml:"environment"`
	} `yaml:"services"`
}

// interpolate expands ${VAR} and ${VAR:-default} as docker compose does.
func interpolate(s string, vars map[string]string) string {
	return regexp.MustCompile(`\$\{([A-Z0-9_]+)(:-([^}]*))?\}`).ReplaceAllStringFunc(s, func(m string) string {
		p := regexp.MustCompile(`\$\{([A-Z0-9_]+)(:-([^}]*))?\}`).FindStringSubmatch(m)
		if v, ok := vars[p[1]]; ok && v != "" {
			return v
		}
		return p[3]
	})
}

// TestComposeTopology starts deploy/compose.yaml's three nodes as real
// processes with its commands and environment, the service names mapped
// to loopback (PostgreSQL, NATS JetStream and versitygw as
// scripts/ensure-services.sh runs them, each node on its own port), behind
// a round-robin reverse proxy standing in for Caddy. Through the proxy an
// admin logs in and a message comes in; each node serves it from the
// shared database, and a live feed on another node gets its event.
func TestComposeTopology(t *testing.T) {
	db, prefix := pgSchema(t), natsPrefix(t)
	needService(t, "the S3-compatible store", "127.0.0.1:7070")
	b, err := os.ReadFile(filepath.Join(repoRoot(t), "deploy", "compose.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	var cf composeFile
	if err := yaml.Unmarshal(b, &cf); err != nil {
		t.Fatal(err)
	}
	vars := map[string]string{"POSTGRES_PASSWORD": "unused", "S3_ACCESS_KEY": "switchboard", "S3_SECRET_KEY": "switchboard-test-secret",
		"SWITCHBOARD_SECRET_KEY": "compose-test-secret-key-of-32-characters!", "SWITCHBOARD_CALL_SECRET": "compose-test-call-secret",
		"PUBLIC_URL": "http://127.0.0.1"}
	names := []string{"node1", "node2", "node3"}
	ports := map[string]int{}
	for _, n := range names {
		ports[n] = freePort(t)
	}
	host := func(s string) string {
		s = strings.ReplaceAll(s, "nats://nats:4222", testNATS)
		s = strings.ReplaceAll(s, "http://s3:7070", "http://127.0.0.1:7070")
		for _, n := range names {
			s = strings.ReplaceAll(s, "http://"+n+":8080", fmt.Sprintf("http://127.0.0.1:%d", ports[n]))
		}
		return s
	}
	var base []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "SWITCHBOARD_") {
			base = append(base, kv)
		}
	}
	MustRun(t, "user", "create", "--email", "admin@example.com", "--password", "admin-password", "--role", "admin", "--db", db)
	urls := map[string]string{}
	logs := map[string]*syncWriter{}
	for _, n := range names {
		svc, ok := cf.Services[n]
		if !ok || len(svc.Command) == 0 || svc.Command[0] != "serve" {
			t.Fatalf("compose service %s: %+v", n, svc)
		}
		env := append([]string(nil), base...)
		for k, v := range svc.Environment {
			v = host(interpolate(v, vars))
			if k == "SWITCHBOARD_DB" {
				if !strings.Contains(v, "@postgres:5432/") {
					t.Fatalf("%s: %s is not the compose PostgreSQL", n, v)
				}
				v = db
			}
			env = append(env, k+"="+v)
		}
		// Isolation from other tests on the same NATS server.
		env = append(env, "SWITCHBOARD_NATS_PREFIX="+prefix)
		args := make([]string, len(svc.Command))
		for i, a := range svc.Command {
			args[i] = host(interpolate(a, vars))
			if i > 0 && svc.Command[i-1] == "--addr" {
				args[i] = "127.0.0.1:" + strconv.Itoa(ports[n])
			}
		}
		cmd := exec.Command(binPath, args...)
		cmd.Env = env
		var stderr bytes.Buffer
		sw := &syncWriter{w: &stderr}
		cmd.Stderr = sw
		stdout, _ := cmd.StdoutPipe()
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
		line, _ := bufio.NewReader(stdout).ReadString('\n')
		go io.Copy(io.Discard, stdout)
		if !strings.HasPrefix(line, "switchboard listening on ") {
			t.Fatalf("%s %v: %q\n%s", n, args, line, stderr.String())
		}
		urls[n] = strings.TrimSpace(strings.TrimPrefix(line, "switchboard listening on "))
		logs[n] = sw
	}

	// The reverse proxy: round robin over the three nodes.
	var next atomic.Uint64
	proxy := &httputil.ReverseProxy{Rewrite: func(r *httputil.ProxyRequest) {
		u, _ := url.Parse(urls[names[next.Add(1)%3]])
		r.SetURL(u)
		r.SetXForwarded()
	}}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ps := &http.Server{Handler: proxy}
	go ps.Serve(ln)
	t.Cleanup(func() { ps.Close() })
	front := "http://" + ln.Addr().String()

	token := login(t, front, "admin@example.com", "admin-password")
	feed, _ := dialFeed(t, urls["node3"], token, "")
	var in struct {
		Conversation struct{ ID string }
	}
	for i := range 3 {
		body := map[string]string{"channel": "sms", "from": "+15550777" + strconv.Itoa(i), "to": "support", "text": "through the proxy", "external_id": "px" + strconv.Itoa(i)}
		if code := call(t, "POST", front+"/api/v1/inbound", token, body, &in); code != 201 {
			t.Fatalf("inbound through the proxy: %d", code)
		}
		feed.waitFor("message.created", in.Conversation.ID)
	}
	for _, n := range names {
		var list convList
		if code := call(t, "GET", urls[n]+"/api/v1/conversations?view=all", token, nil, &list); code != 200 || len(list.Items) != 3 {
			t.Fatalf("%s lists %d conversations (status %d), want 3", n, len(list.Items), code)
		}
		if code := call(t, "GET", urls[n]+"/readyz", "", nil, nil); code != 200 {
			t.Fatalf("%s not ready: %d", n, code)
		}
		// Logged after the first stdout line, so read now.
		logs[n].mu.Lock()
		l := logs[n].w.(*bytes.Buffer).String()
		logs[n].mu.Unlock()
		if !strings.Contains(l, `"store":"postgres"`) || !strings.Contains(l, `"bucket":"switchboard-files"`) {
			t.Errorf("%s does not run on PostgreSQL with files in S3:\n%s", n, l)
		}
	}
}
