package attach

import (
	"context"
	"io"
	"time"

	"github.com/switchboard-cc/switchboard/internal/desk"
)

// Outbound hands the files of an agent's reply to the channel adapters
// at send time: each stored attachment's URL becomes a signed public link
// (providers that fetch media by URL: WhatsApp "link", Twilio MediaUrl,
// Viber "media", Messenger payload url), and the message can open the
// bytes (adapters that carry files inline: email).
type Outbound struct {
	Attachments desk.AttachmentService
	Blobs       desk.BlobStore
	// Links signs the public URLs; nil leaves the workspace URLs, which
	// only agents can open.
	Links *Links
	Now   func() time.Time
}

var _ desk.MediaOpener = (*Outbound)(nil)

// PrepareMedia fills a send job's message before each attempt (a link is
// fresh on every retry).
func (o *Outbound) PrepareMedia(_ context.Context, m *desk.OutboundMessage) {
	if len(m.Attachments) == 0 {
		return
	}
	m.Media = o
	if o.Links == nil || o.Links.BaseURL == "" {
		return
	}
	now := time.Now()
	if o.Now != nil {
		now = o.Now()
	}
	for i := range m.Attachments {
		if a := &m.Attachments[i]; a.ID != 0 {
			a.URL = o.Links.URL(a.ID, now)
		}
	}
}

// OpenMedia opens a stored attachment's bytes; ctx carries the system
// actor.
func (o *Outbound) OpenMedia(ctx context.Context, a desk.Attachment) (io.ReadCloser, error) {
	if a.ID == 0 {
		return nil, desk.Errorf(desk.ENOTFOUND, "%s is not stored here", a.Name)
	}
	st, err := o.Attachments.FindAttachmentByID(ctx, a.ID)
	if err != nil {
		return nil, err
	}
	return o.Blobs.Open(ctx, st.BlobKey)
}
