package messenger

import (
	"context"
	"io"
	"net/http"

	"github.com/switchboard-cc/switchboard/internal/desk"
	"github.com/switchboard-cc/switchboard/internal/safehttp"
)

// FetchMedia opens an inbound file at the URL the provider's payload
// gave; the provider's media URLs need no credentials. client is the
// server's guarded client (internal/safehttp).
func (c *Channel) FetchMedia(ctx context.Context, client *http.Client, a *desk.Attachment) (io.ReadCloser, error) {
	return safehttp.Fetch(ctx, client, a.URL, "messenger media", nil)
}
