package http

import (
	"context"
	"encoding/json"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"

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
