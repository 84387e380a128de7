package program_test

import (
	"testing"

	"github.com/connectbot/connectbot/internal/application"
	"github.com/connectbot/connectbot/internal/program"
)

// TestTheChecklistIsShownForNewApplicationsAndStageChanges: the reviewer
// checklist goes with a new application and every stage change a reviewer
// approves, never with a removal or an ordinary update.
func TestTheChecklistIsShownForNewApplicationsAndStageChanges(t *testing.T) {
	listing := &application.Listing{Tagline: "t", Description: "d", SetupInstructionsURL: "https://a.example/docs", SupportURL: "https://a.example/help"}
	applied := func(a *application.Application) {
		a.Program = application.ProgramState{Stage: application.StageApplied, Installs: application.Installs{Count: 12, AsOf: date("2026-11-20")}}
	}
	tests := []struct {
		name   string
		change program.FileChange
		want   bool
	}{
		{"a new application shows it",
			program.FileChange{Status: program.ChangeNew, Head: appFile("n", applied)}, true},
		{"a beta's completed listing, published on approval, shows it",
			program.FileChange{Status: program.ChangeUpdate, Base: appFile("a", nil), Head: appFile("a", func(a *application.Application) { a.Listing = listing })}, true},
		{"a promotion to certification shows it",
			program.FileChange{Status: program.ChangeUpdate, Base: appFile("a", nil), Head: appFile("a", func(a *application.Application) {
				a.Program.Stage = application.StageCertification
			})}, true},
		{"a removal shows none",
			program.FileChange{Status: program.ChangeUpdate, Base: appFile("a", nil), Head: appFile("a", func(a *application.Application) {
				a.Program.Stage = application.StageRemoved
				a.Program.Removed = &application.Removal{At: date("2026-11-25"), Reason: "listing-overdue", By: "connectbot"}
			})}, false},
		{"an ordinary update shows none",
			program.FileChange{Status: program.ChangeUpdate, Base: appFile("a", nil), Head: appFile("a", func(a *application.Application) { a.Company.Website = "https://acme.example" })}, false},
		{"a deleted file shows none",
			program.FileChange{Status: program.ChangeDelete, Base: appFile("a", nil)}, false},
		{"a file that does not load shows none",
			program.FileChange{Status: program.ChangeNew, Head: &application.File{Path: "applications/x.cue", Slug: "x"}}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := program.ShowsChecklist(tt.change, prConfig, date("2026-11-25")); got != tt.want {
				t.Errorf("ShowsChecklist = %v, want %v", got, tt.want)
			}
		})
	}
}
