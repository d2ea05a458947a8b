package main

import (
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"
	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
)

// TestGrafanaDashboard checks deploy/grafana/switchboard.json against a
// running server: every metric its queries use is exposed by /metrics
// (parsed with Prometheus's own text parser), and every panel queries.
func TestGrafanaDashboard(t *testing.T) {
	b, err := os.ReadFile(filepath.Join(repoRoot(t), "deploy", "grafana", "switchboard.json"))
	if err != nil {
		t.Fatal(err)
	}
	var dash struct {
		Panels []struct {
			Title   string
			Targets []struct{ Expr string }
		}
	}
	if err := json.Unmarshal(b, &dash); err != nil {
		t.Fatal(err)
	}
	metricRE := regexp.MustCompile(`\b((?:switchboard|go|process)_[a-z_]+)\b`)
	used := map[string]bool{}
	for _, p := range dash.Panels {
		if len(p.Targets) == 0 {
			t.Errorf("panel %q has no query", p.Title)
		}
		for _, tg := range p.Targets {
			for _, m := range metricRE.FindAllString(tg.Expr, -1) {
				used[m] = true
			}
		}
	}

	dir := t.TempDir()
	MustRun(t, "user", "create", "--email", "admin@example.com", "--password", "admin-password", "--role", "admin", "--data", dir)
	p := MustServe(t, "--data", dir)
	token := login(t, p.url, "admin@example.com", "admin-password")
	call(t, "POST", p.url+"/api/v1/inbound", token, map[string]string{"channel": "api", "from": "+15550123", "to": "s", "text": "hi", "external_id": "g1"}, nil)
	// A socket opened and closed, so the live feed's metrics (the
	// disconnects by reason among them) have values.
	f, _ := dialFeed(t, p.url, token, "")
	f.ws.Close(websocket.StatusNormalClosure, "")
	var fams map[string]*dto.MetricFamily
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		resp, err := http.Get(p.url + "/metrics")
		if err != nil {
			t.Fatal(err)
		}
		parser := expfmt.NewTextParser(model.UTF8Validation)
		fams, err = parser.TextToMetricFamilies(resp.Body)
		resp.Body.Close()
		if err != nil {
			t.Fatal(err)
		}
		if fams["switchboard_ws_disconnects_total"] != nil || time.Now().After(deadline) {
			break
		}
	}
	exposed := map[string]bool{}
	for name, f := range fams {
		exposed[name] = true
		if f.GetType().String() == "HISTOGRAM" {
			for _, s := range []string{"_bucket", "_count", "_sum"} {
				exposed[name+s] = true
			}
		}
	}
	var missing []string
	for m := range used {
		if !exposed[m] {
			missing = append(missing, m)
		}
	}
	sort.Strings(missing)
	if len(missing) > 0 {
		t.Fatalf("the dashboard queries metrics /metrics does not expose: %s", strings.Join(missing, ", "))
	}
	if len(used) < 8 {
		t.Fatalf("the dashboard uses only %d metrics", len(used))
	}
}
