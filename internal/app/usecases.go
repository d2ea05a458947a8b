package app

import (
	"net/http"

	"github.com/switchboard-cc/switchboard/internal/access"
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

// newUseCases builds the use cases the HTTP handlers call, over the store
// behind the access rules (guarded), beside the calls' and the inbound
// pipeline New builds for the listeners too. Applying macros, merging and
// surveys need store methods outside access.Store, none of them guarded
// (TestRawUseCasesNeedNoRule): they use the store itself. The store hands committed replies to the outbox worker itself, so
// sending needs no wake-up call (Notify nil). Context cards are fetched
// through client, the SSRF-guarded one.
func newUseCases(store *sqlstore.Store, guarded *access.Guard, adapters *registry.Registry, phones phone.Book, org *phone.OrgRegion,
	client *http.Client, calls *voice.Calls, in *inbound.Pipeline) sbhttp.UseCases {
	clock := desk.SystemClock{}
	replies := &outbound.Service{Store: guarded, Clock: clock, Channels: guarded, Adapters: adapters}
	return sbhttp.UseCases{
		Replies:   replies,
		Compose:   &compose.Service{Store: guarded, Outbound: replies, Phones: phones},
		Drafts:    &macro.Service{Store: guarded, Clock: clock},
		Macros:    &macro.Applier{Store: store, Clock: clock},
		Merges:    &merge.Service{Store: store.Conversations},
		Surveys:   &survey.Service{Store: store, Clock: clock},
		Cards:     &card.Service{Store: guarded, Client: client, Clock: clock},
		Voice:     calls,
		Inbound:   in,
		Phones:    phones,
		OrgRegion: org,
	}
}
