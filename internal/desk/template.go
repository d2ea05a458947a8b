package desk

import (
	"context"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// Template kinds (E1): user-defined text the agent may edit before
// sending, and templates registered with WhatsApp, whose numbered
// variables ({{1}}, {{2}}, ...) the agent fills, all of them.
const (
	TemplateText     = "text"
	TemplateWhatsApp = "whatsapp"
)

// Template is a reusable message (E1).
type Template struct {
	ID   ID     `json:"id"`
	Name string `json:"name"`
	Kind string `json:"kind"`
	Text string `json:"text"`
	// Language is the registered template's language (WhatsApp).
	Language string `json:"language"`
	// Variables counts the numbered variables of a WhatsApp template.
	Variables int       `json:"variables"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

var placeholder = regexp.MustCompile(`\{\{\s*(\d+)\s*\}\}`)

// Validate checks a template and counts its variables: a WhatsApp
// template numbers them 1..n without gaps.
func (t *Template) Validate() error {
	t.Name = strings.TrimSpace(t.Name)
	if t.Name == "" {
		return FieldErrorf("name", "name is required")
	} else if len(t.Name) > 200 {
		return FieldErrorf("name", "name is longer than 200 characters")
	}
	if t.Kind == "" {
		t.Kind = TemplateText
	}
	if strings.TrimSpace(t.Text) == "" {
		return FieldErrorf("text", "text is required")
	} else if utf8.RuneCountInString(t.Text) > 4096 {
		return FieldErrorf("text", "text is longer than 4096 characters")
	}
	t.Variables = 0
	switch t.Kind {
	case TemplateText:
	case TemplateWhatsApp:
		if t.Language == "" {
			return FieldErrorf("language", "a WhatsApp template names its language")
		}
		seen := map[int]bool{}
		for _, m := range placeholder.FindAllStringSubmatch(t.Text, -1) {
			n, _ := strconv.Atoi(m[1])
			seen[n] = true
		}
		for i := 1; i <= len(seen); i++ {
			if !seen[i] {
				return FieldErrorf("text", "variables must be numbered {{1}} to {{%d}} without gaps", len(seen))
			}
		}
		t.Variables = len(seen)
	default:
		return FieldErrorf("kind", "kind must be text or whatsapp")
	}
	return nil
}

// Render fills a WhatsApp template's variables, every one of them
// non-empty; a text template is returned as it is (the agent edits it).
func (t *Template) Render(vars []string) (string, error) {
	if t.Kind != TemplateWhatsApp {
		return t.Text, nil
	}
	if len(vars) != t.Variables {
		return "", FieldErrorf("variables", "this template has %d variables; %d given", t.Variables, len(vars))
	}
	for i, v := range vars {
		if strings.TrimSpace(v) == "" {
			return "", FieldErrorf("variables", "variable {{%d}} is empty", i+1)
		}
	}
	return placeholder.ReplaceAllStringFunc(t.Text, func(m string) string {
		n, _ := strconv.Atoi(placeholder.FindStringSubmatch(m)[1])
		return vars[n-1]
	}), nil
}

// TemplateFilter selects templates: Query matches name or text (the `/`
// quick pick), case-insensitively.
type TemplateFilter struct {
	Query  string
	Kind   string
	Cursor string
	Limit  int
}

// TemplateUpdate changes a template; nil fields are left alone.
type TemplateUpdate struct {
	Name     *string `json:"name"`
	Text     *string `json:"text"`
	Language *string `json:"language"`
}

// TemplateService manages templates: everyone reads, supervisors write.
type TemplateService interface {
	// CreateTemplate stores a template (supervisor).
	CreateTemplate(ctx context.Context, t *Template) error
	// FindTemplateByID returns ENOTFOUND if there is none.
	FindTemplateByID(ctx context.Context, id ID) (*Template, error)
	// FindTemplates lists templates by name.
	FindTemplates(ctx context.Context, f TemplateFilter) ([]*Template, string, error)
	// UpdateTemplate changes a template (supervisor).
	UpdateTemplate(ctx context.Context, id ID, upd TemplateUpdate) (*Template, error)
	// DeleteTemplate removes a template (supervisor); ENOTFOUND if missing.
	DeleteTemplate(ctx context.Context, id ID) error
}
