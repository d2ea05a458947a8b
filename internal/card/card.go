// Package card fetches and edits context cards (F4): for a conversation,
// each configured card's endpoint is asked for its fields with a signed
// POST, through the SSRF-safe client, bounded in time and size. A card
// whose endpoint fails is an error card; the request itself never fails
// because of an endpoint.
package card

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"time"

	"github.com/switchboard-cc/switchboard/internal/desk"
)

// Headers of a card request. The signature is
// hex(HMAC-SHA256(secret, timestamp + "." + body)), so an endpoint checks
// the request came from Switchboard and is recent.
const (
	HeaderTimestamp = "X-Switchboard-Timestamp"
	HeaderSignature = "X-Switchboard-Signature"
)

// Service fetches cards. Client must be an internal/safehttp client; nil
// makes every card an error card.
type Service struct {
	Store  desk.Store
	Client *http.Client
	Clock  desk.Clock
	// Timeout bounds one card's request (default 5 s); MaxBytes its
	// answer (default 256 KiB).
	Timeout  time.Duration
	MaxBytes int64
}

// View is a card as an agent sees it: its fields with values, or Error.
type View struct {
	CardID desk.ID     `json:"card_id"`
	Name   string      `json:"name"`
	Fields []FieldView `json:"fields"`
	Error  string      `json:"error,omitempty"`
}

// FieldView is one shown field.
type FieldView struct {
	Name     string `json:"name"`
	Label    string `json:"label"`
	Value    any    `json:"value"`
	Editable bool   `json:"editable"`
}

// Payload is the JSON body sent to a card's endpoint. Action is "fetch" or
// "update"; Values holds the edits of an update.
type Payload struct {
	Action       string             `json:"action"`
	CardID       desk.ID            `json:"card_id"`
	Conversation *desk.Conversation `json:"conversation"`
	Customer     *desk.Customer     `json:"customer"`
	Values       map[string]any     `json:"values,omitempty"`
}

// answer is what an endpoint returns: the current field values.
type answer struct {
	Fields map[string]any `json:"fields"`
}

// Cards returns every card for a conversation the caller may see
// (ENOTFOUND otherwise), in name order.
func (s *Service) Cards(ctx context.Context, convID desk.ID) ([]View, error) {
	conv, cust, err := s.subject(ctx, convID)
	if err != nil {
		return nil, err
	}
	cards, err := s.Store.FindCards(desk.NewContextWithActor(ctx, desk.SystemActor))
	if err != nil {
		return nil, err
	}
	out := make([]View, 0, len(cards))
	for _, c := range cards {
		out = append(out, s.call(ctx, c, &Payload{Action: "fetch", CardID: c.ID, Conversation: conv, Customer: cust}))
	}
	return out, nil
}

// Edit writes values of editable fields back to the card's endpoint and
// returns the card as the endpoint answers. EINVALID (field values.<name>)
// for an unknown or read-only field; ENOTFOUND for an invisible
// conversation or unknown card.
func (s *Service) Edit(ctx context.Context, convID, cardID desk.ID, values map[string]any) (*View, error) {
	conv, cust, err := s.subject(ctx, convID)
	if err != nil {
		return nil, err
	}
	c, err := s.Store.FindCardByID(desk.NewContextWithActor(ctx, desk.SystemActor), cardID)
	if err != nil {
		return nil, err
	}
	if len(values) == 0 {
		return nil, desk.FieldErrorf("values", "values are required")
	}
	for name := range values {
		if f := c.Field(name); f == nil || !f.Editable {
			return nil, desk.FieldErrorf("values."+name, "%s is not an editable field of %s", name, c.Name)
		}
	}
	v := s.call(ctx, c, &Payload{Action: "update", CardID: c.ID, Conversation: conv, Customer: cust, Values: values})
	return &v, nil
}

// subject reads the conversation as the caller and its customer.
func (s *Service) subject(ctx context.Context, convID desk.ID) (*desk.Conversation, *desk.Customer, error) {
	conv, err := s.Store.FindConversationByID(ctx, convID)
	if err != nil {
		return nil, nil, err
	}
	var cust *desk.Customer
	if conv.CustomerID != 0 {
		if cust, err = s.Store.FindCustomerByID(ctx, conv.CustomerID); err != nil && desk.ErrorKind(err) != desk.ENOTFOUND {
			return nil, nil, err
		}
	}
	return conv, cust, nil
}

// call posts the payload and turns the answer, or the failure, into a view.
func (s *Service) call(ctx context.Context, c *desk.Card, p *Payload) View {
	v := View{CardID: c.ID, Name: c.Name, Fields: make([]FieldView, 0, len(c.Fields))}
	for _, f := range c.Fields {
		v.Fields = append(v.Fields, FieldView{Name: f.Name, Label: f.Label, Editable: f.Editable})
	}
	ans, err := s.post(ctx, c, p)
	if err != nil {
		v.Error = err.Error()
		return v
	}
	for i := range v.Fields {
		v.Fields[i].Value = ans.Fields[v.Fields[i].Name]
	}
	return v
}

func (s *Service) post(ctx context.Context, c *desk.Card, p *Payload) (*answer, error) {
	if s.Client == nil {
		return nil, fmt.Errorf("outbound requests are not configured")
	}
	body, err := json.Marshal(p)
	if err != nil {
		return nil, err
	}
	timeout, max := s.Timeout, s.MaxBytes
	if timeout <= 0 {
		timeout = 5 * time.Second
	}
	if max <= 0 {
		max = 256 << 10
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.URL, bytes.NewReader(body))
	if err != nil {
		return nil, fmt.Errorf("the card's URL is not valid")
	}
	ts := strconv.FormatInt(s.now().Unix(), 10)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set(HeaderTimestamp, ts)
	req.Header.Set(HeaderSignature, "sha256="+Sign(c.Secret, ts, body))
	resp, err := s.Client.Do(req)
	if err != nil {
		return nil, fmt.Errorf("the card's endpoint cannot be reached")
	}
	defer resp.Body.Close()
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return nil, fmt.Errorf("the card's endpoint answered %d", resp.StatusCode)
	}
	b, err := io.ReadAll(io.LimitReader(resp.Body, max+1))
	if err != nil {
		return nil, fmt.Errorf("the card's endpoint answer could not be read")
	}
	if int64(len(b)) > max {
		return nil, fmt.Errorf("the card's endpoint answered more than %d bytes", max)
	}
	var a answer
	if err := json.Unmarshal(b, &a); err != nil {
		return nil, fmt.Errorf("the card's endpoint did not answer JSON")
	}
	return &a, nil
}

// Sign is the hex HMAC-SHA256 of timestamp + "." + body under secret.
func Sign(secret, timestamp string, body []byte) string {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write([]byte(timestamp + "."))
	m.Write(body)
	return hex.EncodeToString(m.Sum(nil))
}

func (s *Service) now() time.Time {
	if s.Clock == nil {
		return time.Now()
	}
	return s.Clock.Now()
}
