package pullrequest_test

import (
	"context"
	"fmt"
	"net/http"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/connectbot/connectbot/internal/forge/forgetest"
	"github.com/connectbot/connectbot/internal/pullrequest"
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
