package http

import (
	"context"
	"net/http"

	"github.com/switchboard-cc/switchboard/internal/desk"
	"github.com/switchboard-cc/switchboard/internal/macro"
)

type macroRequest struct {
	Name    string            `json:"name"`
	Tags    []string          `json:"tags"`
	Actions desk.MacroActions `json:"actions"`
}

// handleMacroList lists macros: ?q= searches names, ?tag= filters,
// ?to_channel= keeps those that set To for a channel (E3, To empty).
func (s *Server) handleMacroList(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	f := desk.MacroFilter{Query: q.Get("q"), Tag: q.Get("tag"), ToChannel: q.Get("to_channel"), Cursor: q.Get("cursor")}
	var err error
	if f.Limit, err = queryLimit(r); err != nil {
		return err
	}
	items, next, err := s.cfg.Store.FindMacros(r.Context(), f)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, newList(items, next))
	return nil
}

func (s *Server) handleMacroCreate(w http.ResponseWriter, r *http.Request) error {
	var req macroRequest
	if err := s.decode(r, &req); err != nil {
		return err
	}
	m := &desk.Macro{Name: req.Name, Tags: req.Tags, Actions: req.Actions}
	if err := s.cfg.Store.CreateMacro(r.Context(), m); err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, m)
	return nil
}

func (s *Server) handleMacroGet(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	m, err := s.cfg.Store.FindMacroByID(r.Context(), id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, m)
	return nil
}

func (s *Server) handleMacroUpdate(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var upd desk.MacroUpdate
	if err := s.decode(r, &upd); err != nil {
		return err
	}
	m, err := s.cfg.Store.UpdateMacro(r.Context(), id, upd)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, m)
	return nil
}

func (s *Server) handleMacroDelete(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if err := s.cfg.Store.DeleteMacro(r.Context(), id); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// handleMacroApply applies a macro to a conversation (E2); the preview
// route computes the same answer and changes nothing.
func (s *Server) handleMacroApply(w http.ResponseWriter, r *http.Request) error {
	return s.macroOnConversation(w, r, false)
}

func (s *Server) handleMacroPreview(w http.ResponseWriter, r *http.Request) error {
	return s.macroOnConversation(w, r, true)
}

func (s *Server) macroOnConversation(w http.ResponseWriter, r *http.Request, preview bool) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	macroID, err := pathID(r, "macro_id")
	if err != nil {
		return err
	}
	res, err := s.macros.Apply(r.Context(), id, macroID, preview)
	if err != nil {
		return err
	}
	if res.Conversation != nil && res.Conversation.Tags == nil {
		res.Conversation.Tags = []string{} // a conversation's tags are a list, as documented
	}
	writeJSON(w, http.StatusOK, res)
	return nil
}

// handleMacroDraftApply applies a macro to a new-conversation draft (E3).
func (s *Server) handleMacroDraftApply(w http.ResponseWriter, r *http.Request) error {
	return s.macroOnDraft(w, r, s.drafts.ApplyToDraft)
}

// handleMacroDraftRemove undoes a macro applied to a draft.
func (s *Server) handleMacroDraftRemove(w http.ResponseWriter, r *http.Request) error {
	return s.macroOnDraft(w, r, s.drafts.RemoveFromDraft)
}

func (s *Server) macroOnDraft(w http.ResponseWriter, r *http.Request, fn func(context.Context, desk.ID, *macro.Draft) (*macro.Draft, error)) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var d macro.Draft
	if err := s.decode(r, &d); err != nil {
		return err
	}
	if !desk.ValidChannel(d.Channel) {
		return desk.FieldErrorf("channel", "unknown channel %q", d.Channel)
	}
	out, err := fn(r.Context(), id, &d)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}
