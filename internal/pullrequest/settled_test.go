package pullrequest_test

import (
	"context"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/connectbot/connectbot/internal/forge"
	"github.com/connectbot/connectbot/internal/forge/forgetest"
	"github.com/connectbot/connectbot/internal/pullrequest"
)

// reconcileOnce reconciles once and says what became of each pull
// request: "#N repaired", "#N judged" (nothing to write), "#N unchanged"
// (not judged), "#N skipped" or "#N failed"; and the REST requests the
// pass made to GitHub, as "METHOD /path".
func (w *world) reconcileOnce() ([]string, []string) {
	w.t.Helper()
	w.srv.ResetCalls()
	done, err := w.handler.Reconcile(context.Background(), forgetest.DefaultBranch)
	if err != nil {
		w.t.Fatal(err)
	}
	var out []string
	for _, r := range done {
		what := "judged"
		switch {
		case r.Err != nil:
			what = "failed"
		case r.Skipped != "":
			what = "skipped"
		case r.Unchanged:
			what = "unchanged"
		case len(r.Repaired) > 0:
			what = "repaired"
		}
		out = append(out, fmt.Sprintf("#%d %s", r.Number, what))
	}
	var rest []string
	for _, c := range w.srv.Calls() {
		if strings.Contains(c, " /repos/") && !strings.HasSuffix(c, ".git/info/refs") && !strings.Contains(c, ".git/") {
			rest = append(rest, c)
		}
	}
	return out, rest
}

func TestAReconcileJudgesNoPullRequestWithNothingNew(t *testing.T) {
	tests := []struct {
		name string
		// news happens on #1 (of two) before the last pass.
		news func(w *world, prs []int)
		want []string
	}{
		{name: "nothing new: neither is judged", news: func(*world, []int) {},
			want: []string{"#1 unchanged", "#2 unchanged"}},
		{name: "a comment on #1: #1 is judged", news: func(w *world, prs []int) {
			w.srv.AddComment(prs[0], "newco-dev", "Anything missing?")
		}, want: []string{"#1 judged", "#2 unchanged"}},
		{name: "a review of #1: #1 is judged", news: func(w *world, prs []int) {
			w.srv.AddReview(prs[0], "rivera-reviews", "COMMENTED", w.srv.PR(prs[0]).HeadSHA)
		}, want: []string{"#1 judged", "#2 unchanged"}},
		{name: "a label taken off #1: #1 is judged, and labelled again", news: func(w *world, prs []int) {
			if err := w.handler.Forge.RemoveLabel(context.Background(), prs[0], "needs-review"); err != nil {
				t.Fatal(err)
			}
		}, want: []string{"#1 repaired", "#2 unchanged"}},
		{name: "a push to #1: #1 is judged", news: func(w *world, prs []int) {
			w.srv.Commit("apply-0", "More", map[string]string{"NOTES.md": "more\n"})
		}, want: []string{"#1 repaired", "#2 unchanged"}},
		{name: "main moves: both are judged", news: func(w *world, prs []int) {
			w.srv.Commit(forgetest.DefaultBranch, "Notes", map[string]string{"NOTES.md": "notes\n"})
		}, want: []string{"#1 repaired", "#2 repaired"}},
		{name: "the next day: both are judged, as a day changes a verdict's dates", news: func(w *world, prs []int) {
			w.clock.Set(w.clock.Now().Add(24 * time.Hour))
		}, want: []string{"#1 repaired", "#2 repaired"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := newWorld(t)
			w.handler.Settled = pullrequest.NewSettled()
			prs := w.openApplications(2)
			for _, want := range [][]string{
				{"#1 repaired", "#2 repaired"},
				{"#1 unchanged", "#2 unchanged"},
			} {
				got, _ := w.reconcileOnce()
				if diff := cmp.Diff(want, got); diff != "" {
					t.Fatalf("before the news (-want +got):\n%s", diff)
				}
			}
			if n := w.handler.Settled.Len(); n != 2 {
				t.Errorf("%d pull requests remembered settled, want both", n)
			}
			tt.news(w, prs)
			got, _ := w.reconcileOnce()
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("after the news (-want +got):\n%s", diff)
			}
			// Judged once since the news, written to or not: settled.
			got, _ = w.reconcileOnce()
			if diff := cmp.Diff([]string{"#1 unchanged", "#2 unchanged"}, got); diff != "" {
				t.Errorf("the reconcile after (-want +got):\n%s", diff)
			}
		})
	}
}

// freshProcess makes w's handler a fresh process's, with nothing in
// memory but the settled pull requests and the ETags an earlier process
// saved under dir; keep saves them for the next one.
func (w *world) freshProcess(dir string) (keep func()) {
	w.t.Helper()
	settledFile, etags := filepath.Join(dir, "reconciled.json"), filepath.Join(dir, "etags.json")
	settled, err := pullrequest.ReadSettled(settledFile)
	if err != nil {
		w.t.Fatal(err)
	}
	client, err := forge.New(forge.Options{BaseURL: w.srv.URL(), Token: w.srv.Token(), Owner: "acme-program", Repo: "connect",
		HTTPClient: w.srv.Client(), Sleep: func(time.Duration) {}, CacheFile: etags})
	if err != nil {
		w.t.Fatal(err)
	}
	w.handler.Settled, w.handler.Forge, w.handler.Judge = settled, client, pullrequest.NewJudge()
	return func() {
		w.t.Helper()
		if err := settled.Save(settledFile); err != nil {
			w.t.Fatal(err)
		}
		if err := client.SaveCache(); err != nil {
			w.t.Fatal(err)
		}
	}
}

// reconcileFresh reconciles once as a fresh process keeping its files in
// dir: what became of each pull request (as reconcileOnce says), the REST
// requests, and how many of them were answered in full (not 304).
func (w *world) reconcileFresh(dir string) ([]string, []string, int) {
	w.t.Helper()
	keep := w.freshProcess(dir)
	got, rest := w.reconcileOnce()
	keep()
	return got, rest, len(rest) - w.srv.NotModified()
}

// idleRequests are the REST requests of an idle reconcile of prs: the
// list of open pull requests, and the checks of each head.
func (w *world) idleRequests(prs []int) []string {
	want := []string{"GET /repos/acme-program/connect/pulls"}
	for _, n := range prs {
		want = append(want, "GET /repos/acme-program/connect/commits/"+w.srv.PR(n).HeadSHA+"/check-runs")
	}
	slices.Sort(want)
	return want
}

// TestAnIdleReconcileFromAFreshProcessAsksLittle: the settled pull
// requests and the ETags are saved under the cache directory; a fresh
// process reading them lists the pull requests and asks for each head's
// checks, every answer 304 Not Modified, and judges none.
func TestAnIdleReconcileFromAFreshProcessAsksLittle(t *testing.T) {
	w := newWorld(t)
	dir := t.TempDir()
	prs := w.openApplications(3)
	// Writes; then idle, however many times.
	for range 3 {
		w.reconcileFresh(dir)
	}
	got, rest, full := w.reconcileFresh(dir)
	if diff := cmp.Diff([]string{"#1 unchanged", "#2 unchanged", "#3 unchanged"}, got); diff != "" {
		t.Errorf("the idle reconcile (-want +got):\n%s", diff)
	}
	slices.Sort(rest)
	if diff := cmp.Diff(w.idleRequests(prs), rest); diff != "" {
		t.Errorf("the idle reconcile's requests (-want +got):\n%s", diff)
	}
	if full != 0 {
		t.Errorf("the idle reconcile made %d full requests, want none (every answer 304)", full)
	}
}

// TestAReconcileAfterOneThatActedJudgesNoPullRequestWithNothingNew:
// connectbot's own writes (its check, its comment, its labels) move a
// pull request's updated_at, and are not news: a fresh process
// reconciling right after a reconcile that wrote to every pull request
// judges none, and of its requests at most 1 + P/50 are answered in
// full. A person's comment, review, label or push after connectbot's
// check is news, even one made while connectbot was writing.
func TestAReconcileAfterOneThatActedJudgesNoPullRequestWithNothingNew(t *testing.T) {
	const open = 3
	comment := func(w *world, prs []int) { w.srv.AddComment(prs[0], "newco-dev", "Anything missing?") }
	review := func(w *world, prs []int) {
		w.srv.AddReview(prs[0], "rivera-reviews", "COMMENTED", w.srv.PR(prs[0]).HeadSHA)
	}
	tests := []struct {
		name string
		// during happens on #1 just before connectbot's request to
		// during's path in the reconcile that acts; news on #1 after it.
		during, path string
		news         func(w *world, prs []int)
		want         []string
	}{
		{name: "nothing new: none is judged", want: []string{"#1 unchanged", "#2 unchanged", "#3 unchanged"}},
		{name: "a comment on #1 after: #1 is judged", news: comment,
			want: []string{"#1 judged", "#2 unchanged", "#3 unchanged"}},
		{name: "a review of #1 after: #1 is judged", news: review,
			want: []string{"#1 judged", "#2 unchanged", "#3 unchanged"}},
		{name: "a label taken off #1 after: #1 is labelled again", news: func(w *world, prs []int) {
			if err := w.handler.Forge.RemoveLabel(context.Background(), prs[0], "needs-review"); err != nil {
				t.Fatal(err)
			}
		}, want: []string{"#1 repaired", "#2 unchanged", "#3 unchanged"}},
		{name: "a push to #1 after: #1 is judged", news: func(w *world, prs []int) {
			w.srv.Commit("apply-0", "More", map[string]string{"NOTES.md": "more\n"})
		}, want: []string{"#1 repaired", "#2 unchanged", "#3 unchanged"}},
		{name: "a comment on #1 while connectbot labels it: #1 is judged", during: "comment", path: "/repos/acme-program/connect/issues/1/labels",
			want: []string{"#1 judged", "#2 unchanged", "#3 unchanged"}},
		{name: "a review of #1 while connectbot comments: #1 is judged", during: "review", path: "/repos/acme-program/connect/issues/1/comments",
			want: []string{"#1 judged", "#2 unchanged", "#3 unchanged"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := newWorld(t)
			dir := t.TempDir()
			prs := w.openApplications(open)
			switch tt.during {
			case "comment":
				w.srv.Before("POST", tt.path, func() { comment(w, prs) })
			case "review":
				w.srv.Before("POST", tt.path, func() { review(w, prs) })
			}
			got, _, _ := w.reconcileFresh(dir)
			if diff := cmp.Diff([]string{"#1 repaired", "#2 repaired", "#3 repaired"}, got); diff != "" {
				t.Fatalf("the reconcile that acts (-want +got):\n%s", diff)
			}
			if tt.news != nil {
				tt.news(w, prs)
			}
			got, rest, full := w.reconcileFresh(dir)
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("the next reconcile (-want +got):\n%s", diff)
			}
			if tt.news != nil || tt.during != "" {
				return
			}
			slices.Sort(rest)
			if diff := cmp.Diff(w.idleRequests(prs), rest); diff != "" {
				t.Errorf("the next reconcile's requests (-want +got):\n%s", diff)
			}
			if most := 1 + open/50; full > most {
				t.Errorf("the next reconcile made %d full requests, want at most 1 + P/50 = %d", full, most)
			}
		})
	}
}
