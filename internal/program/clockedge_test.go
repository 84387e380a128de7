package program_test

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/connectbot/connectbot/internal/application"
	"github.com/connectbot/connectbot/internal/program"
)

// TestClockEdges runs the install window and the reminders over the
// calendar's edges and over reminder settings at their limits.
func TestClockEdges(t *testing.T) {
	published := func(on string, installs application.Installs) application.File {
		f := acmePublished(installs)
		f.App.Program.AcceptedAt = dayPtr(on)
		f.App.Program.ListingPublishedAt = dayPtr(on)
		return f
	}
	listingMissing := func(accepted string) application.File {
		f := acmeListingMissing()
		f.App.Program.AcceptedAt = dayPtr(accepted)
		return f
	}
	reminders := func(days ...int) application.Config {
		cfg := seedConfig()
		cfg.ReminderDays = days
		return cfg
	}
	tests := []struct {
		name   string
		file   application.File
		config application.Config
		now    string
		want   []act
	}{
		// Published 2027-12-01: the 90 days end on the leap day 2028-02-29.
		{name: "a window ending on a leap day, nothing on that day", file: published("2027-12-01", recorded(20, "2028-01-15")), now: "2028-02-29"},
		{name: "a window ending on a leap day, removal on 1 March", file: published("2027-12-01", recorded(20, "2028-01-15")), now: "2028-03-01",
			want: []act{removal("acme", program.ReasonInstallWindowLapsed, "2028-02-29")}},
		{name: "a window ending on a leap day, 40 counted on it promote", file: published("2027-12-01", recorded(40, "2028-02-29")), now: "2028-03-01",
			want: []act{promote("acme", "2028-02-29")}},
		{name: "a window ending on a leap day, 40 counted on 1 March are too late", file: published("2027-12-01", recorded(40, "2028-03-01")), now: "2028-03-01",
			want: []act{removal("acme", program.ReasonInstallWindowLapsed, "2028-02-29")}},
		// Published 2026-12-01: the 90 days end on 2027-03-01, February having 28.
		{name: "a window across a February of 28 days, nothing on 1 March", file: published("2026-12-01", recorded(20, "2027-01-15")), now: "2027-03-01"},
		{name: "a window across a February of 28 days, the reminder a day before falls on 28 February", file: published("2026-12-01", recorded(20, "2027-01-15")), now: "2027-02-28",
			want: []act{remind("acme", program.DeadlineInstallWindow, "2027-03-01", 1)}},
		// Published 2026-10-02: the 90 days end on New Year's Eve.
		{name: "a window ending on the year's last day, nothing on that day", file: published("2026-10-02", recorded(20, "2026-11-01")), now: "2026-12-31"},
		{name: "a window ending on the year's last day, removal on New Year's Day", file: published("2026-10-02", recorded(20, "2026-11-01")), now: "2027-01-01",
			want: []act{removal("acme", program.ReasonInstallWindowLapsed, "2026-12-31")}},
		{name: "no reminder days, no reminder a week before", file: listingMissing("2026-01-01"), config: reminders(), now: "2026-01-24"},
		{name: "no reminder days, no reminder the day before", file: listingMissing("2026-01-01"), config: reminders(), now: "2026-01-30"},
		{name: "no reminder days, removal all the same", file: listingMissing("2026-01-01"), config: reminders(), now: "2026-02-01",
			want: []act{removal("acme", program.ReasonListingOverdue, "2026-01-31")}},
		{name: "reminders in any order, one a day", file: listingMissing("2026-01-01"), config: reminders(1, 7), now: "2026-01-24",
			want: []act{remind("acme", program.DeadlineListingInfo, "2026-01-31", 7)}},
		{name: "a reminder as long as the listing clock, on the day of acceptance", file: listingMissing("2026-01-01"), config: reminders(30), now: "2026-01-01",
			want: []act{remind("acme", program.DeadlineListingInfo, "2026-01-31", 30)}},
		{name: "a reminder longer than the listing clock, none before acceptance", file: listingMissing("2026-01-01"), config: reminders(60, 7), now: "2025-12-02"},
		{name: "a reminder longer than the listing clock still reminds of the install window", file: published("2026-03-01", recorded(20, "2026-03-15")), config: reminders(60, 7), now: "2026-03-31",
			want: []act{remind("acme", program.DeadlineInstallWindow, "2026-05-30", 60)}},
		{name: "a reminder longer than the install window, none before publication", file: published("2026-03-01", recorded(20, "2026-02-20")), config: func() application.Config {
			cfg := reminders(60)
			cfg.ListingDueDays, cfg.InstallWindowDays = 90, 30
			return cfg
		}(), now: "2026-01-30"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := tt.config
			if cfg.CertificationInstalls == 0 {
				cfg = seedConfig()
			}
			_, plan := program.Decide(program.Input{Files: []application.File{tt.file}, Config: cfg, Now: day(tt.now)})
			if diff := cmp.Diff(tt.want, acts(plan)); diff != "" {
				t.Errorf("plan (-want +got):\n%s", diff)
			}
		})
	}
}

// TestDatesOutOfOrderStopTheClocks: the policy refuses a launch date before
// approval, or a listing published before acceptance, as program.* errors;
// the engine then decides nothing from the file, not even a launch whose
// date has come.
func TestDatesOutOfOrderStopTheClocks(t *testing.T) {
	launchBeforeApproval := file("acme", application.Application{
		Integration:   application.Integration{AppID: "1234567"},
		Listing:       completeListing(),
		Certification: &application.Certification{DemoVideoURL: "https://video.example/acme", SalesAssets: []string{"https://acme.example/one-pager.pdf"}},
		Program: application.ProgramState{
			Stage: application.StageCertification, Installs: recorded(55, "2026-02-15"),
			AcceptedAt: dayPtr("2026-01-01"), ListingPublishedAt: dayPtr("2026-01-10"),
			ApprovedAt: dayPtr("2026-03-01"), LaunchDate: dayPtr("2026-02-01"),
		},
	})
	launchBeforeApproval.Findings = []application.Finding{{Rule: "connect/cert-6", Severity: application.SeverityError, Path: "program.launchDate",
		Message: "the launch date (2026-02-01) cannot be before approval (2026-03-01)"}}
	publishedBeforeAcceptance := acmePublished(recorded(45, "2026-04-01"))
	publishedBeforeAcceptance.App.Program.ListingPublishedAt = dayPtr("2026-01-15")
	publishedBeforeAcceptance.Findings = []application.Finding{{Rule: "connect/beta-5", Severity: application.SeverityError, Path: "program.listingPublishedAt",
		Message: "the listing cannot be published (2026-01-15) before the application was accepted (2026-02-01)"}}
	for _, f := range []application.File{launchBeforeApproval, publishedBeforeAcceptance} {
		for _, now := range []string{"2026-02-01", "2026-03-01", "2026-04-02", "2026-09-01"} {
			statuses, plan := program.Decide(program.Input{Files: []application.File{f}, Config: seedConfig(), Now: day(now)})
			if len(plan.Actions) != 0 || !statusOf(t, statuses, "acme").Skipped {
				t.Errorf("%s on %s: actions %+v, skipped %v; want none, skipped", f.Findings[0].Path, now, plan.Actions, statusOf(t, statuses, "acme").Skipped)
			}
		}
	}
}

// TestARemovalOnACountTakenBeforeTheWindowEndedSaysSo: the reviewer who
// merges the removal learns that the count it rests on is not the count
// at the window's end; a count taken on the last day needs no such word.
func TestARemovalOnACountTakenBeforeTheWindowEndedSaysSo(t *testing.T) {
	const note = "confirm the count at its end before merging"
	for _, tt := range []struct {
		name, counted, want string
	}{
		{"a count taken six days before the end is named as such", "2027-02-23", "; that count was taken 6 days before the window ended, so " + note},
		{"a count taken the day before the end says one day", "2027-02-28", "; that count was taken 1 day before the window ended, so " + note},
		{"a count taken on the last day says nothing more", "2027-03-01", ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			f := acmePublished(recorded(20, tt.counted))
			f.App.Program.AcceptedAt = dayPtr("2026-12-01")
			f.App.Program.ListingPublishedAt = dayPtr("2026-12-01")
			_, plan := program.Decide(program.Input{Files: []application.File{f}, Config: seedConfig(), Now: day("2027-03-02")})
			if len(plan.Actions) != 1 || plan.Actions[0].Kind != program.KindOpenRemovalPR {
				t.Fatalf("plan %+v, want one removal", plan.Actions)
			}
			got := plan.Actions[0].Evidence
			if !strings.HasSuffix(got, "below 40"+tt.want) {
				t.Errorf("evidence %q, want it to end %q", got, "below 40"+tt.want)
			}
		})
	}
}
