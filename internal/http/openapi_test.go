package http

import (
	"context"
	"encoding/json"
	"maps"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/switchboard-cc/switchboard/internal/channel/livechat"
	"github.com/switchboard-cc/switchboard/internal/desk"
)

// TestOpenAPIMatchesRoutes validates the document and checks that it
// describes exactly the routes the server registers: a new route without
// documentation, or a stale entry, fails.
func TestOpenAPIMatchesRoutes(t *testing.T) {
	doc, err := openapi3.NewLoader().LoadFromData(openAPIDoc)
	if err != nil {
		t.Fatalf("load: %v", err)
	}
	if err := doc.Validate(context.Background()); err != nil {
		t.Fatalf("the OpenAPI document is invalid: %v", err)
	}
	documented := map[string]bool{}
	for path, item := range doc.Paths.Map() {
		for method := range item.Operations() {
			documented[strings.ToUpper(method)+" "+path] = true
		}
	}
	s := &Server{}
	served := map[string]bool{}
	for _, rt := range s.routes() {
		served[rt.Method+" "+rt.Path] = true
	}
	var missing, stale []string
	for k := range served {
		if !documented[k] {
			missing = append(missing, k)
		}
	}
	for k := range documented {
		if !served[k] {
			stale = append(stale, k)
		}
	}
	sort.Strings(missing)
	sort.Strings(stale)
	if len(missing) > 0 || len(stale) > 0 {
		t.Fatalf("undocumented routes: %v\nstale documentation: %v", missing, stale)
	}
}

// TestOpenAPIChannels: the document's ChannelName lists exactly the
// server's channels, and its x-capabilities are the server's table (the
// web build generates the workspace's channel constants from them).
func TestOpenAPIChannels(t *testing.T) {
	var doc struct {
		Components struct {
			Schemas struct {
				ChannelName struct {
					Enum         []string                     `json:"enum"`
					Capabilities map[string]desk.Capabilities `json:"x-capabilities"`
				}
			}
		}
	}
	if err := json.Unmarshal(openAPIDoc, &doc); err != nil {
		t.Fatal(err)
	}
	cn := doc.Components.Schemas.ChannelName
	got, want := slices.Sorted(slices.Values(cn.Enum)), slices.Sorted(slices.Values(desk.Channels()))
	if !slices.Equal(got, want) {
		t.Fatalf("ChannelName enum %v, the server knows %v", got, want)
	}
	if len(cn.Capabilities) != len(want) {
		t.Fatalf("x-capabilities has %d channels, want %d", len(cn.Capabilities), len(want))
	}
	for _, ch := range want {
		if c, ok := cn.Capabilities[ch]; !ok || c != desk.CapabilitiesOf(ch) {
			t.Errorf("x-capabilities of %s = %+v, the server's %+v", ch, c, desk.CapabilitiesOf(ch))
		}
	}
}

// TestOpenAPISharedConstants: the enums the web build turns into the
// workspace's constants (issue 21) are the server's. The conversation
// views and their sorts are desk.ViewSorts; the built-in statuses, the
// automatic statuses, the call states and the audit types are desk's, in
// desk's order.
func TestOpenAPISharedConstants(t *testing.T) {
	type enum struct {
		Enum []string `json:"enum"`
	}
	var doc struct {
		Components struct {
			Schemas struct {
				ConversationView struct {
					Enum  []string            `json:"enum"`
					Sorts map[string][]string `json:"x-sorts"`
				}
				ConversationSort enum
				BuiltinStatus    enum
				AuditEntry       struct {
					Properties struct {
						Type enum
					}
				}
				Agent struct {
					Properties struct {
						AutoStatus enum `json:"auto_status"`
						CallState  enum `json:"call_state"`
					}
				}
			}
		}
	}
	if err := json.Unmarshal(openAPIDoc, &doc); err != nil {
		t.Fatal(err)
	}
	s := doc.Components.Schemas
	views := slices.Sorted(func(yield func(string) bool) {
		for v := range desk.ViewSorts {
			if !yield(v) {
				return
			}
		}
	})
	if got := slices.Sorted(slices.Values(s.ConversationView.Enum)); !slices.Equal(got, views) {
		t.Errorf("ConversationView enum %v, the server's views %v", got, views)
	}
	var sorts []string
	for v, want := range desk.ViewSorts {
		if got := s.ConversationView.Sorts[v]; !slices.Equal(got, want) {
			t.Errorf("x-sorts of %s = %v, the server's %v", v, got, want)
		}
		for _, o := range want {
			if !slices.Contains(sorts, o) {
				sorts = append(sorts, o)
			}
		}
	}
	if len(s.ConversationView.Sorts) != len(desk.ViewSorts) {
		t.Errorf("x-sorts has %d views, want %d", len(s.ConversationView.Sorts), len(desk.ViewSorts))
	}
	if got, want := slices.Sorted(slices.Values(s.ConversationSort.Enum)), slices.Sorted(slices.Values(sorts)); !slices.Equal(got, want) {
		t.Errorf("ConversationSort enum %v, the server's sorts %v", got, want)
	}
	for _, c := range []struct {
		name       string
		enum, want []string
	}{
		{"BuiltinStatus", s.BuiltinStatus.Enum, desk.BuiltinStatuses()},
		{"Agent auto_status", s.Agent.Properties.AutoStatus.Enum, append([]string{""}, desk.AutomaticStatuses()...)},
		{"Agent call_state", s.Agent.Properties.CallState.Enum, append([]string{""}, desk.CallStates()...)},
		{"AuditEntry type", s.AuditEntry.Properties.Type.Enum, desk.AuditTypes()},
	} {
		if !slices.Equal(c.enum, c.want) {
			t.Errorf("%s lists %v, the server %v", c.name, c.enum, c.want)
		}
	}
}

// TestOpenAPIWebSocketFrames: the frame unions of the document (issue 21:
// the sockets' frames are part of the contract) list exactly the types
// the server sends and takes — the live feed's desk.ServerFrameTypes and
// desk.ClientFrameTypes, Live Chat's livechat.ServerEventTypes and
// VisitorEventTypes — each mapped to a member schema whose type enum has
// it, and the sockets' paths point at them (x-frames).
func TestOpenAPIWebSocketFrames(t *testing.T) {
	doc, err := openapi3.NewLoader().LoadFromData(openAPIDoc)
	if err != nil {
		t.Fatal(err)
	}
	schemas := doc.Components.Schemas
	for _, c := range []struct {
		union, path, side string
		want              []string
	}{
		{"WsServerFrame", "/api/v1/ws", "server", desk.ServerFrameTypes()},
		{"WsClientFrame", "/api/v1/ws", "client", desk.ClientFrameTypes()},
		{"LiveChatServerFrame", "/api/v1/livechat/{channel_id}/ws", "server", livechat.ServerEventTypes()},
		{"LiveChatVisitorFrame", "/api/v1/livechat/{channel_id}/ws", "client", livechat.VisitorEventTypes()},
	} {
		u := schemas[c.union]
		if u == nil || u.Value.Discriminator == nil || u.Value.Discriminator.PropertyName != "type" {
			t.Errorf("%s is not a union discriminated by type", c.union)
			continue
		}
		mapping := u.Value.Discriminator.Mapping
		if got, want := slices.Sorted(maps.Keys(mapping)), slices.Sorted(slices.Values(c.want)); !slices.Equal(got, want) {
			t.Errorf("%s maps %v, the server's frame types are %v", c.union, got, want)
		}
		// Every member's type enum is mapped to it, and only to it.
		var listed []string
		for _, m := range u.Value.OneOf {
			for _, v := range m.Value.Properties["type"].Value.Enum {
				listed = append(listed, v.(string))
				if mapping[v.(string)].Ref != m.Ref {
					t.Errorf("%s maps %s to %q, but %s lists it", c.union, v, mapping[v.(string)].Ref, m.Ref)
				}
			}
		}
		if got, want := slices.Sorted(slices.Values(listed)), slices.Sorted(maps.Keys(mapping)); !slices.Equal(got, want) {
			t.Errorf("%s members list types %v, the mapping %v", c.union, got, want)
		}
		op := doc.Paths.Value(c.path).Get
		frames, _ := op.Extensions["x-frames"].(map[string]any)
		if frames[c.side] != "#/components/schemas/"+c.union {
			t.Errorf("%s x-frames.%s = %v, want the schema %s", c.path, c.side, frames[c.side], c.union)
		}
	}
	var changes []string
	for _, v := range schemas["WsChangeFrame"].Value.Properties["type"].Value.Enum {
		changes = append(changes, v.(string))
	}
	if got, want := slices.Sorted(slices.Values(changes)), slices.Sorted(slices.Values(desk.ChangeTypes())); !slices.Equal(got, want) {
		t.Errorf("WsChangeFrame types %v, the server's changes %v", got, want)
	}
}
