package attach

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"time"

	"github.com/gabriel-vasile/mimetype"

	"github.com/switchboard-cc/switchboard/internal/desk"
	"github.com/switchboard-cc/switchboard/internal/safehttp"
)

// Reasons an inbound file is not stored (desk.Attachment.Refused).
const (
	RefusedTooLarge    = "media_too_large"
	RefusedType        = "media_type_not_allowed"
	RefusedUnavailable = "media_unavailable"
)

// MediaFetcher is what an adapter whose provider hosts inbound media
// implements: it opens the bytes an attachment's URL (or provider media ID)
// points to, through client, with the provider's credentials. Adapters
// implement it without importing this package.
type MediaFetcher interface {
	FetchMedia(ctx context.Context, client *http.Client, a *desk.Attachment) (io.ReadCloser, error)
}

// Inbound stores the media customers send: fetched from the provider
// through Client (an internal/safehttp client, bounded in time and size),
// or taken from the bytes an adapter received inline (email), sniffed by
// content, held to the channel's D4 limit and kept in Blobs. A file that
// cannot be stored is kept as a refused attachment with the reason, and
// the message itself is never dropped.
type Inbound struct {
	Blobs  desk.BlobStore
	Client *http.Client
	Logger *slog.Logger
	// Retry, if set, keeps a file whose download failed for a passing
	// reason (Transient) pending on its message, fetched again by media
	// jobs (see Retrier); nil refuses it at once.
	Retry *RetryConfig
	// Clock schedules the first retry; nil is the system clock.
	Clock desk.Clock
	// FirstAttempt, if set (with Retry), bounds the download made while
	// the provider's webhook waits: providers give up on slow webhooks
	// (and send them again), so a slow file is left to its media job,
	// whose downloads have the client's whole timeout.
	FirstAttempt time.Duration
}

// inboundTypes are the content types stored from customers: those of
// D3's list and the channel media formats (3GPP video), so nothing a
// browser would run (HTML, SVG, scripts, executables) is ever served back
// from Switchboard.
var inboundTypes = func() map[string]bool {
	m := map[string]bool{}
	for _, list := range []map[string][]string{formats, mediaFormats} {
		for _, types := range list {
			for _, t := range types {
				m[t] = true
			}
		}
	}
	return m
}()

// Store stores or refuses every attachment of in: each gets a BlobKey, or
// a Refused reason. ch is the message's adapter (its MediaFetcher fetches
// provider-hosted files). Discard removes them again when the message
// turns out to be a repeat.
func (s *Inbound) Store(ctx context.Context, ch desk.Channel, in *desk.InboundMessage) {
	for i := range in.Attachments {
		a := &in.Attachments[i]
		if a.BlobKey != "" || a.Refused != "" {
			continue // stored by the adapter's own upload (Live Chat)
		}
		// Only files fetched from the provider can be fetched again; bytes
		// that came inline (email) are not kept for a job.
		fetched := a.Content == nil && a.URL != ""
		err := s.storeFirst(ctx, ch, in, a)
		if err != nil && fetched && isPassing(err) && s.Retry != nil && s.Retry.withDefaults().Attempts > 1 && in.ChannelID != 0 {
			// Stored at once without its bytes; a media job fetches them.
			a.Pending, a.RetryAt = true, s.now().Add(s.Retry.withDefaults().delay(1))
			s.logger().Info("inbound media pending a retry", "channel", in.Channel, "external_id", in.ExternalID,
				"name", a.Name, "detail", desk.ErrorMessage(err))
			continue
		}
		if err != nil {
			a.Refused = refusal(err)
			s.logger().Warn("inbound media refused", "channel", in.Channel, "external_id", in.ExternalID,
				"name", a.Name, "reason", a.Refused, "detail", desk.ErrorMessage(err))
		}
	}
}

// storeFirst is storeOne within FirstAttempt when retries are on.
func (s *Inbound) storeFirst(ctx context.Context, ch desk.Channel, in *desk.InboundMessage, a *desk.Attachment) error {
	if s.FirstAttempt > 0 && s.Retry != nil && in.ChannelID != 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, s.FirstAttempt)
		defer cancel()
	}
	return s.storeOne(ctx, ch, in.Channel, in.Type, a)
}

// Discard removes the stored files of a message that was not kept.
func (s *Inbound) Discard(ctx context.Context, atts []desk.Attachment) {
	for _, a := range atts {
		if a.BlobKey != "" {
			_ = s.Blobs.Delete(ctx, a.BlobKey)
		}
	}
}

// storeOne fetches (or takes) one file, checks it and stores it.
func (s *Inbound) storeOne(ctx context.Context, ch desk.Channel, kind, msgType string, a *desk.Attachment) error {
	var rc io.ReadCloser
	switch f, ok := ch.(MediaFetcher); {
	case a.Content != nil:
		rc = io.NopCloser(bytes.NewReader(a.Content))
	case ok && a.URL != "" && s.Client != nil:
		var err error
		if rc, err = f.FetchMedia(ctx, s.Client, a); err != nil {
			return fetchFailed(err)
		}
	default:
		return desk.CodedErrorf(desk.EINVALID, RefusedUnavailable, "the file's bytes cannot be fetched")
	}
	defer rc.Close()
	a.Content = nil
	max := int64(desk.MaxAttachmentBytes)
	var allowed []string
	if l, ok := desk.MediaLimitOf(kind, msgType); ok {
		if l.MaxBytes > 0 {
			max = l.MaxBytes
		}
		allowed = l.Types
	}
	br := bufio.NewReaderSize(rc, sniffLen)
	head, err := br.Peek(sniffLen)
	if err != nil && err != io.EOF && err != bufio.ErrBufferFull {
		return fetchFailed(err)
	} else if len(head) == 0 {
		return desk.CodedErrorf(desk.EINVALID, RefusedUnavailable, "the file is empty")
	}
	mt := mimetype.Detect(head)
	if !typeAllowed(mt, allowed) {
		return &desk.Error{Kind: desk.EINVALID, Code: RefusedType, Message: "the content is " + mt.String()}
	}
	a.ContentType = mt.String()
	a.Name = cleanName(a.Name)
	if a.Name == "" || a.Name == "." {
		a.Name = "file" + mt.Extension()
	}
	key := newKey()
	n, err := s.Blobs.Put(ctx, key, br, max)
	if desk.ErrorKind(err) == desk.ETOOLARGE {
		return &desk.Error{Kind: desk.ETOOLARGE, Code: RefusedTooLarge, Message: desk.ErrorMessage(err)}
	} else if err != nil {
		return fetchFailed(err)
	}
	a.BlobKey, a.Size, a.URL = key, n, ""
	return nil
}

// typeAllowed checks a sniffed type against the channel's list for the
// message type, or else against the types stored from customers at all.
func typeAllowed(mt *mimetype.MIME, allowed []string) bool {
	if len(allowed) > 0 {
		for _, t := range allowed {
			if mt.Is(t) {
				return true
			}
		}
		return false
	}
	// Exact matches only (aliases included): an HTML page is text, but
	// not text/plain, so it is refused.
	for t := range inboundTypes {
		if mt.Is(t) {
			return true
		}
	}
	return false
}

// unavailable wraps a fetch failure; a body over the limit is too large.
func unavailable(err error) error {
	var de *desk.Error
	if errors.As(err, &de) && de.Kind == desk.ETOOLARGE {
		return &desk.Error{Kind: desk.ETOOLARGE, Code: RefusedTooLarge, Message: de.Message}
	}
	if errors.Is(err, safehttp.ErrTooLarge) {
		return &desk.Error{Kind: desk.ETOOLARGE, Code: RefusedTooLarge, Message: err.Error()}
	}
	return &desk.Error{Kind: desk.EINVALID, Code: RefusedUnavailable, Message: err.Error()}
}

// refusal is the reason recorded for err.
func refusal(err error) string {
	switch c := desk.ErrorCode(err); c {
	case RefusedTooLarge, RefusedType, RefusedUnavailable:
		return c
	}
	return RefusedUnavailable
}

func (s *Inbound) now() time.Time {
	if s.Clock == nil {
		return time.Now().UTC()
	}
	return s.Clock.Now()
}

func (s *Inbound) logger() *slog.Logger {
	if s.Logger == nil {
		return slog.Default()
	}
	return s.Logger
}
