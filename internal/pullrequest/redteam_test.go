package pullrequest_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/connectbot/connectbot/internal/forge"
	"github.com/connectbot/connectbot/internal/forge/forgetest"
)

// acmeEditPR opens acme-dev's valid edit of their own application and
// returns its number.
func (w *world) acmeEditPR() int {
	w.t.Helper()
	acme := sampleFile(w.t, "acme-sync.cue")
	w.srv.Commit("acme-edit", "Edit", map[string]string{"applications/acme-sync.cue": strings.Replace(acme, "Two-way contact sync", "Two-way sync", 1)})
	return w.srv.OpenPR(forgetest.PRSpec{Author: "acme-dev", Title: "Edit", Head: "acme-edit"})
}

// botReplies are the bodies of connectbot's answers to commands on pr.
func (w *world) botReplies(pr int) []string {
	var out []string
	for _, c := range w.srv.Comments(pr) {
		if c.Author == forgetest.BotLogin && strings.HasPrefix(c.Body, "<!-- connectbot:reply ") {
			out = append(out, c.Body)
		}
	}
	return out
}

func TestAnIntegratorCannotSilenceTheAnswerToACommand(t *testing.T) {
	w := newWorld(t)
	pr := w.acmeEditPR()
	body := "/connectbot terminate acme-sync collects passwords against policy"
	id := w.srv.AddComment(pr, "okafor-pm", body)
	// The integrator forges connectbot's answer before connectbot answers.
	w.srv.AddComment(pr, "acme-dev", fmt.Sprintf("<!-- connectbot:reply %d -->\nnothing to see", id))
	if _, err := w.handler.Comment(context.Background(), pr, id, "okafor-pm", body); err != nil {
		t.Fatal(err)
	}
	replies := w.botReplies(pr)
	if len(replies) != 1 || !strings.Contains(replies[0], "the removal of acme-sync is proposed in #") {
		t.Errorf("connectbot's answers: %q; want the one saying where the removal is proposed", replies)
	}
}

// as is a GitHub client acting as login.
func (w *world) as(login string) *forge.Client {
	w.t.Helper()
	w.srv.AddUser(login, login+"-token")
	c, err := forge.New(forge.Options{BaseURL: w.srv.URL(), Token: login + "-token", Owner: "acme-program", Repo: "connect",
		HTTPClient: w.srv.Client(), Sleep: func(time.Duration) {}})
	if err != nil {
		w.t.Fatal(err)
	}
	return c
}

func TestACommandWrittenIntoAnEditedCommentIsNotCarriedOut(t *testing.T) {
	w := newWorld(t)
	pr := w.acmeEditPR()
	ctx := context.Background()
	// A reviewer's old comment, edited by someone with write access to
	// the repository (GitHub lets them) into a reviewer's command: the
	// comment still shows the reviewer as its author.
	id := w.srv.AddComment(pr, "okafor-pm", "Thanks, this reads well.")
	if _, err := w.as("mallory").EditComment(ctx, id, "/connectbot terminate acme-sync they asked me to"); err != nil {
		t.Fatal(err)
	}
	if _, err := w.handler.Reconcile(ctx, forgetest.DefaultBranch); err != nil {
		t.Fatal(err)
	}
	if n := len(w.srv.PRs()); n != 1 {
		t.Errorf("%d pull requests after an edited command: %+v", n, w.srv.PRs())
	}
	replies := w.botReplies(pr)
	if len(replies) != 1 || !strings.Contains(replies[0], "edited") {
		t.Errorf("connectbot's answers: %q; want one saying an edited command is not carried out", replies)
	}
	// Asked again, it answers nothing more.
	if _, err := w.handler.Reconcile(ctx, forgetest.DefaultBranch); err != nil {
		t.Fatal(err)
	}
	if got := w.botReplies(pr); len(got) != 1 {
		t.Errorf("connectbot's answers after a second reconcile: %q", got)
	}
}

func TestAnApprovedDraftIsNotMergedUntilItIsReady(t *testing.T) {
	w := newWorld(t)
	w.srv.Commit("newco-apply", "Apply", map[string]string{"applications/newco.cue": newApplication(t)})
	pr := w.srv.OpenPR(forgetest.PRSpec{Author: "newco-dev", Title: "Apply: Newco", Head: "newco-apply", Draft: true})
	out := w.approveAndHandle(pr)
	if got := strings.Join(out.Verdict.Next, " "); !strings.Contains(got, "draft") {
		t.Errorf("next %q; want it to say the draft must be marked ready", got)
	}
}

func TestAnApprovedPullRequestIntoAnotherBranchIsNotMerged(t *testing.T) {
	tests := []struct {
		name string
		base func(w *world) string
	}{
		{"a long-lived branch", func(w *world) string {
			w.srv.Commit("staging", "Staging", map[string]string{"docs/staging.md": "staging\n"})
			return "staging"
		}},
		{"connectbot's own removal branch", func(w *world) string {
			w.srv.Commit("connectbot/remove/acme-sync", "Remove", map[string]string{"docs/removal.md": "removal\n"})
			return "connectbot/remove/acme-sync"
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := newWorld(t)
			base := tt.base(w)
			before := w.srv.Branch(base)
			w.srv.Commit("newco-apply", "Apply", map[string]string{"applications/newco.cue": newApplication(t)})
			pr := w.srv.OpenPR(forgetest.PRSpec{Author: "newco-dev", Title: "Apply: Newco", Head: "newco-apply", Base: base})
			out := w.approveAndHandle(pr)
			if got := w.srv.Branch(base); got != before {
				t.Errorf("%s moved from %s to %s", base, before, got)
			}
			if got := strings.Join(out.Verdict.Next, " "); !strings.Contains(got, "only pull requests into main") {
				t.Errorf("next %q; want it to say connectbot merges only into main", got)
			}
			w.wantFailure(pr, out)
			runs := w.srv.CheckRuns(w.srv.PR(pr).HeadSHA)
			if got, want := runs[len(runs)-1].Title, "✘ not mergeable as it is: see what happens next"; got != want {
				t.Errorf("check title %q, want %q", got, want)
			}
		})
	}
}

func TestATerminationNamingAnUnknownSlugTerminatesNothing(t *testing.T) {
	w := newWorld(t)
	pr := w.acmeEditPR()
	body := "/connectbot terminate acme-synk abandoned for a year"
	if _, err := w.handler.Comment(context.Background(), pr, w.srv.AddComment(pr, "okafor-pm", body), "okafor-pm", body); err != nil {
		t.Fatal(err)
	}
	if n := len(w.srv.PRs()); n != 1 {
		t.Errorf("%d pull requests: a mistyped slug terminated something: %+v", n, w.srv.PRs())
	}
	if replies := w.botReplies(pr); len(replies) != 1 || !strings.Contains(replies[0], `there is no application "acme-synk" in the program`) {
		t.Errorf("connectbot's answers: %q", replies)
	}
}
