package desk

import (
	"bytes"
	"strconv"
)

// ID identifies a stored record. It is an integer in the database and a
// decimal string on the wire (API convention: IDs are strings).
type ID int64

// String returns the decimal form of id.
func (id ID) String() string { return strconv.FormatInt(int64(id), 10) }

// MarshalJSON encodes id as a JSON string.
func (id ID) MarshalJSON() ([]byte, error) {
	return strconv.AppendQuote(nil, id.String()), nil
}

// UnmarshalJSON accepts a JSON string holding a positive decimal integer.
func (id *ID) UnmarshalJSON(b []byte) error {
	if bytes.Equal(b, []byte("null")) {
		return nil
	}
	s, err := strconv.Unquote(string(b))
	if err != nil {
		return Errorf(EINVALID, "an ID must be a string")
	}
	v, err := ParseID(s)
	if err != nil {
		return err
	}
	*id = v
	return nil
}

// ParseID parses a decimal ID; anything else is ENOTFOUND, since a
// malformed ID can name no record.
func ParseID(s string) (ID, error) {
	v, err := strconv.ParseInt(s, 10, 64)
	if err != nil || v <= 0 {
		return 0, Errorf(ENOTFOUND, "no record has the ID %q", s)
	}
	return ID(v), nil
}

// EachIDPage pages through IDs in ascending order: find returns up to n
// IDs after the given one, do handles each page, until a page is empty
// or either fails (the backfills of SLA status and report facts).
func EachIDPage(n int, find func(after ID, n int) ([]ID, error), do func(ids []ID) error) error {
	var after ID
	for {
		ids, err := find(after, n)
		if err != nil || len(ids) == 0 {
			return err
		}
		if err := do(ids); err != nil {
			return err
		}
		after = ids[len(ids)-1]
	}
}
