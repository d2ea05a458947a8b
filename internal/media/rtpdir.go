package media

import (
	"fmt"
	"net"
)

// UpdateCustomerRTP applies what a SIP customer's new description (an
// in-dialog re-INVITE or UPDATE: hold, resume, a session refresh) says:
// remote is where it now receives RTP (nil keeps the address), send
// whether we may send to it (false while it holds the call: sendonly or
// inactive) and recv whether it must keep sending to us (false, on any
// hold, suspends the idle timeout that otherwise ends a call whose caller
// went silent).
func (h *Hub) UpdateCustomerRTP(callID string, remote *net.UDPAddr, send, recv bool) error {
	b := h.bridge(callID)
	if b == nil {
		return fmt.Errorf("media: no media for call %s", callID)
	}
	b.mu.Lock()
	l, ok := b.customer.(*rtpLeg)
	b.mu.Unlock()
	if !ok {
		return fmt.Errorf("media: call %s has no RTP customer", callID)
	}
	l.mu.Lock()
	if remote != nil {
		l.remote = remote
	}
	l.paused = !send
	l.mu.Unlock()
	l.quiet.Store(!recv)
	return nil
}
