package sqlstore

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"maps"
	"slices"
	"strings"
	"testing"
)

// TestAggregateSeams keeps the split of issue 21 from eroding: no method is
// added to the composed Store (it would silently belong to no aggregate),
// and a file's methods belong to one aggregate, but for the few that keep
// a conversation write or a shared read beside the definitions it uses.
func TestAggregateSeams(t *testing.T) {
	fset := token.NewFileSet()
	pkgs, err := parser.ParseDir(fset, ".", func(fi fs.FileInfo) bool {
		return !strings.HasSuffix(fi.Name(), "_test.go")
	}, 0)
	if err != nil {
		t.Fatal(err)
	}
	aggregates := map[string]bool{"core": true, "Config": true, "Team": true, "Conversations": true,
		"Reports": true, "SearchIndex": true}
	// Files allowed two receivers, and why.
	mixed := map[string]bool{
		"form.go":            true, // applyFormTx: a conversation write of a form's values
		"out_of_hours.go":    true, // SendOutOfHoursReply: a message into the conversation
		"report_backfill.go": true, // the SLA backfill scans and the shared systemIDs read
	}
	byFile := map[string]map[string]int{}
	for name, f := range pkgs["sqlstore"].Files {
		for _, d := range f.Decls {
			fd, ok := d.(*ast.FuncDecl)
			if !ok || fd.Recv == nil {
				continue
			}
			star, ok := fd.Recv.List[0].Type.(*ast.StarExpr)
			if !ok {
				continue
			}
			id, ok := star.X.(*ast.Ident)
			if !ok {
				continue
			}
			switch {
			case id.Name == "Store":
				if name != "store.go" || !slices.Contains([]string{"DB", "Ping", "Close"}, fd.Name.Name) {
					t.Errorf("%s: method %s on Store: give it to the aggregate whose tables it uses (see store.go)",
						name, fd.Name.Name)
				}
			case aggregates[id.Name]:
				if byFile[name] == nil {
					byFile[name] = map[string]int{}
				}
				byFile[name][id.Name]++
			}
		}
	}
	for name, recv := range byFile {
		if len(recv) > 1 && !mixed[name] {
			t.Errorf("%s holds methods of %v: one aggregate per file", name, slices.Sorted(maps.Keys(recv)))
		}
	}
	if len(byFile) < 50 {
		t.Fatalf("read %d files with aggregate methods; the parse missed the package", len(byFile))
	}
}
