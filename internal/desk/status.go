package desk

import "net/http"

// StatusOf maps error kinds to HTTP statuses; the one table of its kind
// (the API renders errors with it, and a node reads another node's
// answers back into kinds with KindOfStatus).
var StatusOf = map[string]int{
	EINVALID:         http.StatusBadRequest,
	ENOTFOUND:        http.StatusNotFound,
	ECONFLICT:        http.StatusConflict,
	EFORBIDDEN:       http.StatusForbidden,
	EUNAUTHENTICATED: http.StatusUnauthorized,
	ETOOLARGE:        http.StatusRequestEntityTooLarge,
	ETOOMANY:         http.StatusTooManyRequests,
	ETIMEOUT:         http.StatusRequestTimeout,
	EINTERNAL:        http.StatusInternalServerError,
}

// KindOfStatus maps an HTTP error status back to its error kind.
func KindOfStatus(status int) string {
	for kind, st := range StatusOf {
		if st == status && kind != EINVALID {
			return kind
		}
	}
	if status == http.StatusBadRequest || status == http.StatusUnprocessableEntity {
		return EINVALID
	}
	return EINTERNAL
}
