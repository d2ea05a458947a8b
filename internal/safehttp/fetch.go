package safehttp

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
)

// Fetch GETs an http(s) URL with client (one made by NewClient) and
// returns the body of a 2xx answer; the caller closes it. prepare, if not
// nil, adds what the request needs (credentials). what names the fetch in
// errors ("viber media").
func Fetch(ctx context.Context, client *http.Client, rawURL, what string, prepare func(*http.Request)) (io.ReadCloser, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, rawURL, nil)
	if err != nil || (req.URL.Scheme != "http" && req.URL.Scheme != "https") {
		return nil, fmt.Errorf("%s: bad URL %q", what, withoutQuery(rawURL))
	}
	if prepare != nil {
		prepare(req)
	}
	resp, err := client.Do(req)
	if err != nil {
		// Provider media links are often signed in their query: the error
		// (logged, kept on retry jobs) names the URL without it.
		var ue *url.Error
		if errors.As(err, &ue) {
			return nil, fmt.Errorf("%s: %s %s: %w", what, ue.Op, withoutQuery(ue.URL), ue.Err)
		}
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

// withoutQuery is a URL without its query, fragment and user info.
func withoutQuery(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return "(unparsable URL)"
	}
	u.RawQuery, u.Fragment, u.User = "", "", nil
	return u.String()
}
