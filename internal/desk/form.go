package desk

import (
	"context"
	"fmt"
	"math"
	"regexp"
	"slices"
	"strings"
	"time"
)

// Form field types (C10).
const (
	FieldText     = "text"
	FieldNumber   = "number"
	FieldDate     = "date" // YYYY-MM-DD
	FieldSelect   = "select"
	FieldCheckbox = "checkbox"
)

// CodeFormIncomplete refuses solving or closing a conversation whose form
// lacks required values; Detail "fields" lists them.
const CodeFormIncomplete = "form_incomplete"

// Form is a supervisor-defined set of typed fields a conversation carries
// (C10).
type Form struct {
	ID        ID          `json:"id"`
	Name      string      `json:"name"`
	Fields    []FormField `json:"fields"`
	CreatedAt time.Time   `json:"created_at"`
	UpdatedAt time.Time   `json:"updated_at"`
}

// FormField is one field of a form. Name is the key of its value; Options
// are the choices of a select field.
type FormField struct {
	Name     string   `json:"name"`
	Label    string   `json:"label"`
	Type     string   `json:"type"`
	Options  []string `json:"options,omitempty"`
	Required bool     `json:"required"`
}

var fieldName = regexp.MustCompile(`^[a-z][a-z0-9_]{0,62}$`)

// Validate checks a form's name and fields.
func (f *Form) Validate() error {
	f.Name = strings.TrimSpace(f.Name)
	if f.Name == "" {
		return FieldErrorf("name", "name is required")
	} else if len(f.Name) > 200 {
		return FieldErrorf("name", "name is longer than 200 characters")
	}
	if len(f.Fields) > 100 {
		return FieldErrorf("fields", "at most 100 fields")
	}
	if f.Fields == nil {
		f.Fields = []FormField{}
	}
	seen := map[string]bool{}
	for i := range f.Fields {
		fd := &f.Fields[i]
		at := fmt.Sprintf("fields[%d]", i)
		if !fieldName.MatchString(fd.Name) {
			return FieldErrorf(at+".name", "a field name is 1-63 lower-case letters, digits or _, starting with a letter")
		}
		if seen[fd.Name] {
			return FieldErrorf(at+".name", "field %s is defined twice", fd.Name)
		}
		seen[fd.Name] = true
		if fd.Label = strings.TrimSpace(fd.Label); fd.Label == "" {
			fd.Label = fd.Name
		}
		switch fd.Type {
		case FieldText, FieldNumber, FieldDate, FieldCheckbox:
			if len(fd.Options) > 0 {
				return FieldErrorf(at+".options", "only select fields have options")
			}
		case FieldSelect:
			if len(fd.Options) == 0 {
				return FieldErrorf(at+".options", "a select field needs options")
			}
			for _, o := range fd.Options {
				if strings.TrimSpace(o) == "" || len(o) > 200 {
					return FieldErrorf(at+".options", "options are 1-200 characters")
				}
			}
		default:
			return FieldErrorf(at+".type", "type must be text, number, date, select or checkbox")
		}
	}
	return nil
}

// Field returns the field named name, or nil.
func (f *Form) Field(name string) *FormField {
	for i := range f.Fields {
		if f.Fields[i].Name == name {
			return &f.Fields[i]
		}
	}
	return nil
}

// ValidateValues checks values against the form's fields and returns them
// normalized (numbers as float64, dates as YYYY-MM-DD); null or empty
// values are dropped. Errors name the field as "form_values.<name>".
// Required fields are not enforced here but when solving (Missing).
func (f *Form) ValidateValues(values map[string]any) (map[string]any, error) {
	out := map[string]any{}
	for name, v := range values {
		fd := f.Field(name)
		at := "form_values." + name
		if fd == nil {
			return nil, FieldErrorf(at, "form %s has no field %s", f.Name, name)
		}
		if v == nil || v == "" {
			continue
		}
		switch fd.Type {
		case FieldText:
			s, ok := v.(string)
			if !ok || len(s) > 10000 {
				return nil, FieldErrorf(at, "%s must be a text of at most 10000 characters", fd.Label)
			}
		case FieldNumber:
			n, ok := v.(float64)
			if !ok || math.IsNaN(n) || math.IsInf(n, 0) {
				return nil, FieldErrorf(at, "%s must be a number", fd.Label)
			}
		case FieldDate:
			s, ok := v.(string)
			if _, err := time.Parse(time.DateOnly, s); !ok || err != nil {
				return nil, FieldErrorf(at, "%s must be a date (YYYY-MM-DD)", fd.Label)
			}
		case FieldSelect:
			s, ok := v.(string)
			if !ok || !slices.Contains(fd.Options, s) {
				return nil, FieldErrorf(at, "%s must be one of %s", fd.Label, strings.Join(fd.Options, ", "))
			}
		case FieldCheckbox:
			if _, ok := v.(bool); !ok {
				return nil, FieldErrorf(at, "%s must be true or false", fd.Label)
			}
		}
		out[name] = v
	}
	return out, nil
}

// Missing returns the names of required fields without a value, in form
// order. An unchecked required checkbox counts as missing: "required"
// means it must be ticked.
func (f *Form) Missing(values map[string]any) []string {
	var out []string
	for _, fd := range f.Fields {
		v, ok := values[fd.Name]
		if !fd.Required {
			continue
		}
		if !ok || v == nil || v == "" || v == false {
			out = append(out, fd.Name)
		}
	}
	return out
}

// FormIncomplete is the error refusing to solve or close with missing
// required values.
func FormIncomplete(missing []string) error {
	return &Error{Kind: ECONFLICT, Code: CodeFormIncomplete, Field: "form_values",
		Message: "fill in the required fields first: " + strings.Join(missing, ", "),
		Detail:  map[string]any{"fields": missing}}
}

// FormUpdate changes a form; nil fields are left alone. Fields replaces
// the list; values of removed fields stay on conversations until next set.
type FormUpdate struct {
	Name   *string      `json:"name"`
	Fields *[]FormField `json:"fields"`
}

// FormService manages forms. Everyone signed in reads them; supervisors
// and admins write them (A1).
type FormService interface {
	// CreateForm stores a form; ECONFLICT name_taken for a used name.
	CreateForm(ctx context.Context, f *Form) error
	// FindFormByID returns ENOTFOUND if there is none.
	FindFormByID(ctx context.Context, id ID) (*Form, error)
	// FindForms lists forms by name.
	FindForms(ctx context.Context) ([]*Form, error)
	// UpdateForm changes a form.
	UpdateForm(ctx context.Context, id ID, upd FormUpdate) (*Form, error)
	// DeleteForm removes a form and detaches it from conversations.
	DeleteForm(ctx context.Context, id ID) error
}

// ApplyForm resolves an update's form change onto c and returns c's form,
// or nil when it has none; find reads a form by ID (ENOTFOUND when there
// is none). Values of the update are merged into the current ones and
// validated with field-level errors; a new form drops the previous
// form's values.
func ApplyForm(c *Conversation, formID *ID, values map[string]any, find func(ID) (*Form, error)) (*Form, error) {
	if formID != nil && (c.FormID == nil || *c.FormID != *formID) {
		c.FormID, c.FormValues = formID, map[string]any{}
	}
	if c.FormID == nil {
		if len(values) > 0 {
			return nil, FieldErrorf("form_values", "the conversation has no form; set form_id first")
		}
		return nil, nil
	}
	form, err := find(*c.FormID)
	if ErrorKind(err) == ENOTFOUND {
		return nil, FieldErrorf("form_id", "unknown form")
	} else if err != nil {
		return nil, err
	}
	merged := map[string]any{}
	for k, v := range c.FormValues {
		if form.Field(k) != nil {
			merged[k] = v
		}
	}
	for k, v := range values {
		merged[k] = v
	}
	if c.FormValues, err = form.ValidateValues(merged); err != nil {
		return nil, err
	}
	return form, nil
}

// CheckFormComplete refuses solving or closing c (from oldStatus) while
// its form lacks required values (C10).
func CheckFormComplete(form *Form, c *Conversation, oldStatus string) error {
	if form == nil || c.Status == oldStatus || (c.Status != ConversationSolved && c.Status != ConversationClosed) {
		return nil
	}
	if missing := form.Missing(c.FormValues); len(missing) > 0 {
		return FormIncomplete(missing)
	}
	return nil
}
