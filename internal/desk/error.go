package desk

import (
	"errors"
	"fmt"
)

// Error kinds. A kind decides the HTTP status (see internal/http) and is the
// error code shown to clients unless a more specific Code is set.
const (
	EINVALID         = "invalid"           // bad input; 400/422
	ENOTFOUND        = "not_found"         // unknown or not visible to the caller; 404
	ECONFLICT        = "conflict"          // state conflict; 409
	EFORBIDDEN       = "forbidden"         // authenticated but not allowed; 403
	EUNAUTHENTICATED = "unauthenticated"   // no or bad credentials; 401
	ETOOLARGE        = "too_large"         // body or upload over the limit; 413
	ETOOMANY         = "too_many_requests" // throttled; 429
	ETIMEOUT         = "timeout"           // the request was not received in time; 408
	EINTERNAL        = "internal"          // everything else; 500, logged
)

// Error is the one error type of the domain. Kind classifies it; Code is the
// machine-readable snake_case code clients see (defaults to Kind); Field names
// the input at fault where one is; Message is safe to show to a user.
type Error struct {
	Kind    string
	Code    string
	Message string
	Field   string
	// Detail carries structured data for the client, e.g. the holder of an
	// already assigned conversation. Optional.
	Detail map[string]any
}

// Error implements the error interface.
func (e *Error) Error() string {
	if e.Field != "" {
		return fmt.Sprintf("switchboard error: code=%s field=%s message=%s", e.code(), e.Field, e.Message)
	}
	return fmt.Sprintf("switchboard error: code=%s message=%s", e.code(), e.Message)
}

func (e *Error) code() string {
	if e.Code != "" {
		return e.Code
	}
	return e.Kind
}

// Errorf returns an *Error of the given kind with a formatted message.
func Errorf(kind, format string, args ...any) *Error {
	return &Error{Kind: kind, Message: fmt.Sprintf(format, args...)}
}

// FieldErrorf returns an EINVALID *Error naming the offending field.
func FieldErrorf(field, format string, args ...any) *Error {
	return &Error{Kind: EINVALID, Field: field, Message: fmt.Sprintf(format, args...)}
}

// CodedErrorf returns an *Error of the given kind with a specific code.
func CodedErrorf(kind, code, format string, args ...any) *Error {
	return &Error{Kind: kind, Code: code, Message: fmt.Sprintf(format, args...)}
}

// ErrorKind returns the kind of err: the kind of a wrapped *Error, else EINTERNAL.
// A nil error has no kind.
func ErrorKind(err error) string {
	var e *Error
	if err == nil {
		return ""
	} else if errors.As(err, &e) {
		return e.Kind
	}
	return EINTERNAL
}

// ErrorCode returns the client-facing code of err (specific code or kind).
func ErrorCode(err error) string {
	var e *Error
	if err == nil {
		return ""
	} else if errors.As(err, &e) {
		return e.code()
	}
	return EINTERNAL
}

// ErrorMessage returns the user-facing message of err; internal errors read
// "internal error" so that no detail leaks.
func ErrorMessage(err error) string {
	var e *Error
	if err == nil {
		return ""
	} else if errors.As(err, &e) {
		return e.Message
	}
	return "internal error"
}

// ErrorField returns the field named by err, if any.
func ErrorField(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Field
	}
	return ""
}
