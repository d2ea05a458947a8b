package livechat

import (
	"time"

	"github.com/switchboard-cc/switchboard/internal/desk"
)

// File is a file of a message as the widget shows it: a link to download
// it, or, when there is nothing to download (refused, still pending, not
// stored here), a plain line saying why.
type File struct {
	Name        string `json:"name"`
	ContentType string `json:"content_type,omitempty"`
	Size        int64  `json:"size"`
	// URL is a signed, expiring link (attach.Links) relative to the
	// server, e.g. /media/TOKEN: the widget resolves it against the origin
	// it was loaded from, so the link works whatever the public URL, and
	// the widget's check that links stay on that origin holds. Empty when
	// the file cannot be downloaded.
	URL string `json:"url,omitempty"`
	// Refused is the refusal code of a customer's file that was not stored
	// (desk.Attachment.Refused); Pending says its download is retried.
	Refused string `json:"refused,omitempty"`
	Pending bool   `json:"pending,omitempty"`
	// Reason says, for the visitor, why there is no link.
	Reason string `json:"reason,omitempty"`
}

// FileLinks signs the links through which a visitor downloads a stored
// file; *attach.Links implements it.
type FileLinks interface {
	// URL returns a link to attachment id, valid from now for a while.
	URL(id desk.ID, now time.Time) string
}

// refusedReasons words the refusal codes of desk.Attachment.Refused for a
// visitor.
var refusedReasons = map[string]string{
	"media_too_large":        "not delivered: the file is too large",
	"media_type_not_allowed": "not delivered: this type of file is not allowed",
	"media_unavailable":      "not delivered: the file could not be fetched",
}

// filesOf returns a message's files for the widget, each stored one with
// a link freshly signed at now (links expire, so a frame's links are made
// when it is sent). Without links (or for a file not stored here) a file
// is listed without one.
func filesOf(atts []desk.Attachment, links FileLinks, now time.Time) []File {
	if len(atts) == 0 {
		return nil
	}
	out := make([]File, 0, len(atts))
	for _, a := range atts {
		f := File{Name: a.Name, ContentType: a.ContentType, Size: a.Size, Refused: a.Refused, Pending: a.Pending}
		switch {
		case a.Refused != "":
			f.Reason = refusedReasons[a.Refused]
			if f.Reason == "" {
				f.Reason = "not delivered"
			}
		case a.Pending:
			f.Reason = "still arriving; reload in a moment"
		case a.ID == 0 || links == nil:
			f.Reason = "not available for download"
		default:
			f.URL = links.URL(a.ID, now)
		}
		out = append(out, f)
	}
	return out
}
