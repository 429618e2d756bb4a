package caseconf

import (
	"fmt"
	"time"

	"go.yaml.in/yaml/v3"
)

// Date is a calendar day without a zone ("2025-01-29"); it is placed in the case zone when
// compared with instants.
type Date struct{ Y, M, D int }

// ParseDate reads YYYY-MM-DD (also YYYY/MM/DD).
func ParseDate(s string) (Date, error) {
	for _, layout := range []string{"2006-01-02", "2006/01/02", "2006-1-2", "2006/1/2", "2006.01.02", "2006年1月2日"} {
		if t, err := time.Parse(layout, s); err == nil {
			return Date{t.Year(), int(t.Month()), t.Day()}, nil
		}
	}
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return Date{t.Year(), int(t.Month()), t.Day()}, nil
	}
	return Date{}, fmt.Errorf("date %q: write it as YYYY-MM-DD", s)
}

// DateOf is the calendar day of t in loc.
func DateOf(t time.Time, loc *time.Location) Date {
	t = t.In(loc)
	return Date{t.Year(), int(t.Month()), t.Day()}
}

func (d Date) IsZero() bool { return d == Date{} }

func (d Date) String() string {
	if d.IsZero() {
		return ""
	}
	return fmt.Sprintf("%04d-%02d-%02d", d.Y, d.M, d.D)
}

// Start is midnight at the start of the day in loc.
func (d Date) Start(loc *time.Location) time.Time {
	return time.Date(d.Y, time.Month(d.M), d.D, 0, 0, 0, 0, loc)
}

// Before and After compare calendar days.
func (d Date) Before(o Date) bool { return d.key() < o.key() }
func (d Date) After(o Date) bool  { return d.key() > o.key() }
func (d Date) key() int           { return d.Y*10000 + d.M*100 + d.D }

// AddDays moves by n days.
func (d Date) AddDays(n int) Date {
	t := time.Date(d.Y, time.Month(d.M), d.D+n, 12, 0, 0, 0, time.UTC)
	return Date{t.Year(), int(t.Month()), t.Day()}
}

// AddMonthsClamped moves by n months keeping the day, or the last day of a shorter month.
func (d Date) AddMonthsClamped(n int) Date {
	first := time.Date(d.Y, time.Month(d.M)+time.Month(n), 1, 12, 0, 0, 0, time.UTC)
	last := first.AddDate(0, 1, -1).Day()
	day := d.D
	if day > last {
		day = last
	}
	return Date{first.Year(), int(first.Month()), day}
}

// UnmarshalYAML accepts unquoted and quoted dates.
func (d *Date) UnmarshalYAML(n *yaml.Node) error {
	if n.Value == "" || n.Tag == "!!null" {
		*d = Date{}
		return nil
	}
	v, err := ParseDate(n.Value)
	if err != nil {
		return fmt.Errorf("line %d: %w", n.Line, err)
	}
	*d = v
	return nil
}

func (d Date) MarshalYAML() (any, error) { return d.String(), nil }

func (d Date) MarshalText() ([]byte, error) { return []byte(d.String()), nil }

func (d *Date) UnmarshalText(b []byte) error {
	if len(b) == 0 {
		*d = Date{}
		return nil
	}
	v, err := ParseDate(string(b))
	if err != nil {
		return err
	}
	*d = v
	return nil
}
