package http

import (
	"bytes"
	"encoding/json"
	"io"
	"mime/multipart"
	"net/http"
	"testing"

	"github.com/switchboard-cc/switchboard/internal/desk"
)

// upload posts a multipart note: fields, then files by name.
func (e *env) upload(path, token string, fields map[string]string, files map[string][]byte) (int, []byte) {
	e.t.Helper()
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	for k, v := range fields {
		mw.WriteField(k, v)
	}
	for name, content := range files {
		w, _ := mw.CreateFormFile("files", name)
		w.Write(content)
	}
	mw.Close()
	req, _ := http.NewRequest("POST", e.url+path, &b)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, body
}

var pngHead = []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00\x90wS\xde")

// TestNoteAttachments covers D3: upload, sniffing, limits, and serving only
// to agents who may see the conversation.
func TestNoteAttachments(t *testing.T) {
	bothStores(t, func(t *testing.T, newEnv func(*testing.T) *env) {
		e := newEnv(t)
		msgs := "/api/v1/conversations/" + e.convA.String() + "/messages"
		note := map[string]string{"type": "note", "text": "screenshot attached"}

		status, body := e.upload(msgs, e.agentA, note, map[string][]byte{"shot.png": pngHead, "log.txt": []byte("line 1\n")})
		if status != 201 {
			t.Fatalf("upload: %d %s", status, body)
		}
		var m desk.Message
		json.Unmarshal(body, &m)
		if m.Kind != desk.KindNote || len(m.Attachments) != 2 {
			t.Fatalf("note: %s", body)
		}
		var png desk.Attachment
		for _, a := range m.Attachments {
			if a.Name == "shot.png" {
				png = a
			}
		}
		if png.ContentType != "image/png" || png.Size != int64(len(pngHead)) || png.URL != "/api/v1/attachments/"+png.ID.String() {
			t.Fatalf("attachment: %+v", png)
		}

		// Served as a download with the sniffed type to agents who see it.
		get := func(token string) *http.Response {
			req, _ := http.NewRequest("GET", e.url+png.URL, nil)
			req.Header.Set("Authorization", "Bearer "+token)
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { resp.Body.Close() })
			return resp
		}
		resp := get(e.agentA)
		got, _ := io.ReadAll(resp.Body)
		if resp.StatusCode != 200 || !bytes.Equal(got, pngHead) || resp.Header.Get("Content-Type") != "image/png" ||
			resp.Header.Get("Content-Disposition") != `attachment; filename=shot.png` || resp.Header.Get("X-Content-Type-Options") != "nosniff" {
			t.Fatalf("download: %d %v", resp.StatusCode, resp.Header)
		}
		if resp := get(e.sup); resp.StatusCode != 200 {
			t.Fatalf("supervisor download: %d", resp.StatusCode)
		}
		if resp := get(e.agentB); resp.StatusCode != 404 {
			t.Fatalf("agent of another queue: %d, want 404", resp.StatusCode)
		}
		// The thread lists the note with its files.
		var thread struct{ Items []desk.Message }
		e.do("GET", msgs, e.agentA, "", 200, &thread)
		if last := thread.Items[len(thread.Items)-1]; len(last.Attachments) != 2 || last.Attachments[0].URL == "" {
			t.Fatalf("thread: %+v", last)
		}

		big := append(append([]byte{}, pngHead...), make([]byte, desk.MaxAttachmentBytes)...)
		tests := []struct {
			name   string
			token  string
			path   string
			fields map[string]string
			files  map[string][]byte
			status int
			code   string
		}{
			{"extension off the list", e.agentA, msgs, note, map[string][]byte{"run.exe": []byte("MZ\x90\x00")}, 400, "attachment_type_not_allowed"},
			{"content does not match", e.agentA, msgs, note, map[string][]byte{"shot.png": []byte("MZ\x90\x00\x03\x00\x00\x00\x04\x00")}, 400, "attachment_content_mismatch"},
			{"over 25 MB", e.agentA, msgs, note, map[string][]byte{"huge.png": big}, 413, "attachment_too_large"},
			{"a multipart reply without files", e.agentA, msgs, map[string]string{"text": "hi"}, nil, 400, "invalid"},
			{"unknown field", e.agentA, msgs, map[string]string{"type": "note", "colour": "red"}, nil, 400, "unknown_field"},
			{"another queue's conversation", e.agentA, "/api/v1/conversations/" + e.convB.String() + "/messages", note, map[string][]byte{"shot.png": pngHead}, 404, "not_found"},
			{"empty note", e.agentA, msgs, map[string]string{"type": "note"}, nil, 400, "invalid"},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				e.t = t
				status, body := e.upload(tt.path, tt.token, tt.fields, tt.files)
				var got apiError
				json.Unmarshal(body, &got)
				if status != tt.status || got.Error.Code != tt.code {
					t.Fatalf("status %d %s, want %d %s", status, body, tt.status, tt.code)
				}
			})
		}
		// JSON notes cannot smuggle attachment URLs.
		e.t = t
		var apiErr apiError
		e.do("POST", msgs, e.agentA, `{"type":"note","text":"x","attachments":[{"name":"a.png","url":"http://x"}]}`, 400, &apiErr)
		if apiErr.Error.Field != "attachments" {
			t.Fatalf("json attachments: %+v", apiErr)
		}
	})
}
