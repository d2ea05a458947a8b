package app

import (
	"os/exec"
	"strings"
	"testing"
)

const module = "github.com/switchboard-cc/switchboard/"

// TestImportGraph keeps the shape this package gives the code (go list,
// without tests): internal/http reaches no store package, even
// indirectly; the use cases the listeners call (inbound, voice), the
// channel adapters and the real-time hub never reach internal/http, even
// indirectly; only the composition root imports internal/http; only the
// composition root and the command line (its bench and maintenance
// commands) import a store.
func TestImportGraph(t *testing.T) {
	out, err := exec.Command("go", "list", "-deps", module+"internal/http").Output()
	if err != nil {
		t.Fatalf("go list -deps: %v", err)
	}
	for dep := range strings.FieldsSeq(string(out)) {
		if strings.HasPrefix(dep, module+"internal/store/") {
			t.Errorf("internal/http depends on %s", strings.TrimPrefix(dep, module))
		}
	}
	callers := []string{"internal/inbound", "internal/voice", "internal/realtime", "internal/channel/...", "internal/call", "internal/media", "internal/trunk"}
	for _, pkg := range callers {
		out, err := exec.Command("go", "list", "-deps", module+pkg).Output()
		if err != nil {
			t.Fatalf("go list -deps %s: %v", pkg, err)
		}
		for dep := range strings.FieldsSeq(string(out)) {
			if dep == module+"internal/http" || dep == module+"internal/app" {
				t.Errorf("%s depends on %s: the listeners call the use cases, never the HTTP server", pkg, strings.TrimPrefix(dep, module))
			}
		}
	}

	out, err = exec.Command("go", "list", "-f", `{{.ImportPath}}{{range .Imports}} {{.}}{{end}}`, module+"...").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	for line := range strings.SplitSeq(strings.TrimSpace(string(out)), "\n") {
		fields := strings.Fields(line)
		pkg := strings.TrimPrefix(fields[0], module)
		for _, imp := range fields[1:] {
			imp, ok := strings.CutPrefix(imp, module)
			if !ok {
				continue
			}
			switch {
			case imp == "internal/http" && pkg != "internal/app":
				t.Errorf("%s imports internal/http: only internal/app may", pkg)
			case strings.HasPrefix(imp, "internal/store/") && pkg != "internal/app" && pkg != "cmd/switchboard" &&
				!strings.HasPrefix(pkg, "internal/store/"):
				t.Errorf("%s imports %s: only internal/app and cmd/switchboard may", pkg, imp)
			}
		}
	}
}
