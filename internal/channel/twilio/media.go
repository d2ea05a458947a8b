package twilio

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"

	"github.com/switchboard-cc/switchboard/internal/desk"
)

// FetchMedia opens an inbound MMS file at its MediaUrl. Twilio serves
// media of accounts with "HTTP basic authentication for media" on with the
// account SID and auth token, so they are sent, but only to the account's
// own API host: a MediaUrl elsewhere gets no credentials.
func (c *Channel) FetchMedia(ctx context.Context, client *http.Client, a *desk.Attachment) (io.ReadCloser, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, a.URL, nil)
	if err != nil || (req.URL.Scheme != "http" && req.URL.Scheme != "https") {
		return nil, fmt.Errorf("twilio media: bad URL %q", a.URL)
	}
	if strings.HasPrefix(a.URL, c.baseURL+"/") {
		req.SetBasicAuth(c.accountSID, c.authToken)
	}
	return fetch(client, req, "twilio")
}

// fetch runs req and returns the body of a 2xx answer.
func fetch(client *http.Client, req *http.Request, what string) (io.ReadCloser, error) {
	resp, err := client.Do(req)
	if err != nil {
		return nil, fmt.Errorf("%s media: %w", what, err)
	}
	if resp.StatusCode/100 != 2 {
		resp.Body.Close()
		return nil, fmt.Errorf("%s media: HTTP %d", what, resp.StatusCode)
	}
	return resp.Body, nil
}
