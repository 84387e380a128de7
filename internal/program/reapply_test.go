package program_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/connectbot/connectbot/internal/application"
	"github.com/connectbot/connectbot/internal/program"
)

// TestAReapplicationIsOpenedByAMaintainerOfTheRemovedFile: a new file that
// links a removed application (previousApplication) must come from one
// of that file's maintainers — naming one in the new file's maintainers
// is not enough, since anyone can write a login there — and must link an
// application on the base branch that is removed.
func TestAReapplicationIsOpenedByAMaintainerOfTheRemovedFile(t *testing.T) {
	removed := appFile("acme", func(a *application.Application) {
		a.Program = application.ProgramState{Stage: application.StageRemoved, Installs: a.Program.Installs,
			Removed: &application.Removal{At: date("2026-05-01"), Reason: "listing-overdue", By: "connectbot"}}
	})
	again := func(link string, maintainers ...string) *application.File {
		return appFile("acme-again", func(a *application.Application) {
			a.PreviousApplication, a.Maintainers = link, maintainers
			a.Program = application.ProgramState{Stage: application.StageApplied, Installs: a.Program.Installs}
		})
	}
	change := func(head *application.File, previous *application.File) []program.FileChange {
		return []program.FileChange{{Path: "applications/acme-again.cue", Status: program.ChangeNew, ToKind: program.EntryFile,
			Head: head, Previous: previous}}
	}
	tests := []struct {
		name    string
		author  string
		changes []program.FileChange
		want    []string
	}{
		{"a maintainer of the removed file re-applies", "acme-dev", change(again("acme", "acme-dev"), removed), nil},
		{"a stranger listing the removed file's maintainer is refused", "mallory",
			change(again("acme", "mallory", "acme-dev"), removed), []string{program.RuleReapplication}},
		{"a link to no application on the base branch is refused", "acme-dev",
			change(again("acme", "acme-dev"), nil), []string{program.RuleReapplication}},
		{"a link to an application that is not removed is refused", "acme-dev",
			change(again("acme", "acme-dev"), appFile("acme", nil)), []string{program.RuleReapplication}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, _ := program.Ownership(program.Author{Login: tt.author}, tt.changes, prConfig)
			var rules []string
			for _, f := range got["applications/acme-again.cue"] {
				rules = append(rules, f.Rule)
			}
			if diff := cmp.Diff(tt.want, rules); diff != "" {
				t.Errorf("findings (-want +got):\n%s", diff)
			}
		})
	}
}

// TestTheReviewerSeesTheRemovedApplication: the verdict on a
// re-application carries the removal it follows, for the comment.
func TestTheReviewerSeesTheRemovedApplication(t *testing.T) {
	removed := appFile("acme", func(a *application.Application) {
		a.Program = application.ProgramState{Stage: application.StageRemoved, Installs: a.Program.Installs,
			Removed: &application.Removal{At: date("2026-05-01"), Reason: "listing-overdue", By: "connectbot"}}
	})
	head := appFile("acme-again", func(a *application.Application) {
		a.PreviousApplication = "acme"
		a.Program = application.ProgramState{Stage: application.StageApplied, Installs: a.Program.Installs}
	})
	fv := program.FileVerdictOf(program.FileChange{Path: head.Path, Status: program.ChangeNew, ToKind: program.EntryFile, Head: head, Previous: removed})
	want := &program.Reapplication{Slug: "acme", Path: "applications/acme.cue", Removed: *removed.App.Program.Removed}
	if diff := cmp.Diff(want, fv.Reapplies); diff != "" {
		t.Errorf("reapplies (-want +got):\n%s", diff)
	}
}
