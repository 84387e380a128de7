package program_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/connectbot/connectbot/internal/application"
	"github.com/connectbot/connectbot/internal/policy"
	"github.com/connectbot/connectbot/internal/program"
)

// toNew makes an application what a new file may be: stage applied, its
// installs, nothing else of the program's.
func toNew(a *application.Application) {
	a.Program = application.ProgramState{Stage: application.StageApplied, Installs: a.Program.Installs}
}

func date(s string) application.Date { return application.MustParseDate(s) }

func datePtr(s string) *application.Date {
	d := date(s)
	return &d
}

var prConfig = application.Config{
	MinInstalls: 10, CertificationInstalls: 40, ListingDueDays: 30, InstallWindowDays: 90,
	SupportResponseHours: 24, ReminderDays: []int{7, 1}, Reviewers: []string{"rivera-reviews", "okafor-pm"},
}

// appFile builds a judged application file for slug with the given edits.
func appFile(slug string, edit func(*application.Application)) *application.File {
	app := &application.Application{
		Company:     application.Company{Name: "Acme"},
		Maintainers: []string{"acme-dev"},
		Integration: application.Integration{Name: "Acme Sync", AppID: "1234567"},
		Program: application.ProgramState{
			Stage: application.StageBeta, Installs: application.Installs{Count: 23, AsOf: date("2026-11-20")},
			AcceptedAt: datePtr("2026-10-12"),
		},
	}
	if edit != nil {
		edit(app)
	}
	return &application.File{Path: "applications/" + slug + ".cue", Slug: slug, App: app, Positions: application.Positions{
		"maintainers": {Line: 2, Column: 1}, "program": {Line: 20, Column: 1}, "program.stage": {Line: 21, Column: 2},
		"program.acceptedAt": {Line: 23, Column: 2},
	}}
}

func TestOwnership(t *testing.T) {
	type found struct {
		Path, Rule string
		Line       int
	}
	tests := []struct {
		name        string
		author      program.Author
		changes     []program.FileChange
		want        []found
		needsReview bool
	}{
		{
			name:   "a maintainer editing their own file passes",
			author: program.Author{Login: "acme-dev"},
			changes: []program.FileChange{{Path: "applications/acme.cue", Status: program.ChangeUpdate,
				Base: appFile("acme", nil), Head: appFile("acme", func(a *application.Application) { a.Integration.Name = "Acme Sync 2" })}},
		},
		{
			name:   "a maintainer's attestations are theirs to give or withdraw: attestations is integrator-owned",
			author: program.Author{Login: "acme-dev"},
			changes: []program.FileChange{{Path: "applications/acme.cue", Status: program.ChangeUpdate,
				Base: appFile("acme", nil), Head: appFile("acme", func(a *application.Application) {
					a.Attestations = application.Attestations{DeveloperTerms: true, LawfulBasis: true}
				})}},
		},
		{
			name:   "another integrator changing the attestations is refused",
			author: program.Author{Login: "mallory"},
			changes: []program.FileChange{{Path: "applications/acme.cue", Status: program.ChangeUpdate,
				Base: appFile("acme", nil), Head: appFile("acme", func(a *application.Application) { a.Attestations.DeveloperTerms = true })}},
			want: []found{{"applications/acme.cue", program.RuleMaintainer, 2}},
		},
		{
			name:   "an integrator recording the checklist in their own history is refused: history is the program's",
			author: program.Author{Login: "acme-dev"},
			changes: []program.FileChange{{Path: "applications/acme.cue", Status: program.ChangeUpdate,
				Base: appFile("acme", nil), Head: appFile("acme", func(a *application.Application) {
					a.Program.History = []application.HistoryRow{{Date: date("2026-10-12"), Stage: application.StageBeta, By: "rivera-reviews", Checklist: testHead}}
				})}},
			want: []found{{"applications/acme.cue", program.RuleProgramOwned, 20}},
		},
		{
			name:   "a new application for a company already in the program, opened by a maintainer of its file, passes",
			author: program.Author{Login: "acme-dev"},
			changes: []program.FileChange{{Path: "applications/acme-two.cue", Status: program.ChangeNew, ToKind: program.EntryFile,
				Head: appFile("acme-two", func(a *application.Application) {
					toNew(a)
					a.Maintainers = []string{"acme-dev", "acme-intern"}
				}),
				Claimed: []*application.File{appFile("acme", nil)}}},
		},
		{
			name:   "a new application for a company already in the program, listing its maintainers but opened by someone else, is refused",
			author: program.Author{Login: "mallory"},
			changes: []program.FileChange{{Path: "applications/acme-two.cue", Status: program.ChangeNew, ToKind: program.EntryFile,
				Head: appFile("acme-two", func(a *application.Application) {
					toNew(a)
					a.Maintainers = []string{"mallory", "acme-dev"}
				}),
				Claimed: []*application.File{appFile("acme", nil)}}},
			want: []found{{"applications/acme-two.cue", policy.RuleCompanyClaim, 1}},
		},
		{
			name:   "changing one's company to another application's company is refused",
			author: program.Author{Login: "mallory"},
			changes: []program.FileChange{{Path: "applications/mallory.cue", Status: program.ChangeUpdate, ToKind: program.EntryFile,
				Base:    appFile("mallory", func(a *application.Application) { a.Company.Name = "Mallory"; a.Maintainers = []string{"mallory"} }),
				Head:    appFile("mallory", func(a *application.Application) { a.Maintainers = []string{"mallory"} }),
				Claimed: []*application.File{appFile("acme", nil)}}},
			want: []found{{"applications/mallory.cue", policy.RuleCompanyClaim, 1}},
		},
		{
			name:   "a reviewer may open an application for a company already in the program",
			author: program.Author{Login: "rivera-reviews"},
			changes: []program.FileChange{{Path: "applications/acme-two.cue", Status: program.ChangeNew, ToKind: program.EntryFile,
				Head:    appFile("acme-two", toNew),
				Claimed: []*application.File{appFile("acme", nil)}}},
		},
		{
			name:   "a maintainer is matched without regard to case",
			author: program.Author{Login: "ACME-Dev"},
			changes: []program.FileChange{{Path: "applications/acme.cue", Status: program.ChangeUpdate,
				Base: appFile("acme", nil), Head: appFile("acme", nil)}},
		},
		{
			name:   "another integrator editing the file is refused",
			author: program.Author{Login: "mallory"},
			changes: []program.FileChange{{Path: "applications/acme.cue", Status: program.ChangeUpdate,
				Base: appFile("acme", nil), Head: appFile("acme", func(a *application.Application) { a.Maintainers = append(a.Maintainers, "mallory") })}},
			want: []found{{"applications/acme.cue", program.RuleMaintainer, 2}},
		},
		{
			name:   "adding oneself as maintainer in the pull request does not help: the base decides",
			author: program.Author{Login: "mallory"},
			changes: []program.FileChange{{Path: "applications/acme.cue", Status: program.ChangeUpdate,
				Base: appFile("acme", nil), Head: appFile("acme", func(a *application.Application) { a.Maintainers = []string{"mallory"} })}},
			want: []found{{"applications/acme.cue", program.RuleMaintainer, 2}},
		},
		{
			name:   "a maintainer adding a login to maintainers is a warning for the reviewer at the maintainers line",
			author: program.Author{Login: "acme-dev"},
			changes: []program.FileChange{{Path: "applications/acme.cue", Status: program.ChangeUpdate,
				Base: appFile("acme", nil), Head: appFile("acme", func(a *application.Application) { a.Maintainers = append(a.Maintainers, "acme-ops") })}},
			want: []found{{"applications/acme.cue", program.RuleMaintainersChanged, 2}},
		},
		{
			name:   "a maintainer removing a login from maintainers is a warning too",
			author: program.Author{Login: "acme-dev"},
			changes: []program.FileChange{{Path: "applications/acme.cue", Status: program.ChangeUpdate,
				Base: appFile("acme", func(a *application.Application) { a.Maintainers = []string{"acme-dev", "acme-ops"} }),
				Head: appFile("acme", nil)}},
			want: []found{{"applications/acme.cue", program.RuleMaintainersChanged, 2}},
		},
		{
			name:   "a maintainer rewriting the maintainers in other letter case and order changes nothing",
			author: program.Author{Login: "acme-dev"},
			changes: []program.FileChange{{Path: "applications/acme.cue", Status: program.ChangeUpdate,
				Base: appFile("acme", func(a *application.Application) { a.Maintainers = []string{"acme-dev", "acme-ops"} }),
				Head: appFile("acme", func(a *application.Application) { a.Maintainers = []string{"ACME-OPS", "acme-dev"} })}},
		},
		{
			name:   "a reviewer changing the maintainers gets no warning: it is their own decision",
			author: program.Author{Login: "rivera-reviews"},
			changes: []program.FileChange{{Path: "applications/acme.cue", Status: program.ChangeUpdate,
				Base: appFile("acme", nil), Head: appFile("acme", func(a *application.Application) { a.Maintainers = []string{"acme-new"} })}},
		},
		{
			name:   "a maintainer changing program.stage is refused, naming the field",
			author: program.Author{Login: "acme-dev"},
			changes: []program.FileChange{{Path: "applications/acme.cue", Status: program.ChangeUpdate,
				Base: appFile("acme", nil), Head: appFile("acme", func(a *application.Application) { a.Program.Stage = application.StagePartner })}},
			want: []found{{"applications/acme.cue", program.RuleProgramOwned, 21}},
		},
		{
			name:   "a maintainer writing empty feedback and history lists where the base has none changes nothing the program owns",
			author: program.Author{Login: "acme-dev"},
			changes: []program.FileChange{{Path: "applications/acme.cue", Status: program.ChangeUpdate,
				Base: appFile("acme", nil), Head: appFile("acme", func(a *application.Application) {
					a.Program.Feedback = []application.Feedback{}
					a.Program.History = []application.HistoryRow{}
				})}},
		},
		{
			name:   "a maintainer emptying the history is refused",
			author: program.Author{Login: "acme-dev"},
			changes: []program.FileChange{{Path: "applications/acme.cue", Status: program.ChangeUpdate,
				Base: appFile("acme", func(a *application.Application) {
					a.Program.History = []application.HistoryRow{{Date: date("2026-10-12"), Stage: application.StageBeta, By: "rivera-reviews"}}
				}),
				Head: appFile("acme", func(a *application.Application) { a.Program.History = []application.HistoryRow{} })}},
			want: []found{{"applications/acme.cue", program.RuleProgramOwned, 20}},
		},
		{
			name:   "a maintainer moving a date is refused",
			author: program.Author{Login: "acme-dev"},
			changes: []program.FileChange{{Path: "applications/acme.cue", Status: program.ChangeUpdate,
				Base: appFile("acme", nil), Head: appFile("acme", func(a *application.Application) { a.Program.AcceptedAt = datePtr("2026-11-20") })}},
			want: []found{{"applications/acme.cue", program.RuleProgramOwned, 23}},
		},
		{
			name:   "a new file listing its author passes",
			author: program.Author{Login: "newco-dev"},
			changes: []program.FileChange{{Path: "applications/newco.cue", Status: program.ChangeNew,
				Head: appFile("newco", func(a *application.Application) {
					a.Maintainers = []string{"newco-dev"}
					a.Program = application.ProgramState{Stage: application.StageApplied, Installs: application.Installs{Count: 12, AsOf: date("2026-11-20")}}
				})}},
		},
		{
			name:   "a new file with empty feedback and history lists passes",
			author: program.Author{Login: "newco-dev"},
			changes: []program.FileChange{{Path: "applications/newco.cue", Status: program.ChangeNew,
				Head: appFile("newco", func(a *application.Application) {
					a.Maintainers = []string{"newco-dev"}
					a.Program = application.ProgramState{Stage: application.StageApplied, Installs: application.Installs{Count: 12, AsOf: date("2026-11-20")},
						Feedback: []application.Feedback{}, History: []application.HistoryRow{}}
				})}},
		},
		{
			name:   "a new file that does not list its author is refused",
			author: program.Author{Login: "newco-dev"},
			changes: []program.FileChange{{Path: "applications/newco.cue", Status: program.ChangeNew,
				Head: appFile("newco", func(a *application.Application) {
					a.Program = application.ProgramState{Stage: application.StageApplied, Installs: application.Installs{Count: 12, AsOf: date("2026-11-20")}}
				})}},
			want: []found{{"applications/newco.cue", program.RuleMaintainer, 2}},
		},
		{
			name:    "a new file that accepts itself into beta is refused",
			author:  program.Author{Login: "acme-dev"},
			changes: []program.FileChange{{Path: "applications/newco.cue", Status: program.ChangeNew, Head: appFile("newco", nil)}},
			want:    []found{{"applications/newco.cue", program.RuleProgramOwned, 21}, {"applications/newco.cue", program.RuleProgramOwned, 23}},
		},
		{
			name:        "deleting an application needs a reviewer",
			author:      program.Author{Login: "acme-dev"},
			changes:     []program.FileChange{{Path: "applications/acme.cue", Status: program.ChangeDelete, Base: appFile("acme", nil)}},
			want:        []found{{"applications/acme.cue", program.RuleRename, 1}},
			needsReview: true,
		},
		{
			name:   "renaming an application needs a reviewer",
			author: program.Author{Login: "acme-dev"},
			changes: []program.FileChange{{Path: "applications/acme-two.cue", PreviousPath: "applications/acme.cue", Status: program.ChangeRename,
				Base: appFile("acme", nil), Head: appFile("acme-two", nil)}},
			want:        []found{{"applications/acme-two.cue", program.RuleRename, 1}},
			needsReview: true,
		},
		{
			name:   "renaming one's own application by case only needs a reviewer",
			author: program.Author{Login: "acme-dev"},
			changes: []program.FileChange{{Path: "applications/Acme.cue", PreviousPath: "applications/acme.cue", Status: program.ChangeRename,
				FromKind: program.EntryFile, ToKind: program.EntryFile, Base: appFile("acme", nil), Head: appFile("Acme", nil)}},
			want:        []found{{"applications/Acme.cue", program.RuleRename, 1}},
			needsReview: true,
		},
		{
			name:   "an integrator's change to the schema, CODEOWNERS, .gitmodules or .gitattributes is refused on each path",
			author: program.Author{Login: "acme-dev"},
			changes: []program.FileChange{
				{Path: "schema/application.cue", Status: program.ChangeUpdate, FromKind: program.EntryFile, ToKind: program.EntryFile},
				{Path: ".github/CODEOWNERS", Status: program.ChangeNew, ToKind: program.EntryFile},
				{Path: ".gitmodules", Status: program.ChangeNew, ToKind: program.EntryFile},
				{Path: ".gitattributes", Status: program.ChangeUpdate, FromKind: program.EntryFile, ToKind: program.EntryFile},
			},
			want: []found{{"schema/application.cue", program.RuleOutside, 1}, {".github/CODEOWNERS", program.RuleOutside, 1},
				{".gitmodules", program.RuleOutside, 1}, {".gitattributes", program.RuleOutside, 1}},
			needsReview: true,
		},
		{
			name:        "a change outside applications/ is flagged for a reviewer",
			author:      program.Author{Login: "acme-dev"},
			changes:     []program.FileChange{{Path: "program.cue", Status: program.ChangeUpdate}, {Path: ".github/workflows/x.yml", Status: program.ChangeNew}},
			want:        []found{{"program.cue", program.RuleOutside, 1}, {".github/workflows/x.yml", program.RuleOutside, 1}},
			needsReview: true,
		},
		{
			name:   "a reviewer may change anything, and a change outside applications/ waits for a person",
			author: program.Author{Login: "okafor-pm"},
			changes: []program.FileChange{{Path: "applications/acme.cue", Status: program.ChangeUpdate,
				Base: appFile("acme", nil), Head: appFile("acme", func(a *application.Application) { a.Program.Stage = application.StageRemoved })},
				{Path: "program.cue", Status: program.ChangeUpdate}},
			needsReview: true,
		},
		{
			name:   "a reviewer is matched without regard to case, as their approvals are",
			author: program.Author{Login: "Okafor-PM"},
			changes: []program.FileChange{{Path: "applications/acme.cue", Status: program.ChangeUpdate,
				Base: appFile("acme", nil), Head: appFile("acme", func(a *application.Application) { a.Program.Stage = application.StageRemoved })}},
		},
		{
			name:   "a reviewer may not turn an application into a submodule, a symbolic link or an executable",
			author: program.Author{Login: "okafor-pm"},
			changes: []program.FileChange{
				{Path: "applications/acme.cue", Status: program.ChangeUpdate, FromKind: program.EntryFile, ToKind: program.EntrySubmodule, Base: appFile("acme", nil)},
				{Path: "applications/link.cue", Status: program.ChangeNew, ToKind: program.EntrySymlink},
				{Path: "applications/run.cue", Status: program.ChangeNew, ToKind: program.EntryExecutable},
			},
			want: []found{{"applications/acme.cue", program.RuleEntry, 1}, {"applications/link.cue", program.RuleEntry, 1},
				{"applications/run.cue", program.RuleEntry, 1}},
			needsReview: true,
		},
		{
			name:   "an integrator's subdirectory, stray file and removal under applications/ are errors",
			author: program.Author{Login: "acme-dev"},
			changes: []program.FileChange{
				{Path: "applications/sub/acme.cue", Status: program.ChangeNew, ToKind: program.EntryFile},
				{Path: "applications/notes.txt", Status: program.ChangeNew, ToKind: program.EntryFile},
				{Path: "applications/old.txt", Status: program.ChangeDelete, FromKind: program.EntryFile},
			},
			want: []found{{"applications/sub/acme.cue", program.RuleEntry, 1}, {"applications/notes.txt", program.RuleEntry, 1},
				{"applications/old.txt", program.RuleOutside, 1}},
			needsReview: true,
		},
		{
			name:   "an integrator copying another's application needs a reviewer",
			author: program.Author{Login: "acme-dev"},
			changes: []program.FileChange{{Path: "applications/acme-copy.cue", PreviousPath: "applications/beta.cue", Status: program.ChangeCopy,
				ToKind: program.EntryFile, Head: appFile("acme-copy", nil)}},
			want:        []found{{"applications/acme-copy.cue", program.RuleRename, 1}},
			needsReview: true,
		},
		{
			name:   "the bot may change anything",
			author: program.Author{Login: "connectbot[bot]", Bot: true},
			changes: []program.FileChange{{Path: "applications/acme.cue", Status: program.ChangeUpdate,
				Base: appFile("acme", nil), Head: appFile("acme", func(a *application.Application) { a.Program.Stage = application.StageRemoved })}},
		},
		{
			name:        "a file broken on the base branch needs a reviewer",
			author:      program.Author{Login: "acme-dev"},
			changes:     []program.FileChange{{Path: "applications/acme.cue", Status: program.ChangeUpdate, Base: &application.File{Slug: "acme"}, Head: appFile("acme", nil)}},
			want:        []found{{"applications/acme.cue", program.RuleMaintainer, 1}},
			needsReview: true,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, needsReview := program.Ownership(tt.author, tt.changes, prConfig)
			var flat []found
			for _, c := range tt.changes {
				for _, f := range got[c.Path] {
					flat = append(flat, found{c.Path, f.Rule, f.Line})
				}
			}
			if diff := cmp.Diff(tt.want, flat); diff != "" {
				t.Errorf("findings (-want +got):\n%s", diff)
			}
			if needsReview != tt.needsReview {
				t.Errorf("needs review = %v, want %v", needsReview, tt.needsReview)
			}
		})
	}
}

func TestNothingIsPlannedForARemovedApplication(t *testing.T) {
	f := appFile("gone", func(a *application.Application) {
		a.Program.Stage = application.StageRemoved
		a.Program.Removed = &application.Removal{At: date("2026-11-01"), Reason: "listing-overdue", By: "connectbot"}
	})
	for _, now := range []string{"2026-11-01", "2026-11-12", "2027-06-01"} {
		_, plan := program.Decide(program.Input{
			Files: []application.File{*f}, Config: prConfig, Now: date(now),
			Open: []program.OpenPR{{Number: 9, Kind: program.KindPromote, Slug: "gone"}},
		})
		if len(plan.Actions) != 0 {
			t.Errorf("%s: planned %+v", now, plan.Actions)
		}
	}
}

// TestAMaintainersChangeNamesEveryLoginForTheReviewer: the warning says who
// comes and goes, so a reviewer sees a stranger listed to be mentioned.
func TestAMaintainersChangeNamesEveryLoginForTheReviewer(t *testing.T) {
	c := program.FileChange{Path: "applications/acme.cue", Status: program.ChangeUpdate,
		Base: appFile("acme", func(a *application.Application) { a.Maintainers = []string{"acme-dev", "acme-ops"} }),
		Head: appFile("acme", func(a *application.Application) { a.Maintainers = []string{"acme-dev", "torvalds", "gvanrossum"} })}
	got, _ := program.Ownership(program.Author{Login: "acme-dev"}, []program.FileChange{c}, prConfig)
	want := []application.Finding{{
		Rule: program.RuleMaintainersChanged, Severity: application.SeverityWarning, Line: 2, Column: 1,
		Message: `@acme-dev's change adds @torvalds, @gvanrossum and removes @acme-ops as maintainers of applications/acme.cue: a maintainer may change this file and is mentioned on its reminders, so check that each belongs to "Acme"`,
	}}
	if diff := cmp.Diff(want, got["applications/acme.cue"]); diff != "" {
		t.Errorf("findings (-want +got):\n%s", diff)
	}
}

// TestAnApplicationPathThatIsNoRegularFileSaysWhatItIs: every kind of tree
// entry a path can be is named in words, so no message reads "is a other".
func TestAnApplicationPathThatIsNoRegularFileSaysWhatItIs(t *testing.T) {
	for _, tt := range []struct{ name, kind, want string }{
		{"a directory is called one", "directory",
			"applications/acme.cue is a directory, not a regular file: an application is one regular file, applications/<slug>.cue"},
		{"a mode git does not write is said so", "other",
			"applications/acme.cue has a file mode git does not write, not a regular file's: an application is one regular file, applications/<slug>.cue"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			c := program.FileChange{Path: "applications/acme.cue", Status: program.ChangeNew, ToKind: tt.kind}
			got, _ := program.Ownership(program.Author{Login: "acme-dev"}, []program.FileChange{c}, prConfig)
			var messages []string
			for _, f := range got["applications/acme.cue"] {
				messages = append(messages, f.Message)
			}
			if diff := cmp.Diff([]string{tt.want}, messages); diff != "" {
				t.Errorf("messages (-want +got):\n%s", diff)
			}
		})
	}
}
