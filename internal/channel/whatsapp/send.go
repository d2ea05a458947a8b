package whatsapp

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"

	"github.com/switchboard-cc/switchboard/internal/desk"
)

// Send posts one message to {base}/{phone-number-id}/messages. The
// idempotency key travels in the Idempotency-Key header; the Cloud API does
// not document one, so a repeat after a lost response may be delivered
// twice by Meta itself (fakes and relays honour it).
func (c *Channel) Send(ctx context.Context, m *desk.OutboundMessage) (*desk.SendResult, error) {
	body, err := sendBody(m)
	if err != nil {
		return nil, err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.baseURL+"/"+c.phoneNumberID+"/messages", bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+c.accessToken)
	req.Header.Set("Idempotency-Key", m.IdempotencyKey)
	resp, err := c.client.Do(req)
	if err != nil {
		return nil, fmt.Errorf("whatsapp send: %w", err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if resp.StatusCode/100 != 2 {
		return nil, sendError(resp.StatusCode, raw)
	}
	var out struct {
		Messages []struct {
			ID string `json:"id"`
		} `json:"messages"`
	}
	if err := json.Unmarshal(raw, &out); err != nil || len(out.Messages) == 0 || out.Messages[0].ID == "" {
		return nil, fmt.Errorf("whatsapp send: unexpected response %.200s", raw)
	}
	return &desk.SendResult{ExternalID: out.Messages[0].ID}, nil
}

// sendBody builds the documented message object for the message's type.
func sendBody(m *desk.OutboundMessage) ([]byte, error) {
	b := map[string]any{"messaging_product": "whatsapp", "recipient_type": "individual", "to": m.To}
	link := func(typ string, withCaption bool) (map[string]any, error) {
		if len(m.Attachments) == 0 {
			return nil, desk.FieldErrorf("attachments", "a %s message needs an attachment", typ)
		}
		o := map[string]any{"link": m.Attachments[0].URL}
		if withCaption && m.Text != "" {
			o["caption"] = m.Text
		}
		return o, nil
	}
	var err error
	switch m.Type {
	case desk.TypeText, "":
		b["type"], b["text"] = "text", map[string]any{"preview_url": false, "body": m.Text}
	case desk.TypeTemplate:
		if m.Template == nil {
			return nil, desk.FieldErrorf("template", "a template message needs a template")
		}
		params := make([]map[string]string, len(m.Template.Variables))
		for i, v := range m.Template.Variables {
			params[i] = map[string]string{"type": "text", "text": v}
		}
		t := map[string]any{"name": m.Template.Name, "language": map[string]string{"code": m.Template.Language}}
		if len(params) > 0 {
			t["components"] = []map[string]any{{"type": "body", "parameters": params}}
		}
		b["type"], b["template"] = "template", t
	case desk.TypeLocation:
		if m.Location == nil {
			return nil, desk.FieldErrorf("location", "a location message needs a location")
		}
		b["type"], b["location"] = "location", map[string]any{"latitude": m.Location.Latitude, "longitude": m.Location.Longitude, "name": m.Location.Name}
	case desk.TypeImage:
		b["type"] = "image"
		b["image"], err = link("image", true)
	case desk.TypeVideo:
		b["type"] = "video"
		b["video"], err = link("video", true)
	case desk.TypeAudio, desk.TypeVoice:
		b["type"] = "audio"
		b["audio"], err = link("audio", false)
	case desk.TypeFile:
		b["type"] = "document"
		var o map[string]any
		if o, err = link("document", true); err == nil {
			o["filename"] = m.Attachments[0].Name
		}
		b["document"] = o
	default:
		return nil, desk.FieldErrorf("type", "whatsapp cannot send %s messages", m.Type)
	}
	if err != nil {
		return nil, err
	}
	return json.Marshal(b)
}

// sendError classifies a Graph API error: throttling (HTTP 429, codes 4,
// 80007, 130429, 131048, 131056) and server errors are transient; other
// 4xx answers are permanent (EINVALID), e.g. 131047 outside the 24-hour
// window or 132001 for an unknown template.
func sendError(status int, raw []byte) error {
	var e struct {
		Error struct {
			Message string `json:"message"`
			Code    int    `json:"code"`
		} `json:"error"`
	}
	_ = json.Unmarshal(raw, &e)
	reason := fmt.Sprintf("whatsapp %d: %d %s", status, e.Error.Code, e.Error.Message)
	switch e.Error.Code {
	case 4, 80007, 130429, 131048, 131056:
		return fmt.Errorf("%s", reason)
	}
	if status == http.StatusTooManyRequests || status >= 500 {
		return fmt.Errorf("%s", reason)
	}
	return desk.Errorf(desk.EINVALID, "%s", reason)
}
