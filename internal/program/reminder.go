package program

import "github.com/connectbot/connectbot/internal/application"

// DaysLeft is, for a reminder, how many days before Due it goes out: its
// reminder day, less the days it is late.
func (a Action) DaysLeft() int { return a.DaysBefore - a.DaysLate }

// InDays says when Due comes, seen from the day a reminder goes out: "in
// 7 days", "in 1 day", or "today" for a reminder caught up on the due
// date itself.
func (a Action) InDays() string { return inDays(a.DaysLeft()) }

func inDays(n int) string {
	if n == 0 {
		return "today"
	}
	return "in " + application.Plural(n, "day")
}

// reminderDue returns the reminder due daysLeft days before an unmet
// deadline whose clock runs clockLength days: the reminder day it is, and
// how many days late. It is the latest reminder day on or before today
// within cfg.ReminderCatchUpDays, so a day a run missed is caught up by a
// later run, and never two reminders at once: a later reminder day
// replaces an earlier one. A reminder day longer than the clock would
// come before the clock started (before acceptance or publication), and
// none comes once the deadline has passed.
func reminderDue(daysLeft, clockLength int, cfg application.Config) (before, late int, ok bool) {
	if daysLeft < 0 {
		return 0, 0, false
	}
	for _, r := range cfg.ReminderDays {
		if r < daysLeft || r-daysLeft > cfg.ReminderCatchUpDays || r > clockLength {
			continue
		}
		if !ok || r < before {
			before, ok = r, true
		}
	}
	return before, before - daysLeft, ok
}
