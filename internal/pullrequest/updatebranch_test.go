package pullrequest_test

import (
	"strings"
	"testing"

	"github.com/connectbot/connectbot/internal/forge/forgetest"
	"github.com/connectbot/connectbot/internal/program"
)

// updateCalls counts the requests to update a branch among calls.
func updateCalls(calls []string) int {
	n := 0
	for _, c := range calls {
		if strings.HasPrefix(c, "PUT ") && strings.HasSuffix(c, "/update-branch") {
			n++
		}
	}
	return n
}

// behindOnTheSameFile is an integrator's pull request changing acme-sync's
// tagline while main records its installs in the same file since the
// branch started, as when a reviewer merges the installs step meanwhile.
// head names the branch and spec its pull request's other fields.
func behindOnTheSameFile(t *testing.T, w *world, head string, spec forgetest.PRSpec) int {
	acme := sampleFile(t, "acme-sync.cue")
	w.srv.Commit(head, "New tagline", map[string]string{"applications/acme-sync.cue": strings.Replace(acme, "Two-way contact sync", "Contacts, in sync", 1)})
	w.srv.Commit(forgetest.DefaultBranch, "Record installs", map[string]string{"applications/acme-sync.cue": strings.Replace(acme, "count: 23", "count: 29", 1)})
	spec.Author, spec.Title, spec.Head = "acme-dev", "New tagline", head
	return w.srv.OpenPR(spec)
}

func TestAConflictGitHubMergesLineByLineIsUpdatedThroughGitHubOnce(t *testing.T) {
	w := newWorld(t)
	pr := behindOnTheSameFile(t, w, "tagline", forgetest.PRSpec{})
	first := w.srv.PR(pr).HeadSHA
	mainTip := w.srv.Branch(forgetest.DefaultBranch)

	before := len(w.srv.Calls())
	out := w.handle(pr)
	if rest := restCalls(w.srv.Calls()[before:]); len(rest) > maxEventRequests {
		t.Errorf("the event cost %d requests, more than %d: %q", len(rest), maxEventRequests, rest)
	}
	if !out.Verdict.Conflicted || out.Verdict.BranchUpdate != program.BranchUpdateAsked {
		t.Fatalf("verdict conflicted %v, branch update %q: want a conflict GitHub was asked to update; done %q", out.Verdict.Conflicted, out.Verdict.BranchUpdate, out.Done)
	}
	if n := updateCalls(w.srv.Calls()); n != 1 {
		t.Errorf("%d requests to update the branch, want 1", n)
	}
	body := w.botComments(pr)[0].Body
	if !strings.Contains(body, "asked GitHub to update the branch") {
		t.Errorf("the comment does not say the branch is being updated:\n%s", body)
	}
	updated := w.srv.PR(pr).HeadSHA
	if updated == first {
		t.Fatalf("the head did not move: GitHub did not update the branch")
	}
	wantBoth(t, w, updated)

	// The synchronize event the update sends: no conflict now, and the
	// approved new head merges with both changes.
	w.srv.AddReview(pr, "rivera-reviews", "APPROVED", updated)
	out = w.handle(pr)
	if out.Verdict.Conflicted || !w.srv.PR(pr).Merged {
		t.Fatalf("after the update: conflicted %v, merged %v; done %q", out.Verdict.Conflicted, w.srv.PR(pr).Merged, out.Done)
	}
	wantBoth(t, w, forgetest.DefaultBranch)
	if w.srv.Branch(forgetest.DefaultBranch) == mainTip {
		t.Errorf("main did not move")
	}
	if n := updateCalls(w.srv.Calls()); n != 1 {
		t.Errorf("%d requests to update the branch in all, want 1", n)
	}
}

func TestAConflictGitHubWillNotUpdateIsToldItsButtonAndAskedOnce(t *testing.T) {
	w := newWorld(t)
	pr := behindOnTheSameFile(t, w, "patch-1", forgetest.PRSpec{HeadRepo: "acme-dev/connect"})
	head := w.srv.PR(pr).HeadSHA

	out := w.handle(pr)
	if out.Verdict.BranchUpdate != program.BranchUpdateRefused {
		t.Fatalf("branch update %q, want %q; done %q", out.Verdict.BranchUpdate, program.BranchUpdateRefused, out.Done)
	}
	w.wantFailure(pr, out, "applications/acme-sync.cue "+program.RuleConflict)
	body := w.botComments(pr)[0].Body
	if !strings.Contains(body, "press Update branch") || !strings.Contains(body, "git pull origin main") {
		t.Errorf("the comment does not say GitHub's Update branch and the git command:\n%s", body)
	}
	// Judged again at the same head (a reconcile, a comment): not asked again.
	again := w.handle(pr)
	if n := updateCalls(w.srv.Calls()); n != 1 {
		t.Errorf("%d requests to update the branch, want 1: done %q", n, again.Done)
	}
	if w.srv.PR(pr).HeadSHA != head || w.botComments(pr)[0].Body != body {
		t.Errorf("the head or the comment changed on a second judgement of the same head")
	}
}

// wantBoth checks that acme-sync's file at rev holds both sides' changes
// of behindOnTheSameFile, merged line by line.
func wantBoth(t *testing.T, w *world, rev string) {
	t.Helper()
	src, ok := w.srv.ReadFile(rev, "applications/acme-sync.cue")
	for _, want := range []string{"Contacts, in sync", "count: 29"} {
		if !ok || !strings.Contains(src, want) {
			t.Errorf("applications/acme-sync.cue at %s lacks %q", rev, want)
		}
	}
}

// A form's pull request and one into another branch conflicting where
// GitHub merges line by line are not updated through GitHub: the form's
// branch holds connectbot's one commit, written again from its issue, and
// another branch is not the program's. The form's applicant is told to
// edit the issue.
func TestAConflictIsNotUpdatedThroughGitHubForAFormOrAnotherBranch(t *testing.T) {
	acme := sampleFile(t, "acme-sync.cue")
	tagline := strings.Replace(acme, "Two-way contact sync", "Contacts, in sync", 1)
	tests := []struct {
		name string
		open func(w *world) int
		// says is what the comment must say.
		says string
	}{
		{"a form's pull request is told to edit its issue", func(w *world) int {
			issue := w.applyIssue("acme-dev")
			pr := w.formPR("acme-sync", issue, 0, "acme-dev", tagline)
			w.srv.Commit(forgetest.DefaultBranch, "Record installs", map[string]string{"applications/acme-sync.cue": strings.Replace(acme, "count: 23", "count: 29", 1)})
			return pr
		}, "edit issue #"},
		{"a pull request into another branch is told to change its base", func(w *world) int {
			w.srv.Commit("next", "Start next", map[string]string{"README.md": "next\n"})
			w.srv.Commit("tagline", "New tagline", map[string]string{"applications/acme-sync.cue": tagline})
			w.srv.Commit("next", "Record installs", map[string]string{"applications/acme-sync.cue": strings.Replace(acme, "count: 23", "count: 29", 1)})
			return w.srv.OpenPR(forgetest.PRSpec{Author: "acme-dev", Title: "New tagline", Head: "tagline", Base: "next"})
		}, "Change its base branch"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := newWorld(t)
			pr := tt.open(w)
			head := w.srv.PR(pr).HeadSHA
			out := w.handle(pr)
			if !out.Verdict.Conflicted || out.Verdict.BranchUpdate != "" || updateCalls(w.srv.Calls()) != 0 || w.srv.PR(pr).HeadSHA != head {
				t.Errorf("conflicted %v, branch update %q, %d requests to update: want a conflict not updated; done %q",
					out.Verdict.Conflicted, out.Verdict.BranchUpdate, updateCalls(w.srv.Calls()), out.Done)
			}
			if body := w.botComments(pr)[0].Body; !strings.Contains(body, tt.says) {
				t.Errorf("the comment does not say %q:\n%s", tt.says, body)
			}
		})
	}
}
