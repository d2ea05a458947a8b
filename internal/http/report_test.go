package http

import (
	"encoding/csv"
	"strings"
	"testing"
	"time"

	"github.com/switchboard-cc/switchboard/internal/desk"
	"github.com/switchboard-cc/switchboard/internal/report"
)

// TestReportConversationsAPI: a supervisor reads the conversation report
// as JSON and as CSV; bad parameters are 400s naming the parameter.
func TestReportConversationsAPI(t *testing.T) {
	bothStores(t, func(t *testing.T, newEnv func(*testing.T) *env) {
		e := newEnv(t)
		sys := desk.NewContextWithActor(t.Context(), desk.SystemActor)
		for _, id := range []desk.ID{e.convA, e.convB} {
			if err := e.store.RefreshReportFact(sys, id); err != nil {
				t.Fatal(err)
			}
		}
		day := time.Now().UTC()
		period := "from=" + day.AddDate(0, 0, -1).Format(time.DateOnly) + "&to=" + day.AddDate(0, 0, 1).Format(time.DateOnly)
		var list struct{ Items []report.Row }
		e.do("GET", "/api/v1/reports/conversations?group=total&"+period, e.sup, "", 200, &list)
		if len(list.Items) != 1 || list.Items[0].ConversationsIn != 2 || list.Items[0].ConversationsOut != 0 {
			t.Fatalf("total: %+v", list.Items)
		}
		e.do("GET", "/api/v1/reports/conversations?group=queue&"+period+"&queue_id="+e.queueA.String(), e.sup, "", 200, &list)
		if len(list.Items) != 1 || list.Items[0].Key != e.queueA.String() || list.Items[0].ConversationsIn != 1 {
			t.Fatalf("queue A: %+v", list.Items)
		}
		body := e.do("GET", "/api/v1/reports/conversations?group=total&format=csv&"+period, e.admin, "", 200, nil)
		recs, err := csv.NewReader(strings.NewReader(string(body))).ReadAll()
		if err != nil || len(recs) != 2 || strings.Join(recs[0], ",") != strings.Join(report.CSVHeader, ",") || recs[1][0] != "total" || recs[1][1] != "2" {
			t.Fatalf("csv: %q %v", recs, err)
		}
		var ae apiError
		for param, query := range map[string]string{
			"group": "group=month&" + period,
			"tz":    "tz=Mars/Olympus&" + period,
			"from":  "from=yesterday&to=2026-01-01",
			"to":    "from=2026-01-01&to=2028-01-01",
		} {
			e.do("GET", "/api/v1/reports/conversations?"+query, e.sup, "", 400, &ae)
			if ae.Error.Field != param {
				t.Errorf("%s: %+v", query, ae)
			}
		}
		e.do("GET", "/api/v1/reports/conversations?"+period, e.agentA, "", 403, nil)
	})
}
