package http

import (
	"encoding/csv"
	"net/http"

	"github.com/switchboard-cc/switchboard/internal/report"
)

// handleReportConversations answers conversation metrics grouped by time
// or dimension (supervisor+), as JSON or, with format=csv, as CSV.
func (s *Server) handleReportConversations(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	req := report.Request{From: q.Get("from"), To: q.Get("to"), Group: q.Get("group"), TimeZone: q.Get("tz")}
	var err error
	if req.Filter.QueueID, err = queryID(r, "queue_id"); err != nil {
		return err
	}
	if req.Filter.AgentID, err = queryID(r, "agent_id"); err != nil {
		return err
	}
	req.Filter.Channel, req.Filter.Tag = q.Get("channel"), q.Get("tag")
	rows, err := report.Run(r.Context(), s.cfg.Store, req)
	if err != nil {
		return err
	}
	if q.Get("format") == "csv" {
		w.Header().Set("Content-Type", "text/csv; charset=utf-8")
		w.Header().Set("Content-Disposition", `attachment; filename="conversations-report.csv"`)
		cw := csv.NewWriter(w)
		_ = cw.Write(report.CSVHeader)
		for _, row := range rows {
			_ = cw.Write(report.CSVRecord(row))
		}
		cw.Flush()
		return nil
	}
	writeJSON(w, http.StatusOK, newList(rows, ""))
	return nil
}
