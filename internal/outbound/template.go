package outbound

import (
	"context"
	"strconv"
	"strings"

	"github.com/switchboard-cc/switchboard/internal/desk"
)

// Codes of the template rules (E1).
const (
	// CodeUnknownTemplate: no registered WhatsApp template has the name
	// (and language) of a template message.
	CodeUnknownTemplate = "unknown_template"
	// CodeTemplateVariables: the variables given do not fill the
	// template's numbered variables, every one non-empty; Detail has
	// "expected" and "given".
	CodeTemplateVariables = "template_variables"
)

// registeredTemplate checks a template message against the registered
// templates (E1): the name and language must be one of the WhatsApp
// templates, and the variables must fill all of its numbered variables,
// none empty. It returns the text as the customer will read it.
func (s *Service) registeredTemplate(ctx context.Context, call *desk.TemplateCall) (string, error) {
	if call == nil || call.Name == "" {
		return "", desk.FieldErrorf("template", "a template message names its template")
	}
	sys := desk.NewContextWithActor(ctx, desk.SystemActor)
	// Every WhatsApp template, page by page (a name search's LIKE would
	// take "_" for a wildcard): they are a few dozen at most.
	var list []*desk.Template
	for cursor := ""; ; {
		page, next, err := s.Store.FindTemplates(sys, desk.TemplateFilter{Kind: desk.TemplateWhatsApp, Cursor: cursor, Limit: 200})
		if err != nil {
			return "", err
		}
		list = append(list, page...)
		if cursor = next; next == "" {
			break
		}
	}
	var byName *desk.Template
	for _, t := range list {
		if t.Name != call.Name {
			continue
		}
		byName = t
		if call.Language == "" || strings.EqualFold(t.Language, call.Language) {
			return render(t, call)
		}
	}
	if byName != nil {
		return "", &desk.Error{Kind: desk.EINVALID, Code: CodeUnknownTemplate, Field: "template.language",
			Message: "the template " + call.Name + " is not registered in " + call.Language,
			Detail:  map[string]any{"registered_language": byName.Language}}
	}
	return "", &desk.Error{Kind: desk.EINVALID, Code: CodeUnknownTemplate, Field: "template.name",
		Message: "no registered WhatsApp template is named " + call.Name}
}

// render fills the template, naming the variable at fault.
func render(t *desk.Template, call *desk.TemplateCall) (string, error) {
	if call.Language == "" {
		call.Language = t.Language
	}
	if len(call.Variables) != t.Variables {
		return "", &desk.Error{Kind: desk.EINVALID, Code: CodeTemplateVariables, Field: "template.variables",
			Message: "the template " + t.Name + " has " + strconv.Itoa(t.Variables) + " variables; " + strconv.Itoa(len(call.Variables)) + " given",
			Detail:  map[string]any{"expected": t.Variables, "given": len(call.Variables)}}
	}
	for i, v := range call.Variables {
		if strings.TrimSpace(v) == "" {
			return "", &desk.Error{Kind: desk.EINVALID, Code: CodeTemplateVariables, Field: "template.variables",
				Message: "variable {{" + strconv.Itoa(i+1) + "}} is empty", Detail: map[string]any{"expected": t.Variables, "given": len(call.Variables), "empty": i + 1}}
		}
	}
	return t.Render(call.Variables)
}
