package whatsapp

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"

	"github.com/switchboard-cc/switchboard/internal/desk"
	"github.com/switchboard-cc/switchboard/internal/safehttp"
)

// mediaPrefix marks an inbound attachment's URL as a Cloud API media ID.
const mediaPrefix = "whatsapp-media:"

// FetchMedia opens an inbound media file the documented two-step way:
// GET {base}/{media-id} answers the file's short-lived URL, and a GET of
// that URL, with the same bearer token, its bytes. client is the server's
// guarded client (internal/safehttp), so neither step reaches an address
// it must not.
func (c *Channel) FetchMedia(ctx context.Context, client *http.Client, a *desk.Attachment) (io.ReadCloser, error) {
	id, ok := strings.CutPrefix(a.URL, mediaPrefix)
	if !ok || id == "" || strings.ContainsAny(id, "/?#") {
		return nil, fmt.Errorf("whatsapp media: not a media ID: %q", a.URL)
	}
	var meta struct {
		URL      string `json:"url"`
		MimeType string `json:"mime_type"`
	}
	body, err := c.mediaGet(ctx, client, c.baseURL+"/"+id)
	if err != nil {
		return nil, err
	}
	err = json.NewDecoder(io.LimitReader(body, 64<<10)).Decode(&meta)
	body.Close()
	if err != nil || meta.URL == "" {
		return nil, fmt.Errorf("whatsapp media %s: no URL in the answer", id)
	}
	return c.mediaGet(ctx, client, meta.URL)
}

// mediaGet GETs url with the access token and returns the body of a 2xx
// answer.
func (c *Channel) mediaGet(ctx context.Context, client *http.Client, url string) (io.ReadCloser, error) {
	return safehttp.Fetch(ctx, client, url, "whatsapp media", func(req *http.Request) {
		req.Header.Set("Authorization", "Bearer "+c.accessToken)
	})
}
