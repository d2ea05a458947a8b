package messenger

import (
	"context"
	"fmt"
	"io"
	"net/http"

	"github.com/switchboard-cc/switchboard/internal/desk"
)

// FetchMedia opens an inbound file at the URL the provider's payload
// gave; the provider's media URLs need no credentials. client is the
// server's guarded client (internal/safehttp).
func (c *Channel) FetchMedia(ctx context.Context, client *http.Client, a *desk.Attachment) (io.ReadCloser, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, a.URL, nil)
	if err != nil || (req.URL.Scheme != "http" && req.URL.Scheme != "https") {
		return nil, fmt.Errorf("messenger media: bad URL %q", a.URL)
	}
	resp, err := client.Do(req)
	if err != nil {
		return nil, fmt.Errorf("messenger media: %w", err)
	}
	if resp.StatusCode/100 != 2 {
		resp.Body.Close()
		return nil, fmt.Errorf("messenger media: HTTP %d", resp.StatusCode)
	}
	return resp.Body, nil
}
