package app

import (
	"net/http"

	"github.com/switchboard-cc/switchboard/internal/card"
	"github.com/switchboard-cc/switchboard/internal/channel/registry"
	"github.com/switchboard-cc/switchboard/internal/compose"
	"github.com/switchboard-cc/switchboard/internal/desk"
	sbhttp "github.com/switchboard-cc/switchboard/internal/http"
	"github.com/switchboard-cc/switchboard/internal/inbound"
	"github.com/switchboard-cc/switchboard/internal/macro"
	"github.com/switchboard-cc/switchboard/internal/merge"
	"github.com/switchboard-cc/switchboard/internal/outbound"
	"github.com/switchboard-cc/switchboard/internal/phone"
	"github.com/switchboard-cc/switchboard/internal/store/sqlstore"
	"github.com/switchboard-cc/switchboard/internal/survey"
	"github.com/switchboard-cc/switchboard/internal/voice"
)

// newUseCases builds the use cases the HTTP handlers call, over the store,
// beside the calls' and the inbound pipeline New builds for the listeners
// too. The store hands committed replies to the outbox worker itself, so
// sending needs no wake-up call (Notify nil). Context cards are fetched
// through client, the SSRF-guarded one.
func newUseCases(store *sqlstore.Store, adapters *registry.Registry, phones phone.Book, org *phone.OrgRegion,
	client *http.Client, calls *voice.Calls, in *inbound.Pipeline) sbhttp.UseCases {
	clock := desk.SystemClock{}
	replies := &outbound.Service{Store: store, Clock: clock, Channels: store, Adapters: adapters}
	return sbhttp.UseCases{
		Replies:   replies,
		Compose:   &compose.Service{Store: store, Outbound: replies, Phones: phones},
		Drafts:    &macro.Service{Store: store, Clock: clock},
		Macros:    &macro.Applier{Store: store, Clock: clock},
		Merges:    &merge.Service{Store: store},
		Surveys:   &survey.Service{Store: store, Clock: clock},
		Cards:     &card.Service{Store: store, Client: client, Clock: clock},
		Voice:     calls,
		Inbound:   in,
		Phones:    phones,
		OrgRegion: org,
	}
}
