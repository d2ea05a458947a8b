package http

import (
	"encoding/json"
	"testing"
)

// TestConversationMergeErrors covers the refusals of C8 over HTTP.
func TestConversationMergeErrors(t *testing.T) {
	bothStores(t, func(t *testing.T, newEnv func(*testing.T) *env) {
		e := newEnv(t)
		path := "/api/v1/conversations/" + e.convA.String() + "/merge"
		for _, tt := range []struct {
			name, token, body string
			status            int
			code, field       string
		}{
			{"different customers", e.sup, `{"other_id":"` + e.convB.String() + `"}`, 409, "different_customers", "other_id"},
			{"other_id missing", e.sup, `{}`, 400, "invalid", "other_id"},
			{"with itself", e.sup, `{"other_id":"` + e.convA.String() + `"}`, 400, "invalid", "other_id"},
			{"not visible", e.agentB, `{"other_id":"` + e.convB.String() + `"}`, 404, "not_found", ""},
		} {
			t.Run(tt.name, func(t *testing.T) {
				e.t = t
				var got apiError
				b := e.do("POST", path, tt.token, tt.body, tt.status, nil)
				json.Unmarshal(b, &got)
				if got.Error.Code != tt.code || got.Error.Field != tt.field {
					t.Fatalf("error = %+v", got.Error)
				}
			})
		}
	})
}
