package sqlstore

import (
	"encoding/base64"
	"encoding/json"
	"strings"

	"github.com/switchboard-cc/switchboard/internal/desk"
)

// cursor is the keyset position of a list page: the sort key of the last
// row (a number or a string) and its ID.
type cursor struct {
	Key any   `json:"k,omitempty"`
	ID  int64 `json:"i"`
	// N counts the rows of earlier pages, for lists capped in total.
	N int `json:"n,omitempty"`
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
