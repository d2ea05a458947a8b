package sqlstore

import (
	"strconv"
	"strings"
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

// arg adds a to the arguments and returns its placeholder, for a
// condition written apart from the WHERE clause.
func (w *where) arg(a any) string {
	w.args = append(w.args, a)
	return "$" + strconv.Itoa(len(w.args))
}

func (w *where) sql() string {
	if len(w.conds) == 0 {
		return ""
	}
	return " WHERE " + strings.Join(w.conds, " AND ")
}

func itoa(n int) string { return strconv.Itoa(n) }
