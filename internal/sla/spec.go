package sla

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/switchboard-cc/switchboard/internal/desk"
)

// weekdays maps the API's day names to time.Weekday.
var weekdays = map[string]time.Weekday{
	"sun": time.Sunday, "mon": time.Monday, "tue": time.Tuesday, "wed": time.Wednesday,
	"thu": time.Thursday, "fri": time.Friday, "sat": time.Saturday,
}

// Compile checks a stored calendar and turns it into a Calendar. Errors
// are EINVALID naming the field at fault.
func Compile(bc *desk.BusinessCalendar) (*Calendar, error) {
	if bc.TimeZone == "" || bc.TimeZone == "Local" {
		return nil, desk.FieldErrorf("time_zone", "time_zone must be an IANA zone such as Europe/Berlin")
	}
	loc, err := time.LoadLocation(bc.TimeZone)
	if err != nil {
		return nil, desk.FieldErrorf("time_zone", "unknown time zone %q", bc.TimeZone)
	}
	c := &Calendar{Location: loc, Holidays: map[string]bool{}}
	for _, h := range bc.Hours {
		d, ok := weekdays[strings.ToLower(h.Day)]
		if !ok {
			return nil, desk.FieldErrorf("hours", "unknown day %q (mon..sun)", h.Day)
		}
		open, err1 := clockMinutes(h.Open)
		closing, err2 := clockMinutes(h.Close)
		if err1 != nil || err2 != nil {
			return nil, desk.FieldErrorf("hours", "hours are HH:MM, 00:00 to 24:00")
		}
		c.Week[d] = append(c.Week[d], Span{open, closing})
	}
	if err := c.Validate(); err != nil {
		return nil, desk.FieldErrorf("hours", "%s", err.Error())
	}
	for _, day := range bc.Holidays {
		if _, err := time.Parse(time.DateOnly, day); err != nil {
			return nil, desk.FieldErrorf("holidays", "holiday %q is not a date YYYY-MM-DD", day)
		}
		c.Holidays[day] = true
	}
	return c, nil
}

// clockMinutes parses "HH:MM" into minutes after midnight (24:00 = 1440).
func clockMinutes(s string) (int, error) {
	hh, mm, ok := strings.Cut(s, ":")
	if !ok || len(hh) != 2 || len(mm) != 2 {
		return 0, fmt.Errorf("bad time %q", s)
	}
	h, err1 := strconv.Atoi(hh)
	m, err2 := strconv.Atoi(mm)
	if err1 != nil || err2 != nil || h < 0 || m < 0 || m > 59 || h > 24 || (h == 24 && m != 0) {
		return 0, fmt.Errorf("bad time %q", s)
	}
	return h*60 + m, nil
}
