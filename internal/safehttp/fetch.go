package safehttp

import (
	"context"
	"fmt"
	"io"
	"net/http"
)

// Fetch GETs an http(s) URL with client (one made by NewClient) and
// returns the body of a 2xx answer; the caller closes it. prepare, if not
// nil, adds what the request needs (credentials). what names the fetch in
// errors ("viber media").
func Fetch(ctx context.Context, client *http.Client, url, what string, prepare func(*http.Request)) (io.ReadCloser, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil || (req.URL.Scheme != "http" && req.URL.Scheme != "https") {
		return nil, fmt.Errorf("%s: bad URL %q", what, url)
	}
	if prepare != nil {
		prepare(req)
	}
	resp, err := client.Do(req)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", what, err)
	}
	if resp.StatusCode/100 != 2 {
		resp.Body.Close()
		return nil, fmt.Errorf("%s: %w", what, &StatusError{Status: resp.StatusCode})
	}
	return resp.Body, nil
}

// StatusError is a non-2xx answer to Fetch; callers tell a provider's
// passing trouble (5xx, 429) from a refusal (other 4xx) by Status.
type StatusError struct{ Status int }

func (e *StatusError) Error() string { return fmt.Sprintf("HTTP %d", e.Status) }
