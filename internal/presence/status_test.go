package presence

import (
	"testing"

	"github.com/switchboard-cc/switchboard/internal/desk"
)

func TestSetStatus(t *testing.T) {
	for _, c := range []struct {
		status string
		want   StatusChange
		code   string
	}{
		{desk.StatusAvailable, StatusChange{Activity: true}, ""},
		{desk.StatusOffline, StatusChange{ReturnWork: true}, ""},
		{desk.StatusBusy, StatusChange{}, ""},
		{desk.StatusAway, StatusChange{}, ""},
		{"lunch", StatusChange{}, ""}, // a custom status: the store checks it exists
	} {
		check(t, c.status, c.want, c.code)
	}
	for _, s := range desk.AutomaticStatuses() {
		check(t, s, StatusChange{}, "automatic_status")
	}
}

func check(t *testing.T, status string, want StatusChange, code string) {
	t.Helper()
	{
		c := struct {
			status string
			want   StatusChange
			code   string
		}{status, want, code}
		got, err := SetStatus(c.status)
		if desk.ErrorCode(err) != c.code && !(c.code == "" && err == nil) {
			t.Errorf("%s: error %v, want code %q", c.status, err, c.code)
		}
		if got != c.want {
			t.Errorf("%s: %+v, want %+v", c.status, got, c.want)
		}
	}
}
