package desk

import (
	"strconv"
	"strings"
	"testing"
)

// FuzzTemplateRender: a WhatsApp template that validates renders with all
// its variables filled, without panicking and with no placeholder left.
func FuzzTemplateRender(f *testing.F) {
	for _, s := range []string{"Hi {{1}}, order {{2}} shipped", "{{1}}{{1}} {{ 2 }}", "no variables", "{{0}}", "{{2}}", "{{99999999999999999999}}", "{{1}} {{3}} {{2}}"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		tp := &Template{Name: "t", Kind: TemplateWhatsApp, Language: "en", Text: text}
		if tp.Validate() != nil {
			return
		}
		vars := make([]string, tp.Variables)
		for i := range vars {
			vars[i] = "v" + strconv.Itoa(i+1)
		}
		out, err := tp.Render(vars)
		if err != nil {
			t.Fatalf("a valid template %q did not render: %v", text, err)
		}
		if placeholder.MatchString(out) && !placeholder.MatchString(strings.NewReplacer("v", "").Replace(text)) {
			t.Fatalf("placeholder left in %q", out)
		}
		if placeholder.MatchString(out) {
			t.Fatalf("placeholder left in %q (from %q)", out, text)
		}
		if _, err := tp.Render(vars[:len(vars)/2]); tp.Variables > 0 && err == nil {
			t.Fatalf("rendered %q with variables missing", text)
		}
	})
}
