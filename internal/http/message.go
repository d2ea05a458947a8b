package http

import (
	"mime"
	"net/http"

	"github.com/switchboard-cc/switchboard/internal/desk"
	"github.com/switchboard-cc/switchboard/internal/outbound"
)

// messageCreateRequest is a reply, or an internal note with type "note".
type messageCreateRequest struct {
	// Channel, To and From send the reply on another of the customer's
	// contacts and from another sender (C7, E4); empty keeps the
	// conversation's.
	Channel string `json:"channel"`
	To      string `json:"to"`
	From    string `json:"from"`
	// Subject, CC and BCC are email's.
	Subject     string             `json:"subject"`
	CC          []string           `json:"cc"`
	BCC         []string           `json:"bcc"`
	Type        string             `json:"type"`
	Text        string             `json:"text"`
	Template    *desk.TemplateCall `json:"template"`
	Location    *desk.Location     `json:"location"`
	Attachments []desk.Attachment  `json:"attachments"`
}

func (s *Server) handleMessageList(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	f := desk.MessageFilter{Cursor: r.URL.Query().Get("cursor")}
	if f.Limit, err = queryLimit(r); err != nil {
		return err
	}
	return s.writeCached(w, r, false, func() (any, error) {
		items, next, err := s.cfg.Store.FindMessages(r.Context(), id, f)
		return newList(items, next), err
	})
}

// handleMessageCreate hands a multipart note or reply with files to
// handleMessageUpload; otherwise it hands the reply to the outbound service, which checks
// the channel's rules and stores the message with its send job.
func (s *Server) handleMessageCreate(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); mt == "multipart/form-data" {
		return s.handleMessageUpload(w, r, id)
	}
	var req messageCreateRequest
	if err := s.decode(r, &req); err != nil {
		return err
	}
	if req.Type == desk.KindNote && len(req.Attachments) > 0 {
		return desk.FieldErrorf("attachments", "attach files to a note with multipart/form-data")
	}
	reply, err := s.outbound.Reply(r.Context(), outbound.ReplyRequest{ConversationID: id, Note: req.Type == desk.KindNote,
		Channel: req.Channel, To: req.To, From: req.From,
		Subject: req.Subject, CC: req.CC, BCC: req.BCC, Type: req.Type, Text: req.Text, Template: req.Template, Location: req.Location, Attachments: req.Attachments})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, reply)
	return nil
}
