package http

import (
	"testing"

	"github.com/switchboard-cc/switchboard/internal/desk"
)

// TestPeopleDuplicatesAndMerge: supervisors see possible duplicates (the
// same name; one number on two channels; the same email local part),
// merge a pair into one customer, and the merge is in the audit log.
func TestPeopleDuplicatesAndMerge(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	var ann1, ann2, bob, bob2 desk.Customer
	e.do("POST", "/api/v1/customers", e.agentA, `{"name":"Ann Lee","contacts":[{"channel":"sms","address":"+1 202 555 0190"}]}`, 201, &ann1)
	e.do("POST", "/api/v1/customers", e.agentA, `{"name":"ann lee","tags":["vip"],"contacts":[{"channel":"whatsapp","address":"001 202 555 0191"}]}`, 201, &ann2)
	e.do("POST", "/api/v1/customers", e.agentA, `{"contacts":[{"channel":"email","address":"robert.k@work.example"}]}`, 201, &bob)
	e.do("POST", "/api/v1/customers", e.agentA, `{"name":"Bob","contacts":[{"channel":"email","address":"robert.k@home.example"},{"channel":"whatsapp","address":"+12025550190"}]}`, 201, &bob2)
	if ann2.Contacts[0].Address != "+12025550191" || ann2.Contacts[0].Display != "+1 202-555-0191" {
		t.Fatalf("typed contact = %+v", ann2.Contacts)
	}

	e.do("GET", "/api/v1/customers/duplicates", e.agentA, "", 403, nil)
	var dups list[desk.DuplicateCustomers]
	e.do("GET", "/api/v1/customers/duplicates", e.sup, "", 200, &dups)
	want := map[string][2]desk.ID{"same_name": {ann1.ID, ann2.ID}, "same_address": {ann1.ID, bob2.ID}, "same_email_local_part": {bob.ID, bob2.ID}}
	if len(dups.Items) != len(want) {
		t.Fatalf("%d pairs, want %d: %+v", len(dups.Items), len(want), dups.Items)
	}
	for _, d := range dups.Items {
		w, ok := want[d.Reason]
		if !ok || len(d.Customers) != 2 || d.Customers[0].ID != w[0] || d.Customers[1].ID != w[1] {
			t.Fatalf("pair %s: %s, %s; want %v", d.Reason, d.Customers[0].ID, d.Customers[1].ID, w)
		}
	}

	e.do("POST", "/api/v1/customers/"+ann1.ID.String()+"/merge", e.agentA, `{"other_id":"`+ann2.ID.String()+`"}`, 403, nil)
	var merged desk.Customer
	e.do("POST", "/api/v1/customers/"+ann1.ID.String()+"/merge", e.sup, `{"other_id":"`+ann2.ID.String()+`"}`, 200, &merged)
	if merged.Name != "Ann Lee" || len(merged.Contacts) != 2 || len(merged.Tags) != 1 {
		t.Fatalf("merged = %+v", merged)
	}
	e.do("GET", "/api/v1/customers/"+ann2.ID.String(), e.sup, "", 404, nil)
	var audit list[desk.AuditEntry]
	e.do("GET", "/api/v1/audit?limit=5", e.admin, "", 200, &audit)
	if len(audit.Items) == 0 || audit.Items[0].Type != desk.AuditCustomersMerged || audit.Items[0].ActorID == nil || *audit.Items[0].ActorID != e.idSup ||
		audit.Items[0].Detail["merged_id"] != ann2.ID.String() {
		t.Fatalf("audit = %+v", audit.Items)
	}
	e.do("GET", "/api/v1/customers/duplicates", e.sup, "", 200, &dups)
	for _, d := range dups.Items {
		if d.Reason == "same_name" {
			t.Fatalf("merged pair still listed: %+v", d)
		}
	}
}
