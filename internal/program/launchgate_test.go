package program_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/connectbot/connectbot/internal/application"
	"github.com/connectbot/connectbot/internal/program"
)

// TestALaunchNeedsItsCertificationSteps holds the launch to Connect
// cert-6 read with cert-1 to cert-4: an approved certification whose
// launch date has come launches only when its steps are complete (App ID,
// demo video, sales assets, no open feedback); otherwise nothing is
// planned and the status says what is missing.
func TestALaunchNeedsItsCertificationSteps(t *testing.T) {
	approved := func(edit func(*application.Application)) application.File {
		app := application.Application{
			Integration:   application.Integration{AppID: "1234567"},
			Listing:       completeListing(),
			Certification: &application.Certification{DemoVideoURL: "https://video.example/acme", SalesAssets: []string{"https://acme.example/one-pager.pdf"}},
			Program: application.ProgramState{
				Stage: application.StageCertification, Installs: recorded(55, "2026-02-15"),
				AcceptedAt: dayPtr("2026-01-01"), ListingPublishedAt: dayPtr("2026-01-10"),
				ApprovedAt: dayPtr("2026-03-01"), LaunchDate: dayPtr("2026-03-15"),
			},
		}
		edit(&app)
		return file("acme", app)
	}
	tests := []struct {
		name     string
		file     application.File
		want     []act
		wantNext string
	}{
		{"every step complete launches", approved(func(*application.Application) {}),
			[]act{launch("acme", "2026-03-15")}, "launch: the launch date 2026-03-15 has come"},
		{"no App ID does not launch", approved(func(a *application.Application) { a.Integration.AppID = "" }),
			nil, "launch on 2026-03-15 waits for the certification steps: submit App ID for the technical review"},
		{"no demo video nor sales assets does not launch", approved(func(a *application.Application) { a.Certification = nil }),
			nil, "launch on 2026-03-15 waits for the certification steps: submit demo video, sales assets for the technical review"},
		{"an open feedback item does not launch", approved(func(a *application.Application) {
			a.Program.Feedback = []application.Feedback{{ID: "fb-1", Status: "open"}}
		}), nil, "launch on 2026-03-15 waits for the certification steps: address 1 feedback item of product review"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			statuses, plan := decideOn(day("2026-03-15"), tt.file)
			if diff := cmp.Diff(tt.want, acts(plan)); diff != "" {
				t.Errorf("plan (-want +got):\n%s", diff)
			}
			if got := statusOf(t, statuses, "acme").Next; got != tt.wantNext {
				t.Errorf("next %q, want %q", got, tt.wantNext)
			}
		})
	}
}

// TestAGatedLaunchClosesItsOpenPullRequest: a launch pull request opened
// while the steps were complete is closed once a step is undone, and says
// what is missing.
func TestAGatedLaunchClosesItsOpenPullRequest(t *testing.T) {
	f := file("acme", application.Application{
		Listing: completeListing(),
		Program: application.ProgramState{
			Stage: application.StageCertification, Installs: recorded(55, "2026-02-15"),
			AcceptedAt: dayPtr("2026-01-01"), ListingPublishedAt: dayPtr("2026-01-10"),
			ApprovedAt: dayPtr("2026-03-01"), LaunchDate: dayPtr("2026-03-15"),
		},
	})
	_, plan := program.Decide(program.Input{Files: []application.File{f}, Config: seedConfig(), Now: day("2026-03-16"),
		Open: []program.OpenPR{{Number: 7, Kind: program.KindLaunch, Slug: "acme"}}})
	if diff := cmp.Diff([]act{closePR("acme", 7, "2026-03-16")}, acts(plan)); diff != "" {
		t.Fatalf("plan (-want +got):\n%s", diff)
	}
	want := "launch #7 no longer applies: the certification steps are incomplete: submit App ID, demo video, sales assets for the technical review"
	if got := plan.Actions[0].Evidence; got != want {
		t.Errorf("evidence %q, want %q", got, want)
	}
}
