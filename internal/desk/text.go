package desk

import (
	"reflect"
	"strings"
	"unicode/utf8"
)

// Text rule (issue 19), the same on every store: text entering Switchboard
// — API bodies, query strings, webhook and email payloads — has NUL and the
// other C0 control characters (except tab, line feed and carriage return)
// and DEL removed, and invalid UTF-8 replaced by U+FFFD. Stripping, not
// refusing, is chosen so a provider's signed payload carrying one (which
// cannot be fixed by the sender and would be retried for ever) is stored;
// PostgreSQL cannot hold NUL in text at all, SQLite could, so without the
// rule the two stores would differ.

// isStripped reports a character the text rule removes.
func isStripped(r rune) bool {
	return (r < 0x20 && r != '\t' && r != '\n' && r != '\r') || r == 0x7f
}

// CleanText applies the text rule to s; it returns s itself when there is
// nothing to change.
func CleanText(s string) string {
	clean := true
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c == 0x7f || c >= utf8.RuneSelf {
			clean = false
			break
		}
	}
	if clean {
		return s
	}
	if utf8.ValidString(s) && strings.IndexFunc(s, isStripped) < 0 {
		return s
	}
	s = strings.ToValidUTF8(s, "\uFFFD")
	return strings.Map(func(r rune) rune {
		if isStripped(r) {
			return -1
		}
		return r
	}, s)
}

// CleanStrings applies the text rule to every string reachable from v (a
// pointer): struct fields, slices, arrays, maps and pointers, in place.
func CleanStrings(v any) {
	cleanValue(reflect.ValueOf(v), 0)
}

func cleanValue(v reflect.Value, depth int) {
	if depth > 32 || !v.IsValid() {
		return
	}
	switch v.Kind() {
	case reflect.Pointer, reflect.Interface:
		if !v.IsNil() {
			if v.Kind() == reflect.Interface {
				// Values inside interfaces are not addressable: rebuild.
				e := v.Elem()
				if e.Kind() == reflect.String && v.CanSet() {
					v.Set(reflect.ValueOf(CleanText(e.String())).Convert(e.Type()))
					return
				}
				if e.Kind() == reflect.Map || e.Kind() == reflect.Slice || e.Kind() == reflect.Pointer {
					cleanValue(e, depth+1)
				}
				return
			}
			cleanValue(v.Elem(), depth+1)
		}
	case reflect.String:
		if v.CanSet() {
			if s := v.String(); CleanText(s) != s {
				v.SetString(CleanText(s))
			}
		}
	case reflect.Struct:
		for i := 0; i < v.NumField(); i++ {
			if v.Type().Field(i).IsExported() {
				cleanValue(v.Field(i), depth+1)
			}
		}
	case reflect.Slice, reflect.Array:
		if v.Kind() == reflect.Slice && v.Type().Elem().Kind() == reflect.Uint8 {
			return // bytes are not text
		}
		for i := 0; i < v.Len(); i++ {
			cleanValue(v.Index(i), depth+1)
		}
	case reflect.Map:
		if v.IsNil() {
			return
		}
		iter := v.MapRange()
		type kv struct{ k, v reflect.Value }
		var changed []kv
		for iter.Next() {
			k, val := iter.Key(), iter.Value()
			nk, nv := k, val
			if k.Kind() == reflect.String && CleanText(k.String()) != k.String() {
				nk = reflect.ValueOf(CleanText(k.String())).Convert(k.Type())
			}
			// Map values are not addressable: clean a copy.
			cp := reflect.New(val.Type()).Elem()
			cp.Set(val)
			cleanValue(cp, depth+1)
			nv = cp
			changed = append(changed, kv{k, reflect.Value{}}, kv{nk, nv})
		}
		for i := 0; i < len(changed); i += 2 {
			v.SetMapIndex(changed[i].k, reflect.Value{})
			v.SetMapIndex(changed[i+1].k, changed[i+1].v)
		}
	}
}
