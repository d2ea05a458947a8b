package email

import (
	"bufio"
	"bytes"
	"html"
	"regexp"
	"strings"
)

// isAutoReply recognises automatic answers (RFC 3834 and the common
// vendor headers): Auto-Submitted other than "no", X-Autoreply,
// X-Autorespond, Precedence bulk/junk/list/auto_reply, or the null reverse
// path (which RFC 3834 asks auto-responders to use). They are not threaded
// as customer messages, so an out-of-office never reopens a conversation
// nor triggers another auto-answer loop.
func isAutoReply(header func(key string) string, envelopeFrom string) bool {
	get := func(k string) string { return strings.ToLower(strings.TrimSpace(header(k))) }
	if v := get("Auto-Submitted"); v != "" && v != "no" {
		return true
	}
	if get("X-Autoreply") != "" || get("X-Autorespond") != "" || get("X-Autoresponse") != "" {
		return true
	}
	switch get("Precedence") {
	case "bulk", "junk", "list", "auto_reply":
		return true
	}
	return envelopeFrom == "<>"
}

// isBounce recognises delivery status notifications: a multipart/report of
// delivery-status (RFC 3464), or mail from MAILER-DAEMON or postmaster.
func isBounce(contentType string, params map[string]string, from string) bool {
	if contentType == "multipart/report" && strings.EqualFold(params["report-type"], "delivery-status") {
		return true
	}
	local := strings.ToLower(from)
	if i := strings.IndexByte(local, '@'); i >= 0 {
		local = local[:i]
	}
	return local == "mailer-daemon" || local == "postmaster"
}

// bounceReport collects what a bounce's parts say: the original message's
// Message-ID and the delivery status.
type bounceReport struct {
	originalMessageID  string
	status, diagnostic string
}

// read takes a part of a bounce if it is part of the report; false leaves
// it to the caller.
func (b *bounceReport) read(contentType string, body []byte) bool {
	switch contentType {
	case "message/delivery-status", "message/global-delivery-status":
		b.status = headerValue(body, "Status")
		b.diagnostic = headerValue(body, "Diagnostic-Code")
		if b.diagnostic == "" {
			b.diagnostic = headerValue(body, "Action")
		}
		return true
	case "message/rfc822", "text/rfc822-headers", "message/rfc822-headers", "message/global", "message/global-headers":
		if id := headerValue(body, "Message-ID"); id != "" && b.originalMessageID == "" {
			b.originalMessageID = strings.Trim(id, "<> ")
		}
		return true
	}
	return false
}

// originalID is the failed message's ID: from the returned headers, else
// the bounce's In-Reply-To/References.
func (b *bounceReport) originalID(refs []string) string {
	if b.originalMessageID != "" {
		return b.originalMessageID
	}
	if len(refs) > 0 {
		return refs[len(refs)-1]
	}
	return ""
}

// reason is the failure reason recorded on the message (D2).
func (b *bounceReport) reason() string {
	r := "bounced"
	if b.status != "" {
		r += " (status " + b.status + ")"
	}
	if b.diagnostic != "" {
		r += ": " + b.diagnostic
	}
	return r
}

// headerValue finds a header field anywhere in a block of header lines
// (delivery-status bodies hold several groups), unfolding continuations.
func headerValue(body []byte, key string) string {
	sc := bufio.NewScanner(bytes.NewReader(body))
	sc.Buffer(make([]byte, 0, 4096), 1<<20)
	prefix := strings.ToLower(key) + ":"
	val, found := "", false
	for sc.Scan() {
		line := sc.Text()
		if found {
			if len(line) > 0 && (line[0] == ' ' || line[0] == '\t') {
				val += " " + strings.TrimSpace(line)
				continue
			}
			return val
		}
		if strings.HasPrefix(strings.ToLower(line), prefix) {
			val, found = strings.TrimSpace(line[len(prefix):]), true
		}
	}
	return val
}

var (
	htmlDrop  = regexp.MustCompile(`(?is)<(script|style|head)\b.*?</(script|style|head)>`)
	htmlBreak = regexp.MustCompile(`(?i)<(br|/p|/div|/li|/tr|/h[1-6])\b[^>]*>`)
	htmlTag   = regexp.MustCompile(`(?s)<[^>]*>`)
	blankRuns = regexp.MustCompile(`\n{3,}`)
)

// htmlText is the readable text of an HTML-only message: scripts and
// styles dropped, block ends as line breaks, tags removed, entities
// decoded.
func htmlText(s string) string {
	s = htmlDrop.ReplaceAllString(s, "")
	s = htmlBreak.ReplaceAllString(s, "\n")
	s = html.UnescapeString(htmlTag.ReplaceAllString(s, ""))
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		lines[i] = strings.TrimSpace(l)
	}
	return strings.TrimSpace(blankRuns.ReplaceAllString(strings.Join(lines, "\n"), "\n\n"))
}
