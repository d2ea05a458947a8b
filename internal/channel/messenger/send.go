package messenger

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"

	"github.com/switchboard-cc/switchboard/internal/desk"
)

// Send posts to /me/messages as a RESPONSE (inside the standard messaging
// window).
func (c *Channel) Send(ctx context.Context, m *desk.OutboundMessage) (*desk.SendResult, error) {
	msg := map[string]any{}
	switch m.Type {
	case desk.TypeText, "":
		msg["text"] = m.Text
	case desk.TypeImage, desk.TypeVideo, desk.TypeAudio, desk.TypeFile:
		if len(m.Attachments) == 0 {
			return nil, desk.FieldErrorf("attachments", "a %s message needs an attachment", m.Type)
		}
		t := map[string]string{desk.TypeImage: "image", desk.TypeVideo: "video", desk.TypeAudio: "audio", desk.TypeFile: "file"}[m.Type]
		msg["attachment"] = map[string]any{"type": t, "payload": map[string]any{"url": m.Attachments[0].URL, "is_reusable": true}}
	default:
		return nil, desk.FieldErrorf("type", "%s cannot send %s messages", c.kind, m.Type)
	}
	body, _ := json.Marshal(map[string]any{"recipient": map[string]string{"id": m.To}, "messaging_type": "RESPONSE", "message": msg})
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.baseURL+"/me/messages?access_token="+url.QueryEscape(c.pageToken), bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Idempotency-Key", m.IdempotencyKey)
	resp, err := c.client.Do(req)
	if err != nil {
		// The URL holds the token: report the failure without it.
		return nil, fmt.Errorf("%s send: %w", c.kind, withoutURL(err))
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	var out struct {
		MessageID string `json:"message_id"`
		Error     struct {
			Message string `json:"message"`
			Code    int    `json:"code"`
		} `json:"error"`
	}
	_ = json.Unmarshal(raw, &out)
	if resp.StatusCode/100 != 2 {
		reason := fmt.Sprintf("%s %d: %d %s", c.kind, resp.StatusCode, out.Error.Code, out.Error.Message)
		if resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode >= 500 || out.Error.Code == 4 || out.Error.Code == 613 {
			return nil, fmt.Errorf("%s", reason)
		}
		return nil, desk.Errorf(desk.EINVALID, "%s", reason)
	}
	if out.MessageID == "" {
		return nil, fmt.Errorf("%s send: unexpected response %.200s", c.kind, raw)
	}
	return &desk.SendResult{ExternalID: out.MessageID}, nil
}

// withoutURL drops the *url.Error wrapper, whose text repeats the URL.
func withoutURL(err error) error {
	if ue, ok := err.(*url.Error); ok {
		return ue.Err
	}
	return err
}
