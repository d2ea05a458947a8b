package phone

import (
	"context"
	"sync/atomic"
	"time"

	"github.com/switchboard-cc/switchboard/internal/desk"
)

// OrgRegion is the organisation's phone country chosen at first run, read
// from the store once known; while there is no organisation the store is
// asked again only after 10 s, not on every inbound message. One value is
// shared by everything that keys numbers (Book.OrgRegion: Get), and the
// first-run setup tells it the country it stored (Set).
type OrgRegion struct {
	// Find reads the organisation (ctx carries the system actor).
	Find   func(ctx context.Context) (*desk.Organisation, error)
	region atomic.Pointer[string]
	miss   atomic.Int64 // UnixNano of the last miss
}

// Get is the organisation's phone country, "" when none is known.
func (o *OrgRegion) Get(ctx context.Context) string {
	if o == nil {
		return ""
	}
	if r := o.region.Load(); r != nil {
		return *r
	}
	if miss := o.miss.Load(); miss != 0 && time.Since(time.Unix(0, miss)) < 10*time.Second {
		return ""
	}
	if o.Find == nil {
		return ""
	}
	org, err := o.Find(desk.NewContextWithActor(ctx, desk.SystemActor))
	if err != nil {
		o.miss.Store(time.Now().UnixNano())
		return ""
	}
	o.region.Store(&org.PhoneRegion)
	return org.PhoneRegion
}

// Set records the country the first-run setup stored.
func (o *OrgRegion) Set(region string) { o.region.Store(&region) }
