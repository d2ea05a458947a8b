package http

import (
	"archive/zip"
	"bytes"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"testing"

	"github.com/switchboard-cc/switchboard/internal/desk"
	"github.com/switchboard-cc/switchboard/internal/privacy"
	"github.com/switchboard-cc/switchboard/internal/store/postgres/pgtest"
)

func withPrivacy(cfg *envConfig) {
	cfg.Privacy = &privacy.Service{Store: cfg.Store, Blobs: cfg.Blobs, Logger: slog.New(slog.DiscardHandler)}
}

// TestPrivacyAPI: erase and export are admin-only and need the customer's
// ID repeated; the export is a zip holding the rows; erase empties the
// thread and answers what it removed; retention policies are set per
// queue and listed with the dry run's counts. On both stores.
func TestPrivacyAPI(t *testing.T) {
	for name, mk := range map[string]func(t *testing.T) *env{
		"sqlite": func(t *testing.T) *env { return newEnvWith(t, Config{BodyLimit: 4096}, withPrivacy) },
		"postgres": func(t *testing.T) *env {
			return newEnvOn(t, pgtest.Open(t, desk.SystemClock{}), Config{BodyLimit: 4096}, withPrivacy)
		},
	} {
		t.Run(name, func(t *testing.T) {
			e := mk(t)
			var conv struct {
				CustomerID string `json:"customer_id"`
			}
			e.do("GET", "/api/v1/conversations/"+e.convA.String(), e.admin, "", 200, &conv)
			cust := conv.CustomerID
			body := `{"confirm":"` + cust + `"}`
			var ae apiError
			e.do("POST", "/api/v1/customers/"+cust+"/erase", e.sup, body, 403, nil)
			e.do("POST", "/api/v1/customers/"+cust+"/export", e.agentA, body, 403, nil)
			e.do("POST", "/api/v1/customers/"+cust+"/erase", e.admin, `{"confirm":"999"}`, 400, &ae)
			if ae.Error.Code != "confirmation_required" || ae.Error.Field != "confirm" {
				t.Fatalf("unconfirmed erase: %+v", ae)
			}
			e.do("POST", "/api/v1/customers/"+cust+"/erase", e.admin, `{}`, 400, nil)
			e.do("POST", "/api/v1/customers/999/erase", e.admin, `{"confirm":"999"}`, 404, nil)

			// Export: a zip whose customer.json holds the message.
			req, _ := http.NewRequest("POST", e.url+"/api/v1/customers/"+cust+"/export", strings.NewReader(body))
			req.Header.Set("Authorization", "Bearer "+e.admin)
			req.Header.Set("Content-Type", "application/json")
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			zb, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "application/zip" {
				t.Fatalf("export: %d %s", resp.StatusCode, zb)
			}
			zr, err := zip.NewReader(bytes.NewReader(zb), int64(len(zb)))
			if err != nil || len(zr.File) != 1 || zr.File[0].Name != "customer.json" {
				t.Fatalf("export archive: %v", err)
			}
			r, _ := zr.File[0].Open()
			js, _ := io.ReadAll(r)
			if !strings.Contains(string(js), `"text": "in A"`) {
				t.Fatalf("customer.json lacks the message: %s", js)
			}

			var er struct {
				Conversations, Messages, Files int
			}
			e.do("POST", "/api/v1/customers/"+cust+"/erase", e.admin, body, 200, &er)
			if er.Conversations != 1 || er.Messages != 1 {
				t.Fatalf("erased %+v", er)
			}
			var thread struct{ Items []any }
			e.do("GET", "/api/v1/conversations/"+e.convA.String()+"/messages", e.admin, "", 200, &thread)
			if len(thread.Items) != 0 {
				t.Fatalf("thread after erasing: %v", thread.Items)
			}

			// Retention policies.
			q := e.queueA.String()
			e.do("PUT", "/api/v1/queues/"+q+"/retention", e.sup, `{"closed_days":30}`, 403, nil)
			e.do("PUT", "/api/v1/queues/"+q+"/retention", e.admin, `{"closed_days":-1}`, 400, &ae)
			if ae.Error.Field != "closed_days" {
				t.Fatalf("bad policy: %+v", ae)
			}
			e.do("PUT", "/api/v1/queues/"+q+"/retention", e.admin, `{"closed_days":30,"file_days":7,"extra":1}`, 400, nil)
			e.do("PUT", "/api/v1/queues/"+q+"/retention", e.admin, `{"closed_days":30,"file_days":7}`, 200, nil)
			var ret struct {
				Items []desk.RetentionPolicy
				Due   struct{ Conversations, Files int }
			}
			e.do("GET", "/api/v1/retention", e.sup, "", 403, nil)
			e.do("GET", "/api/v1/retention", e.admin, "", 200, &ret)
			found := false
			for _, p := range ret.Items {
				found = found || (p.QueueID == e.queueA && p.ClosedDays == 30 && p.FileDays == 7)
			}
			if !found || ret.Due.Conversations != 0 {
				t.Fatalf("retention: %+v", ret)
			}
		})
	}
}
