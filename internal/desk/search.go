package desk

import (
	"context"
	"strings"
	"time"
	"unicode/utf8"
)

// Search result groups (G1); a SearchQuery's Type selects one.
const (
	SearchConversations = "conversations"
	SearchMessages      = "messages"
	SearchCustomers     = "customers"
)

// MaxSearchLength bounds a search query, in characters.
const MaxSearchLength = 200

// SearchQuery is a global search (G1). Text is what the user typed: any
// characters, never query syntax. Type limits the search to one group;
// a Cursor (from a group's NextCursor) continues that group only.
type SearchQuery struct {
	Text   string
	Type   string
	Cursor string
	Limit  int
}

// Validate trims the text and checks the fields: the text is required and
// at most MaxSearchLength characters (field q); Type must be empty or a
// group (field type).
func (q *SearchQuery) Validate() error {
	if err := ValidateSearchText(&q.Text); err != nil {
		return err
	}
	switch q.Type {
	case "", SearchConversations, SearchMessages, SearchCustomers:
	default:
		return FieldErrorf("type", "type must be conversations, messages or customers")
	}
	if q.Limit < 0 {
		return FieldErrorf("limit", "limit must be a positive number")
	}
	return nil
}

// ValidateSearchText trims a search text and checks it is present, valid
// UTF-8 and at most MaxSearchLength characters (field q).
func ValidateSearchText(s *string) error {
	*s = strings.TrimSpace(*s)
	if *s == "" {
		return &Error{Kind: EINVALID, Code: "query_required", Field: "q", Message: "type something to search for"}
	} else if !utf8.ValidString(*s) {
		return &Error{Kind: EINVALID, Code: "query_invalid", Field: "q", Message: "the search is not valid UTF-8"}
	} else if utf8.RuneCountInString(*s) > MaxSearchLength {
		return &Error{Kind: EINVALID, Code: "query_too_long", Field: "q", Message: "the search is longer than 200 characters"}
	}
	return nil
}

// Span is a match inside a text: rune (Unicode code point) offsets, end
// exclusive.
type Span struct {
	Start int `json:"start"`
	End   int `json:"end"`
}

// ConversationRef names a message's conversation in search results.
type ConversationRef struct {
	ID           ID     `json:"id"`
	Channel      string `json:"channel"`
	Status       string `json:"status"`
	Topic        string `json:"topic"`
	CustomerID   ID     `json:"customer_id"`
	CustomerName string `json:"customer_name"`
}

// MessageHit is a message found by search: a snippet of its text around
// the match, the matched words as spans of the snippet, and its
// conversation.
type MessageHit struct {
	ID           ID              `json:"id"`
	Kind         string          `json:"kind"`
	Direction    string          `json:"direction"`
	Channel      string          `json:"channel"`
	Snippet      string          `json:"snippet"`
	Highlights   []Span          `json:"highlights"`
	CreatedAt    time.Time       `json:"created_at"`
	Conversation ConversationRef `json:"conversation"`
}

// ConversationHits is a page of the conversations group.
type ConversationHits struct {
	Items      []*Conversation `json:"items"`
	NextCursor string          `json:"next_cursor"`
}

// MessageHits is a page of the messages group.
type MessageHits struct {
	Items      []*MessageHit `json:"items"`
	NextCursor string        `json:"next_cursor"`
}

// CustomerHits is a page of the customers group.
type CustomerHits struct {
	Items      []*Customer `json:"items"`
	NextCursor string      `json:"next_cursor"`
}

// SearchResult holds the three groups of a global search, each ranked by
// relevance, then recency (last activity, else newest first).
type SearchResult struct {
	Conversations ConversationHits `json:"conversations"`
	Messages      MessageHits      `json:"messages"`
	Customers     CustomerHits     `json:"customers"`
}

// MessageMatch is a message of a conversation that matches an
// in-conversation search (D8), with where in its text.
type MessageMatch struct {
	MessageID ID     `json:"message_id"`
	Spans     []Span `json:"spans"`
}

// SearchService finds conversations, messages and customers with the
// stores' full-text indexes.
type SearchService interface {
	// Search runs a global search (G1). Words match case- and
	// accent-insensitively, each as a prefix (as-you-type); a phone number
	// matches in any typed format (G2, C3). Conversations and messages are
	// limited to what the actor may see, inside the query. Returns EINVALID
	// for a missing or overlong text (field q) or a bad cursor.
	Search(ctx context.Context, q SearchQuery) (*SearchResult, error)
	// SearchInConversation finds the messages of a visible conversation
	// matching text (D8), oldest first, with the offsets of the matched
	// words for "jump to message". ENOTFOUND if the conversation is not
	// visible; EINVALID for a missing or overlong text.
	SearchInConversation(ctx context.Context, conversationID ID, text string) ([]*MessageMatch, error)
	// ReindexSearch rebuilds every search index from the stored records
	// (system actor only).
	ReindexSearch(ctx context.Context) error
}
