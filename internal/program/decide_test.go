package program_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/connectbot/connectbot/internal/application"
	"github.com/connectbot/connectbot/internal/program"
)

// day reads a "YYYY-MM-DD" date written in a test.
func day(s string) application.Date { return application.MustParseDate(s) }

func dayPtr(s string) *application.Date {
	d := day(s)
	return &d
}

// seedConfig is the program configuration with the seed's numbers, but
// for reminderCatchUpDays: 0 plans each reminder on its day only, the
// days a reminder is caught up on being TestAMissedReminderIsPlannedWithinItsCatchUpDays's.
func seedConfig() application.Config {
	return application.Config{
		MinInstalls:           10,
		CertificationInstalls: 40,
		ListingDueDays:        30,
		InstallWindowDays:     90,
		SupportResponseHours:  24,
		ReminderDays:          []int{7, 1},
	}
}

// completeListing returns, afresh, a listing with every required field.
func completeListing() *application.Listing {
	return &application.Listing{
		Tagline:              "Two-way contact sync",
		Description:          "Keeps Acme's address book and the CRM in step.",
		SetupInstructionsURL: "https://acme.example/docs/connect",
		SupportURL:           "https://acme.example/help",
	}
}

// certifiedMaterials is an application with every certification material
// submitted: an App ID, a demo video and sales assets.
func certifiedMaterials() application.Application {
	return application.Application{
		Integration:   application.Integration{AppID: "1234567"},
		Certification: &application.Certification{DemoVideoURL: "https://video.example/acme", SalesAssets: []string{"https://acme.example/one-pager.pdf"}},
	}
}

// file wraps an application as the loader hands it to the engine.
func file(slug string, app application.Application) application.File {
	return application.File{Path: "applications/" + slug + ".cue", Slug: slug, App: &app}
}

// recorded is an install count as the program records it in a file.
func recorded(count int, asOf string) application.Installs {
	return application.Installs{Count: count, AsOf: day(asOf)}
}

// act is the part of an action every case pins down. Installs is filled
// only by actsWithInstalls; evidence and clauses are for people.
type act struct {
	Kind       program.ActionKind
	Slug       string
	Reason     string
	Due        application.Date
	DaysBefore int
	DaysLate   int
	PR         int
	Installs   *program.Installs
}

func acts(p program.Plan) []act {
	var out []act
	for _, a := range p.Actions {
		out = append(out, act{Kind: a.Kind, Slug: a.Slug, Reason: a.Reason, Due: a.Due, DaysBefore: a.DaysBefore, DaysLate: a.DaysLate, PR: a.PR})
	}
	return out
}

func actsWithInstalls(p program.Plan) []act {
	out := acts(p)
	for i, a := range p.Actions {
		out[i].Installs = a.Installs
	}
	return out
}

func remind(slug, kind, due string, before int) act {
	return act{Kind: program.KindRemind, Slug: slug, Reason: kind, Due: day(due), DaysBefore: before}
}

func removal(slug, reason, due string) act {
	return act{Kind: program.KindOpenRemovalPR, Slug: slug, Reason: reason, Due: day(due)}
}

// promote is a promotion; its due date is the day the count was taken,
// the day the threshold was known to be reached.
func promote(slug, asOf string) act {
	return act{Kind: program.KindPromote, Slug: slug, Reason: "installs-reached", Due: day(asOf)}
}

func launch(slug, due string) act {
	return act{Kind: program.KindLaunch, Slug: slug, Reason: "launch-date", Due: day(due)}
}

func closePR(slug string, pr int, now string) act {
	return act{Kind: program.KindClosePR, Slug: slug, Reason: "condition-no-longer-holds", Due: day(now), PR: pr}
}

func listingInfo(due string, daysLeft int, met bool) program.Deadline {
	return program.Deadline{Kind: program.DeadlineListingInfo, Due: day(due), DaysLeft: daysLeft, Met: met}
}

func installWindow(due string, daysLeft int, met bool) program.Deadline {
	return program.Deadline{Kind: program.DeadlineInstallWindow, Due: day(due), DaysLeft: daysLeft, Met: met}
}

// statusOf returns the status of slug, failing the test when it is absent.
func statusOf(t *testing.T, ss []program.Status, slug string) program.Status {
	t.Helper()
	for _, s := range ss {
		if s.Slug == slug {
			return s
		}
	}
	t.Fatalf("no status for %q", slug)
	return program.Status{}
}

// decideOn runs Decide for the given files with the seed configuration.
func decideOn(now application.Date, files ...application.File) ([]program.Status, program.Plan) {
	return program.Decide(program.Input{Files: files, Config: seedConfig(), Now: now})
}

// acmeListingMissing is a beta accepted on 2026-01-01 that has supplied no
// listing: its listing information is due on 2026-01-31.
func acmeListingMissing() application.File {
	return file("acme", application.Application{
		Program: application.ProgramState{
			Stage:      application.StageBeta,
			Installs:   recorded(12, "2026-01-01"),
			AcceptedAt: dayPtr("2026-01-01"),
		},
	})
}

func TestListingInfoClock(t *testing.T) {
	tests := []struct {
		name     string
		now      string
		daysLeft int
		want     []act
	}{
		{name: "eleven days before the due date, nothing", now: "2026-01-20", daysLeft: 11},
		{name: "ten days before the due date, nothing", now: "2026-01-21", daysLeft: 10},
		{name: "nine days before the due date, nothing", now: "2026-01-22", daysLeft: 9},
		{name: "eight days before the due date, nothing", now: "2026-01-23", daysLeft: 8},
		{
			name: "seven days before the due date, the first reminder", now: "2026-01-24", daysLeft: 7,
			want: []act{remind("acme", program.DeadlineListingInfo, "2026-01-31", 7)},
		},
		{name: "six days before the due date, nothing", now: "2026-01-25", daysLeft: 6},
		{name: "five days before the due date, nothing", now: "2026-01-26", daysLeft: 5},
		{name: "four days before the due date, nothing", now: "2026-01-27", daysLeft: 4},
		{name: "three days before the due date, nothing", now: "2026-01-28", daysLeft: 3},
		{name: "two days before the due date, nothing", now: "2026-01-29", daysLeft: 2},
		{
			name: "the day before the due date, the last reminder", now: "2026-01-30", daysLeft: 1,
			want: []act{remind("acme", program.DeadlineListingInfo, "2026-01-31", 1)},
		},
		{name: "on the due date itself, not yet lapsed", now: "2026-01-31", daysLeft: 0},
		{
			name: "the day after the due date, removal", now: "2026-02-01", daysLeft: -1,
			want: []act{removal("acme", program.ReasonListingOverdue, "2026-01-31")},
		},
		{
			name: "two days after the due date, still removal", now: "2026-02-02", daysLeft: -2,
			want: []act{removal("acme", program.ReasonListingOverdue, "2026-01-31")},
		},
		{
			name: "three days after the due date, still removal", now: "2026-02-03", daysLeft: -3,
			want: []act{removal("acme", program.ReasonListingOverdue, "2026-01-31")},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			statuses, plan := decideOn(day(tt.now), acmeListingMissing())
			if diff := cmp.Diff(tt.want, acts(plan)); diff != "" {
				t.Errorf("plan on %s (-want +got):\n%s", tt.now, diff)
			}
			wantDeadlines := []program.Deadline{listingInfo("2026-01-31", tt.daysLeft, false)}
			if diff := cmp.Diff(wantDeadlines, statusOf(t, statuses, "acme").Deadlines); diff != "" {
				t.Errorf("deadlines on %s (-want +got):\n%s", tt.now, diff)
			}
		})
	}
}

func TestListingInfoClockEveryDay(t *testing.T) {
	tests := []struct {
		name    string
		listing *application.Listing
		from    string
		to      string
		// want returns the plan of a day, given the days left to the due date.
		want func(daysLeft int) []act
		met  bool
	}{
		{
			name: "without a listing, removal every day after the due date for a year",
			from: "2026-02-01", to: "2027-01-31",
			want: func(int) []act { return []act{removal("acme", program.ReasonListingOverdue, "2026-01-31")} },
		},
		{
			name: "without a listing, reminders only seven and one days before",
			from: "2026-01-01", to: "2026-01-31",
			want: func(daysLeft int) []act {
				if daysLeft == 7 || daysLeft == 1 {
					return []act{remind("acme", program.DeadlineListingInfo, "2026-01-31", daysLeft)}
				}
				return nil
			},
		},
		{
			name: "with a complete listing, nothing ever", listing: completeListing(),
			from: "2026-01-01", to: "2027-01-31",
			want: func(int) []act { return nil },
			met:  true,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := acmeListingMissing()
			f.App.Listing = tt.listing
			due := day("2026-01-31")
			for now := day(tt.from); now <= day(tt.to); now = now.AddDays(1) {
				daysLeft := now.DaysUntil(due)
				statuses, plan := decideOn(now, f)
				if diff := cmp.Diff(tt.want(daysLeft), acts(plan)); diff != "" {
					t.Errorf("plan on %s (-want +got):\n%s", now, diff)
				}
				wantDeadlines := []program.Deadline{listingInfo("2026-01-31", daysLeft, tt.met)}
				if diff := cmp.Diff(wantDeadlines, statusOf(t, statuses, "acme").Deadlines); diff != "" {
					t.Errorf("deadlines on %s (-want +got):\n%s", now, diff)
				}
			}
		})
	}
}

func TestListingComplete(t *testing.T) {
	full := completeListing()
	tests := []struct {
		name    string
		listing *application.Listing
		want    []act
		met     bool
	}{
		{name: "every required field present, met and nothing planned", listing: full, met: true},
		{
			name: "no listing at all, removal",
			want: []act{removal("acme", program.ReasonListingOverdue, "2026-01-31")},
		},
		{
			name: "an empty listing, removal", listing: &application.Listing{},
			want: []act{removal("acme", program.ReasonListingOverdue, "2026-01-31")},
		},
		{
			name: "no tagline, removal",
			listing: &application.Listing{
				Description: full.Description, SetupInstructionsURL: full.SetupInstructionsURL, SupportURL: full.SupportURL,
			},
			want: []act{removal("acme", program.ReasonListingOverdue, "2026-01-31")},
		},
		{
			name: "no description, removal",
			listing: &application.Listing{
				Tagline: full.Tagline, SetupInstructionsURL: full.SetupInstructionsURL, SupportURL: full.SupportURL,
			},
			want: []act{removal("acme", program.ReasonListingOverdue, "2026-01-31")},
		},
		{
			name: "no setup instructions URL, removal",
			listing: &application.Listing{
				Tagline: full.Tagline, Description: full.Description, SupportURL: full.SupportURL,
			},
			want: []act{removal("acme", program.ReasonListingOverdue, "2026-01-31")},
		},
		{
			name: "no support URL, removal",
			listing: &application.Listing{
				Tagline: full.Tagline, Description: full.Description, SetupInstructionsURL: full.SetupInstructionsURL,
			},
			want: []act{removal("acme", program.ReasonListingOverdue, "2026-01-31")},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := acmeListingMissing()
			f.App.Listing = tt.listing
			statuses, plan := decideOn(day("2026-02-01"), f)
			if diff := cmp.Diff(tt.want, acts(plan)); diff != "" {
				t.Errorf("plan (-want +got):\n%s", diff)
			}
			wantDeadlines := []program.Deadline{listingInfo("2026-01-31", -1, tt.met)}
			if diff := cmp.Diff(wantDeadlines, statusOf(t, statuses, "acme").Deadlines); diff != "" {
				t.Errorf("deadlines (-want +got):\n%s", diff)
			}
		})
	}
}

func TestDueDatesAcrossLeapYearsAndYearEnds(t *testing.T) {
	// listingDue is a beta accepted on accepted without a listing.
	listingDue := func(accepted string) application.File {
		return file("acme", application.Application{
			Program: application.ProgramState{
				Stage:      application.StageBeta,
				Installs:   recorded(12, accepted),
				AcceptedAt: dayPtr(accepted),
			},
		})
	}
	// windowEnd is a beta with a complete listing, published on published,
	// with too few installs.
	windowEnd := func(published string) application.File {
		return file("acme", application.Application{
			Listing: completeListing(),
			Program: application.ProgramState{
				Stage:              application.StageBeta,
				Installs:           recorded(20, "2026-11-20"),
				AcceptedAt:         dayPtr("2026-11-01"),
				ListingPublishedAt: dayPtr(published),
			},
		})
	}
	windowInstalls := &program.Installs{Count: 20, AsOf: day("2026-11-20"), Source: program.SourceRecorded}
	tests := []struct {
		name      string
		file      application.File
		now       string
		want      []act
		deadlines []program.Deadline
	}{
		{
			name: "accepted 2028-01-31 in a leap year, the day before 2028-03-01 is 2028-02-29",
			file: listingDue("2028-01-31"), now: "2028-02-29",
			want:      []act{remind("acme", program.DeadlineListingInfo, "2028-03-01", 1)},
			deadlines: []program.Deadline{listingInfo("2028-03-01", 1, false)},
		},
		{
			name: "accepted 2028-01-31 in a leap year, due on 2028-03-01 and not yet lapsed",
			file: listingDue("2028-01-31"), now: "2028-03-01",
			deadlines: []program.Deadline{listingInfo("2028-03-01", 0, false)},
		},
		{
			name: "accepted 2028-01-31 in a leap year, removal from 2028-03-02",
			file: listingDue("2028-01-31"), now: "2028-03-02",
			want:      []act{removal("acme", program.ReasonListingOverdue, "2028-03-01")},
			deadlines: []program.Deadline{listingInfo("2028-03-01", -1, false)},
		},
		{
			name: "accepted 2027-01-31, the day before 2027-03-02 is 2027-03-01",
			file: listingDue("2027-01-31"), now: "2027-03-01",
			want:      []act{remind("acme", program.DeadlineListingInfo, "2027-03-02", 1)},
			deadlines: []program.Deadline{listingInfo("2027-03-02", 1, false)},
		},
		{
			name: "accepted 2027-01-31, due on 2027-03-02 and not yet lapsed",
			file: listingDue("2027-01-31"), now: "2027-03-02",
			deadlines: []program.Deadline{listingInfo("2027-03-02", 0, false)},
		},
		{
			name: "accepted 2027-01-31, removal from 2027-03-03",
			file: listingDue("2027-01-31"), now: "2027-03-03",
			want:      []act{removal("acme", program.ReasonListingOverdue, "2027-03-02")},
			deadlines: []program.Deadline{listingInfo("2027-03-02", -1, false)},
		},
		{
			name: "accepted 2026-12-15, due across the year end on 2027-01-14",
			file: listingDue("2026-12-15"), now: "2027-01-14",
			deadlines: []program.Deadline{listingInfo("2027-01-14", 0, false)},
		},
		{
			name: "accepted 2026-12-15, the reminder a week before falls on 2027-01-07",
			file: listingDue("2026-12-15"), now: "2027-01-07",
			want:      []act{remind("acme", program.DeadlineListingInfo, "2027-01-14", 7)},
			deadlines: []program.Deadline{listingInfo("2027-01-14", 7, false)},
		},
		{
			name: "accepted 2026-12-15, removal from 2027-01-15",
			file: listingDue("2026-12-15"), now: "2027-01-15",
			want:      []act{removal("acme", program.ReasonListingOverdue, "2027-01-14")},
			deadlines: []program.Deadline{listingInfo("2027-01-14", -1, false)},
		},
		{
			name: "published 2026-11-20, the window's last day is 2027-02-18",
			file: windowEnd("2026-11-20"), now: "2027-02-18",
			deadlines: []program.Deadline{
				listingInfo("2026-12-01", -79, true), installWindow("2027-02-18", 0, false),
			},
		},
		{
			name: "published 2026-11-20, the reminder a day before falls on 2027-02-17",
			file: windowEnd("2026-11-20"), now: "2027-02-17",
			want: []act{{
				Kind: program.KindRemind, Slug: "acme", Reason: program.DeadlineInstallWindow,
				Due: day("2027-02-18"), DaysBefore: 1, Installs: windowInstalls,
			}},
			deadlines: []program.Deadline{
				listingInfo("2026-12-01", -78, true), installWindow("2027-02-18", 1, false),
			},
		},
		{
			name: "published 2026-11-20, removal from 2027-02-19",
			file: windowEnd("2026-11-20"), now: "2027-02-19",
			want: []act{{
				Kind: program.KindOpenRemovalPR, Slug: "acme", Reason: program.ReasonInstallWindowLapsed,
				Due: day("2027-02-18"), Installs: windowInstalls,
			}},
			deadlines: []program.Deadline{
				listingInfo("2026-12-01", -80, true), installWindow("2027-02-18", -1, false),
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			statuses, plan := decideOn(day(tt.now), tt.file)
			if diff := cmp.Diff(tt.want, actsWithInstalls(plan)); diff != "" {
				t.Errorf("plan (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.deadlines, statusOf(t, statuses, "acme").Deadlines); diff != "" {
				t.Errorf("deadlines (-want +got):\n%s", diff)
			}
		})
	}
}

// acmePublished is a beta accepted on 2026-02-01 with a complete listing,
// published on 2026-03-01: its install window ends on 2026-05-30.
func acmePublished(installs application.Installs) application.File {
	return file("acme", application.Application{
		Listing: completeListing(),
		Program: application.ProgramState{
			Stage:              application.StageBeta,
			Installs:           installs,
			AcceptedAt:         dayPtr("2026-02-01"),
			ListingPublishedAt: dayPtr("2026-03-01"),
		},
	})
}

func TestInstallWindowClock(t *testing.T) {
	few := &program.Installs{Count: 25, AsOf: day("2026-05-01"), Source: program.SourceRecorded}
	lapsed := act{
		Kind: program.KindOpenRemovalPR, Slug: "acme", Reason: program.ReasonInstallWindowLapsed,
		Due: day("2026-05-30"), Installs: few,
	}
	reminder := func(before int) act {
		return act{
			Kind: program.KindRemind, Slug: "acme", Reason: program.DeadlineInstallWindow,
			Due: day("2026-05-30"), DaysBefore: before, Installs: few,
		}
	}
	onLastDay := &program.Installs{Count: 41, AsOf: day("2026-05-30"), Source: program.SourceRecorded}
	promoted := act{Kind: program.KindPromote, Slug: "acme", Reason: "installs-reached", Due: day("2026-05-30"), Installs: onLastDay}
	exactly := &program.Installs{Count: 40, AsOf: day("2026-04-10"), Source: program.SourceRecorded}
	oneShort := &program.Installs{Count: 39, AsOf: day("2026-05-30"), Source: program.SourceRecorded}
	tooLate := &program.Installs{Count: 41, AsOf: day("2026-05-31"), Source: program.SourceRecorded}

	tests := []struct {
		name     string
		installs application.Installs
		now      string
		want     []act
		window   program.Deadline
	}{
		{
			name: "25 installs, eight days before the end, nothing", installs: recorded(25, "2026-05-01"), now: "2026-05-22",
			window: installWindow("2026-05-30", 8, false),
		},
		{
			name: "25 installs, seven days before the end, a reminder", installs: recorded(25, "2026-05-01"), now: "2026-05-23",
			want: []act{reminder(7)}, window: installWindow("2026-05-30", 7, false),
		},
		{
			name: "25 installs, two days before the end, nothing", installs: recorded(25, "2026-05-01"), now: "2026-05-28",
			window: installWindow("2026-05-30", 2, false),
		},
		{
			name: "25 installs, the day before the end, a reminder", installs: recorded(25, "2026-05-01"), now: "2026-05-29",
			want: []act{reminder(1)}, window: installWindow("2026-05-30", 1, false),
		},
		{
			name: "25 installs, on the window's last day, nothing", installs: recorded(25, "2026-05-01"), now: "2026-05-30",
			window: installWindow("2026-05-30", 0, false),
		},
		{
			name: "25 installs, the day after the window, removal", installs: recorded(25, "2026-05-01"), now: "2026-05-31",
			want: []act{lapsed}, window: installWindow("2026-05-30", -1, false),
		},
		{
			name: "25 installs, months after the window, still removal", installs: recorded(25, "2026-05-01"), now: "2026-09-01",
			want: []act{lapsed}, window: installWindow("2026-05-30", -94, false),
		},
		{
			name: "41 installs as of the window's last day, promote on that day", installs: recorded(41, "2026-05-30"), now: "2026-05-30",
			want: []act{promoted}, window: installWindow("2026-05-30", 0, true),
		},
		{
			name: "41 installs as of the window's last day, promote the day after", installs: recorded(41, "2026-05-30"), now: "2026-05-31",
			want: []act{promoted}, window: installWindow("2026-05-30", -1, true),
		},
		{
			name: "41 installs as of the window's last day, promote months later", installs: recorded(41, "2026-05-30"), now: "2026-09-01",
			want: []act{promoted}, window: installWindow("2026-05-30", -94, true),
		},
		{
			name: "exactly 40 installs inside the window, promote", installs: recorded(40, "2026-04-10"), now: "2026-04-10",
			want:   []act{{Kind: program.KindPromote, Slug: "acme", Reason: "installs-reached", Due: day("2026-04-10"), Installs: exactly}},
			window: installWindow("2026-05-30", 50, true),
		},
		{
			name: "39 installs on the window's last day, removal the day after", installs: recorded(39, "2026-05-30"), now: "2026-05-31",
			want: []act{{
				Kind: program.KindOpenRemovalPR, Slug: "acme", Reason: program.ReasonInstallWindowLapsed,
				Due: day("2026-05-30"), Installs: oneShort,
			}},
			window: installWindow("2026-05-30", -1, false),
		},
		{
			name: "41 installs counted only the day after the window, removal", installs: recorded(41, "2026-05-31"), now: "2026-05-31",
			want: []act{{
				Kind: program.KindOpenRemovalPR, Slug: "acme", Reason: program.ReasonInstallWindowLapsed,
				Due: day("2026-05-30"), Installs: tooLate,
			}},
			window: installWindow("2026-05-30", -1, false),
		},
		{
			name: "41 installs counted only the day after the window, removal later too", installs: recorded(41, "2026-05-31"), now: "2026-06-15",
			want: []act{{
				Kind: program.KindOpenRemovalPR, Slug: "acme", Reason: program.ReasonInstallWindowLapsed,
				Due: day("2026-05-30"), Installs: tooLate,
			}},
			window: installWindow("2026-05-30", -16, false),
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			now := day(tt.now)
			statuses, plan := decideOn(now, acmePublished(tt.installs))
			if diff := cmp.Diff(tt.want, actsWithInstalls(plan)); diff != "" {
				t.Errorf("plan (-want +got):\n%s", diff)
			}
			wantDeadlines := []program.Deadline{
				listingInfo("2026-03-03", now.DaysUntil(day("2026-03-03")), true), tt.window,
			}
			if diff := cmp.Diff(wantDeadlines, statusOf(t, statuses, "acme").Deadlines); diff != "" {
				t.Errorf("deadlines (-want +got):\n%s", diff)
			}
		})
	}
}

func TestPromotionBeforePublication(t *testing.T) {
	unpublished := func(installs application.Installs) application.File {
		return file("acme", application.Application{
			Listing: completeListing(),
			Program: application.ProgramState{
				Stage:      application.StageBeta,
				Installs:   installs,
				AcceptedAt: dayPtr("2026-02-01"),
			},
		})
	}
	tests := []struct {
		name     string
		installs application.Installs
		now      string
		want     []act
	}{
		{
			name: "45 installs before the listing is published, promote", installs: recorded(45, "2026-02-20"), now: "2026-02-20",
			want: []act{{
				Kind: program.KindPromote, Slug: "acme", Reason: "installs-reached", Due: day("2026-02-20"),
				Installs: &program.Installs{Count: 45, AsOf: day("2026-02-20"), Source: program.SourceRecorded},
			}},
		},
		{
			name: "30 installs before the listing is published, nothing", installs: recorded(30, "2026-02-20"), now: "2026-02-20",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			statuses, plan := decideOn(day(tt.now), unpublished(tt.installs))
			if diff := cmp.Diff(tt.want, actsWithInstalls(plan)); diff != "" {
				t.Errorf("plan (-want +got):\n%s", diff)
			}
			wantDeadlines := []program.Deadline{listingInfo("2026-03-03", 11, true)}
			if diff := cmp.Diff(wantDeadlines, statusOf(t, statuses, "acme").Deadlines); diff != "" {
				t.Errorf("deadlines (-want +got):\n%s", diff)
			}
		})
	}
}

func TestCertificationAndLaterStages(t *testing.T) {
	certified := func(approved *application.Date) application.File {
		return file("acme", application.Application{
			Integration:   application.Integration{AppID: "1234567"},
			Listing:       completeListing(),
			Certification: &application.Certification{DemoVideoURL: "https://video.example/acme", SalesAssets: []string{"https://acme.example/one-pager.pdf"}},
			Program: application.ProgramState{
				Stage:              application.StageCertification,
				Installs:           recorded(55, "2026-02-15"),
				AcceptedAt:         dayPtr("2026-01-01"),
				ListingPublishedAt: dayPtr("2026-01-10"),
				ApprovedAt:         approved,
				LaunchDate:         dayPtr("2026-03-15"),
			},
		})
	}
	// stage returns an application whose dates would have every clock
	// lapsed, were it in beta: no listing, few installs, long ago.
	stage := func(s application.Stage) application.File {
		app := application.Application{
			Program: application.ProgramState{
				Stage:              s,
				Installs:           recorded(11, "2025-06-01"),
				AcceptedAt:         dayPtr("2025-01-01"),
				ListingPublishedAt: dayPtr("2025-02-01"),
			},
		}
		switch s {
		case application.StageApplied:
			app.Program.AcceptedAt, app.Program.ListingPublishedAt = nil, nil
		case application.StagePartner:
			app.Program.ApprovedAt, app.Program.LaunchDate = dayPtr("2025-03-01"), dayPtr("2025-03-15")
		case application.StageRemoved:
			app.Program.Removed = &application.Removal{At: day("2025-03-05"), Reason: "listing-overdue", By: "connectbot"}
		}
		return file("acme", app)
	}
	tests := []struct {
		name string
		file application.File
		now  string
		want []act
	}{
		{name: "approved, on the approval day, nothing", file: certified(dayPtr("2026-03-01")), now: "2026-03-01"},
		{name: "approved, the day before the launch date, nothing", file: certified(dayPtr("2026-03-01")), now: "2026-03-14"},
		{
			name: "approved, on the launch date, launch", file: certified(dayPtr("2026-03-01")), now: "2026-03-15",
			want: []act{launch("acme", "2026-03-15")},
		},
		{
			name: "approved, the day after the launch date, launch", file: certified(dayPtr("2026-03-01")), now: "2026-03-16",
			want: []act{launch("acme", "2026-03-15")},
		},
		{
			name: "approved, months after the launch date, launch", file: certified(dayPtr("2026-03-01")), now: "2026-09-01",
			want: []act{launch("acme", "2026-03-15")},
		},
		{name: "not approved, on the launch date, nothing", file: certified(nil), now: "2026-03-15"},
		{name: "not approved, after the launch date, nothing", file: certified(nil), now: "2026-04-20"},
		{name: "partner, in its first days, nothing", file: stage(application.StagePartner), now: "2025-03-16"},
		{name: "partner, a year on, nothing", file: stage(application.StagePartner), now: "2026-03-15"},
		{name: "partner, on a leap day, nothing", file: stage(application.StagePartner), now: "2028-02-29"},
		{name: "removed, the day after removal, nothing", file: stage(application.StageRemoved), now: "2025-03-06"},
		{name: "removed, a year on, nothing", file: stage(application.StageRemoved), now: "2026-03-15"},
		{name: "removed, on a leap day, nothing", file: stage(application.StageRemoved), now: "2028-02-29"},
		{name: "applied, the day it applies, nothing", file: stage(application.StageApplied), now: "2025-01-01"},
		{name: "applied, a year on, nothing", file: stage(application.StageApplied), now: "2026-03-15"},
		{name: "applied, on a leap day, nothing", file: stage(application.StageApplied), now: "2028-02-29"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			statuses, plan := decideOn(day(tt.now), tt.file)
			if diff := cmp.Diff(tt.want, acts(plan)); diff != "" {
				t.Errorf("plan (-want +got):\n%s", diff)
			}
			// Only a beta has clocks running.
			if diff := cmp.Diff([]program.Deadline{}, statusOf(t, statuses, "acme").Deadlines); diff != "" {
				t.Errorf("deadlines (-want +got):\n%s", diff)
			}
		})
	}
}

func TestLiveInstallsOverrideRecorded(t *testing.T) {
	live := func(count int, asOf string) *program.Installs {
		return &program.Installs{Count: count, AsOf: day(asOf), Source: "live:installs.example"}
	}
	// promotedOnRecorded is the plan that promotes on the recorded count.
	promotedOnRecorded := func(count int, asOf string) []act {
		return []act{{
			Kind: program.KindPromote, Slug: "acme", Reason: "installs-reached", Due: day(asOf),
			Installs: &program.Installs{Count: count, AsOf: day(asOf), Source: program.SourceRecorded},
		}}
	}
	tests := []struct {
		name     string
		recorded application.Installs
		live     map[string]program.Installs
		now      string
		want     []act
		window   program.Deadline
		next     string
	}{
		{
			name:     "recorded 12 but live 45 inside the window, promote on the live count",
			recorded: recorded(12, "2026-04-01"),
			live:     map[string]program.Installs{"acme": *live(45, "2026-05-20")},
			now:      "2026-05-20",
			want: []act{{
				Kind: program.KindPromote, Slug: "acme", Reason: "installs-reached", Due: day("2026-05-20"),
				Installs: live(45, "2026-05-20"),
			}},
			window: installWindow("2026-05-30", 10, true),
			next:   "promote to certification: 45 installs reached",
		},
		{
			name:     "recorded 25 but live 38 after the window, removal on the live count",
			recorded: recorded(25, "2026-05-01"),
			live:     map[string]program.Installs{"acme": *live(38, "2026-05-31")},
			now:      "2026-05-31",
			want: []act{{
				Kind: program.KindOpenRemovalPR, Slug: "acme", Reason: program.ReasonInstallWindowLapsed, Due: day("2026-05-30"),
				Installs: live(38, "2026-05-31"),
			}},
			window: installWindow("2026-05-30", -1, false),
			next:   "install-window lapsed on 2026-05-30: removal",
		},
		{
			name:     "recorded 25, live count for another application only, reminder on the recorded count",
			recorded: recorded(25, "2026-05-01"),
			live:     map[string]program.Installs{"globex": *live(99, "2026-05-23")},
			now:      "2026-05-23",
			want: []act{{
				Kind: program.KindRemind, Slug: "acme", Reason: program.DeadlineInstallWindow, Due: day("2026-05-30"), DaysBefore: 7,
				Installs: &program.Installs{Count: 25, AsOf: day("2026-05-01"), Source: program.SourceRecorded},
			}},
			window: installWindow("2026-05-30", 7, false),
			next:   "reach 40 installs by 2026-05-30 (7 days left; now 25)",
		},
		{
			name:     "recorded 45 inside the window, live 20 after it, still promote: the threshold was reached in time",
			recorded: recorded(45, "2026-05-01"),
			live:     map[string]program.Installs{"acme": *live(20, "2026-05-31")},
			now:      "2026-05-31",
			want:     promotedOnRecorded(45, "2026-05-01"),
			window:   installWindow("2026-05-30", -1, true),
			// The status says what the plan does, not what the live count
			// alone would suggest.
			next: "promote to certification: 45 installs reached as of 2026-05-01 (recorded)",
		},
		{
			name:     "recorded 41 inside the window, live 38 since, still inside it: promote on the recorded count",
			recorded: recorded(41, "2026-04-20"), live: map[string]program.Installs{"acme": *live(38, "2026-05-10")},
			now: "2026-05-12", want: promotedOnRecorded(41, "2026-04-20"), window: installWindow("2026-05-30", 18, true),
			next: "promote to certification: 41 installs reached as of 2026-04-20 (recorded)",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			now := day(tt.now)
			statuses, plan := program.Decide(program.Input{
				Files: []application.File{acmePublished(tt.recorded)}, Config: seedConfig(), Installs: tt.live, Now: now,
			})
			if diff := cmp.Diff(tt.want, actsWithInstalls(plan)); diff != "" {
				t.Errorf("plan (-want +got):\n%s", diff)
			}
			st := statusOf(t, statuses, "acme")
			wantDeadlines := []program.Deadline{
				listingInfo("2026-03-03", now.DaysUntil(day("2026-03-03")), true), tt.window,
			}
			if diff := cmp.Diff(wantDeadlines, st.Deadlines); diff != "" {
				t.Errorf("deadlines (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.next, st.Next); diff != "" {
				t.Errorf("status next (-want +got):\n%s", diff)
			}
			if live, ok := tt.live["acme"]; ok {
				if diff := cmp.Diff(&live, st.Installs); diff != "" {
					t.Errorf("status installs (-want +got):\n%s", diff)
				}
			}
		})
	}
}

func TestOpenPullRequests(t *testing.T) {
	listingLate := func(listing *application.Listing) application.File {
		f := acmeListingMissing()
		f.App.Listing = listing
		return f
	}
	inStage := func(s application.Stage) application.File {
		f := acmePublished(recorded(45, "2026-04-01"))
		f.App.Program.Stage = s
		return f
	}
	tests := []struct {
		name string
		file application.File
		open []program.OpenPR
		now  string
		want []act
	}{
		{
			name: "removal for an overdue listing already open, listing still missing: nothing",
			file: listingLate(nil),
			open: []program.OpenPR{{Number: 7, Kind: program.KindOpenRemovalPR, Slug: "acme", Reason: program.ReasonListingOverdue}},
			now:  "2026-02-10",
		},
		{
			name: "removal for an overdue listing already open, listing supplied too late: left open, the policy removes",
			file: listingLate(completeListing()),
			open: []program.OpenPR{{Number: 7, Kind: program.KindOpenRemovalPR, Slug: "acme", Reason: program.ReasonListingOverdue}},
			now:  "2026-02-10",
		},
		{
			name: "removal for an overdue listing open, a reviewer moved the acceptance so the listing is not due yet: close it",
			file: func() application.File {
				f := listingLate(nil)
				f.App.Program.AcceptedAt = dayPtr("2026-02-05")
				return f
			}(),
			open: []program.OpenPR{{Number: 7, Kind: program.KindOpenRemovalPR, Slug: "acme", Reason: program.ReasonListingOverdue}},
			now:  "2026-02-10",
			want: []act{closePR("acme", 7, "2026-02-10")},
		},
		{
			name: "removal for an overdue listing open, a reviewer promoted the application meanwhile: close it",
			file: func() application.File {
				f := listingLate(nil)
				f.App.Program.Stage = application.StageCertification
				return f
			}(),
			open: []program.OpenPR{{Number: 7, Kind: program.KindOpenRemovalPR, Slug: "acme", Reason: program.ReasonListingOverdue}},
			now:  "2026-02-10",
			want: []act{closePR("acme", 7, "2026-02-10")},
		},
		{
			name: "removal for a lapsed window open, a reviewer promoted the application meanwhile: close it",
			file: func() application.File {
				f := acmePublished(recorded(25, "2026-05-01"))
				f.App.Program.Stage = application.StageCertification
				return f
			}(),
			open: []program.OpenPR{{Number: 8, Kind: program.KindOpenRemovalPR, Slug: "acme", Reason: program.ReasonInstallWindowLapsed}},
			now:  "2026-06-10",
			want: []act{closePR("acme", 8, "2026-06-10")},
		},
		{
			name: "removal open for another application, removal planned for this one",
			file: listingLate(nil),
			open: []program.OpenPR{{Number: 8, Kind: program.KindOpenRemovalPR, Slug: "globex", Reason: program.ReasonListingOverdue}},
			now:  "2026-02-10",
			want: []act{removal("acme", program.ReasonListingOverdue, "2026-01-31")},
		},
		{
			name: "a reviewer's termination open for a beta whose clocks are fine: left for a reviewer to close",
			file: inStage(application.StageBeta),
			open: []program.OpenPR{{Number: 6, Kind: program.KindOpenRemovalPR, Slug: "acme", Reason: program.ReasonTerminated}},
			now:  "2026-04-02",
			want: []act{promote("acme", "2026-04-01")},
		},
		{
			name: "promotion already open, still 45 installs: nothing",
			file: inStage(application.StageBeta),
			open: []program.OpenPR{{Number: 9, Kind: program.KindPromote, Slug: "acme"}},
			now:  "2026-04-02",
		},
		{
			name: "promotion still open, application already in certification: close it",
			file: inStage(application.StageCertification),
			open: []program.OpenPR{{Number: 9, Kind: program.KindPromote, Slug: "acme"}},
			now:  "2026-04-02",
			want: []act{closePR("acme", 9, "2026-04-02")},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, plan := program.Decide(program.Input{
				Files: []application.File{tt.file}, Config: seedConfig(), Open: tt.open, Now: day(tt.now),
			})
			if diff := cmp.Diff(tt.want, acts(plan)); diff != "" {
				t.Errorf("plan (-want +got):\n%s", diff)
			}
		})
	}
}

// TestClocksReadTheirOwnInputs holds the engine to DESIGN.md's "Clocks
// read their own inputs: a file whose stage, dates and installs are
// readable and valid keeps its clocks whatever other findings it has" —
// the removal Connect beta-2 says "will" happen is not frozen by an
// unrelated error. Only unreadable or invalid clock inputs stop them.
func TestClocksReadTheirOwnInputs(t *testing.T) {
	withFindings := func(findings ...application.Finding) application.File {
		f := acmeListingMissing()
		f.Findings = findings
		return f
	}
	schemaElsewhere := application.Finding{Rule: "format/schema", Severity: application.SeverityError, Message: `required field "company" is missing`, Path: "company", Line: 1, Column: 1}
	// failedSchema is acme as the loader hands over a file that failed
	// the schema in a part the clocks do not read.
	failedSchema := func() application.File {
		f := acmeListingMissing()
		f.Clock = &application.Clock{Program: f.App.Program, Listing: f.App.Listing}
		f.App = nil
		f.Findings = []application.Finding{schemaElsewhere}
		return f
	}
	unreadable := application.File{
		Path: "applications/acme.cue", Slug: "acme",
		Findings: []application.Finding{{Rule: "format/schema", Severity: application.SeverityError, Message: "program.stage: incomplete value", Path: "program.stage", Line: 3, Column: 2}},
	}
	oauth := application.Finding{Rule: "connect/req-2", Severity: application.SeverityError, Message: "auth must be oauth2", Path: "integration.auth", Line: 5, Column: 3}
	support := application.Finding{Rule: "connect/req-3", Severity: application.SeverityError, Message: "first response within 24 hours is too slow", Path: "support.firstResponseHours", Line: 6, Column: 3}
	overdue := application.Finding{Rule: "connect/beta-2", Severity: application.SeverityError, Message: "listing overdue", Path: "listing", Line: 1, Column: 1}
	naming := application.Finding{Rule: "developer/E1", Severity: application.SeverityWarning, Message: "name", Path: "integration.name", Line: 4, Column: 3}
	badDates := application.Finding{Rule: "connect/beta-5", Severity: application.SeverityError, Message: "published before accepted", Path: "program.listingPublishedAt", Line: 9, Column: 3}
	noAcceptance := application.Finding{Rule: "connect/beta-1", Severity: application.SeverityError, Message: `stage "beta" needs program.acceptedAt`, Path: "program.acceptedAt", Line: 9, Column: 3}
	futureCount := application.Finding{Rule: "connect/beta-6", Severity: application.SeverityError, Message: "counted after today", Path: "program.installs.asOf", Line: 9, Column: 3}
	removeAcme := []act{removal("acme", program.ReasonListingOverdue, "2026-01-31")}
	clockRuns := map[string][]act{
		"2026-01-24": {remind("acme", program.DeadlineListingInfo, "2026-01-31", 7)},
		"2026-02-01": removeAcme,
		"2026-03-01": removeAcme,
	}
	openRemoval := []program.OpenPR{{Number: 7, Kind: program.KindOpenRemovalPR, Slug: "acme", Reason: program.ReasonListingOverdue}}

	tests := []struct {
		name        string
		file        application.File
		open        []program.OpenPR
		wantValid   bool
		wantSkipped bool
		// want maps a day to its plan; days not listed plan nothing.
		want map[string][]act
	}{
		{name: "a file whose program part cannot be read, nothing on any day", file: unreadable, wantSkipped: true},
		{name: "a file that failed the schema only outside its clock inputs, removal is planned", file: failedSchema(), want: clockRuns},
		{name: "an OAuth error, removal is planned", file: withFindings(oauth), want: clockRuns},
		{name: "a support promise broken by a program.cue change, removal is planned", file: withFindings(support), want: clockRuns},
		{name: "an OAuth error next to the overdue listing, removal is planned", file: withFindings(overdue, oauth), want: clockRuns},
		{name: "a count dated after today stops no clock, removal is planned", file: withFindings(futureCount), want: clockRuns},
		{name: "only the overdue-listing error, removal is planned", file: withFindings(overdue), wantValid: true, want: clockRuns},
		{name: "only a warning, removal is planned", file: withFindings(naming), wantValid: true, want: clockRuns},
		{name: "a listing published before acceptance, nothing on any day", file: withFindings(oauth, badDates), wantSkipped: true},
		{
			name: "a beta without its acceptance date and a removal open, the pull request is left alone",
			file: withFindings(noAcceptance), open: openRemoval, wantSkipped: true,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, now := range []string{"2026-01-24", "2026-01-31", "2026-02-01", "2026-03-01"} {
				statuses, plan := program.Decide(program.Input{
					Files: []application.File{tt.file}, Config: seedConfig(), Open: tt.open, Now: day(now),
				})
				if diff := cmp.Diff(tt.want[now], acts(plan)); diff != "" {
					t.Errorf("plan on %s (-want +got):\n%s", now, diff)
				}
				st := statusOf(t, statuses, "acme")
				if st.Valid != tt.wantValid || st.Skipped != tt.wantSkipped {
					t.Errorf("on %s Valid, Skipped = %v, %v; want %v, %v", now, st.Valid, st.Skipped, tt.wantValid, tt.wantSkipped)
				}
				if got := strings.HasPrefix(st.Next, program.ActNow); got != tt.wantSkipped {
					t.Errorf("on %s next step %q; want it to begin with %q: %v", now, st.Next, program.ActNow, tt.wantSkipped)
				}
			}
		})
	}
}

// TestLapsedWindowRemovesDespiteAnUnrelatedError is issue 14's "plan
// removes a beta whose window lapsed even when the file has an unrelated
// error", Connect beta-7: "At the end of ninety day period if you are not
// at 40 Installs your participation in the Connect Program will be
// terminated."
func TestLapsedWindowRemovesDespiteAnUnrelatedError(t *testing.T) {
	lapsed := removal("acme", program.ReasonInstallWindowLapsed, "2026-05-30")
	unrelated := []application.Finding{
		{Rule: "connect/req-3", Severity: application.SeverityError, Message: "too slow", Path: "support.firstResponseHours", Line: 6, Column: 3},
	}
	tests := []struct {
		name string
		file func() application.File
		want []act
	}{
		{"a valid file, removal", func() application.File { return acmePublished(recorded(25, "2026-05-01")) }, []act{lapsed}},
		{"a broken support promise, removal", func() application.File {
			f := acmePublished(recorded(25, "2026-05-01"))
			f.Findings = unrelated
			return f
		}, []act{lapsed}},
		{"a file that failed the schema outside its clock inputs, removal", func() application.File {
			f := acmePublished(recorded(25, "2026-05-01"))
			f.Clock = f.ClockInputs()
			f.App = nil
			f.Findings = []application.Finding{{Rule: "format/schema", Severity: application.SeverityError, Message: "unknown field", Path: "colour", Line: 2, Column: 1}}
			return f
		}, []act{lapsed}},
		{"a file whose clock inputs are unreadable, nothing", func() application.File {
			f := acmePublished(recorded(25, "2026-05-01"))
			f.App = nil
			f.Findings = []application.Finding{{Rule: "format/schema", Severity: application.SeverityError, Message: "bad stage", Path: "program.stage", Line: 9, Column: 3}}
			return f
		}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, plan := decideOn(day("2026-06-01"), tt.file())
			if diff := cmp.Diff(tt.want, acts(plan)); diff != "" {
				t.Errorf("plan (-want +got):\n%s", diff)
			}
		})
	}
}

func TestConfigurationChangesTheOutcome(t *testing.T) {
	with := func(change func(*application.Config)) application.Config {
		c := seedConfig()
		change(&c)
		return c
	}
	seed := seedConfig()
	certAt50 := with(func(c *application.Config) { c.CertificationInstalls = 50 })
	listing45 := with(func(c *application.Config) { c.ListingDueDays = 45 })
	remind14and3 := with(func(c *application.Config) { c.ReminderDays = []int{14, 3} })
	window60 := with(func(c *application.Config) { c.InstallWindowDays = 60 })
	installs44 := acmePublished(recorded(44, "2026-05-10"))

	tests := []struct {
		name      string
		config    application.Config
		file      application.File
		now       string
		want      []act
		deadlines []program.Deadline
	}{
		{
			name: "44 installs with the seed's 40, promote", config: seed, file: installs44, now: "2026-05-20",
			want: []act{promote("acme", "2026-05-10")},
			deadlines: []program.Deadline{
				listingInfo("2026-03-03", -78, true), installWindow("2026-05-30", 10, true),
			},
		},
		{
			name: "44 installs when 50 are needed, nothing inside the window", config: certAt50, file: installs44, now: "2026-05-20",
			deadlines: []program.Deadline{
				listingInfo("2026-03-03", -78, true), installWindow("2026-05-30", 10, false),
			},
		},
		{
			name: "44 installs when 50 are needed, a reminder a week before the end", config: certAt50, file: installs44, now: "2026-05-23",
			want: []act{remind("acme", program.DeadlineInstallWindow, "2026-05-30", 7)},
			deadlines: []program.Deadline{
				listingInfo("2026-03-03", -81, true), installWindow("2026-05-30", 7, false),
			},
		},
		{
			name: "44 installs when 50 are needed, removal after the window", config: certAt50, file: installs44, now: "2026-05-31",
			want: []act{removal("acme", program.ReasonInstallWindowLapsed, "2026-05-30")},
			deadlines: []program.Deadline{
				listingInfo("2026-03-03", -89, true), installWindow("2026-05-30", -1, false),
			},
		},
		{
			name: "a 60-day window, removal from the 61st day", config: window60, file: acmePublished(recorded(25, "2026-04-01")), now: "2026-05-01",
			want: []act{removal("acme", program.ReasonInstallWindowLapsed, "2026-04-30")},
			deadlines: []program.Deadline{
				listingInfo("2026-03-03", -59, true), installWindow("2026-04-30", -1, false),
			},
		},
		{
			name: "listing due after 45 days, nothing on the seed's removal day", config: listing45, file: acmeListingMissing(), now: "2026-02-01",
			deadlines: []program.Deadline{listingInfo("2026-02-15", 14, false)},
		},
		{
			name: "listing due after 45 days, the week-before reminder moves", config: listing45, file: acmeListingMissing(), now: "2026-02-08",
			want:      []act{remind("acme", program.DeadlineListingInfo, "2026-02-15", 7)},
			deadlines: []program.Deadline{listingInfo("2026-02-15", 7, false)},
		},
		{
			name: "listing due after 45 days, nothing on the due date", config: listing45, file: acmeListingMissing(), now: "2026-02-15",
			deadlines: []program.Deadline{listingInfo("2026-02-15", 0, false)},
		},
		{
			name: "listing due after 45 days, removal from the day after", config: listing45, file: acmeListingMissing(), now: "2026-02-16",
			want:      []act{removal("acme", program.ReasonListingOverdue, "2026-02-15")},
			deadlines: []program.Deadline{listingInfo("2026-02-15", -1, false)},
		},
		{
			name: "reminders at 14 and 3 days, a reminder fourteen days before", config: remind14and3, file: acmeListingMissing(), now: "2026-01-17",
			want:      []act{remind("acme", program.DeadlineListingInfo, "2026-01-31", 14)},
			deadlines: []program.Deadline{listingInfo("2026-01-31", 14, false)},
		},
		{
			name: "reminders at 14 and 3 days, none seven days before", config: remind14and3, file: acmeListingMissing(), now: "2026-01-24",
			deadlines: []program.Deadline{listingInfo("2026-01-31", 7, false)},
		},
		{
			name: "reminders at 14 and 3 days, a reminder three days before", config: remind14and3, file: acmeListingMissing(), now: "2026-01-28",
			want:      []act{remind("acme", program.DeadlineListingInfo, "2026-01-31", 3)},
			deadlines: []program.Deadline{listingInfo("2026-01-31", 3, false)},
		},
		{
			name: "reminders at 14 and 3 days, none the day before", config: remind14and3, file: acmeListingMissing(), now: "2026-01-30",
			deadlines: []program.Deadline{listingInfo("2026-01-31", 1, false)},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			statuses, plan := program.Decide(program.Input{Files: []application.File{tt.file}, Config: tt.config, Now: day(tt.now)})
			if diff := cmp.Diff(tt.want, acts(plan)); diff != "" {
				t.Errorf("plan (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.deadlines, statusOf(t, statuses, "acme").Deadlines); diff != "" {
				t.Errorf("deadlines (-want +got):\n%s", diff)
			}
		})
	}
}

// manyApplications returns 36 applications in every situation a plan
// knows, several sharing a due date, and the bot's open pull requests
// among them; on 2026-06-01 every kind of action is planned.
func manyApplications() ([]application.File, []program.OpenPR) {
	now := day("2026-06-01")
	var files []application.File
	var open []program.OpenPR
	for i := range 36 {
		slug := fmt.Sprintf("app-%02d", 35-i)
		p := application.ProgramState{Stage: application.StageBeta, Installs: application.Installs{Count: 15, AsOf: now.AddDays(-3)}}
		var listing *application.Listing
		var materials application.Application
		switch i % 9 {
		case 0: // listing overdue
			p.AcceptedAt = dayPtr("2026-04-20")
		case 1: // listing reminder, a week to go
			p.AcceptedAt = dayPtr("2026-05-09")
		case 2: // listing reminder, a day to go
			p.AcceptedAt = dayPtr("2026-05-03")
		case 3: // install window lapsed
			listing = completeListing()
			p.AcceptedAt, p.ListingPublishedAt = dayPtr("2026-01-05"), dayPtr(fmt.Sprintf("2026-02-%02d", 10+i%2))
		case 4: // promote
			listing = completeListing()
			p.AcceptedAt, p.ListingPublishedAt = dayPtr("2026-03-01"), dayPtr("2026-03-15")
			p.Installs.Count = 40 + i
		case 5: // launch: every certification step complete
			materials = certifiedMaterials()
			p.Stage = application.StageCertification
			p.Installs.Count = 60
			p.ApprovedAt, p.LaunchDate = dayPtr("2026-05-01"), dayPtr(fmt.Sprintf("2026-05-%02d", 20+i%2))
		case 6: // a promotion overtaken by certification: close it
			p.Stage = application.StageCertification
			p.Installs.Count = 50
			open = append(open, program.OpenPR{Number: 100 + i, Kind: program.KindPromote, Slug: slug})
		case 7: // a removal already open
			p.AcceptedAt = dayPtr("2026-04-20")
			open = append(open, program.OpenPR{Number: 100 + i, Kind: program.KindOpenRemovalPR, Slug: slug, Reason: program.ReasonListingOverdue})
		case 8: // quiet stages
			p.Stage = []application.Stage{application.StageApplied, application.StagePartner, application.StageRemoved}[i%3]
		}
		materials.Listing, materials.Program = listing, p
		files = append(files, file(slug, materials))
	}
	files = append(files, application.File{Path: "applications/zz-broken.cue", Slug: "zz-broken"})
	return files, open
}

func TestDecideIsDeterministic(t *testing.T) {
	files, open := manyApplications()
	reversed := make([]application.File, len(files))
	for i, f := range files {
		reversed[len(files)-1-i] = f
	}
	shuffled := func(seed uint64) []application.File {
		out := append([]application.File(nil), files...)
		r := rand.New(rand.NewPCG(seed, seed+1))
		r.Shuffle(len(out), func(i, j int) { out[i], out[j] = out[j], out[i] })
		return out
	}
	input := func(fs []application.File) program.Input {
		return program.Input{Files: fs, Config: seedConfig(), Open: open, Now: day("2026-06-01")}
	}
	wantStatuses, wantPlan := program.Decide(input(files))
	wantJSON, err := json.Marshal(wantPlan)
	if err != nil {
		t.Fatal(err)
	}

	kinds := map[program.ActionKind]int{}
	for _, a := range wantPlan.Actions {
		kinds[a.Kind]++
	}
	for _, k := range []program.ActionKind{program.KindClosePR, program.KindOpenRemovalPR, program.KindPromote, program.KindLaunch, program.KindRemind} {
		if kinds[k] < 2 {
			t.Errorf("the plan has %d %s actions, want at least 2 for the order to be tested", kinds[k], k)
		}
	}

	tests := []struct {
		name  string
		files []application.File
	}{
		{name: "the same input a second time", files: files},
		{name: "the input in reverse order", files: reversed},
		{name: "the input shuffled once", files: shuffled(1)},
		{name: "the input shuffled again", files: shuffled(2)},
		{name: "the input shuffled a third way", files: shuffled(3)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			statuses, plan := program.Decide(input(tt.files))
			if diff := cmp.Diff(wantStatuses, statuses); diff != "" {
				t.Errorf("statuses (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(wantPlan, plan); diff != "" {
				t.Errorf("plan (-want +got):\n%s", diff)
			}
			got, err := json.Marshal(plan)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(wantJSON, got) {
				t.Errorf("JSON of the plan differs:\nwant %s\ngot  %s", wantJSON, got)
			}
		})
	}
}

func TestActionsAreSorted(t *testing.T) {
	files, open := manyApplications()
	_, plan := program.Decide(program.Input{Files: files, Config: seedConfig(), Open: open, Now: day("2026-06-01")})
	rank := map[program.ActionKind]int{
		program.KindClosePR: 0, program.KindOpenRemovalPR: 1, program.KindPromote: 2, program.KindLaunch: 3, program.KindRemind: 4,
	}
	less := func(a, b program.Action) bool {
		if rank[a.Kind] != rank[b.Kind] {
			return rank[a.Kind] < rank[b.Kind]
		}
		if a.Due != b.Due {
			return a.Due < b.Due
		}
		return a.Slug < b.Slug
	}
	for i := 1; i < len(plan.Actions); i++ {
		prev, cur := plan.Actions[i-1], plan.Actions[i]
		if less(cur, prev) {
			t.Errorf("action %d (%s %s due %s) comes after (%s %s due %s)", i, cur.Kind, cur.Slug, cur.Due, prev.Kind, prev.Slug, prev.Due)
		}
	}
	// The close-pr and removal actions written out: by due date, then slug.
	var closes, removals []act
	for _, a := range acts(plan) {
		switch a.Kind {
		case program.KindClosePR:
			closes = append(closes, a)
		case program.KindOpenRemovalPR:
			removals = append(removals, a)
		}
	}
	wantCloses := []act{
		closePR("app-02", 133, "2026-06-01"),
		closePR("app-11", 124, "2026-06-01"),
		closePR("app-20", 115, "2026-06-01"),
		closePR("app-29", 106, "2026-06-01"),
	}
	if diff := cmp.Diff(wantCloses, closes); diff != "" {
		t.Errorf("close-pr actions (-want +got):\n%s", diff)
	}
	wantRemovals := []act{
		removal("app-05", program.ReasonInstallWindowLapsed, "2026-05-11"),
		removal("app-23", program.ReasonInstallWindowLapsed, "2026-05-11"),
		removal("app-14", program.ReasonInstallWindowLapsed, "2026-05-12"),
		removal("app-32", program.ReasonInstallWindowLapsed, "2026-05-12"),
		removal("app-08", program.ReasonListingOverdue, "2026-05-20"),
		removal("app-17", program.ReasonListingOverdue, "2026-05-20"),
		removal("app-26", program.ReasonListingOverdue, "2026-05-20"),
		removal("app-35", program.ReasonListingOverdue, "2026-05-20"),
	}
	if diff := cmp.Diff(wantRemovals, removals); diff != "" {
		t.Errorf("removal actions (-want +got):\n%s", diff)
	}
}

func TestStatusOrder(t *testing.T) {
	beta := func(slug, accepted string, listing *application.Listing, published *application.Date, installs int) application.File {
		return file(slug, application.Application{
			Listing: listing,
			Program: application.ProgramState{
				Stage:              application.StageBeta,
				Installs:           recorded(installs, "2026-02-01"),
				AcceptedAt:         dayPtr(accepted),
				ListingPublishedAt: published,
			},
		})
	}
	inStage := func(slug string, s application.Stage) application.File {
		return file(slug, application.Application{Program: application.ProgramState{Stage: s, Installs: recorded(50, "2026-01-01")}})
	}
	badAuth := inStage("bad-auth", application.StageCertification)
	badAuth.Findings = []application.Finding{{Rule: "connect/req-2", Severity: application.SeverityError, Path: "integration.auth"}}
	files := []application.File{
		beta("overdue-long", "2026-01-01", nil, nil, 12),                                   // due 01-31, 10 days lapsed
		beta("overdue-short", "2026-01-09", nil, nil, 12),                                  // due 02-08, 2 days lapsed
		beta("window-soon-b", "2025-11-01", completeListing(), dayPtr("2025-11-15"), 20),   // window ends 02-13
		beta("window-soon-a", "2025-11-01", completeListing(), dayPtr("2025-11-15"), 20),   // window ends 02-13
		beta("listing-later", "2026-01-25", nil, nil, 12),                                  // due 02-24
		beta("aa-beta-done", "2026-01-01", completeListing(), nil, 20),                     // every clock met
		beta("beta-promotable", "2025-10-01", completeListing(), dayPtr("2025-12-01"), 45), // window met
		{Path: "applications/broken-file.cue", Slug: "broken-file"},
		badAuth,
		inStage("zz-applied", application.StageApplied),
		inStage("cert-b", application.StageCertification),
		inStage("cert-a", application.StageCertification),
		inStage("partner-x", application.StagePartner),
		inStage("gone", application.StageRemoved),
	}
	want := []string{
		"broken-file", // act now: the plan skips it until a person fixes it
		"overdue-long", "overdue-short", "window-soon-a", "window-soon-b", "listing-later",
		"bad-auth",
		"zz-applied", "aa-beta-done", "beta-promotable", "cert-a", "cert-b", "partner-x", "gone",
	}
	reversed := make([]application.File, len(files))
	for i, f := range files {
		reversed[len(files)-1-i] = f
	}
	shuffled := append([]application.File(nil), files...)
	rand.New(rand.NewPCG(7, 8)).Shuffle(len(shuffled), func(i, j int) { shuffled[i], shuffled[j] = shuffled[j], shuffled[i] })

	tests := []struct {
		name  string
		files []application.File
	}{
		{name: "input in the order written", files: files},
		{name: "input reversed", files: reversed},
		{name: "input shuffled", files: shuffled},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			statuses, _ := decideOn(day("2026-02-10"), tt.files...)
			var got []string
			for _, s := range statuses {
				got = append(got, s.Slug)
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("status order (-want +got):\n%s", diff)
			}
		})
	}
}
