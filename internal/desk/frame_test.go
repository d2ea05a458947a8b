package desk

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// TestFrameTypesListed: every string constant named Change* or Frame* in
// this package is in ChangeTypes or the frame lists, once, so a new
// change or frame type cannot miss the OpenAPI document's frame schemas
// (TestOpenAPIWebSocketFrames compares the document with these lists).
func TestFrameTypesListed(t *testing.T) {
	entries, err := os.ReadDir(".")
	if err != nil {
		t.Fatal(err)
	}
	declared := map[string][]string{} // "Change" or "Frame" → values
	for _, e := range entries {
		if !strings.HasSuffix(e.Name(), ".go") || strings.HasSuffix(e.Name(), "_test.go") {
			continue
		}
		f, err := parser.ParseFile(token.NewFileSet(), e.Name(), nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		ast.Inspect(f, func(n ast.Node) bool {
			vs, ok := n.(*ast.ValueSpec)
			if !ok {
				return true
			}
			for i, name := range vs.Names {
				for _, p := range []string{"Change", "Frame"} {
					if !strings.HasPrefix(name.Name, p) || i >= len(vs.Values) {
						continue
					}
					if lit, ok := vs.Values[i].(*ast.BasicLit); ok && lit.Kind == token.STRING {
						v, _ := strconv.Unquote(lit.Value)
						declared[p] = append(declared[p], v)
					}
				}
			}
			return true
		})
	}
	if len(declared["Change"]) < 10 || len(declared["Frame"]) < 10 {
		t.Fatalf("found %d change and %d frame constants: the scan is broken", len(declared["Change"]), len(declared["Frame"]))
	}
	set := func(name string, list []string) []string {
		t.Helper()
		s := slices.Sorted(slices.Values(list))
		if c := slices.Compact(slices.Clone(s)); len(c) != len(s) {
			t.Errorf("%s lists a type twice: %v", name, s)
			return c
		}
		return s
	}
	server, client := ServerFrameTypes(), ClientFrameTypes()
	if got, want := set("ChangeTypes", ChangeTypes()), set("Change constants", declared["Change"]); !slices.Equal(got, want) {
		t.Errorf("ChangeTypes lists %v, the package declares %v", got, want)
	}
	for _, c := range ChangeTypes() {
		if !slices.Contains(server, c) {
			t.Errorf("ServerFrameTypes lacks the change %s", c)
		}
	}
	both := set("frame lists", append(slices.Clone(server), slices.DeleteFunc(slices.Clone(client), func(v string) bool { return v == FrameTyping })...))
	if want := set("constants", append(slices.Clone(declared["Change"]), declared["Frame"]...)); !slices.Equal(both, want) {
		t.Errorf("ServerFrameTypes and ClientFrameTypes list %v, the package declares %v", both, want)
	}
}
