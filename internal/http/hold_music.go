package http

import (
	"bytes"
	"errors"
	"io"
	"net/http"

	"github.com/switchboard-cc/switchboard/internal/access"
	"github.com/switchboard-cc/switchboard/internal/desk"
	"github.com/switchboard-cc/switchboard/internal/media"
	"github.com/switchboard-cc/switchboard/internal/voice"
)

// maxHoldMusicBytes bounds an uploaded music-on-hold WAV (about ten
// minutes of 8 kHz 16-bit mono).
const maxHoldMusicBytes = 10 << 20

// holdAudio is one of a queue's hold recordings: its blob key and name.
type holdAudio struct {
	key  func(desk.ID) string
	what string
}

var (
	holdMusicAudio    = holdAudio{voice.HoldMusicKey, "music on hold"}
	announcementAudio = holdAudio{voice.HoldAnnouncementKey, "the announcement"}
)

// holdMusicInfo answers the hold-music routes.
type holdMusicInfo struct {
	QueueID desk.ID `json:"queue_id"`
	Custom  bool    `json:"custom"`
	Seconds float64 `json:"seconds"`
}

// holdMusicQueue checks the caller (supervisor or admin), the queue and
// that files can be stored.
func (s *Server) holdMusicQueue(r *http.Request) (desk.ID, error) {
	if err := access.Require(r.Context(), "UpdateQueue"); err != nil { // hold music is a queue's setting
		return 0, err
	}
	id, err := pathID(r, "id")
	if err != nil {
		return 0, err
	}
	if _, err := s.cfg.Store.FindQueueByID(r.Context(), id); err != nil {
		return 0, err
	}
	if s.cfg.Blobs == nil {
		return 0, desk.CodedErrorf(desk.EINVALID, "attachments_disabled", "this server stores no files")
	}
	return id, nil
}

// handleHoldMusicGet tells whether a queue has its own music on hold.
func (s *Server) handleHoldMusicGet(w http.ResponseWriter, r *http.Request) error {
	return s.holdAudioGet(w, r, holdMusicAudio)
}

// handleHoldMusicPut sets a queue's music on hold.
func (s *Server) handleHoldMusicPut(w http.ResponseWriter, r *http.Request) error {
	return s.holdAudioPut(w, r, holdMusicAudio)
}

// handleHoldMusicDelete goes back to the default music on hold.
func (s *Server) handleHoldMusicDelete(w http.ResponseWriter, r *http.Request) error {
	return s.holdAudioDelete(w, r, holdMusicAudio)
}

// handleAnnouncementGet tells whether a queue has an announcement.
func (s *Server) handleAnnouncementGet(w http.ResponseWriter, r *http.Request) error {
	return s.holdAudioGet(w, r, announcementAudio)
}

// handleAnnouncementPut sets a queue's announcement.
func (s *Server) handleAnnouncementPut(w http.ResponseWriter, r *http.Request) error {
	return s.holdAudioPut(w, r, announcementAudio)
}

// handleAnnouncementDelete removes it: the music alone plays.
func (s *Server) handleAnnouncementDelete(w http.ResponseWriter, r *http.Request) error {
	return s.holdAudioDelete(w, r, announcementAudio)
}

func (s *Server) holdAudioGet(w http.ResponseWriter, r *http.Request, a holdAudio) error {
	id, err := s.holdMusicQueue(r)
	if err != nil {
		return err
	}
	info := holdMusicInfo{QueueID: id}
	rc, err := s.cfg.Blobs.Open(r.Context(), a.key(id))
	if err == nil {
		n, _ := io.Copy(io.Discard, rc)
		rc.Close()
		info.Custom, info.Seconds = true, float64(n)/8000
	} else if desk.ErrorKind(err) != desk.ENOTFOUND {
		return err
	}
	writeJSON(w, http.StatusOK, info)
	return nil
}

// holdAudioPut sets a queue's recording from a WAV body (8 kHz mono,
// 16-bit PCM or μ-law), checked by its content.
func (s *Server) holdAudioPut(w http.ResponseWriter, r *http.Request, a holdAudio) error {
	id, err := s.holdMusicQueue(r)
	if err != nil {
		return err
	}
	data, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxHoldMusicBytes))
	var tooBig *http.MaxBytesError
	if errors.As(err, &tooBig) {
		return &desk.Error{Kind: desk.ETOOLARGE, Code: "too_large", Field: "file", Message: a.what + " may be at most 10 MB"}
	} else if err != nil {
		return err
	}
	ul, err := media.ULawFromWAV(data)
	if err != nil {
		return &desk.Error{Kind: desk.EINVALID, Code: "hold_music_format", Field: "file", Message: err.Error()}
	}
	if _, err := s.cfg.Blobs.Put(r.Context(), a.key(id), bytes.NewReader(ul), int64(len(ul))); err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, holdMusicInfo{QueueID: id, Custom: true, Seconds: float64(len(ul)) / 8000})
	return nil
}

func (s *Server) holdAudioDelete(w http.ResponseWriter, r *http.Request, a holdAudio) error {
	id, err := s.holdMusicQueue(r)
	if err != nil {
		return err
	}
	if err := s.cfg.Blobs.Delete(r.Context(), a.key(id)); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
