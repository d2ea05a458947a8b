package attach

import (
	"bufio"
	"context"
	"crypto/rand"
	"encoding/hex"
	"io"
	"path/filepath"
	"strings"
	"unicode/utf8"

	"github.com/switchboard-cc/switchboard/internal/desk"
)

// sniffLen is how much of a file is read to decide its type.
const sniffLen = 3072

// Uploader checks and stores note attachments.
type Uploader struct {
	Blobs desk.BlobStore
	// Max is the largest file in bytes; zero means desk.MaxAttachmentBytes.
	Max int64
	// Media also accepts the channel media formats (CheckMedia): replies
	// may carry them, notes may not (see NoteFormat).
	Media bool
}

// Save checks a file by name and content and stores it, returning the
// attachment to hand to CreateMessage (its BlobKey set). On a later
// failure the caller removes what was saved with Discard.
func (u *Uploader) Save(ctx context.Context, name string, r io.Reader) (desk.Attachment, error) {
	name = cleanName(name)
	if name == "" {
		return desk.Attachment{}, desk.FieldErrorf("files", "every file needs a name")
	}
	br := bufio.NewReaderSize(r, sniffLen)
	head, err := br.Peek(sniffLen)
	if err != nil && err != io.EOF && err != bufio.ErrBufferFull {
		return desk.Attachment{}, err
	}
	if len(head) == 0 {
		return desk.Attachment{}, desk.FieldErrorf("files", "%s is empty", name)
	}
	ct, err := check(name, head, u.Media)
	if err != nil {
		return desk.Attachment{}, err
	}
	key := newKey()
	max := u.Max
	if max <= 0 {
		max = desk.MaxAttachmentBytes
	}
	n, err := u.Blobs.Put(ctx, key, br, max)
	if err != nil {
		return desk.Attachment{}, err
	}
	return desk.Attachment{Name: name, ContentType: ct, Size: n, BlobKey: key}, nil
}

// Discard removes saved files whose message was not stored.
func (u *Uploader) Discard(ctx context.Context, atts []desk.Attachment) {
	for _, a := range atts {
		if a.BlobKey != "" {
			_ = u.Blobs.Delete(ctx, a.BlobKey)
		}
	}
}

// newKey is a random blob key: names never reach the file system.
func newKey() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// cleanName keeps the base name of an upload, without control characters,
// at most 255 bytes.
func cleanName(name string) string {
	name = filepath.Base(strings.ReplaceAll(name, `\`, "/"))
	name = strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f || r == '"' {
			return -1
		}
		return r
	}, name)
	if name == "." || name == "/" {
		return ""
	}
	for len(name) > 255 {
		_, size := utf8.DecodeLastRuneInString(name)
		name = name[:len(name)-size]
	}
	return strings.TrimSpace(name)
}
