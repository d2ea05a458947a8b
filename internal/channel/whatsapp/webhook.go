package whatsapp

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/switchboard-cc/switchboard/internal/desk"
)

// notification is the webhook body: entries of changes whose value holds
// messages and statuses. Messages stay raw until each is parsed on its
// own, so one malformed message does not sink the batch.
type notification struct {
	Object string `json:"object"`
	Entry  []struct {
		ID      string `json:"id"`
		Changes []struct {
			Field string `json:"field"`
			Value value  `json:"value"`
		} `json:"changes"`
	} `json:"entry"`
}

type value struct {
	MessagingProduct string `json:"messaging_product"`
	Metadata         struct {
		DisplayPhoneNumber string `json:"display_phone_number"`
		PhoneNumberID      string `json:"phone_number_id"`
	} `json:"metadata"`
	Contacts []struct {
		Profile struct {
			Name string `json:"name"`
		} `json:"profile"`
		WaID string `json:"wa_id"`
	} `json:"contacts"`
	Messages []json.RawMessage `json:"messages"`
	Statuses []json.RawMessage `json:"statuses"`
}

type media struct {
	ID       string `json:"id"`
	MimeType string `json:"mime_type"`
	Caption  string `json:"caption"`
	Filename string `json:"filename"`
	Animated bool   `json:"animated"`
}

type providerError struct {
	Code      int    `json:"code"`
	Title     string `json:"title"`
	Message   string `json:"message"`
	ErrorData struct {
		Details string `json:"details"`
	} `json:"error_data"`
}

// String is "code title: details", what the agent reads.
func (e providerError) String() string {
	s := strconv.Itoa(e.Code) + " " + e.Title
	if d := e.ErrorData.Details; d != "" && d != e.Title {
		s += ": " + d
	}
	return s
}

type message struct {
	From      string `json:"from"`
	ID        string `json:"id"`
	Timestamp string `json:"timestamp"`
	Type      string `json:"type"`
	Text      *struct {
		Body string `json:"body"`
	} `json:"text"`
	Image    *media `json:"image"`
	Document *media `json:"document"`
	Video    *media `json:"video"`
	Sticker  *media `json:"sticker"`
	Audio    *struct {
		media
		Voice bool `json:"voice"`
	} `json:"audio"`
	Location *struct {
		Latitude  float64 `json:"latitude"`
		Longitude float64 `json:"longitude"`
		Name      string  `json:"name"`
		Address   string  `json:"address"`
		URL       string  `json:"url"`
	} `json:"location"`
	Contacts []contactCard `json:"contacts"`
	// Button is a template's quick-reply button.
	Button *struct {
		Text    string `json:"text"`
		Payload string `json:"payload"`
	} `json:"button"`
	Interactive *struct {
		Type        string `json:"type"`
		ButtonReply *reply `json:"button_reply"`
		ListReply   *reply `json:"list_reply"`
		// NfmReply is a WhatsApp Flow's answer.
		NfmReply *struct {
			Name         string `json:"name"`
			Body         string `json:"body"`
			ResponseJSON string `json:"response_json"`
		} `json:"nfm_reply"`
	} `json:"interactive"`
	Order *struct {
		CatalogID    string `json:"catalog_id"`
		Text         string `json:"text"`
		ProductItems []struct {
			ProductRetailerID string  `json:"product_retailer_id"`
			Quantity          float64 `json:"quantity"`
			ItemPrice         float64 `json:"item_price"`
			Currency          string  `json:"currency"`
		} `json:"product_items"`
	} `json:"order"`
	Reaction *struct {
		MessageID string `json:"message_id"`
		Emoji     string `json:"emoji"`
	} `json:"reaction"`
	Referral *struct {
		SourceURL  string `json:"source_url"`
		SourceID   string `json:"source_id"`
		SourceType string `json:"source_type"`
		Headline   string `json:"headline"`
		Body       string `json:"body"`
		CtwaClid   string `json:"ctwa_clid"`
	} `json:"referral"`
	System *struct {
		Body    string `json:"body"`
		WaID    string `json:"wa_id"`
		NewWaID string `json:"new_wa_id"` // before Graph API v12
		Type    string `json:"type"`
	} `json:"system"`
	Errors []providerError `json:"errors"`
}

type reply struct {
	ID          string `json:"id"`
	Title       string `json:"title"`
	Description string `json:"description"`
}

type contactCard struct {
	Name struct {
		FormattedName string `json:"formatted_name"`
		FirstName     string `json:"first_name"`
		LastName      string `json:"last_name"`
	} `json:"name"`
	Org struct {
		Company string `json:"company"`
		Title   string `json:"title"`
	} `json:"org"`
	Phones []struct {
		Phone string `json:"phone"`
		WaID  string `json:"wa_id"`
		Type  string `json:"type"`
	} `json:"phones"`
	Emails []struct {
		Email string `json:"email"`
		Type  string `json:"type"`
	} `json:"emails"`
	URLs []struct {
		URL string `json:"url"`
	} `json:"urls"`
	Birthday string `json:"birthday"`
}

type status struct {
	ID          string          `json:"id"`
	Status      string          `json:"status"`
	Timestamp   string          `json:"timestamp"`
	RecipientID string          `json:"recipient_id"`
	Errors      []providerError `json:"errors"`
}

// parseNotification turns a notification into messages, receipts,
// reactions and contact events. A body that is not a WhatsApp notification
// is EINVALID; a malformed message or status inside one is Rejected and
// the rest kept. Each item names the phone_number_id it came through, so
// the server routes it to the channel owning that number.
func parseNotification(body []byte) (*desk.WebhookResult, error) {
	var n notification
	dec := json.NewDecoder(bytes.NewReader(body))
	if err := dec.Decode(&n); err != nil {
		return nil, desk.Errorf(desk.EINVALID, "not a WhatsApp notification: %v", err)
	} else if n.Object != "whatsapp_business_account" {
		return nil, desk.Errorf(desk.EINVALID, "unexpected object %q", n.Object)
	}
	res := &desk.WebhookResult{}
	for _, e := range n.Entry {
		for _, ch := range e.Changes {
			v := ch.Value
			account := v.Metadata.PhoneNumberID
			names := map[string]string{}
			for _, c := range v.Contacts {
				names[c.WaID] = c.Profile.Name
			}
			for _, raw := range v.Messages {
				var m message
				if err := json.Unmarshal(raw, &m); err != nil {
					res.Reject(raw, "not a WhatsApp message: %v", err)
					continue
				}
				if err := parseMessage(res, m, raw, account, v.Metadata.DisplayPhoneNumber, names[m.From]); err != nil {
					res.Rejected = append(res.Rejected, desk.RejectedItem{Source: raw, Reason: err})
				}
			}
			for _, raw := range v.Statuses {
				var s status
				if err := json.Unmarshal(raw, &s); err != nil || s.ID == "" {
					res.Reject(raw, "not a WhatsApp status (no id)")
					continue
				}
				if r, ok := receipt(s); ok {
					r.Account = account
					res.Receipts = append(res.Receipts, r)
				}
			}
		}
	}
	return res.Checked()
}

// parseMessage adds what one message carries to res: a thread message,
// a reaction, or (for a number change) a message and a contact event.
func parseMessage(res *desk.WebhookResult, m message, raw []byte, account, to, name string) error {
	if m.ID == "" || m.From == "" {
		return desk.Errorf(desk.EINVALID, "message without id or from")
	}
	at := unixTime(m.Timestamp)
	if m.Type == "reaction" {
		if m.Reaction == nil || m.Reaction.MessageID == "" {
			return desk.Errorf(desk.EINVALID, "reaction without its reaction object")
		}
		res.Reactions = append(res.Reactions, desk.Reaction{Channel: desk.ChannelWhatsApp, Account: account, From: m.From,
			ExternalID: m.Reaction.MessageID, Emoji: m.Reaction.Emoji, At: at})
		return nil
	}
	in, err := inbound(m)
	if err != nil {
		return err
	}
	in.To, in.Name, in.Account, in.Source = to, name, account, raw
	res.Messages = append(res.Messages, in)
	if s := m.System; s != nil && s.Type == "user_changed_number" {
		if nw := firstOf(s.WaID, s.NewWaID); nw != "" && nw != m.From {
			res.Events = append(res.Events, desk.ContactEvent{Kind: desk.ContactAddressChanged, Channel: desk.ChannelWhatsApp,
				Account: account, Address: m.From, NewAddress: nw, Reason: s.Body, At: at})
		}
	}
	return nil
}

// inbound maps one message by its type (D1): every documented type keeps
// its content in the thread, never a placeholder.
func inbound(m message) (desk.InboundMessage, error) {
	in := desk.InboundMessage{Channel: desk.ChannelWhatsApp, From: m.From, ExternalID: m.ID, Type: desk.TypeText}
	missing := func() error {
		return desk.Errorf(desk.EINVALID, "%s message without its %s object", m.Type, m.Type)
	}
	attach := func(typ string, md *media) error {
		if md == nil || md.ID == "" {
			return missing()
		}
		in.Type, in.Text = typ, md.Caption
		in.Attachments = []desk.Attachment{{Name: md.Filename, ContentType: md.MimeType, URL: mediaPrefix + md.ID}}
		return nil
	}
	var err error
	switch m.Type {
	case "text":
		if m.Text == nil {
			return in, missing()
		}
		in.Text = m.Text.Body
	case "image":
		err = attach(desk.TypeImage, m.Image)
	case "sticker":
		if err = attach(desk.TypeImage, m.Sticker); err == nil {
			in.Text = "Sticker"
			if m.Sticker.Animated {
				in.Text = "Animated sticker"
			}
		}
	case "document":
		err = attach(desk.TypeFile, m.Document)
	case "video":
		err = attach(desk.TypeVideo, m.Video)
	case "audio":
		if m.Audio == nil {
			return in, missing()
		}
		err = attach(desk.TypeAudio, &m.Audio.media)
		if m.Audio.Voice {
			in.Type = desk.TypeVoice
		}
	case "location":
		if m.Location == nil {
			return in, missing()
		}
		l := m.Location
		in.Type, in.Location = desk.TypeLocation, &desk.Location{Name: l.Name, Latitude: l.Latitude, Longitude: l.Longitude}
		in.Text = joinNonEmpty(", ", l.Name, l.Address) + fmt.Sprintf(" (%g, %g)", l.Latitude, l.Longitude)
		in.Text = strings.TrimSpace(joinNonEmpty("\n", in.Text, l.URL))
	case "contacts":
		if len(m.Contacts) == 0 {
			return in, missing()
		}
		cards := make([]string, len(m.Contacts))
		for i, c := range m.Contacts {
			cards[i] = vCard(c)
		}
		in.Text = strings.Join(cards, "\n")
	case "button":
		if m.Button == nil {
			return in, missing()
		}
		in.Text = replyText(m.Button.Text, m.Button.Payload, "")
	case "interactive":
		if i := m.Interactive; i != nil && i.Type == "nfm_reply" && i.NfmReply != nil {
			in.Text = joinNonEmpty("\n", firstOf(i.NfmReply.Body, "Flow "+i.NfmReply.Name+" answered"), i.NfmReply.ResponseJSON)
			break
		}
		var r *reply
		if i := m.Interactive; i != nil {
			r = map[string]*reply{"button_reply": i.ButtonReply, "list_reply": i.ListReply}[i.Type]
		}
		if r == nil {
			return in, missing()
		}
		in.Text = replyText(r.Title, r.ID, r.Description)
	case "order":
		if m.Order == nil || len(m.Order.ProductItems) == 0 {
			return in, missing()
		}
		lines := []string{"Order from catalog " + m.Order.CatalogID + ":"}
		for _, p := range m.Order.ProductItems {
			lines = append(lines, fmt.Sprintf("%g × %s at %g %s", p.Quantity, p.ProductRetailerID, p.ItemPrice, p.Currency))
		}
		in.Text = joinNonEmpty("\n", m.Order.Text, strings.Join(lines, "\n"))
	case "request_welcome":
		in.Text = "Opened the chat for the first time"
	case "system":
		if m.System == nil {
			return in, missing()
		}
		in.Text = firstOf(m.System.Body, "System message: "+m.System.Type)
	case "unsupported":
		in.Text = "Unsupported message"
		if len(m.Errors) > 0 {
			in.Text += " (" + m.Errors[0].String() + ")"
		}
	default:
		// A type newer than this adapter: kept, with what WhatsApp said.
		in.Text = "Unsupported message type " + strconv.Quote(m.Type)
		if len(m.Errors) > 0 {
			in.Text += " (" + m.Errors[0].String() + ")"
		}
	}
	if err != nil {
		return in, err
	}
	if r := m.Referral; r != nil {
		ad := joinNonEmpty(" — ", r.Headline, r.Body)
		in.Text = joinNonEmpty("\n", in.Text, "[From ad "+firstOf(r.SourceID, r.SourceType)+": "+joinNonEmpty(" ", ad, r.SourceURL)+"]")
	}
	return in, nil
}

// replyText shows a tapped button or list row: its title and the payload
// (ID) the business set on it.
func replyText(title, payload, description string) string {
	s := title
	if description != "" {
		s += " — " + description
	}
	if payload != "" && payload != title {
		s += " [payload: " + payload + "]"
	}
	return s
}

// vCard renders a shared contact as a vCard 3.0 the agent can read and
// copy into an address book.
func vCard(c contactCard) string {
	var b strings.Builder
	b.WriteString("BEGIN:VCARD\nVERSION:3.0\n")
	fn := firstOf(c.Name.FormattedName, strings.TrimSpace(c.Name.FirstName+" "+c.Name.LastName))
	fmt.Fprintf(&b, "FN:%s\n", fn)
	if c.Name.LastName != "" || c.Name.FirstName != "" {
		fmt.Fprintf(&b, "N:%s;%s;;;\n", c.Name.LastName, c.Name.FirstName)
	}
	if c.Org.Company != "" {
		fmt.Fprintf(&b, "ORG:%s\n", c.Org.Company)
	}
	if c.Org.Title != "" {
		fmt.Fprintf(&b, "TITLE:%s\n", c.Org.Title)
	}
	for _, p := range c.Phones {
		fmt.Fprintf(&b, "TEL;TYPE=%s:%s\n", firstOf(p.Type, "CELL"), p.Phone)
	}
	for _, e := range c.Emails {
		fmt.Fprintf(&b, "EMAIL;TYPE=%s:%s\n", firstOf(e.Type, "INTERNET"), e.Email)
	}
	for _, u := range c.URLs {
		fmt.Fprintf(&b, "URL:%s\n", u.URL)
	}
	if c.Birthday != "" {
		fmt.Fprintf(&b, "BDAY:%s\n", c.Birthday)
	}
	b.WriteString("END:VCARD")
	return b.String()
}

// receipt maps a status; "read" is the desk's "seen"; a failure keeps
// WhatsApp's error code, title and details.
func receipt(s status) (desk.Receipt, bool) {
	r := desk.Receipt{Channel: desk.ChannelWhatsApp, ExternalID: s.ID, At: unixTime(s.Timestamp)}
	switch s.Status {
	case "sent":
		r.State = desk.DeliverySent
	case "delivered":
		r.State = desk.DeliveryDelivered
	case "read":
		r.State = desk.DeliverySeen
	case "failed":
		r.State, r.Reason = desk.DeliveryFailed, "failed"
		if len(s.Errors) > 0 {
			r.Reason = s.Errors[0].String()
		}
	default:
		return r, false
	}
	return r, s.ID != ""
}

func unixTime(s string) time.Time {
	v, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		return time.Time{}
	}
	return time.Unix(v, 0).UTC()
}

func firstOf(ss ...string) string {
	for _, s := range ss {
		if s != "" {
			return s
		}
	}
	return ""
}

func joinNonEmpty(sep string, ss ...string) string {
	out := ss[:0:0]
	for _, s := range ss {
		if s = strings.TrimSpace(s); s != "" {
			out = append(out, s)
		}
	}
	return strings.Join(out, sep)
}
