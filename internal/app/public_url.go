package app

import (
	"fmt"
	"log/slog"
	"net/url"
	"strings"
)

// customerURL checks --public-url and returns the base of links sent to
// customers (survey links, call links): --public-url, else --base-url (the
// workspace's public address serves those pages too), else "" — survey
// messages then carry no link and customers answer by replying 1-5; call
// links use the requesting agent's host.
func customerURL(c *Config, logger *slog.Logger) (string, error) {
	for _, f := range []struct{ name, v string }{{"--public-url", c.PublicURL}, {"--base-url", c.BaseURL}} {
		if f.v == "" {
			continue
		}
		u, err := url.Parse(f.v)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.RawQuery != "" || u.Fragment != "" {
			return "", fmt.Errorf("%s: want an http(s)://host[:port][/path] URL, got %q", f.name, f.v)
		}
	}
	base := c.PublicURL
	if base == "" {
		base = c.BaseURL
	}
	if base == "" {
		logger.Warn("no public URL (--public-url, SWITCHBOARD_PUBLIC_URL): survey messages carry no web link, customers answer them by replying 1-5")
	}
	return strings.TrimRight(base, "/"), nil
}

// customerBase is the checked base of customer links (see customerURL).
func (c *Config) customerBase() string {
	if c.PublicURL != "" {
		return strings.TrimRight(c.PublicURL, "/")
	}
	return strings.TrimRight(c.BaseURL, "/")
}
