package http

import (
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strconv"
	"strings"

	"github.com/switchboard-cc/switchboard/internal/attach"
	"github.com/switchboard-cc/switchboard/internal/desk"
	"github.com/switchboard-cc/switchboard/internal/outbound"
)

// maxNoteFiles bounds the files of one note upload.
const maxNoteFiles = 10

// maxReplyFileBytes is the largest file a reply may carry: the largest
// channel limit (WhatsApp documents, D4); each channel's own limit is
// checked on the sniffed content before anything is stored or sent.
const maxReplyFileBytes = 100 << 20

// handleMessageUpload takes a multipart note (D3) or reply with files:
// field "type" (note, or a reply's message type; empty derives it from the
// first file's sniffed content), optional "text", and files (any file
// part, usually "files"). Each file is sniffed and stored before the
// message; a reply is then held to its channel's media limits (D4) by the
// sniffed type and real size. If anything fails, the files already stored
// are removed.
func (s *Server) handleMessageUpload(w http.ResponseWriter, r *http.Request, convID desk.ID) error {
	if s.cfg.Blobs == nil {
		return desk.CodedErrorf(desk.EINVALID, "attachments_disabled", "this server stores no attachments")
	}
	// Nothing is written for a conversation the agent cannot see.
	if _, err := s.cfg.Store.FindConversationByID(r.Context(), convID); err != nil {
		return err
	}
	r.Body = http.MaxBytesReader(w, r.Body, maxNoteFiles*(maxReplyFileBytes+64<<10)+s.cfg.BodyLimit)
	mr, err := r.MultipartReader()
	if err != nil {
		return desk.CodedErrorf(desk.EINVALID, "invalid_multipart", "the body is not valid multipart/form-data")
	}
	up := &attach.Uploader{Blobs: s.cfg.Blobs, Max: maxReplyFileBytes, Media: true}
	var typ, text string
	var files []desk.Attachment
	fail := func(err error) error {
		up.Discard(r.Context(), files)
		return uploadError(err)
	}
	for {
		part, err := mr.NextPart()
		if err == io.EOF {
			break
		} else if err != nil {
			return fail(desk.CodedErrorf(desk.EINVALID, "invalid_multipart", "the body is not valid multipart/form-data"))
		}
		if part.FileName() == "" {
			v, err := io.ReadAll(io.LimitReader(part, desk.MaxTextLength*4+1))
			if err != nil {
				return fail(err)
			}
			switch part.FormName() {
			case "type":
				typ = string(v)
			case "text":
				text = string(v)
			default:
				return fail(&desk.Error{Kind: desk.EINVALID, Code: "unknown_field", Field: part.FormName(), Message: "unknown field " + part.FormName()})
			}
			continue
		}
		if len(files) == maxNoteFiles {
			return fail(desk.FieldErrorf("files", "at most %d files per message", maxNoteFiles))
		}
		a, err := up.Save(r.Context(), part.FileName(), part)
		if err != nil {
			return fail(err)
		}
		files = append(files, a)
	}
	var reply *outbound.Reply
	if typ == desk.KindNote {
		for _, a := range files {
			if !attach.NoteFormat(a.Name) {
				return fail(&desk.Error{Kind: desk.EINVALID, Code: "attachment_type_not_allowed", Field: "files",
					Message: a.Name + " cannot be attached to a note; allowed: " + strings.Join(attach.Extensions(), ", ")})
			}
			if a.Size > desk.MaxAttachmentBytes {
				return fail(&desk.Error{Kind: desk.ETOOLARGE, Code: "attachment_too_large", Field: "files",
					Message: fmt.Sprintf("a file may be at most %d MB", desk.MaxAttachmentBytes>>20), Detail: map[string]any{"max_bytes": desk.MaxAttachmentBytes}})
			}
		}
		reply, err = s.outbound.Reply(r.Context(), outbound.ReplyRequest{ConversationID: convID, Note: true, Text: text, Attachments: files})
	} else {
		if len(files) == 0 {
			return fail(desk.FieldErrorf("files", "a multipart reply carries files; send text replies as JSON"))
		}
		if typ == "" {
			typ = mediaTypeOf(files[0].ContentType)
		}
		reply, err = s.outbound.Reply(r.Context(), outbound.ReplyRequest{ConversationID: convID, Type: typ, Text: text, Attachments: files})
	}
	if err != nil {
		return fail(err)
	}
	writeJSON(w, http.StatusCreated, reply)
	return nil
}

// mediaTypeOf is the message type (D1) of a file by its sniffed type.
func mediaTypeOf(contentType string) string {
	switch {
	case strings.HasPrefix(contentType, "image/"):
		return desk.TypeImage
	case strings.HasPrefix(contentType, "video/"):
		return desk.TypeVideo
	case strings.HasPrefix(contentType, "audio/"):
		return desk.TypeAudio
	}
	return desk.TypeFile
}

// handleAttachmentGet serves a stored attachment to an agent who may see
// its conversation, always as a download with its sniffed type.
func (s *Server) handleAttachmentGet(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	a, err := s.cfg.Store.FindAttachmentByID(r.Context(), id)
	if err != nil {
		return err
	}
	return s.serveAttachment(w, r, a)
}

// handleMediaLink serves a file an agent sent to whoever holds its signed,
// expiring link (attach.Links): the provider fetching a reply's media, or
// a Live Chat visitor. A bad or expired link is 404.
func (s *Server) handleMediaLink(w http.ResponseWriter, r *http.Request) error {
	if s.cfg.MediaLinks == nil {
		return desk.Errorf(desk.ENOTFOUND, "file not found")
	}
	id, err := s.cfg.MediaLinks.Verify(r.PathValue("token"), s.cfg.Clock.Now())
	if err != nil {
		return err
	}
	a, err := s.cfg.Store.FindAttachmentByID(desk.NewContextWithActor(r.Context(), desk.SystemActor), id)
	if err != nil {
		return err
	}
	// The Live Chat widget shows image previews from these links on the
	// customer's site: a page isolated with COEP may embed them too.
	w.Header().Set("Cross-Origin-Resource-Policy", "cross-origin")
	return s.serveAttachment(w, r, a)
}

// serveAttachment writes a stored file as a download with its sniffed
// type, never cached by shared caches.
func (s *Server) serveAttachment(w http.ResponseWriter, r *http.Request, a *desk.StoredAttachment) error {
	if s.cfg.Blobs == nil {
		return desk.Errorf(desk.ENOTFOUND, "attachment not found")
	}
	rc, err := s.cfg.Blobs.Open(r.Context(), a.BlobKey)
	if err != nil {
		return err
	}
	defer rc.Close()
	h := w.Header()
	h.Set("Content-Type", a.ContentType)
	h.Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": a.Name}))
	h.Set("Content-Length", strconv.FormatInt(a.Size, 10))
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Cache-Control", "private, no-store")
	w.WriteHeader(http.StatusOK)
	_, _ = io.Copy(w, rc)
	return nil
}

// uploadError is err, or too_large (413) when a multipart body passed its
// MaxBytesReader limit.
func uploadError(err error) error {
	var tooBig *http.MaxBytesError
	if errors.As(err, &tooBig) {
		return desk.CodedErrorf(desk.ETOOLARGE, "too_large", "the upload is too large")
	}
	return err
}
