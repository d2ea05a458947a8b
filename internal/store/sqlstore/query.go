package sqlstore

import (
	"encoding/base64"
	"encoding/json"
	"strconv"
	"strings"

	"github.com/switchboard-cc/switchboard/internal/desk"
)

// where builds a WHERE clause; each condition uses ? for its arguments,
// numbered $n when rendered.
type where struct {
	conds []string
	args  []any
}

func (w *where) add(cond string, args ...any) {
	for _, a := range args {
		w.args = append(w.args, a)
		cond = strings.Replace(cond, "?", "$"+strconv.Itoa(len(w.args)), 1)
	}
	w.conds = append(w.conds, cond)
}

func (w *where) sql() string {
	if len(w.conds) == 0 {
		return ""
	}
	return " WHERE " + strings.Join(w.conds, " AND ")
}

func itoa(n int) string { return strconv.Itoa(n) }

// cursor is the keyset position of a list page: the sort key of the last
// row (a number or a string) and its ID.
type cursor struct {
	Key any   `json:"k,omitempty"`
	ID  int64 `json:"i"`
}

func (c cursor) encode() string {
	b, _ := json.Marshal(c)
	return base64.RawURLEncoding.EncodeToString(b)
}

func (c *cursor) decode(s string) error {
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err == nil {
		d := json.NewDecoder(strings.NewReader(string(b)))
		d.UseNumber()
		err = d.Decode(c)
	}
	if err != nil || c.ID <= 0 {
		return desk.FieldErrorf("cursor", "cursor is not valid")
	}
	if n, ok := c.Key.(json.Number); ok {
		v, err := n.Int64()
		if err != nil {
			return desk.FieldErrorf("cursor", "cursor is not valid")
		}
		c.Key = v
	}
	return nil
}
