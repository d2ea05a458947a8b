package desk

import (
	"context"
	"io"
)

// MaxAttachmentBytes is the largest file a note may carry (D3).
const MaxAttachmentBytes = 25 << 20

// AttachmentURL is where the API serves a stored attachment.
func AttachmentURL(id ID) string { return "/api/v1/attachments/" + id.String() }

// StoredAttachment is a stored file with the conversation it belongs to.
type StoredAttachment struct {
	Attachment
	MessageID      ID
	ConversationID ID
}

// AttachmentService finds stored attachments.
type AttachmentService interface {
	// FindAttachmentByID returns a stored attachment of a conversation the
	// actor may see; ENOTFOUND otherwise.
	FindAttachmentByID(ctx context.Context, id ID) (*StoredAttachment, error)
}

// BlobStore keeps the bytes of files under opaque keys: the data folder by
// default (internal/blob), an S3-compatible store when configured.
type BlobStore interface {
	// Put stores r under key, reading at most max bytes: more is ETOOLARGE
	// and nothing is kept. It returns the number of bytes stored.
	Put(ctx context.Context, key string, r io.Reader, max int64) (int64, error)
	// Open returns the bytes under key; ENOTFOUND if there are none.
	Open(ctx context.Context, key string) (io.ReadCloser, error)
	// Delete removes key; a missing key is not an error.
	Delete(ctx context.Context, key string) error
}
