package pullrequest_test

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/connectbot/connectbot/internal/forge/forgetest"
	"github.com/connectbot/connectbot/internal/pullrequest"
	"github.com/connectbot/connectbot/internal/report"
)

// passes reconciles n times and says, per pass, what became of each pull
// request, in the order the pass took them: "#N repaired", "#N in line",
// "#N skipped" or "#N failed".
func (w *world) passes(n int) [][]string {
	w.t.Helper()
	var out [][]string
	for range n {
		done, _ := w.handler.Reconcile(context.Background(), forgetest.DefaultBranch)
		var pass []string
		for _, r := range done {
			what := "in line"
			switch {
			case r.Err != nil:
				what = "failed"
			case r.Skipped != "":
				what = "skipped"
			case len(r.Repaired) > 0:
				what = "repaired"
			}
			pass = append(pass, fmt.Sprintf("#%d %s", r.Number, what))
		}
		out = append(out, pass)
	}
	return out
}

// openApplications opens n pull requests of new applications while the
// bot hears nothing, and returns their numbers.
func (w *world) openApplications(n int) []int {
	var prs []int
	for i := range n {
		branch := fmt.Sprintf("apply-%d", i)
		w.srv.Commit(branch, "Apply", map[string]string{fmt.Sprintf("applications/newco-%d.cue", i): newApplication(w.t)})
		prs = append(prs, w.srv.OpenPR(forgetest.PRSpec{Author: "newco-dev", Title: "Apply", Head: branch}))
	}
	return prs
}

func TestAReconcileKeepsToItsBudgetAndTakesUpFirstWhatItLeftLongest(t *testing.T) {
	tests := []struct {
		name string
		// budget is the reconcile's; backlog keeps the order across passes.
		budget  int
		backlog bool
		// failing is the pull request (1-based, of three) whose comment
		// GitHub refuses on every pass; 0 for none.
		failing int
		// mainMoves pushes to main before every pass but the first.
		mainMoves bool
		want      [][]string
	}{
		{
			name: "without a budget one pass repairs every pull request",
			want: [][]string{
				{"#1 repaired", "#2 repaired", "#3 repaired"},
				{"#1 in line", "#2 in line", "#3 in line"},
			},
		},
		{
			// A new pull request needs three writes: its check, its
			// comment and its labels.
			name:   "a backlog larger than the budget is worked off a pass at a time, the ones left longest first",
			budget: 3, backlog: true,
			want: [][]string{
				{"#1 repaired", "#2 skipped", "#3 skipped"},
				{"#2 repaired", "#3 skipped", "#1 skipped"},
				{"#3 repaired", "#1 skipped", "#2 skipped"},
				{"#1 in line", "#2 in line", "#3 in line"},
			},
		},
		{
			name:   "a pull request failing on every pass does not keep the others waiting",
			budget: 1, backlog: true, failing: 1,
			want: [][]string{
				{"#1 failed", "#2 skipped", "#3 skipped"},
				{"#2 repaired", "#3 skipped", "#1 skipped"},
				{"#3 repaired", "#1 skipped", "#2 skipped"},
				{"#1 failed", "#2 in line", "#3 in line"},
			},
		},
		{
			// Every pass finds the base moved, so every pull request judged
			// before needs its check and comment again: two writes each.
			name:   "while main keeps moving, the budget goes round every pull request in turn",
			budget: 3, backlog: true, mainMoves: true,
			want: [][]string{
				{"#1 repaired", "#2 skipped", "#3 skipped"},
				{"#2 repaired", "#3 skipped", "#1 skipped"},
				{"#3 repaired", "#1 skipped", "#2 skipped"},
				{"#1 repaired", "#2 repaired", "#3 skipped"},
				{"#3 repaired", "#1 repaired", "#2 skipped"},
			},
		},
		{
			// What the backlog is for: taken up in the order they were
			// opened, the first ones spend the budget on every pass.
			name:   "without a backlog, while main keeps moving, the last pull request starves",
			budget: 3, mainMoves: true,
			want: [][]string{
				{"#1 repaired", "#2 skipped", "#3 skipped"},
				{"#1 repaired", "#2 repaired", "#3 skipped"},
				{"#1 repaired", "#2 repaired", "#3 skipped"},
				{"#1 repaired", "#2 repaired", "#3 skipped"},
				{"#1 repaired", "#2 repaired", "#3 skipped"},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := newWorld(t)
			w.handler.ReconcileBudget = tt.budget
			if tt.backlog {
				w.handler.Backlog = pullrequest.NewBacklog()
			}
			prs := w.openApplications(3)
			if tt.failing != 0 {
				// GitHub refuses this pull request's comment, pass after pass
				// (after its check is written, which counts).
				path := fmt.Sprintf("/repos/acme-program/connect/issues/%d/comments", prs[tt.failing-1])
				for range len(tt.want) {
					w.srv.FailNext("POST", path, http.StatusForbidden, nil)
				}
			}
			var got [][]string
			for pass := range tt.want {
				if tt.mainMoves && pass > 0 {
					w.srv.Commit(forgetest.DefaultBranch, "Notes", map[string]string{"NOTES.md": fmt.Sprintf("pass %d\n", pass)})
				}
				got = append(got, w.passes(1)...)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("passes (-want +got):\n%s", diff)
			}
		})
	}
}

func TestAMergeInAReconcileJudgesAgainThoseJudgedBeforeItWithinTheBudget(t *testing.T) {
	tests := []struct {
		name   string
		budget int
		// wantCurrent: #1's verdict names main's tip after the merge.
		wantCurrent bool
		wantSkipped string
	}{
		{name: "without a budget the pull request judged before the merge is judged again", wantCurrent: true},
		{
			// #1 takes three writes, #2 three more and its merge and record.
			name: "over the budget, judging it again is left to the next reconcile, and said so", budget: 6,
			wantSkipped: "judging it again after #2 merged is over the reconcile's budget of 6 writes; the next reconcile does it",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := newWorld(t)
			w.handler.ReconcileBudget = tt.budget
			w.srv.Commit("acme-edit", "Edit", map[string]string{"applications/acme-sync.cue": sampleFile(t, "acme-sync.cue") + "\n"})
			first := w.srv.OpenPR(forgetest.PRSpec{Author: "acme-dev", Title: "Edit", Head: "acme-edit"})
			head := w.srv.Commit("newco", "Apply", map[string]string{"applications/newco.cue": newApplication(t)})
			second := w.srv.OpenPR(forgetest.PRSpec{Author: "newco-dev", Title: "Apply", Head: "newco"})
			w.srv.AddReview(second, "rivera-reviews", "APPROVED", head)

			done, err := w.handler.Reconcile(context.Background(), forgetest.DefaultBranch)
			if err != nil {
				t.Fatal(err)
			}
			if !w.srv.PR(second).Merged {
				t.Fatalf("#%d was not merged: %+v", second, done)
			}
			comments := w.botComments(first)
			if len(comments) != 1 {
				t.Fatalf("#%d has %d sticky comments", first, len(comments))
			}
			base, _, _ := report.Judged(comments[0].Body)
			if current := base == w.srv.Branch(forgetest.DefaultBranch); current != tt.wantCurrent {
				t.Errorf("#%d's verdict is for %s, main is at %s: current %v, want %v", first, base, w.srv.Branch(forgetest.DefaultBranch), current, tt.wantCurrent)
			}
			if diff := cmp.Diff(tt.wantSkipped, done[0].Skipped); diff != "" {
				t.Errorf("#%d skipped (-want +got):\n%s", first, diff)
			}
		})
	}
}

// TestAPushToABranchNoPullRequestIsIntoCostsOneRequest: every push to a
// pull request's own branch asks which open pull requests are into that
// branch, to judge them again. GitHub answers that with base=, in one page
// (empty); listing every open pull request cost P/100 pages per push and,
// in serve's soak, a sixth of its CPU.
func TestAPushToABranchNoPullRequestIsIntoCostsOneRequest(t *testing.T) {
	w := newWorld(t)
	for i := range 120 {
		branch := fmt.Sprintf("edit-%d", i)
		w.srv.Commit(branch, "Edit", map[string]string{fmt.Sprintf("applications/app-%d.cue", i): "// draft\n"})
		w.srv.OpenPR(forgetest.PRSpec{Author: "dev", Title: "Edit", Head: branch})
	}
	w.srv.ResetCalls()
	done, err := w.handler.Rejudge(context.Background(), "edit-7")
	if err != nil || len(done) != 0 {
		t.Fatalf("Rejudge(edit-7) = %v, %v; want nothing judged", done, err)
	}
	if calls := w.srv.Calls(); len(calls) != 1 {
		t.Errorf("a push to a branch no pull request is into cost %d requests %q, want 1", len(calls), calls)
	}
}

// TestAReconcileThatSpendsTheRateLimitLeavesTheRestForTheNextOne: once
// GitHub's hourly rate limit is spent (a first reconcile of 1,000 new pull
// requests needs more than its 5,000 requests), the pull requests not yet
// taken up are skipped, each saying until when, for the next reconcile,
// and not failed one by one.
func TestAReconcileThatSpendsTheRateLimitLeavesTheRestForTheNextOne(t *testing.T) {
	w := newWorld(t)
	prs := w.openApplications(3)
	reset := time.Now().Add(time.Hour).Truncate(time.Second)
	w.srv.FailNext("POST", fmt.Sprintf("/repos/acme-program/connect/issues/%d/comments", prs[1]), http.StatusForbidden,
		map[string]string{"X-RateLimit-Remaining": "0", "X-RateLimit-Reset": strconv.FormatInt(reset.Unix(), 10)})
	done, err := w.handler.Reconcile(context.Background(), forgetest.DefaultBranch)
	if err == nil {
		t.Error("the reconcile that ran out of requests: no error")
	}
	var got []string
	for _, r := range done {
		got = append(got, fmt.Sprintf("#%d failed %t, skipped %q", r.Number, r.Err != nil, r.Skipped))
	}
	want := []string{
		fmt.Sprintf("#%d failed false, skipped %q", prs[0], ""),
		fmt.Sprintf("#%d failed true, skipped %q", prs[1], ""),
		fmt.Sprintf("#%d failed false, skipped %q", prs[2], "GitHub's rate limit is spent until "+reset.UTC().Format(time.RFC3339)+"; the next reconcile takes it up first"),
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("reconciled (-want +got):\n%s", diff)
	}
}
