package twilio

import (
	"context"
	"io"
	"net/http"
	"strings"

	"github.com/switchboard-cc/switchboard/internal/desk"
	"github.com/switchboard-cc/switchboard/internal/safehttp"
)

// FetchMedia opens an inbound MMS file at its MediaUrl. Twilio serves
// media of accounts with "HTTP basic authentication for media" on with the
// account SID and auth token, so they are sent, but only to the account's
// own API host: a MediaUrl elsewhere gets no credentials.
func (c *Channel) FetchMedia(ctx context.Context, client *http.Client, a *desk.Attachment) (io.ReadCloser, error) {
	return safehttp.Fetch(ctx, client, a.URL, "twilio media", func(req *http.Request) {
		if strings.HasPrefix(a.URL, c.baseURL+"/") {
			req.SetBasicAuth(c.accountSID, c.authToken)
		}
	})
}
