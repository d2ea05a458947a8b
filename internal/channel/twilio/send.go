package twilio

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/switchboard-cc/switchboard/internal/desk"
)

// Send creates a Message resource. From is our number (or an MG... sender
// is passed as MessagingServiceSid); attachments go as MediaUrl (MMS).
func (c *Channel) Send(ctx context.Context, m *desk.OutboundMessage) (*desk.SendResult, error) {
	form := url.Values{"To": {m.To}, "Body": {m.Text}}
	if strings.HasPrefix(m.From, "MG") {
		form.Set("MessagingServiceSid", m.From)
	} else {
		form.Set("From", m.From)
	}
	for _, a := range m.Attachments {
		form.Add("MediaUrl", a.URL)
	}
	if c.statusCallback != "" {
		form.Set("StatusCallback", c.statusCallback)
	}
	if m.Type == desk.TypeLocation || m.Type == desk.TypeTemplate {
		return nil, desk.FieldErrorf("type", "sms cannot send %s messages", m.Type)
	}
	u := c.baseURL + "/2010-04-01/Accounts/" + url.PathEscape(c.accountSID) + "/Messages.json"
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, u, strings.NewReader(form.Encode()))
	if err != nil {
		return nil, err
	}
	req.SetBasicAuth(c.accountSID, c.authToken)
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Idempotency-Key", m.IdempotencyKey)
	resp, err := c.client.Do(req)
	if err != nil {
		return nil, fmt.Errorf("twilio send: %w", err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	var out struct {
		SID     string `json:"sid"`
		Code    int    `json:"code"`
		Message string `json:"message"`
	}
	_ = json.Unmarshal(raw, &out)
	if resp.StatusCode/100 != 2 {
		reason := fmt.Sprintf("twilio %d: %d %s", resp.StatusCode, out.Code, out.Message)
		if resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode >= 500 {
			return nil, fmt.Errorf("%s", reason)
		}
		if optOutErrors[strconv.Itoa(out.Code)] {
			return nil, &desk.Error{Kind: desk.EINVALID, Code: "contact_opted_out", Field: "to", Message: reason}
		}
		return nil, desk.Errorf(desk.EINVALID, "%s", reason)
	}
	if out.SID == "" {
		return nil, fmt.Errorf("twilio send: unexpected response %.200s", raw)
	}
	return &desk.SendResult{ExternalID: out.SID}, nil
}
