package migratestore

import (
	"fmt"
	"math"
	"strconv"
	"time"
)

// toPG converts a SQLite value to what the PostgreSQL column of type typ
// takes: SQLite keeps booleans as integers and may hand text as bytes.
func toPG(v any, typ string) (any, error) {
	if v == nil {
		return nil, nil
	}
	switch typ {
	case "boolean":
		switch x := v.(type) {
		case int64:
			return x != 0, nil
		case bool:
			return x, nil
		}
	case "bigint", "integer", "smallint":
		switch x := v.(type) {
		case int64:
			return x, nil
		case float64:
			if x == math.Trunc(x) {
				return int64(x), nil
			}
		}
	case "double precision", "real", "numeric":
		switch x := v.(type) {
		case float64:
			return x, nil
		case int64:
			return float64(x), nil
		}
	case "bytea":
		switch x := v.(type) {
		case []byte:
			return x, nil
		case string:
			return []byte(x), nil
		}
	default: // text and the like
		switch x := v.(type) {
		case string:
			return x, nil
		case []byte:
			return string(x), nil
		case int64:
			return strconv.FormatInt(x, 10), nil
		case float64:
			return strconv.FormatFloat(x, 'g', -1, 64), nil
		case time.Time:
			return x.UTC().Format(time.RFC3339Nano), nil
		}
	}
	return nil, fmt.Errorf("cannot store %T %v in a %s column", v, v, typ)
}

// canon writes a value as the checksum sees it, the same from either
// store once converted: NULL, integers, floats, booleans as 0/1, text.
func canon(b []byte, v any) []byte {
	switch x := v.(type) {
	case nil:
		return append(b, 0xff, 'N')
	case bool:
		if x {
			return append(b, 'i', '1')
		}
		return append(b, 'i', '0')
	case int64:
		return strconv.AppendInt(append(b, 'i'), x, 10)
	case int32:
		return strconv.AppendInt(append(b, 'i'), int64(x), 10)
	case int16:
		return strconv.AppendInt(append(b, 'i'), int64(x), 10)
	case float64:
		return strconv.AppendFloat(append(b, 'f'), x, 'g', -1, 64)
	case float32:
		return strconv.AppendFloat(append(b, 'f'), float64(x), 'g', -1, 64)
	case string:
		b = strconv.AppendInt(append(b, 's'), int64(len(x)), 10)
		return append(append(b, ':'), x...)
	case []byte:
		b = strconv.AppendInt(append(b, 's'), int64(len(x)), 10)
		return append(append(b, ':'), x...)
	}
	return fmt.Appendf(append(b, '?'), "%v", v)
}
