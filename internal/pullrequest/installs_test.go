package pullrequest_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/connectbot/connectbot/internal/catalog"
	"github.com/connectbot/connectbot/internal/forge/forgetest"
)

// TestAcceptanceRestsOnTheLiveSource is Connect req-4, "You must have a
// minimum of 10 Installs with HubSpot", when program.cue names an installs
// source: a new application claiming 14 installs fails its check while the
// source counts 7, passes once the source counts 12, and its acceptance
// records the source's count and says which it used.
func TestAcceptanceRestsOnTheLiveSource(t *testing.T) {
	var count atomic.Int64
	count.Store(7)
	source := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprintf(w, `{"asOf":"2026-11-24","installs":[{"slug":"newco","count":%d}]}`, count.Load())
	}))
	defer source.Close()

	w := newWorld(t)
	w.srv.Commit(forgetest.DefaultBranch, "Name the installs source", map[string]string{
		"program.cue": programCue + fmt.Sprintf("installsSource: {url: %q}\n", source.URL),
	})
	head := w.srv.Commit("newco-apply", "Apply", map[string]string{"applications/newco.cue": newApplication(t)})
	pr := w.srv.OpenPR(forgetest.PRSpec{Author: "newco-dev", Title: "Apply: Newco", Head: "newco-apply"})

	w.handle(pr)
	if runs := w.srv.CheckRuns(head); len(runs) != 1 || runs[0].Conclusion != "failure" {
		t.Fatalf("with the source counting 7, check runs %+v", runs)
	}
	comments := w.botComments(pr)
	if len(comments) != 1 || !strings.Contains(comments[0].Body, "the installs source counts 7 installs as of 2026-11-24 (live:127.0.0.1") {
		t.Fatalf("the comment does not say what the source counts: %+v", comments)
	}

	count.Store(12)
	w.srv.AddReview(pr, "okafor-pm", "COMMENTED", head) // an event: the pull request is judged again
	w.handle(pr)
	if runs := w.srv.CheckRuns(head); runs[len(runs)-1].Conclusion != "success" {
		t.Fatalf("with the source counting 12, check runs %+v", runs)
	}
	if body := w.botComments(pr)[0].Body; !strings.Contains(body, "once accepted, with 12 installs as of 2026-11-24 (live:127.0.0.1") {
		t.Errorf("the comment does not name the source's count:\n%s", body)
	}

	w.srv.AddReview(pr, "okafor-pm", "APPROVED", head)
	w.handle(pr)
	if !w.srv.PR(pr).Merged {
		t.Fatal("not merged on a reviewer's approval")
	}
	src, _ := w.srv.ReadFile(forgetest.DefaultBranch, "applications/newco.cue")
	cat, _ := catalog.Default()
	f := cat.Application("applications/newco.cue", []byte(src))
	if f.App == nil {
		t.Fatalf("the recorded file does not load: %+v", f.Findings)
	}
	if got := f.App.Program.Installs; got.Count != 12 || got.AsOf.String() != "2026-11-24" || f.App.Program.Stage != "beta" {
		t.Errorf("recorded %+v in stage %s; want the source's 12 as of 2026-11-24 in beta", got, f.App.Program.Stage)
	}
}
