package migratestore

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/switchboard-cc/switchboard/internal/desk"
)

// FileReport counts the uploads the copied rows refer to.
type FileReport struct {
	Referenced int
	Copied     int // to the target blob store (already there: not counted)
	Missing    []string
}

// maxFile bounds one copied upload (WhatsApp's largest documents are 100 MB).
const maxFile = 1 << 30

// Files checks that every upload the SQLite rows refer to (attachments'
// blob keys) is in from, and copies it to to when to is not nil and does
// not hold it yet: moving the files of a data folder to the S3-compatible
// store several nodes share.
func Files(ctx context.Context, src *sql.DB, from, to desk.BlobStore) (*FileReport, error) {
	rows, err := src.QueryContext(ctx, `SELECT DISTINCT blob_key FROM attachments WHERE blob_key <> '' ORDER BY blob_key`)
	if err != nil {
		return nil, err
	}
	var keys []string
	for rows.Next() {
		var k string
		if err := rows.Scan(&k); err != nil {
			rows.Close()
			return nil, err
		}
		keys = append(keys, k)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	rep := &FileReport{Referenced: len(keys)}
	for _, k := range keys {
		if to != nil {
			if r, err := to.Open(ctx, k); err == nil {
				r.Close()
				continue
			}
		}
		r, err := from.Open(ctx, k)
		if desk.ErrorKind(err) == desk.ENOTFOUND {
			rep.Missing = append(rep.Missing, k)
			continue
		}
		if err != nil {
			return rep, fmt.Errorf("file %s: %w", k, err)
		}
		if to == nil {
			r.Close()
			continue
		}
		_, err = to.Put(ctx, k, r, maxFile)
		r.Close()
		if err != nil {
			return rep, fmt.Errorf("copy file %s: %w", k, err)
		}
		rep.Copied++
	}
	return rep, nil
}
