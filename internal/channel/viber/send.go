package viber

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"

	"github.com/switchboard-cc/switchboard/internal/desk"
)

// Send posts to /pa/send_message with the auth token header. Viber answers
// HTTP 200 with a status field: 0 is ok; 12 (too many requests) is
// transient; other statuses are permanent.
func (c *Channel) Send(ctx context.Context, m *desk.OutboundMessage) (*desk.SendResult, error) {
	b := map[string]any{"receiver": m.To, "min_api_version": 1, "sender": map[string]string{"name": c.senderName}, "tracking_data": m.IdempotencyKey}
	switch m.Type {
	case desk.TypeText, "":
		b["type"], b["text"] = "text", m.Text
	case desk.TypeImage, desk.TypeVideo, desk.TypeFile:
		if len(m.Attachments) == 0 {
			return nil, desk.FieldErrorf("attachments", "a %s message needs an attachment", m.Type)
		}
		a := m.Attachments[0]
		b["media"] = a.URL
		switch m.Type {
		case desk.TypeImage:
			b["type"], b["text"] = "picture", m.Text
		case desk.TypeVideo:
			b["type"], b["size"] = "video", a.Size
		default:
			b["type"], b["size"], b["file_name"] = "file", a.Size, a.Name
		}
	case desk.TypeLocation:
		if m.Location == nil {
			return nil, desk.FieldErrorf("location", "a location message needs a location")
		}
		b["type"], b["location"] = "location", map[string]float64{"lat": m.Location.Latitude, "lon": m.Location.Longitude}
	default:
		return nil, desk.FieldErrorf("type", "viber cannot send %s messages", m.Type)
	}
	body, _ := json.Marshal(b)
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.baseURL+"/pa/send_message", bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-Viber-Auth-Token", c.authToken)
	req.Header.Set("Idempotency-Key", m.IdempotencyKey)
	resp, err := c.client.Do(req)
	if err != nil {
		return nil, fmt.Errorf("viber send: %w", err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if resp.StatusCode/100 != 2 {
		return nil, fmt.Errorf("viber send: HTTP %d", resp.StatusCode)
	}
	var out struct {
		Status        int         `json:"status"`
		StatusMessage string      `json:"status_message"`
		MessageToken  json.Number `json:"message_token"`
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	if err := dec.Decode(&out); err != nil {
		return nil, fmt.Errorf("viber send: unexpected response %.200s", raw)
	}
	switch out.Status {
	case 0:
		return &desk.SendResult{ExternalID: out.MessageToken.String()}, nil
	case 12:
		return nil, fmt.Errorf("viber %d %s", out.Status, out.StatusMessage)
	case 6: // notSubscribed: the user unsubscribed, perhaps unseen here
		return nil, &desk.Error{Kind: desk.EINVALID, Code: "contact_opted_out", Field: "to",
			Message: fmt.Sprintf("viber %d %s", out.Status, out.StatusMessage)}
	}
	return nil, desk.Errorf(desk.EINVALID, "viber %d %s", out.Status, out.StatusMessage)
}
