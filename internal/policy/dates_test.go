package policy_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/connectbot/connectbot/internal/application"
)

// TestRecordedDays checks that a day a clock runs from is refused when it
// lies after the day judged, under the rule of the event it records,
// while the launch date, planned ahead, the removal and the history rows
// are not.
func TestRecordedDays(t *testing.T) {
	tests := []checkCase{
		{name: "acceptance recorded today passes",
			mutate: func(a *application.Application) {
				a.Program.AcceptedAt = dayPtr(defaultNow)
				a.Program.ListingPublishedAt = dayPtr(defaultNow)
				a.Program.History[1].Date = day(defaultNow)
			}},
		{name: "acceptance in the year 9999 is refused, the listing's publication too as it comes before it",
			mutate: func(a *application.Application) {
				a.Program.AcceptedAt = dayPtr("9999-12-20")
				a.Program.History = a.Program.History[:1]
			},
			want: []result{failing("connect/beta-1", "program.acceptedAt"),
				failing("connect/beta-5", "program.listingPublishedAt")}},
		{name: "acceptance tomorrow is refused",
			mutate: func(a *application.Application) {
				a.Program.AcceptedAt = dayPtr("2026-01-16")
				a.Program.ListingPublishedAt = dayPtr("2026-01-16")
				a.Program.History[1].Date = day("2026-01-16")
			},
			want: []result{failing("connect/beta-1", "program.acceptedAt"),
				failing("connect/beta-5", "program.listingPublishedAt")}},
		{name: "a listing published in 2062 for 2026 is refused",
			mutate: func(a *application.Application) { a.Program.ListingPublishedAt = dayPtr("2062-01-10") },
			want:   []result{failing("connect/beta-5", "program.listingPublishedAt")}},
		{name: "an approval dated after today is refused",
			mutate: func(a *application.Application) { toApproved(a); a.Program.ApprovedAt = dayPtr("2026-02-01") },
			want:   []result{failing("connect/cert-4", "program.approvedAt")}},
		{name: "a launch date after today, planned ahead, passes",
			mutate: func(a *application.Application) { toApproved(a); a.Program.LaunchDate = dayPtr("2026-06-01") }},
		{name: "a removal dated after today, as a tick run with --now ahead records it, starts no clock and passes",
			mutate: func(a *application.Application) { toRemoved(a); a.Program.Removed.At = day("2026-02-01") }},
		{name: "a history row dated after today starts no clock and passes",
			mutate: func(a *application.Application) {
				a.Program.History = append(a.Program.History,
					application.HistoryRow{Date: day("2026-12-01"), Stage: application.StagePartner, By: "rivera-reviews"})
			}},
		{name: "an acceptance a day later than its history row is flagged",
			mutate: func(a *application.Application) { a.Program.AcceptedAt = dayPtr("2026-01-02") },
			want:   []result{warning("connect/beta-1", "program.acceptedAt")}},
		{name: "an acceptance straight into certification dated as its history row passes",
			mutate: func(a *application.Application) {
				toCertification(a)
				a.Program.History[1].Stage = application.StageCertification
			}},
		{name: "a history row entering certification after a beta row is not the acceptance",
			mutate: func(a *application.Application) {
				toCertification(a)
				a.Program.History = append(a.Program.History,
					application.HistoryRow{Date: day("2026-01-12"), Stage: application.StageCertification, By: "rivera-reviews"})
			}},
		{name: "an acceptance without a history row is not compared",
			mutate: func(a *application.Application) { a.Program.History = nil }},
		{name: "the same file judged on a later day passes",
			now:    "2027-01-01",
			mutate: func(a *application.Application) { a.Program.ListingPublishedAt = dayPtr("2026-12-01") }},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			want := append([]result(nil), tc.want...)
			sortResults(want)
			got := results(tc.run())
			if diff := cmp.Diff(want, got, cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("findings mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

// TestRecordedDayMessage checks that the finding names the day written
// and today's (its path names the field).
func TestRecordedDayMessage(t *testing.T) {
	checkMessages(t, []messageCase{{
		in: checkCase{name: "an acceptance in the year 9999 names its day and today's",
			mutate: func(a *application.Application) {
				a.Program.AcceptedAt = dayPtr("9999-12-20")
				a.Program.ListingPublishedAt = nil
				a.Program.History = nil
			}},
		want: []string{"9999-12-20 is after today (2026-01-15, UTC): the field records a day that has passed; write the day it happened"},
	}, {
		in: checkCase{name: "an acceptance its history row dates otherwise names both days and the row",
			mutate: func(a *application.Application) { a.Program.AcceptedAt = dayPtr("2026-01-02") }},
		want: []string{"acceptedAt is 2026-01-02 but the history row entering beta (history[1]) is dated 2026-01-01: both record the acceptance, and the clocks run from acceptedAt; make them the same day"},
	}})
}
