package messenger

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/switchboard-cc/switchboard/internal/desk"
)

type event struct {
	Object string `json:"object"`
	Entry  []struct {
		ID        string      `json:"id"`
		Messaging []messaging `json:"messaging"`
	} `json:"entry"`
}

type messaging struct {
	Sender    struct{ ID string } `json:"sender"`
	Recipient struct{ ID string } `json:"recipient"`
	Timestamp int64               `json:"timestamp"`
	Message   *struct {
		Mid         string `json:"mid"`
		Text        string `json:"text"`
		IsEcho      bool   `json:"is_echo"`
		Attachments []struct {
			Type    string `json:"type"`
			Payload struct {
				URL         string `json:"url"`
				Coordinates *struct {
					Lat  float64 `json:"lat"`
					Long float64 `json:"long"`
				} `json:"coordinates"`
			} `json:"payload"`
		} `json:"attachments"`
	} `json:"message"`
	Delivery *struct {
		Mids []string `json:"mids"`
	} `json:"delivery"`
	Read *struct {
		Mid       string `json:"mid"`
		Watermark int64  `json:"watermark"`
	} `json:"read"`
}

// parse maps messaging events. Echoes of our own sends are skipped.
// Messenger's read events carry only a watermark (everything before it is
// read) and no message IDs, so they cannot name a message and are not
// applied; Instagram's carry the mid.
func (c *Channel) parse(body []byte) (*desk.WebhookResult, error) {
	var ev event
	if err := json.Unmarshal(body, &ev); err != nil {
		return nil, desk.Errorf(desk.EINVALID, "not a Graph webhook event: %v", err)
	} else if ev.Object != "page" && ev.Object != "instagram" {
		return nil, desk.Errorf(desk.EINVALID, "unexpected object %q", ev.Object)
	}
	res := &desk.WebhookResult{}
	for _, e := range ev.Entry {
		for _, m := range e.Messaging {
			at := time.UnixMilli(m.Timestamp).UTC()
			switch {
			case m.Message != nil && !m.Message.IsEcho:
				if m.Message.Mid == "" || m.Sender.ID == "" {
					return nil, desk.Errorf(desk.EINVALID, "message without mid or sender")
				}
				in := desk.InboundMessage{Channel: c.kind, From: m.Sender.ID, To: m.Recipient.ID, ExternalID: m.Message.Mid, Type: desk.TypeText, Text: m.Message.Text}
				for _, a := range m.Message.Attachments {
					if a.Type == "location" && a.Payload.Coordinates != nil {
						in.Type = desk.TypeLocation
						in.Location = &desk.Location{Latitude: a.Payload.Coordinates.Lat, Longitude: a.Payload.Coordinates.Long}
						in.Text = fmt.Sprintf("(%g, %g)", in.Location.Latitude, in.Location.Longitude)
						continue
					}
					in.Attachments = append(in.Attachments, desk.Attachment{URL: a.Payload.URL})
					if in.Type == desk.TypeText {
						in.Type = attachmentType(a.Type)
					}
				}
				res.Messages = append(res.Messages, in)
			case m.Delivery != nil:
				for _, mid := range m.Delivery.Mids {
					res.Receipts = append(res.Receipts, desk.Receipt{Channel: c.kind, ExternalID: mid, State: desk.DeliveryDelivered, At: at})
				}
			case m.Read != nil && m.Read.Mid != "":
				res.Receipts = append(res.Receipts, desk.Receipt{Channel: c.kind, ExternalID: m.Read.Mid, State: desk.DeliverySeen, At: at})
			}
		}
	}
	return res, nil
}

func attachmentType(t string) string {
	switch t {
	case "image":
		return desk.TypeImage
	case "video":
		return desk.TypeVideo
	case "audio":
		return desk.TypeAudio
	}
	return desk.TypeFile
}
