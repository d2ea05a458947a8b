package attach

import (
	"context"
	"errors"
	"io"
	"net"
	"syscall"

	"github.com/switchboard-cc/switchboard/internal/safehttp"
)

// passingError marks a download failure that may pass (see Transient):
// the file is retried instead of refused. It unwraps to the refusal the
// file gets if it never arrives.
type passingError struct{ error }

func (e *passingError) Unwrap() error { return e.error }

// Transient reports whether a media download failed for a reason that may
// pass: the provider answered 5xx, 429 or 408, the request timed out, the
// connection was refused or cut. A 4xx, an address the guard refuses, a
// body over the limit or a type D4 does not allow will fail the same way
// again and are not.
func Transient(err error) bool {
	var se *safehttp.StatusError
	switch {
	case err == nil:
		return false
	case errors.As(err, &se):
		return se.Status >= 500 || se.Status == 429 || se.Status == 408
	case errors.Is(err, safehttp.ErrBlocked), errors.Is(err, safehttp.ErrTooLarge), errors.Is(err, context.Canceled):
		return false
	case errors.Is(err, context.DeadlineExceeded), errors.Is(err, syscall.ECONNREFUSED), errors.Is(err, syscall.ECONNRESET),
		errors.Is(err, syscall.EPIPE), errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, io.EOF):
		return true
	}
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}

// fetchFailed is the refusal of a failed download, marked passing when it
// may pass.
func fetchFailed(err error) error {
	if Transient(err) {
		return &passingError{unavailable(err)}
	}
	return unavailable(err)
}

// isPassing reports whether err came from a download that may pass.
func isPassing(err error) bool {
	var p *passingError
	return errors.As(err, &p)
}
