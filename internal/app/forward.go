package app

import (
	"sync/atomic"
	"time"

	"github.com/switchboard-cc/switchboard/internal/desk"
)

// The store is complete when opened (sqlstore.Options), but two of the
// parts it tells as it commits are built on the store itself: the change
// handlers (router, Assigner, SLA tracker, ...) and the outbox worker.
// New therefore opens the store with forwarders (sqlstore.ChangeForwarder
// and sendForwarder below) and binds each, once, to the part it forwards
// to as soon as that part is built, before anything runs. Nothing outside
// New sees them, so no caller has an order to keep. Until bound (only
// New's own writes, such as the phone re-keying), changes go to no one and
// send jobs wait for the worker's poll, as on a store with nothing to tell.

// sendForwarder forwards the store's send hand-offs to the outbox worker.
type sendForwarder struct {
	d atomic.Pointer[desk.SendDispatcher]
}

var _ desk.SendDispatcher = (*sendForwarder)(nil)

func (f *sendForwarder) bind(d desk.SendDispatcher) { f.d.Store(&d) }

// Reserve refuses until bound: the job is then written unleased and
// claimed by the worker's poll.
func (f *sendForwarder) Reserve() (time.Duration, bool) {
	if d := f.d.Load(); d != nil {
		return (*d).Reserve()
	}
	return 0, false
}

// Dispatch follows a granted Reserve, so the worker is bound.
func (f *sendForwarder) Dispatch(j *desk.SendJob) {
	if d := f.d.Load(); d != nil {
		(*d).Dispatch(j)
	}
}

// Release follows a granted Reserve, so the worker is bound.
func (f *sendForwarder) Release() {
	if d := f.d.Load(); d != nil {
		(*d).Release()
	}
}

// Notify wakes the worker, if bound.
func (f *sendForwarder) Notify() {
	if d := f.d.Load(); d != nil {
		(*d).Notify()
	}
}
