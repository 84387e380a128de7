package program_test

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/connectbot/connectbot/internal/application"
	"github.com/connectbot/connectbot/internal/program"
)

// recordedDays is what a stage change writes of its day: the dates it sets
// and its history row's.
func recordedDays(p application.ProgramState) []string {
	var out []string
	for name, d := range map[string]*application.Date{"acceptedAt": p.AcceptedAt, "listingPublishedAt": p.ListingPublishedAt, "approvedAt": p.ApprovedAt} {
		if d != nil {
			out = append(out, name+" "+d.String())
		}
	}
	if p.Removed != nil {
		out = append(out, "removed "+p.Removed.At.String())
	}
	if n := len(p.History); n > 0 {
		out = append(out, "history "+p.History[n-1].Date.String())
	}
	return out
}

func TestAnApprovalRecordsTheDayItWasSubmitted(t *testing.T) {
	now := date("2026-11-25")
	at := func(s string, hour int) time.Time { return date(s).Time().Add(time.Duration(hour) * time.Hour) }
	applied := appFile("n", func(a *application.Application) {
		a.Program = application.ProgramState{Stage: application.StageApplied, Installs: application.Installs{Count: 12, AsOf: date("2026-11-10")}}
	})
	listing := &application.Listing{Tagline: "t", Description: "d", SetupInstructionsURL: "https://a.example/docs", SupportURL: "https://a.example/help"}
	published := program.FileChange{Status: program.ChangeUpdate, Base: appFile("a", nil), Head: appFile("a", func(a *application.Application) {
		a.Listing = listing
		a.Program.AcceptedAt = datePtr("2026-11-21")
	})}
	tests := []struct {
		name      string
		change    program.FileChange
		submitted time.Time
		want      []string
	}{
		{"an approval taken up days later is dated the day it was submitted",
			program.FileChange{Status: program.ChangeNew, Head: applied}, at("2026-11-20", 23),
			[]string{"acceptedAt 2026-11-20", "history 2026-11-20"}},
		{"the day is the UTC day of the submission",
			program.FileChange{Status: program.ChangeNew, Head: applied}, time.Date(2026, 11, 20, 23, 30, 0, 0, time.FixedZone("UTC-5", -5*3600)),
			[]string{"acceptedAt 2026-11-21", "history 2026-11-21"}},
		{"an approval dated after today is dated today",
			program.FileChange{Status: program.ChangeNew, Head: applied}, at("2026-11-28", 9),
			[]string{"acceptedAt 2026-11-25", "history 2026-11-25"}},
		{"a listing published on an approval given before the acceptance it rests on is dated the acceptance",
			published, at("2026-11-19", 9),
			[]string{"acceptedAt 2026-11-21", "listingPublishedAt 2026-11-21", "history 2026-11-21"}},
		{"an approval without a time is dated today",
			program.FileChange{Status: program.ChangeNew, Head: applied}, time.Time{},
			[]string{"acceptedAt 2026-11-25", "history 2026-11-25"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := program.OnApproval(tt.change, prConfig, program.Review{Author: "okafor-pm", SubmittedAt: tt.submitted}, 42, testHead, now, nil)
			if !ok {
				t.Fatal("no transition")
			}
			if diff := cmp.Diff(tt.want, recordedDays(got.Program), cmpSorted); diff != "" {
				t.Errorf("recorded (-want +got):\n%s", diff)
			}
		})
	}
}

func TestTheEarliestStandingApprovalDecides(t *testing.T) {
	now := date("2026-11-25")
	newApp := program.FileChange{Path: "applications/newco.cue", Status: program.ChangeNew,
		Head: appFile("newco", func(a *application.Application) {
			a.Maintainers = []string{"newco-dev"}
			a.Program = application.ProgramState{Stage: application.StageApplied, Installs: application.Installs{Count: 12, AsOf: date("2026-11-10")}}
		})}
	v := program.JudgePullRequest(program.PullRequest{
		Number: 3, Author: program.Author{Login: "newco-dev"}, HeadSHA: testHead, Config: prConfig, Now: now,
		Changes: []program.FileChange{newApp},
		Reviews: []program.Review{
			{Author: "okafor-pm", State: program.ReviewApproved, CommitSHA: testHead, SubmittedAt: date("2026-11-23").Time()},
			{Author: "rivera-reviews", State: program.ReviewApproved, CommitSHA: testHead, SubmittedAt: date("2026-11-21").Time()},
		},
	})
	if !v.Merge || len(v.Transitions) != 1 {
		t.Fatalf("not merged: %+v", v)
	}
	if diff := cmp.Diff([]string{"acceptedAt 2026-11-21", "history 2026-11-21"}, recordedDays(v.Transitions[0].Program), cmpSorted); diff != "" {
		t.Errorf("recorded (-want +got):\n%s", diff)
	}
	if v.Approval.Author != "rivera-reviews" {
		t.Errorf("the approval is @%s's, want the earlier @rivera-reviews's", v.Approval.Author)
	}
}

func TestAClockDrivenChangeRecordsTheDayOfItsEvent(t *testing.T) {
	beta := appFile("acme", func(a *application.Application) {
		a.Program.AcceptedAt = datePtr("2026-10-12")
		a.Program.ListingPublishedAt = datePtr("2026-10-30")
		a.Program.History = []application.HistoryRow{{Date: date("2026-10-30"), Stage: application.StageBeta, By: "okafor-pm"}}
	}).App.Program
	tests := []struct {
		name   string
		action program.Action
		now    string
		want   []string
	}{
		{"a removal for an overdue listing is dated its first lapsed day, the day after the due date",
			program.Action{Kind: program.KindOpenRemovalPR, Reason: program.ReasonListingOverdue, Due: date("2026-11-11")}, "2026-11-20",
			[]string{"acceptedAt 2026-10-12", "listingPublishedAt 2026-10-30", "removed 2026-11-12", "history 2026-11-12"}},
		{"a removal for a lapsed install window, carried out on its first lapsed day",
			program.Action{Kind: program.KindOpenRemovalPR, Reason: program.ReasonInstallWindowLapsed, Due: date("2027-01-28")}, "2027-01-29",
			[]string{"acceptedAt 2026-10-12", "listingPublishedAt 2026-10-30", "removed 2027-01-29", "history 2027-01-29"}},
		{"a removal never predates what the record shows",
			program.Action{Kind: program.KindOpenRemovalPR, Reason: program.ReasonListingOverdue, Due: date("2026-10-20")}, "2026-11-20",
			[]string{"acceptedAt 2026-10-12", "listingPublishedAt 2026-10-30", "removed 2026-10-30", "history 2026-10-30"}},
		{"a removal is never dated after today",
			program.Action{Kind: program.KindOpenRemovalPR, Reason: program.ReasonListingOverdue, Due: date("2026-11-20")}, "2026-11-20",
			[]string{"acceptedAt 2026-10-12", "listingPublishedAt 2026-10-30", "removed 2026-11-20", "history 2026-11-20"}},
		{"a termination is dated its day",
			program.Action{Kind: program.KindOpenRemovalPR, Reason: program.ReasonTerminated, Due: date("2026-11-18")}, "2026-11-20",
			[]string{"acceptedAt 2026-10-12", "listingPublishedAt 2026-10-30", "removed 2026-11-18", "history 2026-11-18"}},
		{"a promotion is dated the day the count reaching certification was taken",
			program.Action{Kind: program.KindPromote, Reason: "installs-reached", Due: date("2026-11-16")}, "2026-11-20",
			[]string{"acceptedAt 2026-10-12", "listingPublishedAt 2026-10-30", "history 2026-11-16"}},
		{"a launch is dated its launch date",
			program.Action{Kind: program.KindLaunch, Reason: "launch-date", Due: date("2026-11-15")}, "2026-11-20",
			[]string{"acceptedAt 2026-10-12", "listingPublishedAt 2026-10-30", "history 2026-11-15"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.action.Slug = "acme"
			got, ok := program.Effect(tt.action, beta, date(tt.now))
			if !ok {
				t.Fatal("no effect")
			}
			if diff := cmp.Diff(tt.want, recordedDays(got), cmpSorted); diff != "" {
				t.Errorf("recorded (-want +got):\n%s", diff)
			}
		})
	}
}

// cmpSorted compares lists of strings whatever their order.
var cmpSorted = cmpopts.SortSlices(func(a, b string) bool { return a < b })
