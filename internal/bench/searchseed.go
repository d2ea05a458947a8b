package bench

import (
	"context"
	"database/sql"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/switchboard-cc/switchboard/internal/desk"
	"github.com/switchboard-cc/switchboard/internal/search"
)

// SeedConfig sizes the search benchmark's data set.
type SeedConfig struct {
	Messages      int
	Customers     int
	Conversations int
	Seed          uint64
}

// SeedInfo is what the seeding produced that queries need.
type SeedInfo struct {
	Phones  []string // stored phone numbers of some customers
	Names   []string // names of some customers
	Rare    []string // words of the long tail
	Elapsed time.Duration
}

// bulkInsert writes rows with multi-row INSERT statements inside large
// transactions: the fastest portable way through database/sql.
type bulkInsert struct {
	*bulkTx
	prefix  string
	cols    int
	perStmt int
	args    []any
	rows    int
	// parent is flushed first, so rows never reference unwritten rows.
	parent *bulkInsert
}

// bulkTx is the transaction bulk inserts share: SQLite has one writer
// connection, so two tables filled side by side must use one transaction.
type bulkTx struct {
	ctx  context.Context
	db   *sql.DB
	tx   *sql.Tx
	inTx int
	// params is how many arguments a statement carries: SQLite's driver
	// slows down on very long statements, PostgreSQL pays a round trip
	// per statement.
	params int
}

func (t *bulkTx) newBulk(table string, cols ...string) *bulkInsert {
	return &bulkInsert{bulkTx: t, prefix: `INSERT INTO ` + table + ` (` + strings.Join(cols, ", ") + `) VALUES `,
		cols: len(cols), perStmt: t.params / len(cols)}
}

// add queues one row, writing a statement when enough are queued.
func (b *bulkInsert) add(vals ...any) error {
	b.args = append(b.args, vals...)
	if b.rows++; b.rows == b.perStmt {
		return b.flush(false)
	}
	return nil
}

// flush writes the queued rows; commit ends the transaction too, as does
// every 100,000th row.
func (b *bulkInsert) flush(commit bool) error {
	if b.parent != nil {
		if err := b.parent.flush(false); err != nil {
			return err
		}
	}
	if b.rows > 0 {
		if b.tx == nil {
			var err error
			if b.tx, err = b.db.BeginTx(b.ctx, nil); err != nil {
				return err
			}
		}
		var q strings.Builder
		q.WriteString(b.prefix)
		for r := 0; r < b.rows; r++ {
			if r > 0 {
				q.WriteString(", ")
			}
			q.WriteByte('(')
			for c := 0; c < b.cols; c++ {
				if c > 0 {
					q.WriteString(", ")
				}
				fmt.Fprintf(&q, "$%d", r*b.cols+c+1)
			}
			q.WriteByte(')')
		}
		if _, err := b.tx.ExecContext(b.ctx, q.String(), b.args...); err != nil {
			b.tx.Rollback()
			return err
		}
		b.inTx += b.rows
		b.args, b.rows = b.args[:0], 0
	}
	if b.tx != nil && (commit || b.inTx >= 100000) {
		err := b.tx.Commit()
		b.tx, b.inTx = nil, 0
		return err
	}
	return nil
}

// SeedSearch bulk-inserts customers (with contacts), conversations spread
// over queueIDs and their messages straight into a migrated, empty
// database, bypassing the API: five messages a conversation over a year,
// text from textGen. IDs are given explicitly so rows can be written
// without reading anything back. Customers go through the driver (their
// search terms are computed in Go); conversations and messages are
// written by the database (seedRowsSQL).
func SeedSearch(ctx context.Context, db *sql.DB, dialect string, cfg SeedConfig, queueIDs []int64, progress io.Writer) (*SeedInfo, error) {
	start := time.Now()
	g := newTextGen(cfg.Seed)
	info := &SeedInfo{Rare: g.rare[:200]}
	t0 := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	span := 365 * 24 * time.Hour

	btx := &bulkTx{ctx: ctx, db: db, params: 400}
	if dialect == "postgres" {
		btx.params = 12000
	}
	cust := btx.newBulk("customers", "id", "name", "sort_name", "contacts", "search_terms", "created_at", "updated_at", "last_activity_at")
	cont := btx.newBulk("contacts", "channel", "address", "customer_id", "position")
	cont.parent = cust
	phones := make([]string, cfg.Customers+1)
	for i := 1; i <= cfg.Customers; i++ {
		name := ""
		if i%5 != 0 {
			name = g.name()
		}
		contacts := []desk.Contact{{Channel: desk.ChannelSMS, Address: g.phone(i)}}
		if i%2 == 0 && name != "" {
			contacts = append(contacts, desk.Contact{Channel: desk.ChannelEmail, Address: g.email(name, i)})
		}
		phones[i] = contacts[0].Address
		if i%997 == 0 {
			info.Phones = append(info.Phones, contacts[0].Address)
			if name != "" {
				info.Names = append(info.Names, name)
			}
		}
		at := t0.Add(time.Duration(i) * span / time.Duration(cfg.Customers)).UnixMicro()
		sortName := strings.ToLower(name)
		if sortName == "" {
			sortName = contacts[0].Address
		}
		cjson := `[` + strings.Join(func() []string {
			var out []string
			for _, c := range contacts {
				out = append(out, fmt.Sprintf(`{"channel":%q,"address":%q}`, c.Channel, c.Address))
			}
			return out
		}(), ",") + `]`
		if err := cust.add(i, name, sortName, cjson, search.CustomerTerms(name, contacts), at, at, at); err != nil {
			return nil, fmt.Errorf("customers: %w", err)
		}
		for p, c := range contacts {
			if err := cont.add(c.Channel, c.Address, i, p); err != nil {
				return nil, fmt.Errorf("contacts: %w", err)
			}
		}
	}
	if err := cust.flush(true); err != nil {
		return nil, err
	}
	if err := cont.flush(true); err != nil {
		return nil, err
	}
	fmt.Fprintf(progress, "seeded %d customers in %s\n", cfg.Customers, time.Since(start).Round(time.Millisecond))

	if err := seedRowsSQL(ctx, db, dialect, cfg, g, queueIDs, start, progress); err != nil {
		return nil, err
	}
	info.Elapsed = time.Since(start)
	return info, nil
}

// loadSeedInfo reads back from a seeded database what the queries need
// (the same customers SeedSearch samples), for runs that reuse it.
func loadSeedInfo(ctx context.Context, db *sql.DB) (*SeedInfo, error) {
	info := &SeedInfo{Rare: newTextGen(7).rare[:200]}
	rows, err := db.QueryContext(ctx, `SELECT cu.name, ct.address FROM customers cu JOIN contacts ct ON ct.customer_id = cu.id
		WHERE cu.id % 997 = 0 AND ct.channel = 'sms' ORDER BY cu.id`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var name, phone string
		if err := rows.Scan(&name, &phone); err != nil {
			return nil, err
		}
		info.Phones = append(info.Phones, phone)
		if name != "" {
			info.Names = append(info.Names, name)
		}
	}
	if len(info.Phones) == 0 {
		return nil, fmt.Errorf("--reuse: the database holds no seeded customers")
	}
	return info, rows.Err()
}
