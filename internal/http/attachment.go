package http

import (
	"errors"
	"io"
	"mime"
	"net/http"
	"strconv"

	"github.com/switchboard-cc/switchboard/internal/attach"
	"github.com/switchboard-cc/switchboard/internal/desk"
	"github.com/switchboard-cc/switchboard/internal/outbound"
)

// maxNoteFiles bounds the files of one note upload.
const maxNoteFiles = 10

// handleNoteUpload takes a multipart note (D3): field "type" = note,
// optional "text", and files (any file part, usually "files"). Each file
// is checked and stored before the note; if anything fails, the files
// already stored are removed.
func (s *Server) handleNoteUpload(w http.ResponseWriter, r *http.Request, convID desk.ID) error {
	if s.cfg.Blobs == nil {
		return desk.CodedErrorf(desk.EINVALID, "attachments_disabled", "this server stores no attachments")
	}
	// Nothing is written for a conversation the agent cannot see.
	if _, err := s.cfg.Store.FindConversationByID(r.Context(), convID); err != nil {
		return err
	}
	r.Body = http.MaxBytesReader(w, r.Body, maxNoteFiles*(desk.MaxAttachmentBytes+64<<10)+s.cfg.BodyLimit)
	mr, err := r.MultipartReader()
	if err != nil {
		return desk.CodedErrorf(desk.EINVALID, "invalid_multipart", "the body is not valid multipart/form-data")
	}
	up := &attach.Uploader{Blobs: s.cfg.Blobs}
	var typ, text string
	var files []desk.Attachment
	fail := func(err error) error {
		up.Discard(r.Context(), files)
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return desk.CodedErrorf(desk.ETOOLARGE, "too_large", "the upload is too large")
		}
		return err
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
			return fail(desk.FieldErrorf("files", "at most %d files per note", maxNoteFiles))
		}
		a, err := up.Save(r.Context(), part.FileName(), part)
		if err != nil {
			return fail(err)
		}
		files = append(files, a)
	}
	if typ != desk.KindNote {
		return fail(desk.FieldErrorf("type", "only notes (type note) carry uploaded files; replies send attachments by URL"))
	}
	reply, err := s.outbound.Reply(r.Context(), outbound.ReplyRequest{ConversationID: convID, Note: true, Text: text, Attachments: files})
	if err != nil {
		return fail(err)
	}
	writeJSON(w, http.StatusCreated, reply)
	return nil
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
