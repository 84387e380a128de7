package application

import (
	"fmt"
	"time"
)

// Date is a calendar day in UTC, counted in days since 1970-01-01. The
// documented format writes it as "YYYY-MM-DD". Deadlines are whole days: a
// deadline is met until the end of its day, so day arithmetic is all the
// program needs.
type Date int32

// dateLayout is the documented text form of a Date.
const dateLayout = "2006-01-02"

// ParseDate reads a "YYYY-MM-DD" calendar date, rejecting days that do not
// exist (2027-02-30).
func ParseDate(s string) (Date, error) {
	t, err := time.Parse(dateLayout, s)
	if err != nil {
		return 0, fmt.Errorf("%q is not a calendar date in the form YYYY-MM-DD", s)
	}
	return DateOf(t), nil
}

// MustParseDate is ParseDate for a date written in code, such as a test
// case: it panics if the date is malformed.
func MustParseDate(s string) Date {
	d, err := ParseDate(s)
	if err != nil {
		panic(err)
	}
	return d
}

// DateOf returns the UTC calendar day that contains t.
func DateOf(t time.Time) Date {
	t = t.UTC()
	day := time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
	return Date(day.Unix() / 86400)
}

// Time returns the start of the day, in UTC.
func (d Date) Time() time.Time {
	return time.Unix(int64(d)*86400, 0).UTC()
}

// AddDays returns the day n calendar days after d (before, if n < 0).
func (d Date) AddDays(n int) Date { return d + Date(n) }

// DaysUntil returns how many calendar days lie from d to other; negative
// when other is earlier.
func (d Date) DaysUntil(other Date) int { return int(other - d) }

// DaysLeft says in words how far a due date lies, n days from today:
// "3 days left", "1 day left", "due today", "2 days overdue". Every text
// a person reads about a due date says it so.
func DaysLeft(n int) string {
	switch {
	case n == 0:
		return "due today"
	case n == 1:
		return "1 day left"
	case n == -1:
		return "1 day overdue"
	case n < 0:
		return fmt.Sprintf("%d days overdue", -n)
	}
	return fmt.Sprintf("%d days left", n)
}

// String formats the day as "YYYY-MM-DD".
func (d Date) String() string { return d.Time().Format(dateLayout) }

// MarshalText implements encoding.TextMarshaler.
func (d Date) MarshalText() ([]byte, error) { return []byte(d.String()), nil }

// UnmarshalText implements encoding.TextUnmarshaler.
func (d *Date) UnmarshalText(b []byte) error {
	v, err := ParseDate(string(b))
	if err != nil {
		return err
	}
	*d = v
	return nil
}
