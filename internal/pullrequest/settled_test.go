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
				{"#1 judged", "#2 judged"},
				{"#1 unchanged", "#2 unchanged"},
			} {
				got, _ := w.reconcileOnce()
				if diff := cmp.Diff(want, got); diff != "" {
					t.Fatalf("before the news (-want +got):\n%s", diff)
				}
			}
			tt.news(w, prs)
			got, _ := w.reconcileOnce()
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("after the news (-want +got):\n%s", diff)
			}
		})
	}
}

// TestAnIdleReconcileFromAFreshProcessAsksLittle: the settled pull
// requests and the ETags are saved under the cache directory; a fresh
// process reading them lists the pull requests and asks for each head's
// checks, every answer 304 Not Modified, and judges none.
func TestAnIdleReconcileFromAFreshProcessAsksLittle(t *testing.T) {
	w := newWorld(t)
	dir := t.TempDir()
	settledFile, etags := filepath.Join(dir, "reconciled.json"), filepath.Join(dir, "etags.json")
	w.openApplications(3)
	run := func() ([]string, []string, int) {
		settled, err := pullrequest.ReadSettled(settledFile)
		if err != nil {
			t.Fatal(err)
		}
		// A fresh process: nothing in memory but what the files hold.
		client, err := forge.New(forge.Options{BaseURL: w.srv.URL(), Token: w.srv.Token(), Owner: "acme-program", Repo: "connect",
			HTTPClient: w.srv.Client(), Sleep: func(time.Duration) {}, CacheFile: etags})
		if err != nil {
			t.Fatal(err)
		}
		w.handler.Settled, w.handler.Forge, w.handler.Judge = settled, client, pullrequest.NewJudge()
		got, rest := w.reconcileOnce()
		if err := settled.Save(settledFile); err != nil {
			t.Fatal(err)
		}
		if err := client.SaveCache(); err != nil {
			t.Fatal(err)
		}
		return got, rest, len(rest) - w.srv.NotModified()
	}
	// Writes; judged with nothing to write; the first skip asks for the
	// checks in full; then idle.
	for range 3 {
		run()
	}
	got, rest, full := run()
	if diff := cmp.Diff([]string{"#1 unchanged", "#2 unchanged", "#3 unchanged"}, got); diff != "" {
		t.Errorf("the idle reconcile (-want +got):\n%s", diff)
	}
	slices.Sort(rest)
	want := []string{"GET /repos/acme-program/connect/pulls"}
	for _, n := range []int{1, 2, 3} {
		want = append(want, "GET /repos/acme-program/connect/commits/"+w.srv.PR(n).HeadSHA+"/check-runs")
	}
	slices.Sort(want)
	if diff := cmp.Diff(want, rest); diff != "" {
		t.Errorf("the idle reconcile's requests (-want +got):\n%s", diff)
	}
	if full != 0 {
		t.Errorf("the idle reconcile made %d full requests, want none (every answer 304)", full)
	}
}
