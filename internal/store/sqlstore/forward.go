package sqlstore

import (
	"sync/atomic"

	"github.com/switchboard-cc/switchboard/internal/desk"
)

// ChangeForwarder is a change handler to open a store with when the
// handler proper is built on that store (the Assigner needs the store it
// hears from): give Handle as Options.Changes, then Bind the handler once
// it exists, before the store is used by anything else. Until bound,
// changes go to no one. The composition root binds it once, inside its
// constructor (internal/app); tests rebind it as they go.
type ChangeForwarder struct {
	h atomic.Pointer[desk.ChangeHandler]
}

// Bind makes h the handler changes are forwarded to (nil: none).
func (f *ChangeForwarder) Bind(h desk.ChangeHandler) { f.h.Store(&h) }

// Handle forwards changes to the bound handler; it is the store's
// Options.Changes.
func (f *ChangeForwarder) Handle(changes []desk.Change) {
	if h := f.h.Load(); h != nil && *h != nil {
		(*h)(changes)
	}
}
