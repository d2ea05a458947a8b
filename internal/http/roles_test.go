package http

import "testing"

// TestSupervisorCannotChangeAdmins: a supervisor manages agents but not
// admins — no renaming, no status, no capacity; admins still can, and a
// supervisor still manages agents. On both stores.
func TestSupervisorCannotChangeAdmins(t *testing.T) {
	bothStores(t, func(t *testing.T, newEnv func(*testing.T) *env) {
		e := newEnv(t)
		admin := "/api/v1/agents/" + e.idAdmin.String()
		e.do("PUT", "/api/v1/me/status", e.admin, `{"status":"busy"}`, 200, nil)
		e.do("PATCH", admin, e.sup, `{"name":"Mallory"}`, 403, nil)
		e.do("PATCH", admin, e.sup, `{"capacity":1}`, 403, nil)
		e.do("PUT", admin+"/status", e.sup, `{"status":"away"}`, 403, nil)
		var a struct{ Name, Status string }
		e.do("GET", admin, e.admin, "", 200, &a)
		if a.Name == "Mallory" || a.Status != "busy" {
			t.Fatalf("the admin was changed: %+v", a)
		}
		e.do("PATCH", admin, e.admin, `{"name":"Ada"}`, 200, nil)
		e.do("PUT", admin+"/status", e.admin, `{"status":"away"}`, 200, nil)
		agentA := "/api/v1/agents/" + e.idA.String()
		e.do("PATCH", agentA, e.sup, `{"name":"Renamed"}`, 200, nil)
		e.do("PUT", agentA+"/status", e.sup, `{"status":"busy"}`, 200, nil)
		// Another supervisor is fair game for a supervisor, as before.
		e.do("PATCH", "/api/v1/agents/"+e.idSup.String(), e.sup, `{"name":"Self"}`, 200, nil)
	})
}
