package main

import (
	"flag"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// The README cannot drift from the code: its flag tables list exactly the
// serve command's flags, and its Layout lists every package under internal/
// (and nothing that is not there).

func readme(t *testing.T) string {
	t.Helper()
	b, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// section returns the text of the README's "## title" section.
func section(t *testing.T, doc, title string) string {
	t.Helper()
	start := strings.Index(doc, "\n## "+title+"\n")
	if start < 0 {
		t.Fatalf("README has no %q section", title)
	}
	rest := doc[start+len(title)+5:]
	if end := strings.Index(rest, "\n## "); end >= 0 {
		rest = rest[:end]
	}
	return rest
}

var tableFlag = regexp.MustCompile("`--([a-z0-9-]+)`")

// TestReadmeFlagTables: the flags named in the first column of the
// Configuration section's tables are exactly the flags `serve` registers.
func TestReadmeFlagTables(t *testing.T) {
	documented := map[string]int{}
	for line := range strings.SplitSeq(section(t, readme(t), "Configuration"), "\n") {
		if !strings.HasPrefix(line, "| `--") {
			continue
		}
		first := strings.SplitN(line, "|", 3)[1]
		for _, m := range tableFlag.FindAllStringSubmatch(first, -1) {
			documented[m[1]]++
		}
	}
	var c Config
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	c.serveFlags(fs)
	var missing []string
	served := map[string]bool{}
	fs.VisitAll(func(f *flag.Flag) {
		served[f.Name] = true
		if documented[f.Name] == 0 {
			missing = append(missing, "--"+f.Name)
		}
	})
	var stale, twice []string
	for name, n := range documented {
		if !served[name] {
			stale = append(stale, "--"+name)
		}
		if n > 1 {
			twice = append(twice, "--"+name)
		}
	}
	slices.Sort(stale)
	slices.Sort(twice)
	if len(missing)+len(stale)+len(twice) > 0 {
		t.Fatalf("README flag tables: undocumented %v; not flags of serve %v; listed twice %v", missing, stale, twice)
	}
}

var layoutPath = regexp.MustCompile(`^(internal/[a-z0-9/]+?)/?\s`)

// TestReadmeLayout: every line of the Layout block naming a folder under
// internal/ names a real one, once; every package under internal/ is in a
// listed folder.
func TestReadmeLayout(t *testing.T) {
	listed := map[string]bool{}
	for line := range strings.SplitSeq(section(t, readme(t), "Layout"), "\n") {
		m := layoutPath.FindStringSubmatch(line)
		if m == nil {
			continue
		}
		if listed[m[1]] {
			t.Errorf("README Layout lists %s twice", m[1])
		}
		listed[m[1]] = true
		if fi, err := os.Stat(filepath.Join("../..", m[1])); err != nil || !fi.IsDir() {
			t.Errorf("README Layout lists %s, which is not a folder", m[1])
		}
	}
	out, err := exec.Command("go", "list", "../../internal/...").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	for pkg := range strings.FieldsSeq(string(out)) {
		_, rel, ok := strings.Cut(pkg, "/switchboard/")
		if !ok {
			t.Fatalf("unexpected package path %s", pkg)
		}
		covered := false
		for dir := rel; dir != "internal" && dir != "."; dir = filepath.Dir(dir) {
			covered = covered || listed[dir]
		}
		if !covered {
			t.Errorf("README Layout does not list %s (nor a folder holding it)", rel)
		}
	}
}
