package program_test

import (
	"testing"

	"github.com/connectbot/connectbot/internal/application"
	"github.com/connectbot/connectbot/internal/program"
	"github.com/google/go-cmp/cmp"
)

// testHead is the head commit an approval in these tests is given on.
const testHead = "5f2c9e1d0b7a4c3e8f6a1b2c3d4e5f6a7b8c9d0e"

func TestOnApproval(t *testing.T) {
	now := date("2026-11-25")
	applied := func(installs int) func(*application.Application) {
		return func(a *application.Application) {
			a.Program = application.ProgramState{Stage: application.StageApplied, Installs: application.Installs{Count: installs, AsOf: date("2026-11-20")}}
		}
	}
	listing := &application.Listing{Tagline: "t", Description: "d", SetupInstructionsURL: "https://a.example/docs", SupportURL: "https://a.example/help"}
	certReady := func(a *application.Application) {
		a.Program.Stage = application.StageCertification
		a.Certification = &application.Certification{DemoVideoURL: "https://v.example", SalesAssets: []string{"https://a.example/deck.pdf"}}
		a.Program.Feedback = []application.Feedback{{ID: "f1", Text: "x", Status: "addressed"}}
	}
	tests := []struct {
		name     string
		change   program.FileChange
		wantOK   bool
		wantTo   application.Stage
		wantSet  []string
		wantRule string
	}{
		{"a new application with 10 to 39 installs enters beta",
			program.FileChange{Status: program.ChangeNew, Head: appFile("n", applied(12))}, true, application.StageBeta, []string{"acceptedAt"}, "connect/beta-1"},
		{"a new application with 10 installs exactly enters beta",
			program.FileChange{Status: program.ChangeNew, Head: appFile("n", applied(10))}, true, application.StageBeta, []string{"acceptedAt"}, "connect/beta-1"},
		{"a new application with 40 installs goes straight to certification",
			program.FileChange{Status: program.ChangeNew, Head: appFile("n", applied(40))}, true, application.StageCertification, []string{"acceptedAt"}, "connect/cert-1"},
		{"a new application below 10 installs cannot be accepted",
			program.FileChange{Status: program.ChangeNew, Head: appFile("n", applied(9))}, false, "", nil, ""},
		{"a beta's completed listing is published",
			program.FileChange{Status: program.ChangeUpdate, Base: appFile("a", nil), Head: appFile("a", func(a *application.Application) { a.Listing = listing })},
			true, application.StageBeta, []string{"listingPublishedAt"}, "connect/beta-5"},
		{"an incomplete listing is not published",
			program.FileChange{Status: program.ChangeUpdate, Base: appFile("a", nil), Head: appFile("a", func(a *application.Application) { a.Listing = &application.Listing{Tagline: "t"} })},
			false, "", nil, ""},
		{"an already published listing is not published again",
			program.FileChange{Status: program.ChangeUpdate, Base: appFile("a", func(a *application.Application) {
				a.Listing = listing
				a.Program.ListingPublishedAt = datePtr("2026-11-01")
			}),
				Head: appFile("a", func(a *application.Application) {
					a.Listing = &application.Listing{Tagline: "new", Description: "d", SetupInstructionsURL: "https://a.example/d", SupportURL: "https://a.example/h"}
					a.Program.ListingPublishedAt = datePtr("2026-11-01")
				})},
			false, "", nil, ""},
		{"a ready certification is approved",
			program.FileChange{Status: program.ChangeUpdate, Base: appFile("a", certReady), Head: appFile("a", certReady)},
			true, application.StageCertification, []string{"approvedAt"}, "connect/cert-5"},
		{"a certification with open feedback is not approved",
			program.FileChange{Status: program.ChangeUpdate, Base: appFile("a", certReady), Head: appFile("a", func(a *application.Application) {
				certReady(a)
				a.Program.Feedback[0].Status = "open"
			})}, false, "", nil, ""},
		{"a certification without a demo video is not approved",
			program.FileChange{Status: program.ChangeUpdate, Base: appFile("a", certReady), Head: appFile("a", func(a *application.Application) {
				certReady(a)
				a.Certification.DemoVideoURL = ""
			})}, false, "", nil, ""},
		{"connectbot's promotion to certification, approved, records the approval in the history",
			program.FileChange{Status: program.ChangeUpdate, Base: appFile("a", nil), Head: appFile("a", func(a *application.Application) {
				a.Program.Stage = application.StageCertification
			})}, true, application.StageCertification, []string{"history"}, "connect/beta-6"},
		{"connectbot's launch, approved, records the approval in the history",
			program.FileChange{Status: program.ChangeUpdate, Base: appFile("a", certReady), Head: appFile("a", func(a *application.Application) {
				certReady(a)
				a.Program.Stage = application.StagePartner
				a.Program.ApprovedAt, a.Program.LaunchDate = datePtr("2026-11-01"), datePtr("2026-11-20")
			})}, true, application.StagePartner, []string{"history"}, "connect/cert-6"},
		{"a removal records nothing more on approval",
			program.FileChange{Status: program.ChangeUpdate, Base: appFile("a", nil), Head: appFile("a", func(a *application.Application) {
				a.Program.Stage = application.StageRemoved
				a.Program.Removed = &application.Removal{At: date("2026-11-25"), Reason: "listing-overdue", By: "connectbot"}
			})}, false, "", nil, ""},
		{"an ordinary update only merges",
			program.FileChange{Status: program.ChangeUpdate, Base: appFile("a", nil), Head: appFile("a", func(a *application.Application) { a.Company.Website = "https://acme.example" })},
			false, "", nil, ""},
		{"a deletion records nothing",
			program.FileChange{Status: program.ChangeDelete, Base: appFile("a", nil)}, false, "", nil, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := program.OnApproval(tt.change, prConfig, program.Review{Author: "okafor-pm"}, 42, testHead, now, nil)
			if ok != tt.wantOK {
				t.Fatalf("transition = %v, want %v (%+v)", ok, tt.wantOK, got)
			}
			if !ok {
				return
			}
			if got.To != tt.wantTo || got.Rule != tt.wantRule || !cmp.Equal(got.Set, tt.wantSet) {
				t.Errorf("got to=%s set=%v rule=%s, want to=%s set=%v rule=%s", got.To, got.Set, got.Rule, tt.wantTo, tt.wantSet, tt.wantRule)
			}
			if got.Program.Stage != tt.wantTo {
				t.Errorf("program stage %s, want %s", got.Program.Stage, tt.wantTo)
			}
			last := got.Program.History[len(got.Program.History)-1]
			if want := (application.HistoryRow{Date: now, Stage: tt.wantTo, By: "okafor-pm", Ref: "#42", Checklist: testHead}); last != want {
				t.Errorf("history row %+v, want %+v", last, want)
			}
			if len(tt.change.Head.App.Program.History) == len(got.Program.History) {
				t.Error("the head's history was modified in place")
			}
		})
	}
}
