// Package twilio is the SMS adapter in Twilio Programmable Messaging's wire
// format: form-encoded webhooks signed with X-Twilio-Signature (base64
// HMAC-SHA1 of the URL followed by the sorted POST parameters), status
// callbacks, and sends through POST {base}/2010-04-01/Accounts/{sid}/Messages.json
// with basic auth.
//
// Settings: base_url (default https://api.twilio.com), account_sid,
// webhook_url (the public URL Twilio calls, when a proxy hides it),
// status_callback. Secrets: auth_token.
package twilio

import (
	"context"
	"crypto/hmac"
	"crypto/sha1"
	"encoding/base64"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/switchboard-cc/switchboard/internal/desk"
)

// DefaultBaseURL is Twilio's REST API.
const DefaultBaseURL = "https://api.twilio.com"

// Channel is a Twilio account's SMS numbers; it implements desk.Channel.
type Channel struct {
	baseURL, accountSID, authToken string
	webhookURL, statusCallback     string
	client                         *http.Client
}

var _ desk.Channel = (*Channel)(nil)

// New builds the adapter; the auth token and account SID are required.
func New(cfg *desk.ChannelConfig, client *http.Client) (desk.Channel, error) {
	c := &Channel{baseURL: strings.TrimRight(cfg.Setting("base_url", DefaultBaseURL), "/"), accountSID: cfg.Settings["account_sid"],
		authToken: cfg.Secrets["auth_token"], webhookURL: cfg.Settings["webhook_url"], statusCallback: cfg.Settings["status_callback"], client: client}
	if c.authToken == "" {
		return nil, desk.FieldErrorf("secrets", "twilio needs the auth_token secret")
	} else if c.accountSID == "" {
		return nil, desk.FieldErrorf("settings", "twilio needs the account_sid setting")
	}
	return c, nil
}

// Kind returns desk.ChannelSMS.
func (c *Channel) Kind() string { return desk.ChannelSMS }

// Capabilities returns SMS's entry of the capability table.
func (c *Channel) Capabilities() desk.Capabilities { return desk.CapabilitiesOf(desk.ChannelSMS) }

// Sign computes X-Twilio-Signature for a URL and form parameters: the URL,
// then each parameter name and value in name order, HMAC-SHA1 with the auth
// token, base64.
func Sign(authToken, fullURL string, params url.Values) string {
	keys := make([]string, 0, len(params))
	for k := range params {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b strings.Builder
	b.WriteString(fullURL)
	for _, k := range keys {
		vs := append([]string(nil), params[k]...)
		sort.Strings(vs)
		for _, v := range vs {
			b.WriteString(k)
			b.WriteString(v)
		}
	}
	mac := hmac.New(sha1.New, []byte(authToken))
	mac.Write([]byte(b.String()))
	return base64.StdEncoding.EncodeToString(mac.Sum(nil))
}

// validSignature checks X-Twilio-Signature the way Twilio's own
// validator (validateRequest of its helper libraries) does: against the
// URL without its port and with the scheme's default port, since Twilio
// signs https://host:443/... for some numbers and https://host/... for
// others, whichever of the two the server saw.
func (c *Channel) validSignature(sig, rawURL string, params url.Values) bool {
	if sig == "" {
		return false
	}
	for _, u := range urlVariants(rawURL) {
		if hmac.Equal([]byte(sig), []byte(Sign(c.authToken, u, params))) {
			return true
		}
	}
	return false
}

// urlVariants returns u without its port and with the scheme's default
// port (443, 80) when it had none; u itself when it cannot be parsed.
func urlVariants(raw string) []string {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" {
		return []string{raw}
	}
	bare, port := *u, u.Port()
	bare.Host = u.Hostname()
	if strings.Contains(bare.Host, ":") { // IPv6 literal
		bare.Host = "[" + bare.Host + "]"
	}
	out := []string{bare.String()}
	if port != "" {
		return append(out, u.String())
	}
	def := map[string]string{"https": "443", "http": "80"}[u.Scheme]
	if def != "" {
		withPort := bare
		withPort.Host = bare.Host + ":" + def
		out = append(out, withPort.String())
	}
	return out
}

// HandleWebhook checks the signature and parses an incoming message or a
// status callback; it answers with empty TwiML, so Twilio sends no reply.
func (c *Channel) HandleWebhook(ctx context.Context, req *desk.WebhookRequest) (*desk.WebhookResult, error) {
	if req.Method != http.MethodPost {
		return nil, desk.Errorf(desk.EINVALID, "twilio webhooks are POSTs")
	}
	params, err := url.ParseQuery(string(req.Body))
	if err != nil {
		// Checked before parsing succeeds would be meaningless; an unparsable
		// body cannot be verified either.
		return nil, desk.Errorf(desk.EUNAUTHENTICATED, "unparsable body cannot be verified")
	}
	u := req.URL
	if c.webhookURL != "" {
		u = c.webhookURL
	}
	if !c.validSignature(http.Header(req.Header).Get("X-Twilio-Signature"), u, params) {
		return nil, desk.Errorf(desk.EUNAUTHENTICATED, "missing or wrong X-Twilio-Signature")
	}
	if params.Get("AccountSid") != "" && params.Get("AccountSid") != c.accountSID {
		return nil, desk.Errorf(desk.EINVALID, "webhook of another account")
	}
	sid := params.Get("MessageSid")
	if sid == "" {
		sid = params.Get("SmsSid")
	}
	if sid == "" {
		return nil, desk.Errorf(desk.EINVALID, "no MessageSid")
	}
	twiml := &desk.WebhookReply{Status: http.StatusOK, ContentType: "text/xml", Body: []byte(`<?xml version="1.0" encoding="UTF-8"?><Response></Response>`)}
	status := params.Get("MessageStatus")
	if status != "" && status != "received" {
		r, ok := receipt(sid, status, params)
		res := &desk.WebhookResult{Reply: twiml}
		if ok {
			res.Receipts = []desk.Receipt{r}
		}
		if code := params.Get("ErrorCode"); optOutErrors[code] && params.Get("To") != "" {
			res.Events = []desk.ContactEvent{{Kind: desk.ContactOptOut, Channel: desk.ChannelSMS, Address: params.Get("To"),
				Reason: "error " + code, At: r.At}}
		}
		return res, nil
	}
	// ProfileName is sent for senders with a profile (WhatsApp through
	// Twilio, RCS); plain SMS has none.
	in := desk.InboundMessage{Channel: desk.ChannelSMS, From: params.Get("From"), To: params.Get("To"), Text: params.Get("Body"), ExternalID: sid,
		Type: desk.TypeText, Name: params.Get("ProfileName")}
	if in.From == "" {
		return nil, desk.Errorf(desk.EINVALID, "no From")
	}
	n, _ := strconv.Atoi(params.Get("NumMedia"))
	for i := 0; i < n && i < 10; i++ {
		k := strconv.Itoa(i)
		in.Attachments = append(in.Attachments, desk.Attachment{ContentType: params.Get("MediaContentType" + k), URL: params.Get("MediaUrl" + k)})
	}
	if len(in.Attachments) > 0 {
		in.Type = mediaType(in.Attachments[0].ContentType)
	}
	res := &desk.WebhookResult{Messages: []desk.InboundMessage{in}, Reply: twiml}
	if ev, ok := keywordEvent(params, time.Now().UTC()); ok {
		res.Events = []desk.ContactEvent{ev}
	}
	return res.Checked()
}

func mediaType(ct string) string {
	switch {
	case strings.HasPrefix(ct, "image/"):
		return desk.TypeImage
	case strings.HasPrefix(ct, "video/"):
		return desk.TypeVideo
	case strings.HasPrefix(ct, "audio/"):
		return desk.TypeAudio
	}
	return desk.TypeFile
}

// receipt maps Twilio's message statuses: queued/accepted/sending are not
// news, sent/delivered/read move forward, undelivered/failed fail with the
// error code.
func receipt(sid, status string, p url.Values) (desk.Receipt, bool) {
	r := desk.Receipt{Channel: desk.ChannelSMS, ExternalID: sid, At: time.Now().UTC()}
	switch status {
	case "sent":
		r.State = desk.DeliverySent
	case "delivered":
		r.State = desk.DeliveryDelivered
	case "read":
		r.State = desk.DeliverySeen
	case "undelivered", "failed":
		r.State, r.Reason = desk.DeliveryFailed, status
		if code := p.Get("ErrorCode"); code != "" {
			r.Reason = status + ": error " + code
			if t := errorText[code]; t != "" {
				r.Reason += " (" + t + ")"
			}
		}
	default:
		return r, false
	}
	return r, true
}
