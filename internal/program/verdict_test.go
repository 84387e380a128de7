package program_test

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/connectbot/connectbot/internal/application"
	"github.com/connectbot/connectbot/internal/program"
)

func TestJudgePullRequest(t *testing.T) {
	const head, old = "1111111111111111111111111111111111111111", "0000000000000000000000000000000000000000"
	now := date("2026-11-25")
	at := func(min int) time.Time { return time.Date(2026, 11, 25, 10, min, 0, 0, time.UTC) }
	newApp := program.FileChange{Path: "applications/newco.cue", Status: program.ChangeNew,
		Head: appFile("newco", func(a *application.Application) {
			a.Maintainers = []string{"newco-dev"}
			a.Program = application.ProgramState{Stage: application.StageApplied, Installs: application.Installs{Count: 12, AsOf: date("2026-11-20")}}
		})}
	invalidApp := newApp
	invalidApp.Head = appFile("newco", func(a *application.Application) {
		a.Maintainers = []string{"newco-dev"}
		a.Program = application.ProgramState{Stage: application.StageApplied, Installs: application.Installs{Count: 12, AsOf: date("2026-11-20")}}
	})
	invalidApp.Head.Findings = []application.Finding{{Rule: "connect/req-2", Severity: "error", Path: "integration.auth", Line: 6, Column: 2}}
	approve := func(who, sha string, min int) program.Review {
		return program.Review{Author: who, State: program.ReviewApproved, CommitSHA: sha, SubmittedAt: at(min)}
	}
	tests := []struct {
		name        string
		author      string
		changes     []program.FileChange
		reviews     []program.Review
		wantConc    string
		wantLabels  []string
		wantMerge   bool
		wantToStage application.Stage
	}{
		{"a valid new application waits for a reviewer", "newco-dev", []program.FileChange{newApp}, nil,
			"success", []string{"application:new", "needs-review", "stage:applied"}, false, ""},
		{"an invalid new application is red and labelled invalid", "newco-dev", []program.FileChange{invalidApp}, nil,
			"failure", []string{"application:new", "invalid", "stage:applied"}, false, ""},
		{"a reviewer's approval of the head merges and accepts into beta", "newco-dev", []program.FileChange{newApp},
			[]program.Review{approve("okafor-pm", head, 1)},
			"success", []string{"application:new", "stage:applied"}, true, application.StageBeta},
		{"the author approving their own pull request counts for nothing", "okafor-pm", []program.FileChange{newApp},
			[]program.Review{approve("okafor-pm", head, 1)},
			"success", []string{"application:new", "needs-review", "stage:applied"}, false, ""},
		{"an approval of an older commit counts for nothing", "newco-dev", []program.FileChange{newApp},
			[]program.Review{approve("okafor-pm", old, 1)},
			"success", []string{"application:new", "needs-review", "stage:applied"}, false, ""},
		{"an approval from someone who is not a reviewer counts for nothing", "newco-dev", []program.FileChange{newApp},
			[]program.Review{approve("random-friend", head, 1)},
			"success", []string{"application:new", "needs-review", "stage:applied"}, false, ""},
		{"an approval does not merge a red check", "newco-dev", []program.FileChange{invalidApp},
			[]program.Review{approve("okafor-pm", head, 1)},
			"failure", []string{"application:new", "invalid", "stage:applied"}, false, ""},
		{"a standing change request blocks another reviewer's approval", "newco-dev", []program.FileChange{newApp},
			[]program.Review{{Author: "rivera-reviews", State: program.ReviewChangesRequested, Body: "Please explain the tickets scope.", SubmittedAt: at(1)}, approve("okafor-pm", head, 2)},
			"success", []string{"application:new", "changes-requested", "needs-review", "stage:applied"}, false, ""},
		{"a reviewer's later approval replaces their own change request", "newco-dev", []program.FileChange{newApp},
			[]program.Review{{Author: "rivera-reviews", State: program.ReviewChangesRequested, SubmittedAt: at(1)}, approve("rivera-reviews", head, 2)},
			"success", []string{"application:new", "stage:applied"}, true, application.StageBeta},
		{"a comment after an approval leaves the approval standing", "newco-dev", []program.FileChange{newApp},
			[]program.Review{approve("rivera-reviews", head, 1), {Author: "rivera-reviews", State: program.ReviewCommented, SubmittedAt: at(3)}},
			"success", []string{"application:new", "stage:applied"}, true, application.StageBeta},
		{"a dismissed approval counts for nothing", "newco-dev", []program.FileChange{newApp},
			[]program.Review{approve("rivera-reviews", head, 1), {Author: "rivera-reviews", State: program.ReviewDismissed, SubmittedAt: at(3)}},
			"success", []string{"application:new", "needs-review", "stage:applied"}, false, ""},
		{"an integrator touching program.cue is refused: a reviewer makes that change", "newco-dev",
			[]program.FileChange{newApp, {Path: "program.cue", Status: program.ChangeUpdate}}, nil,
			"failure", []string{"application:new", "invalid", "needs-review", "stage:applied"}, false, ""},
		{"an approved reviewer's change outside applications/ is left for a person to merge", "okafor-pm",
			[]program.FileChange{{Path: ".ci/run", Status: program.ChangeUpdate, FromKind: program.EntryExecutable, ToKind: program.EntryExecutable}},
			[]program.Review{approve("rivera-reviews", head, 1)},
			"success", []string{}, false, ""},
		{"an approved application that became a submodule is red and never merged", "okafor-pm",
			[]program.FileChange{{Path: "applications/acme.cue", Status: program.ChangeUpdate, FromKind: program.EntryFile, ToKind: program.EntrySubmodule,
				Base: appFile("acme", nil)}},
			[]program.Review{approve("rivera-reviews", head, 1)},
			"failure", []string{"application:update", "invalid", "needs-review"}, false, ""},
		{"an application whose cross-file findings the change affects is judged but not labelled or transitioned", "newco-dev",
			[]program.FileChange{newApp, {Path: "applications/acme.cue", Status: program.ChangeAffected, FromKind: program.EntryFile, ToKind: program.EntryFile,
				Base: appFile("acme", nil), Head: appFile("acme", func(a *application.Application) { a.Listing = &application.Listing{} })}},
			[]program.Review{approve("okafor-pm", head, 1)},
			"success", []string{"application:new", "stage:applied"}, true, application.StageBeta},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v := program.JudgePullRequest(program.PullRequest{
				Number: 42, Author: program.Author{Login: tt.author}, HeadSHA: head, Changes: tt.changes,
				Config: prConfig, Reviews: tt.reviews, Now: now,
			})
			if v.Conclusion != tt.wantConc {
				t.Errorf("conclusion %s, want %s", v.Conclusion, tt.wantConc)
			}
			if diff := cmp.Diff(tt.wantLabels, v.Labels, cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("labels (-want +got):\n%s", diff)
			}
			if v.Merge != tt.wantMerge {
				t.Errorf("merge %v, want %v; next: %q", v.Merge, tt.wantMerge, v.Next)
			}
			var to application.Stage
			if len(v.Transitions) > 0 {
				to = v.Transitions[0].To
			}
			if to != tt.wantToStage {
				t.Errorf("transition to %q, want %q", to, tt.wantToStage)
			}
			if len(v.Next) == 0 {
				t.Error("no next step")
			}
		})
	}
}

func TestAnApprovedDraftWaitsUntilItIsReady(t *testing.T) {
	const head = "1111111111111111111111111111111111111111"
	newApp := program.FileChange{Path: "applications/newco.cue", Status: program.ChangeNew,
		Head: appFile("newco", func(a *application.Application) {
			a.Maintainers = []string{"newco-dev"}
			a.Program = application.ProgramState{Stage: application.StageApplied, Installs: application.Installs{Count: 12, AsOf: date("2026-11-20")}}
		})}
	approval := program.Review{Author: "okafor-pm", State: program.ReviewApproved, CommitSHA: head, SubmittedAt: time.Date(2026, 11, 25, 10, 0, 0, 0, time.UTC)}
	once := "newco: once accepted, with 12 installs as of 2026-11-20 (recorded) it enters beta; listing information is then due within 30 days (by 2026-12-25 if accepted today)."
	accepted := "newco: accepted with 12 installs as of 2026-11-20 (recorded): enters beta (connect/beta-1)."
	tests := []struct {
		name string
		// queue is whether main takes changes only through GitHub's merge
		// queue.
		draft, queue          bool
		wantMerge, wantQueued bool
		wantNext              []string
	}{
		{"a draft is judged but not merged", true, false, false, false, []string{"Approved by @okafor-pm at 1111111, but this pull request is a draft: connectbot merges this commit once it is marked ready for review.", once}},
		{"the same pull request marked ready merges", false, false, true, false, []string{"Approved by @okafor-pm at 1111111: connectbot merges this commit.", accepted}},
		{"behind a merge queue a draft waits to be marked ready, then queued", true, true, false, false, []string{"Approved by @okafor-pm at 1111111, but this pull request is a draft: once it is marked ready for review, add it to main's merge queue (Merge when ready); connectbot does not merge it itself.", once}},
		{"behind a merge queue the approval is left to the queue", false, true, false, true, []string{"Approved by @okafor-pm at 1111111: main takes changes only through GitHub's merge queue, so connectbot does not merge this commit itself. Add it to the queue (Merge when ready); connectbot records the stage change once the queue merges it.", accepted}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			pr := program.PullRequest{
				Number: 42, Author: program.Author{Login: "newco-dev"}, HeadSHA: head, BaseRef: "main", Draft: tt.draft, MergeQueue: tt.queue,
				Changes: []program.FileChange{newApp}, Config: prConfig, Reviews: []program.Review{approval}, Now: date("2026-11-25"),
			}
			v := program.JudgePullRequest(pr)
			if v.Merge != tt.wantMerge || v.Queued != tt.wantQueued {
				t.Errorf("merge %v, queued %v, want %v, %v", v.Merge, v.Queued, tt.wantMerge, tt.wantQueued)
			}
			if diff := cmp.Diff(tt.wantNext, v.Next); diff != "" {
				t.Errorf("next (-want +got):\n%s", diff)
			}
			pr.MergeQueue = false
			if !pr.AsksMergeQueue(program.JudgePullRequest(pr)) {
				t.Error("an approval connectbot would merge does not ask whether main is behind a merge queue")
			}
		})
	}
	unapproved := program.PullRequest{Number: 42, Author: program.Author{Login: "newco-dev"}, HeadSHA: head, BaseRef: "main",
		Changes: []program.FileChange{newApp}, Config: prConfig, Now: date("2026-11-25")}
	if unapproved.AsksMergeQueue(program.JudgePullRequest(unapproved)) {
		t.Error("a pull request nobody approved asks whether main is behind a merge queue: the question costs a request")
	}
}

func TestOnlyAPullRequestIntoTheDefaultBranchMerges(t *testing.T) {
	const head = "1111111111111111111111111111111111111111"
	newApp := program.FileChange{Path: "applications/newco.cue", Status: program.ChangeNew,
		Head: appFile("newco", func(a *application.Application) {
			a.Maintainers = []string{"newco-dev"}
			a.Program = application.ProgramState{Stage: application.StageApplied, Installs: application.Installs{Count: 12, AsOf: date("2026-11-20")}}
		})}
	approval := program.Review{Author: "okafor-pm", State: program.ReviewApproved, CommitSHA: head, SubmittedAt: time.Date(2026, 11, 25, 10, 0, 0, 0, time.UTC)}
	tests := []struct {
		name, base, defaultBranch string
		wantConc                  string
		wantMerge                 bool
	}{
		{"into the default branch it merges", "main", "main", "success", true},
		{"into connectbot's removal branch it fails and never merges", "connectbot/remove/acme", "main", "failure", false},
		{"into a long-lived branch it fails and never merges", "staging", "main", "failure", false},
		{"with the default branch unknown it is judged as before", "staging", "", "success", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v := program.JudgePullRequest(program.PullRequest{
				Number: 42, Author: program.Author{Login: "newco-dev"}, HeadSHA: head, BaseRef: tt.base, ProgramBranch: tt.defaultBranch,
				Changes: []program.FileChange{newApp}, Config: prConfig, Reviews: []program.Review{approval}, Now: date("2026-11-25"),
			})
			if v.Conclusion != tt.wantConc || v.Merge != tt.wantMerge {
				t.Errorf("conclusion %s, merge %v; want %s, %v; next %q", v.Conclusion, v.Merge, tt.wantConc, tt.wantMerge, v.Next)
			}
		})
	}
}

func TestAnApprovalCountsOnlySinceTheLastReopening(t *testing.T) {
	const head = "1111111111111111111111111111111111111111"
	newApp := program.FileChange{Path: "applications/newco.cue", Status: program.ChangeNew,
		Head: appFile("newco", func(a *application.Application) {
			a.Maintainers = []string{"newco-dev"}
			a.Program = application.ProgramState{Stage: application.StageApplied, Installs: application.Installs{Count: 12, AsOf: date("2026-11-25")}}
		})}
	at := func(min int) time.Time { return time.Date(2026, 11, 25, 10, min, 0, 0, time.UTC) }
	approved := program.Review{Author: "okafor-pm", State: program.ReviewApproved, CommitSHA: head, SubmittedAt: at(5)}
	tests := []struct {
		name      string
		reopened  time.Time
		wantMerge bool
	}{
		{"never reopened, the approval merges", time.Time{}, true},
		{"reopened before the approval, it merges", at(4), true},
		{"reopened after the approval, it counts for nothing", at(6), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v := program.JudgePullRequest(program.PullRequest{
				Number: 42, Author: program.Author{Login: "newco-dev"}, HeadSHA: head, ReopenedAt: tt.reopened,
				Changes: []program.FileChange{newApp}, Config: prConfig, Reviews: []program.Review{approved}, Now: date("2026-11-25"),
			})
			if v.Merge != tt.wantMerge || (v.Approval != nil) != tt.wantMerge {
				t.Errorf("merge %v, approval %+v; want merge %v", v.Merge, v.Approval, tt.wantMerge)
			}
		})
	}
}
