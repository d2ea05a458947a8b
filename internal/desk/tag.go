package desk

import (
	"context"
	"sort"
	"strings"
)

// Tag is a label for conversations and customers. Tags used on a record are
// created on first use; supervisors manage the list.
type Tag struct {
	Name string `json:"name"`
	// Uses counts conversations and customers carrying the tag.
	Uses int `json:"uses"`
}

// MaxTags bounds the tags on one record.
const MaxTags = 50

// NormalizeTags trims, lower-cases, de-duplicates and sorts tags, and
// rejects empty or overlong ones.
func NormalizeTags(tags []string) ([]string, error) {
	if len(tags) > MaxTags {
		return nil, FieldErrorf("tags", "at most %d tags", MaxTags)
	}
	seen := make(map[string]bool, len(tags))
	out := make([]string, 0, len(tags))
	for _, t := range tags {
		t = strings.ToLower(strings.TrimSpace(t))
		if t == "" || len(t) > 64 {
			return nil, FieldErrorf("tags", "tags are 1-64 characters")
		}
		if !seen[t] {
			seen[t] = true
			out = append(out, t)
		}
	}
	sort.Strings(out)
	return out, nil
}

// TagService lists and manages tags.
type TagService interface {
	// FindTags lists all tags by name.
	FindTags(ctx context.Context) ([]*Tag, error)
	// CreateTag adds a tag to the list (supervisor+); idempotent.
	CreateTag(ctx context.Context, name string) (*Tag, error)
	// DeleteTag removes a tag from the list and from every record carrying
	// it (supervisor+). ENOTFOUND if unknown.
	DeleteTag(ctx context.Context, name string) error
}
