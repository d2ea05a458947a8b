package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"regexp"
	"strings"

	"github.com/switchboard-cc/switchboard/internal/desk"
)

var _ desk.PrivacyStore = (*Conversations)(nil)

// customerConvs selects the IDs of a customer's conversations ($1).
const customerConvs = `SELECT id FROM conversations WHERE customer_id = $1`

// EraseCustomer deletes what a customer said and sent and what is known
// about them, in one transaction (GDPR article 17): messages and notes
// (and with them their outbox jobs and search entries), files, call
// recordings, drafts, contacts, tags, survey answers, timeline details and
// dead letters naming their addresses. Their conversations stay as
// anonymised shells (channel, queue, agent, times and status), so reports
// stay correct, and so does the customer record, emptied and marked
// erased. The audit log records who erased which customer and when.
// On SQLite the deleted content is overwritten (secure_delete) and the
// log checkpointed, so no copy of it stays in the database files.
func (s *Conversations) EraseCustomer(ctx context.Context, id desk.ID) (*desk.CustomerErasure, error) {
	actor := desk.ActorFromContext(ctx)
	sqlite := s.dialect.Name == "sqlite"
	er := &desk.CustomerErasure{CustomerID: id}
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		if sqlite {
			if _, err := tx.ExecContext(ctx, `PRAGMA secure_delete = ON`); err != nil {
				return err
			}
		}
		var one int
		if err := tx.QueryRowContext(ctx, `SELECT 1 FROM customers WHERE id = $1`, int64(id)).Scan(&one); isNoRows(err) {
			return notFound("customer")
		} else if err != nil {
			return err
		}
		var err error
		if er.BlobKeys, err = queryStrings(ctx, tx, `SELECT blob_key FROM attachments WHERE blob_key <> '' AND conversation_id IN (`+customerConvs+`)`, int64(id)); err != nil {
			return err
		}
		if er.Recordings, err = queryStrings(ctx, tx, `SELECT recording FROM calls WHERE recording <> '' AND conversation_id IN (`+customerConvs+`)`, int64(id)); err != nil {
			return err
		}
		er.Files = len(er.BlobKeys) + len(er.Recordings)
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM conversations WHERE customer_id = $1`, int64(id)).Scan(&er.Conversations); err != nil {
			return err
		}
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM messages WHERE conversation_id IN (`+customerConvs+`)`, int64(id)).Scan(&er.Messages); err != nil {
			return err
		}
		addrs, err := queryStrings(ctx, tx, `SELECT address FROM contacts WHERE customer_id = $1`, int64(id))
		if err != nil {
			return err
		}
		pos := "strpos"
		if sqlite {
			pos = "instr"
		}
		for _, a := range addrs {
			// Raw webhooks refused as dead letters may carry their words;
			// those naming one of their addresses go too.
			if len(a) >= 5 {
				if _, err := tx.ExecContext(ctx, `DELETE FROM dead_letters WHERE `+pos+`(body, $1) > 0 OR `+pos+`(header, $1) > 0`, a); err != nil {
					return err
				}
			}
		}
		now := micros(s.now())
		for _, q := range []string{
			`DELETE FROM attachments WHERE conversation_id IN (` + customerConvs + `)`,
			`DELETE FROM drafts WHERE conversation_id IN (` + customerConvs + `)`,
			`DELETE FROM messages WHERE conversation_id IN (` + customerConvs + `)`,
			`UPDATE events SET data = '{}', actor_name = CASE WHEN actor_id IS NULL THEN '' ELSE actor_name END WHERE conversation_id IN (` + customerConvs + `)`,
			`UPDATE calls SET recording = '' WHERE conversation_id IN (` + customerConvs + `)`,
			`UPDATE conversations SET topic = '', summary = '', contact_address = '', subject = '', cc = '[]', bcc = '[]',
				form_values = '{}', survey_token = NULL, survey_rating = NULL, survey_answered_at = NULL WHERE customer_id = $1`,
			`DELETE FROM contacts WHERE customer_id = $1`,
			`DELETE FROM customer_tags WHERE customer_id = $1`,
		} {
			if _, err := tx.ExecContext(ctx, q, int64(id)); err != nil {
				return fmt.Errorf("erase: %w", err)
			}
		}
		if _, err := tx.ExecContext(ctx, `UPDATE customers SET name = '', sort_name = '', gender = '', city = '', country = '',
			attributes = '{}', tags = '[]', contacts = '[]', search_terms = '', erased_at = $2, updated_at = $2 WHERE id = $1`, int64(id), now); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO audit_log (type, actor_id, agent_id, ip, detail, created_at) VALUES ($1, $2, NULL, '', $3, $4)`,
			desk.AuditCustomerErased, actorID(actor), mustJSON(map[string]any{"customer_id": id}), now)
		return err
	})
	if sqlite {
		// The writer is one connection: the pragma set in the transaction
		// is still on; back to the default of every connection (sqlite.Open). The checkpoint moves the overwritten pages into the
		// database and empties the log, whose old frames held the words.
		_, _ = s.w.ExecContext(context.WithoutCancel(ctx), `PRAGMA secure_delete = FAST`)
		if err == nil {
			_, _ = s.w.ExecContext(context.WithoutCancel(ctx), `PRAGMA wal_checkpoint(TRUNCATE)`)
		}
	}
	if err != nil {
		return nil, err
	}
	return er, nil
}

func actorID(a *desk.Actor) any {
	if a == nil || a.System {
		return nil
	}
	return int64(a.AgentID)
}

func queryStrings(ctx context.Context, tx *sql.Tx, q string, args ...any) ([]string, error) {
	rows, err := tx.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []string{}
	for rows.Next() {
		var v string
		if err := rows.Scan(&v); err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, rows.Err()
}

// exportTables are the tables of a customer's export and the rows of
// each that concern them ($1 is the customer's ID).
var exportTables = []struct{ table, where string }{
	{"customers", `id = $1`},
	{"contacts", `customer_id = $1`},
	{"customer_tags", `customer_id = $1`},
	{"conversations", `customer_id = $1`},
	{"conversation_tags", `conversation_id IN (` + customerConvs + `)`},
	{"messages", `conversation_id IN (` + customerConvs + `)`},
	{"events", `conversation_id IN (` + customerConvs + `)`},
	{"attachments", `conversation_id IN (` + customerConvs + `)`},
	{"calls", `conversation_id IN (` + customerConvs + `)`},
}

// unsafeName matches what an archive file name should not contain.
var unsafeName = regexp.MustCompile(`[^A-Za-z0-9._-]+`)

// ExportCustomer returns every row about the customer, table by table,
// and the files of their conversations (GDPR articles 15 and 20); the
// audit log records who exported which customer and when.
func (s *Conversations) ExportCustomer(ctx context.Context, id desk.ID) (*desk.CustomerExport, error) {
	actor := desk.ActorFromContext(ctx)
	ex := &desk.CustomerExport{CustomerID: id, ExportedAt: s.now(), Tables: map[string][]map[string]any{}, Files: []desk.ExportFile{}}
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		for _, t := range exportTables {
			rows, err := queryMaps(ctx, tx, `SELECT * FROM `+t.table+` WHERE `+t.where, int64(id))
			if err != nil {
				return fmt.Errorf("export %s: %w", t.table, err)
			}
			if t.table == "customers" && len(rows) == 0 {
				return notFound("customer")
			}
			ex.Tables[t.table] = rows
		}
		for _, a := range ex.Tables["attachments"] {
			if k, _ := a["blob_key"].(string); k != "" {
				name, _ := a["name"].(string)
				ex.Files = append(ex.Files, desk.ExportFile{Name: fmt.Sprintf("files/%v-%s", a["id"], unsafeName.ReplaceAllString(name, "_")), BlobKey: k})
			}
		}
		for _, c := range ex.Tables["calls"] {
			if p, _ := c["recording"].(string); p != "" {
				ex.Files = append(ex.Files, desk.ExportFile{Name: fmt.Sprintf("recordings/%s.wav", unsafeName.ReplaceAllString(fmt.Sprint(c["id"]), "_")), Path: p})
			}
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO audit_log (type, actor_id, agent_id, ip, detail, created_at) VALUES ($1, $2, NULL, '', $3, $4)`,
			desk.AuditCustomerExported, actorID(actor), mustJSON(map[string]any{"customer_id": id}), micros(ex.ExportedAt))
		return err
	})
	if err != nil {
		return nil, err
	}
	return ex, nil
}

// queryMaps returns rows as column → value maps (text for bytes), leaving
// out PostgreSQL's derived search columns.
func queryMaps(ctx context.Context, tx *sql.Tx, q string, args ...any) ([]map[string]any, error) {
	rows, err := tx.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		return nil, err
	}
	out := []map[string]any{}
	for rows.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			return nil, err
		}
		m := map[string]any{}
		for i, c := range cols {
			if c == "search" || strings.HasSuffix(c, "_hash") {
				continue
			}
			if b, ok := vals[i].([]byte); ok {
				vals[i] = string(b)
			}
			m[c] = vals[i]
		}
		out = append(out, m)
	}
	return out, rows.Err()
}
