package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"sort"
	"strings"

	"github.com/switchboard-cc/switchboard/internal/desk"
	"github.com/switchboard-cc/switchboard/internal/merge"
	"github.com/switchboard-cc/switchboard/internal/phone"
)

// identityMigration names the re-keying of phone contacts (issue 16) in
// schema_migrations. It runs in Go, after the SQL migrations, because the
// keys come from libphonenumber (package phone).
const identityMigration = "100_identity_rekey.go"

// qOneOngoing is the store's guard of C4: one ongoing (not closed)
// conversation per contact and sender, whatever path writes it.
const qOneOngoing = `CREATE UNIQUE INDEX IF NOT EXISTS conversations_one_ongoing
	ON conversations (channel, contact_address, sender_address) WHERE status <> 'closed' AND contact_address <> ''`

// errMigrated: another node recorded the migration first.
var errMigrated = errors.New("identity migration done elsewhere")

// migrateIdentity re-keys existing data once, in one transaction: every
// phone contact and conversation address takes its phone key; customers
// whose contacts turn out to be one number are united (mergeCustomersTx:
// contacts, conversations, tags and attributes, agent-set fields kept,
// a customer_merged event on the moved conversations); ongoing
// conversations that turn out to share a contact and sender are merged
// by C8's rules, the newest surviving. Then the one-ongoing index is made.
func (s *Conversations) migrateIdentity(ctx context.Context) error {
	var n int
	if err := s.w.QueryRowContext(ctx, `SELECT count(*) FROM schema_migrations WHERE name = $1`, identityMigration).Scan(&n); err != nil {
		return err
	} else if n > 0 {
		return nil
	}
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO schema_migrations (name) VALUES ($1)`, identityMigration); err != nil {
			if s.dialect.IsUniqueViolation(err) {
				return errMigrated
			}
			return err
		}
		if err := s.rekeySendersTx(ctx, tx); err != nil {
			return err
		}
		if err := s.uniteCustomersTx(ctx, tx, migrationKey); err != nil {
			return err
		}
		if err := s.rekeyConversationsTx(ctx, tx, migrationKey); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, qOneOngoing)
		return err
	})
	if errors.Is(err, errMigrated) {
		return nil
	}
	return err
}

// migrationKey is the key of a stored address on channel, as the server
// keys it with no country known; an address that is not a number stays.
func migrationKey(channel, address string) string {
	if k, err := phone.Address("address", channel, address, phone.ForChannel(channel, "", "")); err == nil {
		return k
	}
	return address
}

// uniteCustomersTx re-keys contacts and unites the customers that share a
// keyed contact, into the oldest of them.
func (s *Conversations) uniteCustomersTx(ctx context.Context, tx *sql.Tx, migrationKey func(channel, address string) string) error {
	rows, err := tx.QueryContext(ctx, `SELECT channel, address, customer_id FROM contacts ORDER BY customer_id, position, address`)
	if err != nil {
		return err
	}
	type contact struct {
		channel, address, key string
		customer              desk.ID
	}
	var all []contact
	for rows.Next() {
		var c contact
		if err := rows.Scan(&c.channel, &c.address, &c.customer); err != nil {
			rows.Close()
			return err
		}
		c.key = migrationKey(c.channel, c.address)
		all = append(all, c)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	// Union-find over customers sharing a (channel, key): the root is the
	// oldest (smallest ID).
	parent := map[desk.ID]desk.ID{}
	var find func(desk.ID) desk.ID
	find = func(id desk.ID) desk.ID {
		p, ok := parent[id]
		if !ok || p == id {
			return id
		}
		r := find(p)
		parent[id] = r
		return r
	}
	owner := map[[2]string]desk.ID{}
	changed := map[desk.ID]bool{}
	for _, c := range all {
		if c.key != c.address {
			changed[c.customer] = true
		}
		k := [2]string{c.channel, c.key}
		o, ok := owner[k]
		if !ok {
			owner[k] = c.customer
			continue
		}
		a, b := find(o), find(c.customer)
		if a == b {
			continue
		}
		if b < a {
			a, b = b, a
		}
		parent[b] = a
	}
	var gone []desk.ID
	for id := range parent {
		if find(id) != id {
			gone = append(gone, id)
		}
	}
	sort.Slice(gone, func(i, j int) bool { return gone[i] < gone[j] })
	for _, id := range gone {
		keep := find(id)
		if _, err := s.mergeCustomersTx(ctx, tx, desk.SystemActor, keep, id, "identity"); err != nil {
			return err
		}
		delete(changed, id)
		// mergeCustomersTx keyed the united contacts without a country:
		// key them again with this pass's key.
		changed[keep] = true
	}
	ids := make([]desk.ID, 0, len(changed))
	for id := range changed {
		ids = append(ids, id)
	}
	sort.Slice(ids, func(i, j int) bool { return ids[i] < ids[j] })
	for _, id := range ids {
		cu, err := scanCustomer(tx.QueryRowContext(ctx, `SELECT `+customerColumns+` FROM customers WHERE id = $1`, int64(id)))
		if err != nil {
			return err
		}
		for i := range cu.Contacts {
			cu.Contacts[i].Address = migrationKey(cu.Contacts[i].Channel, cu.Contacts[i].Address)
		}
		cu.Contacts = merge.UniqueContacts(cu.Contacts)
		if err := s.writeCustomerPartsTx(ctx, tx, cu); err != nil {
			return err
		}
	}
	return nil
}

// rekeyConversationsTx keys the contact address of every conversation on a
// phone-like channel, merging the ongoing ones that turn out to share a
// contact and sender (and any that did already) by C8's rules.
func (s *Conversations) rekeyConversationsTx(ctx context.Context, tx *sql.Tx, migrationKey func(channel, address string) string) error {
	rows, err := tx.QueryContext(ctx, `SELECT DISTINCT channel, contact_address, sender_address FROM conversations WHERE contact_address <> ''`)
	if err != nil {
		return err
	}
	type addr struct{ channel, address, sender, key, senderKey string }
	var rekey []addr
	for rows.Next() {
		var a addr
		if err := rows.Scan(&a.channel, &a.address, &a.sender); err != nil {
			rows.Close()
			return err
		}
		a.key, a.senderKey = migrationKey(a.channel, a.address), senderKey(a.channel, a.sender)
		if a.key != a.address || a.senderKey != a.sender {
			rekey = append(rekey, a)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	// The ongoing conversations, grouped by what they will be keyed as.
	crows, err := tx.QueryContext(ctx, conversationSelect+conversationFrom+` WHERE c.status <> 'closed' AND c.contact_address <> '' ORDER BY c.id`)
	if err != nil {
		return err
	}
	groups := map[[3]string][]*desk.Conversation{}
	var order [][3]string
	for crows.Next() {
		c, err := scanConversation(crows)
		if err != nil {
			crows.Close()
			return err
		}
		k := [3]string{c.Channel, migrationKey(c.Channel, c.ContactAddress), senderKey(c.Channel, c.SenderAddress)}
		if groups[k] == nil {
			order = append(order, k)
		}
		groups[k] = append(groups[k], c)
	}
	crows.Close()
	if err := crows.Err(); err != nil {
		return err
	}
	for _, k := range order {
		g := groups[k]
		// The newest survives; each older one is merged into it in turn.
		cur := g[len(g)-1]
		for _, other := range g[:len(g)-1] {
			if err := s.writeConversationMergeTx(ctx, tx, desk.SystemActor, merge.PlanConversations(cur, other)); err != nil {
				return err
			}
			// Read again: the next merge unites tags with these.
			if cur, err = scanConversation(tx.QueryRowContext(ctx, conversationSelect+conversationFrom+` WHERE c.id = $1`, int64(cur.ID))); err != nil {
				return err
			}
		}
	}
	for _, a := range rekey {
		if _, err := tx.ExecContext(ctx, `UPDATE conversations SET contact_address = $1, sender_address = $2
			WHERE channel = $3 AND contact_address = $4 AND sender_address = $5`,
			a.key, a.senderKey, a.channel, a.address, a.sender); err != nil {
			return err
		}
	}
	return nil
}

// senderKey is our own address on a channel as the store now keys it.
func senderKey(channel, address string) string {
	return phone.Sender(channel, address, phone.ForChannel(channel, "", ""))
}

// rekeySendersTx keys the channels' own numbers and the queues' default
// senders, as CreateChannel and UpdateQueue now do.
func (s *Conversations) rekeySendersTx(ctx context.Context, tx *sql.Tx) error {
	rows, err := tx.QueryContext(ctx, `SELECT id, kind, sender FROM channels`)
	if err != nil {
		return err
	}
	type channel struct {
		id                desk.ID
		kind, sender, key string
	}
	var chs []channel
	for rows.Next() {
		var c channel
		if err := rows.Scan(&c.id, &c.kind, &c.sender); err != nil {
			rows.Close()
			return err
		}
		if c.key = senderKey(c.kind, c.sender); c.key != c.sender {
			chs = append(chs, c)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	for _, c := range chs {
		if _, err := tx.ExecContext(ctx, `UPDATE channels SET sender = $1 WHERE id = $2`, c.key, int64(c.id)); err != nil {
			return err
		}
	}
	qrows, err := tx.QueryContext(ctx, `SELECT id, default_senders FROM queues`)
	if err != nil {
		return err
	}
	type queue struct {
		id      desk.ID
		senders string
	}
	var qs []queue
	for qrows.Next() {
		var q queue
		if err := qrows.Scan(&q.id, &q.senders); err != nil {
			qrows.Close()
			return err
		}
		qs = append(qs, q)
	}
	qrows.Close()
	if err := qrows.Err(); err != nil {
		return err
	}
	for _, q := range qs {
		m := map[string]string{}
		if err := scanJSON(q.senders, &m); err != nil {
			return err
		}
		changed := false
		for ch, addr := range m {
			if k := senderKey(ch, addr); k != addr {
				m[ch], changed = k, true
			}
		}
		if changed {
			if _, err := tx.ExecContext(ctx, `UPDATE queues SET default_senders = $1 WHERE id = $2`, mustJSON(m), int64(q.id)); err != nil {
				return err
			}
		}
	}
	return nil
}

// RekeyRegion keys once more, with the server's --phone-region, the
// national numbers stored as bare digits before a country was known to
// the store (People contacts typed as "(202) 555-0188" were kept as
// "2025550188" while a typed To became "+12025550188"): customers that
// turn out to share a number are united and ongoing conversations merged,
// as by the identity migration. It runs once per region (recorded in
// schema_migrations); an empty region does nothing.
func (s *Conversations) RekeyRegion(ctx context.Context, region string) error {
	if region == "" {
		return nil
	}
	name := "100_identity_rekey_" + strings.ToUpper(region) + ".go"
	var n int
	if err := s.w.QueryRowContext(ctx, `SELECT count(*) FROM schema_migrations WHERE name = $1`, name).Scan(&n); err != nil {
		return err
	} else if n > 0 {
		return nil
	}
	key := func(channel, address string) string {
		if k, err := phone.Address("address", channel, address, phone.ForChannel(channel, "", region)); err == nil {
			return k
		}
		return address
	}
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO schema_migrations (name) VALUES ($1)`, name); err != nil {
			if s.dialect.IsUniqueViolation(err) {
				return errMigrated
			}
			return err
		}
		if err := s.uniteCustomersTx(ctx, tx, key); err != nil {
			return err
		}
		return s.rekeyConversationsTx(ctx, tx, key)
	})
	if errors.Is(err, errMigrated) {
		return nil
	}
	return err
}

// MigrateIdentity runs the identity migration if schema_migrations does
// not record it: at open, and in the conformance test that seeds split
// customers into a store and forgets the migration first.
func (s *Conversations) MigrateIdentity(ctx context.Context) error { return s.migrateIdentity(ctx) }
