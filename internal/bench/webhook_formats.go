package bench

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strconv"

	"github.com/switchboard-cc/switchboard/internal/channel/messenger"
	"github.com/switchboard-cc/switchboard/internal/channel/signed"
	"github.com/switchboard-cc/switchboard/internal/channel/twilio"
	"github.com/switchboard-cc/switchboard/internal/channel/viber"
)

// WebhookFormat is one provider's signed inbound webhook, as the inbound
// benchmark sends it: a channel to configure, text messages in the
// provider's documented wire format, and their signature.
type WebhookFormat struct {
	Name string
	// Channel is the body of POST /api/v1/channels.
	Channel map[string]any
	// Append appends text message ext from customer cust.
	Append func(b []byte, cust int64, ext, text string) []byte
	// Signer signs requests to the channel's webhook URL.
	Signer func(webhookURL string) func(*http.Request, []byte)
}

// WebhookFormats are the provider formats of issue 5, each with a fresh
// secret: WhatsApp Cloud API, Messenger and Instagram (Graph webhooks),
// Twilio SMS (form-encoded, X-Twilio-Signature over URL and parameters),
// Viber Bot (X-Viber-Content-Signature) and the generic signed webhook
// (Apple Messages for Business here).
func WebhookFormats(runID, sendBaseURL string) []WebhookFormat {
	secret := "bench-secret-" + runID
	meta := func(sign func(string, []byte) string, header string) func(string) func(*http.Request, []byte) {
		return func(string) func(*http.Request, []byte) {
			return func(r *http.Request, body []byte) { r.Header.Set(header, sign(secret, body)) }
		}
	}
	graph := func(kind, object string) WebhookFormat {
		return WebhookFormat{
			Name: kind,
			Channel: map[string]any{"kind": kind, "name": "bench " + kind + " " + runID, "sender": "682498302938465",
				"settings": map[string]string{"base_url": sendBaseURL},
				"secrets":  map[string]string{"app_secret": secret, "page_access_token": "bench"}},
			Append: func(b []byte, cust int64, ext, text string) []byte {
				b = append(b, `{"object":"`...)
				b = append(b, object...)
				b = append(b, `","entry":[{"id":"682498302938465","time":1458692752478,"messaging":[{"sender":{"id":"`...)
				b = strconv.AppendInt(b, 1254459154000000+cust, 10)
				b = append(b, `"},"recipient":{"id":"682498302938465"},"timestamp":1458692752478,"message":{"mid":"mid.`...)
				b = append(b, ext...)
				b = append(b, `","text":"`...)
				b = append(b, text...)
				return append(b, `"}}]}]}`...)
			},
			Signer: meta(messenger.Sign, "X-Hub-Signature-256"),
		}
	}
	return []WebhookFormat{
		{
			Name: "whatsapp",
			Channel: map[string]any{"kind": "whatsapp", "name": "bench whatsapp " + runID, "sender": "15550000000",
				"settings": map[string]string{"phone_number_id": "106540352242922", "base_url": sendBaseURL},
				"secrets":  map[string]string{"app_secret": secret, "access_token": "bench"}},
			Append: AppendWhatsAppText,
			Signer: func(string) func(*http.Request, []byte) { return SignWhatsApp(secret) },
		},
		graph("messenger", "page"),
		graph("instagram", "instagram"),
		{
			Name: "sms",
			Channel: map[string]any{"kind": "sms", "provider": "twilio", "name": "bench sms " + runID, "sender": "+15557122661",
				"settings": map[string]string{"account_sid": "ACbench" + runID, "base_url": sendBaseURL},
				"secrets":  map[string]string{"auth_token": secret}},
			Append: func(b []byte, cust int64, ext, text string) []byte {
				b = append(b, "ToCountry=US&SmsMessageSid=SM"...)
				b = append(b, ext...)
				b = append(b, "&NumMedia=0&SmsStatus=received&Body="...)
				b = append(b, url.QueryEscape(text)...)
				b = append(b, "&To=%2B15557122661&NumSegments=1&MessageSid=SM"...)
				b = append(b, ext...)
				b = append(b, "&AccountSid=ACbench"...)
				b = append(b, runID...)
				b = append(b, "&From=%2B1650"...)
				b = strconv.AppendInt(b, 5000000+cust, 10)
				return append(b, "&ApiVersion=2010-04-01"...)
			},
			// Twilio signs the URL it called and the sorted parameters.
			Signer: func(webhookURL string) func(*http.Request, []byte) {
				return func(r *http.Request, body []byte) {
					params, _ := url.ParseQuery(string(body))
					r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
					r.Header.Set("X-Twilio-Signature", twilio.Sign(secret, webhookURL, params))
				}
			},
		},
		{
			Name: "viber",
			Channel: map[string]any{"kind": "viber", "name": "bench viber " + runID, "sender": "bench-bot",
				"settings": map[string]string{"base_url": sendBaseURL},
				"secrets":  map[string]string{"auth_token": secret}},
			Append: func(b []byte, cust int64, ext, text string) []byte {
				b = append(b, `{"event":"message","timestamp":1457764197627,"message_token":`...)
				b = append(b, ext...) // a number: see viberToken
				b = append(b, `,"sender":{"id":"bench`...)
				b = strconv.AppendInt(b, cust, 10)
				b = append(b, `A=","name":"Bench","api_version":1},"message":{"type":"text","text":"`...)
				b = append(b, text...)
				return append(b, `"}}`...)
			},
			Signer: meta(viber.Sign, "X-Viber-Content-Signature"),
		},
		{
			Name: "apple (generic signed)",
			Channel: map[string]any{"kind": "apple", "provider": "signed", "name": "bench apple " + runID, "sender": "biz-1",
				"settings": map[string]string{"base_url": sendBaseURL},
				"secrets":  map[string]string{"secret": secret}},
			Append: func(b []byte, cust int64, ext, text string) []byte {
				b = append(b, `{"events":[{"type":"message","id":"apple-`...)
				b = append(b, ext...)
				b = append(b, `","from":"urn:mbid:bench`...)
				b = strconv.AppendInt(b, cust, 10)
				b = append(b, `","to":"biz-1","text":"`...)
				b = append(b, text...)
				return append(b, `","message_type":"text","name":"Bench"}]}`...)
			},
			Signer: meta(signed.Sign, "X-Signature-256"),
		},
	}
}

// ExternalID is message n's provider ID in a run: Viber's message tokens
// are 64-bit numbers, the others strings.
func (f WebhookFormat) ExternalID(runID string, n int64) string {
	if f.Name == "viber" {
		h, _ := strconv.ParseUint(runID, 16, 32)
		return strconv.FormatUint(h<<32|uint64(n), 10)
	}
	return runID + "-" + strconv.FormatInt(n, 10)
}

// CreateChannel configures a channel from a format's body and returns its
// webhook path.
func CreateChannel(ctx context.Context, target, token string, body map[string]any) (string, error) {
	b, _ := json.Marshal(body)
	var out struct {
		WebhookPath string `json:"webhook_path"`
	}
	if err := do(ctx, http.DefaultClient, "POST", target+"/api/v1/channels", token, b, nil, &out); err != nil {
		return "", fmt.Errorf("create %s channel: %w", body["kind"], err)
	}
	return out.WebhookPath, nil
}
