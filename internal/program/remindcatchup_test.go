package program_test

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/connectbot/connectbot/internal/application"
	"github.com/connectbot/connectbot/internal/program"
)

// TestAMissedReminderIsPlannedWithinItsCatchUpDays: a reminder whose day
// passed without a tick is planned on the days after it, within
// reminderCatchUpDays and while its deadline has not passed; only the
// latest reminder of a day is planned, and its evidence counts the days
// that are left on the day it goes out.
func TestAMissedReminderIsPlannedWithinItsCatchUpDays(t *testing.T) {
	// Accepted 2026-01-01: listing information is due 2026-01-31.
	f := acmeListingMissing()
	f.App.Program.AcceptedAt = dayPtr("2026-01-01")
	config := func(catchUp int, days ...int) application.Config {
		cfg := seedConfig()
		cfg.ReminderDays, cfg.ReminderCatchUpDays = days, catchUp
		return cfg
	}
	late := func(a act, days int) act {
		a.DaysLate = days
		return a
	}
	seven := remind("acme", program.DeadlineListingInfo, "2026-01-31", 7)
	six := remind("acme", program.DeadlineListingInfo, "2026-01-31", 6)
	one := remind("acme", program.DeadlineListingInfo, "2026-01-31", 1)
	thirty := remind("acme", program.DeadlineListingInfo, "2026-01-31", 30)
	tests := []struct {
		name     string
		config   application.Config
		now      string
		want     []act
		evidence string
	}{
		{name: "on the reminder day, the reminder", config: config(2, 7, 1), now: "2026-01-24", want: []act{seven}, evidence: "due on 2026-01-31, in 7 days;"},
		{name: "a day after the reminder day, the same reminder, a day late", config: config(2, 7, 1), now: "2026-01-25",
			want: []act{late(seven, 1)}, evidence: "due on 2026-01-31, in 6 days;"},
		{name: "two days after the reminder day, the same reminder, two days late", config: config(2, 7, 1), now: "2026-01-26",
			want: []act{late(seven, 2)}, evidence: "due on 2026-01-31, in 5 days;"},
		{name: "past the catch-up days, nothing", config: config(2, 7, 1), now: "2026-01-27"},
		{name: "no catch-up days, nothing the day after", config: config(0, 7, 1), now: "2026-01-25"},
		{name: "an earlier reminder day the day after another, the earlier one alone", config: config(2, 7, 6, 1), now: "2026-01-25",
			want: []act{six}, evidence: "due on 2026-01-31, in 6 days;"},
		{name: "an earlier reminder day missed too, only it, a day late", config: config(2, 7, 6, 1), now: "2026-01-26",
			want: []act{late(six, 1)}, evidence: "due on 2026-01-31, in 5 days;"},
		{name: "catch-up days reaching the next reminder day, only the next one", config: config(10, 7, 1), now: "2026-01-30",
			want: []act{one}, evidence: "due on 2026-01-31, in 1 day;"},
		{name: "catch-up days reaching the next reminder day, the one before it up to then", config: config(10, 7, 1), now: "2026-01-29",
			want: []act{late(seven, 5)}, evidence: "due on 2026-01-31, in 2 days;"},
		{name: "the last reminder missed, on the due date itself, due today", config: config(2, 7, 1), now: "2026-01-31",
			want: []act{late(one, 1)}, evidence: "due on 2026-01-31, today;"},
		{name: "after the deadline, the removal and no reminder", config: config(2, 7, 1), now: "2026-02-01",
			want: []act{removal("acme", program.ReasonListingOverdue, "2026-01-31")}},
		{name: "a reminder as long as the clock, missed on the day of acceptance, the day after", config: config(2, 30), now: "2026-01-02",
			want: []act{late(thirty, 1)}, evidence: "due on 2026-01-31, in 29 days;"},
		{name: "a reminder longer than the clock, none within its catch-up days either", config: config(2, 31), now: "2026-01-01"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, plan := program.Decide(program.Input{Files: []application.File{f}, Config: tt.config, Now: day(tt.now)})
			if diff := cmp.Diff(tt.want, acts(plan)); diff != "" {
				t.Fatalf("plan (-want +got):\n%s", diff)
			}
			if tt.evidence != "" && !strings.Contains(plan.Actions[0].Evidence, tt.evidence) {
				t.Errorf("evidence %q, want it to say %q", plan.Actions[0].Evidence, tt.evidence)
			}
		})
	}
}
