// Package attach accepts the files of internal notes (D3): only the listed
// formats, checked by the name's extension and by sniffing the content
// (github.com/gabriel-vasile/mimetype), at most 25 MB, stored in a blob
// store under a random key.
package attach

import (
	"path/filepath"
	"sort"
	"strings"

	"github.com/gabriel-vasile/mimetype"

	"github.com/switchboard-cc/switchboard/internal/desk"
)

const (
	ooxmlDoc   = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
	ooxmlSheet = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
	ooxmlSlide = "application/vnd.openxmlformats-officedocument.presentationml.presentation"
	zipType    = "application/zip"
	ole        = "application/x-ole-storage"
)

// formats maps each allowed extension (D3) to the content types sniffing
// may find for it. Matching is exact (aliases included): an HTML page
// named notes.txt sniffs as text/html and is refused, so nothing the
// browser would run slips through under an innocent name.
var formats = map[string][]string{
	"csv":  {"text/csv", "text/plain"},
	"txt":  {"text/plain"},
	"json": {"application/json", "text/plain"},
	"xml":  {"text/xml", "application/xml"},
	"doc":  {"application/msword", ole},
	"xls":  {"application/vnd.ms-excel", ole},
	"ppt":  {"application/vnd.ms-powerpoint", ole},
	"docx": {ooxmlDoc, zipType},
	"xlsx": {ooxmlSheet, zipType},
	"pptx": {ooxmlSlide, zipType},
	"odt":  {"application/vnd.oasis.opendocument.text", zipType},
	"ods":  {"application/vnd.oasis.opendocument.spreadsheet", zipType},
	"odp":  {"application/vnd.oasis.opendocument.presentation", zipType},
	"odm":  {"application/vnd.oasis.opendocument.text-master", "application/vnd.oasis.opendocument.text", zipType},
	"zip":  {zipType},
	"rar":  {"application/vnd.rar", "application/x-rar-compressed"},
	"gz":   {"application/gzip"},
	"gzip": {"application/gzip"},
	"pdf":  {"application/pdf"},
	"gif":  {"image/gif"},
	"jpg":  {"image/jpeg"},
	"jpeg": {"image/jpeg"},
	"png":  {"image/png"},
	"bmp":  {"image/bmp"},
	"webp": {"image/webp"},
	"ico":  {"image/x-icon", "image/vnd.microsoft.icon"},
	"heic": {"image/heic", "image/heic-sequence"},
	"heif": {"image/heif", "image/heif-sequence", "image/heic"},
	"mp4":  {"video/mp4", "audio/mp4", "video/x-m4v", "audio/x-m4a"},
	"mpeg": {"video/mpeg", "audio/mpeg"},
	"mp3":  {"audio/mpeg"},
	"wav":  {"audio/wav"},
	"ogg":  {"application/ogg", "audio/ogg", "video/ogg"},
	"webm": {"video/webm", "audio/webm"},
	"avi":  {"video/x-msvideo"},
	"mov":  {"video/quicktime"},
	"moov": {"video/quicktime"},
}

// mediaFormats are the formats channels carry beyond D3's list: WhatsApp
// video may be 3GPP (D4), the format many phones record in. Replies and
// customers' files may be these; notes keep to D3.
var mediaFormats = map[string][]string{
	"3gp": {"video/3gpp"},
}

// Extensions lists the allowed extensions, sorted (for error messages and
// the API document).
func Extensions() []string {
	out := make([]string, 0, len(formats))
	for ext := range formats {
		out = append(out, ext)
	}
	sort.Strings(out)
	return out
}

// Check decides whether a file may be attached, from its name and the
// first bytes of its content, and returns the sniffed content type it is
// served with. Refusals are EINVALID on field "files":
// attachment_type_not_allowed for an extension off the list,
// attachment_content_mismatch when the content is something else.
func Check(name string, head []byte) (string, error) {
	return check(name, head, false)
}

// CheckMedia is Check for the files of a reply: D3's formats and the
// channel media formats (3GPP video).
func CheckMedia(name string, head []byte) (string, error) {
	return check(name, head, true)
}

// NoteFormat reports whether name has one of D3's extensions, the only
// ones a note may carry.
func NoteFormat(name string) bool {
	_, ok := formats[strings.ToLower(strings.TrimPrefix(filepath.Ext(name), "."))]
	return ok
}

func check(name string, head []byte, media bool) (string, error) {
	ext := strings.ToLower(strings.TrimPrefix(filepath.Ext(name), "."))
	allowed, ok := formats[ext]
	if !ok && media {
		allowed, ok = mediaFormats[ext]
	}
	if !ok {
		return "", &desk.Error{Kind: desk.EINVALID, Code: "attachment_type_not_allowed", Field: "files",
			Message: "files of type ." + ext + " cannot be attached; allowed: " + strings.Join(Extensions(), ", ")}
	}
	mt := mimetype.Detect(head)
	for _, a := range allowed {
		if mt.Is(a) {
			return mt.String(), nil
		}
	}
	return "", &desk.Error{Kind: desk.EINVALID, Code: "attachment_content_mismatch", Field: "files",
		Message: name + " is named ." + ext + " but its content is " + mt.String(), Detail: map[string]any{"sniffed": mt.String()}}
}
