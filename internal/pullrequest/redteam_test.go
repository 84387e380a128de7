package pullrequest_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

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
	if _, err := w.handler.Comment(context.Background(), pr, forge.Comment{ID: id, Author: "okafor-pm", Body: body}); err != nil {
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
	w.srv.AddCollaborator("mallory")
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
	if _, err := w.handler.Comment(context.Background(), pr, forge.Comment{ID: w.srv.AddComment(pr, "okafor-pm", body), Author: "okafor-pm", Body: body}); err != nil {
		t.Fatal(err)
	}
	if n := len(w.srv.PRs()); n != 1 {
		t.Errorf("%d pull requests: a mistyped slug terminated something: %+v", n, w.srv.PRs())
	}
	if replies := w.botReplies(pr); len(replies) != 1 || !strings.Contains(replies[0], `there is no application "acme-synk" in the program`) {
		t.Errorf("connectbot's answers: %q", replies)
	}
}

// TestAnApprovalMergesOnlyFromAReviewerOfTheBaseOnTheCurrentHead attacks
// the approval through GitHub itself: each case opens newco-dev's valid
// new application (or the pull request it names), does what a hostile
// integrator or a careless reviewer would, and the bot handles it.
func TestAnApprovalMergesOnlyFromAReviewerOfTheBaseOnTheCurrentHead(t *testing.T) {
	tests := []struct {
		name string
		// act does the attack on pull request pr.
		act       func(w *world, pr int)
		author    string
		wantMerge bool
	}{
		{name: "the author, a reviewer, approving their own pull request", author: "okafor-pm",
			act: func(w *world, pr int) { w.srv.AddReview(pr, "okafor-pm", "APPROVED", w.srv.PR(pr).HeadSHA) }},
		{name: "an approval followed by a push of another commit",
			act: func(w *world, pr int) {
				w.srv.AddReview(pr, "rivera-reviews", "APPROVED", w.srv.PR(pr).HeadSHA)
				w.srv.Commit("newco-apply", "One more thing", map[string]string{"applications/newco.cue": strings.Replace(newApplication(t), "Northwind Notes", "Northwind Notes Pro", 1)})
			}},
		{name: "a reviewer's login in another case", wantMerge: true,
			act: func(w *world, pr int) { w.srv.AddReview(pr, "Rivera-Reviews", "APPROVED", w.srv.PR(pr).HeadSHA) }},
		{name: "a review that only comments LGTM",
			act: func(w *world, pr int) { w.srv.AddReview(pr, "rivera-reviews", "COMMENTED", w.srv.PR(pr).HeadSHA) }},
		{name: "an approval, then another reviewer's request for changes",
			act: func(w *world, pr int) {
				w.srv.AddReview(pr, "rivera-reviews", "APPROVED", w.srv.PR(pr).HeadSHA)
				w.srv.AddReview(pr, "okafor-pm", "CHANGES_REQUESTED", w.srv.PR(pr).HeadSHA)
			}},
		{name: "an approval dismissed by a maintainer",
			act: func(w *world, pr int) {
				w.srv.DismissReview(w.srv.AddReview(pr, "rivera-reviews", "APPROVED", w.srv.PR(pr).HeadSHA), "okafor-pm")
			}},
		{name: "an approval by someone outside program.cue's reviewers",
			act: func(w *world, pr int) { w.srv.AddReview(pr, "newco-friend", "APPROVED", w.srv.PR(pr).HeadSHA) }},
		{name: "an approval of the head while the author has converted it to a draft",
			act: func(w *world, pr int) { w.srv.AddReview(pr, "rivera-reviews", "APPROVED", w.srv.PR(pr).HeadSHA) }},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := newWorld(t)
			author := tt.author
			if author == "" {
				author = "newco-dev"
			}
			src := newApplication(t)
			if author != "newco-dev" {
				src = strings.Replace(src, `maintainers: ["newco-dev"]`, fmt.Sprintf("maintainers: [%q]", author), 1)
			}
			w.srv.Commit("newco-apply", "Apply", map[string]string{"applications/newco.cue": src})
			pr := w.srv.OpenPR(forgetest.PRSpec{Author: author, Title: "Apply: Newco", Head: "newco-apply", Draft: i == len(tests)-1})
			main := w.srv.Branch(forgetest.DefaultBranch)
			tt.act(w, pr)
			out := w.handle(pr)
			merged := w.srv.Branch(forgetest.DefaultBranch) != main
			if merged != tt.wantMerge || out.Verdict.Merge != tt.wantMerge {
				t.Errorf("merged %v (verdict %v), want %v; done %q", merged, out.Verdict.Merge, tt.wantMerge, out.Done)
			}
		})
	}
}

func TestAReviewerAddedByThePullRequestItselfDoesNotCount(t *testing.T) {
	w := newWorld(t)
	w.srv.Commit("newco-apply", "Apply", map[string]string{
		"applications/newco.cue": newApplication(t),
		"program.cue":            strings.Replace(programCue, `"okafor-pm"]`, `"okafor-pm", "newco-friend"]`, 1),
	})
	pr := w.srv.OpenPR(forgetest.PRSpec{Author: "newco-dev", Title: "Apply: Newco", Head: "newco-apply"})
	w.srv.AddReview(pr, "newco-friend", "APPROVED", w.srv.PR(pr).HeadSHA)
	main := w.srv.Branch(forgetest.DefaultBranch)
	out := w.handle(pr)
	if out.Verdict.Approval != nil || out.Verdict.Merge || w.srv.Branch(forgetest.DefaultBranch) != main {
		t.Errorf("the base's program.cue does not list newco-friend, yet: approval %+v, done %q", out.Verdict.Approval, out.Done)
	}
}

func TestAnApprovedPullRequestFromAForkMergesItsApprovedHead(t *testing.T) {
	w := newWorld(t)
	head := w.srv.Commit("patch-1", "Apply", map[string]string{"applications/newco.cue": newApplication(t)})
	pr := w.srv.OpenPR(forgetest.PRSpec{Author: "newco-dev", Title: "Apply: Newco", Head: "patch-1", HeadRepo: "newco-dev/connect"})
	w.srv.AddReview(pr, "rivera-reviews", "APPROVED", head)
	out := w.handle(pr)
	if out.MergedInto != forgetest.DefaultBranch || !w.srv.PR(pr).Merged {
		t.Fatalf("a fork's approved pull request was not merged: done %q", out.Done)
	}
	if got, ok := w.srv.ReadFile(forgetest.DefaultBranch, "applications/newco.cue"); !ok || !strings.Contains(got, "acceptedAt") {
		t.Errorf("main's applications/newco.cue after the merge: %q", got)
	}
}

// TestAnApprovalGivenBeforeAReopeningDoesNotCount: a reviewer who
// approved and then closed the pull request said no by closing it; when
// the author reopens it, the approval given before stands for nothing and
// a reviewer approves again. A change request still blocks.
func TestAnApprovalGivenBeforeAReopeningDoesNotCount(t *testing.T) {
	tests := []struct {
		name string
		// after acts once the pull request is open again.
		after     func(w *world, pr int, head string)
		wantMerge bool
	}{
		{"an approval, closed by the reviewer and reopened by the author, does not merge", func(*world, int, string) {}, false},
		{"a new approval after the reopening merges", func(w *world, pr int, head string) {
			w.srv.AddReview(pr, "okafor-pm", "APPROVED", head)
		}, true},
		{"a change request from before the reopening still blocks a new approval", func(w *world, pr int, head string) {
			w.srv.AddReview(pr, "okafor-pm", "APPROVED", head)
		}, false},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := newWorld(t)
			head := w.srv.Commit("newco-apply", "Apply", map[string]string{"applications/newco.cue": newApplication(t)})
			pr := w.srv.OpenPR(forgetest.PRSpec{Author: "newco-dev", Title: "Apply: Newco", Head: "newco-apply"})
			// The check is red while the bot is down, say: nothing merges
			// before the reviewer closes it.
			w.srv.AddReview(pr, "rivera-reviews", "APPROVED", head)
			if i == 2 {
				w.srv.AddReview(pr, "rivera-reviews", "CHANGES_REQUESTED", head)
			}
			w.setState("rivera-reviews", pr, "closed")
			if out := w.handle(pr); out.MergedInto != "" {
				t.Fatalf("a closed pull request merged: %q", out.Done)
			}
			w.setState("newco-dev", pr, "open")
			tt.after(w, pr, head)
			if out := w.handle(pr); (out.MergedInto != "") != tt.wantMerge {
				t.Errorf("merged into %q, want a merge %v: %q", out.MergedInto, tt.wantMerge, out.Done)
			}
		})
	}
}

// setState closes or reopens pull request pr as login.
func (w *world) setState(login string, pr int, state string) {
	w.t.Helper()
	w.call(login, "PATCH", fmt.Sprintf("/pulls/%d", pr), `{"state":"`+state+`"}`)
}

// call makes a request of GitHub's REST API as login, under
// /repos/acme-program/connect, and fails the test unless it succeeds.
func (w *world) call(login, method, path, body string) {
	w.t.Helper()
	w.as(login)
	req, err := http.NewRequest(method, w.srv.URL()+"/repos/acme-program/connect"+path, strings.NewReader(body))
	if err != nil {
		w.t.Fatal(err)
	}
	req.Header.Set("Authorization", "token "+login+"-token")
	resp, err := w.srv.Client().Do(req)
	if err != nil {
		w.t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode/100 != 2 {
		w.t.Fatalf("%s %s as %s: %s", method, path, login, resp.Status)
	}
}

// TestTextFromGitHubNeverPingsAnyoneInWhatConnectbotWrites: a change
// request's words, a pull request's title and body, and an integration's
// name are copied nowhere as mentions, links or markup.
func TestTextFromGitHubNeverPingsAnyoneInWhatConnectbotWrites(t *testing.T) {
	w := newWorld(t)
	const hostile = "@acme-program/everyone cc @okafor-pm <img src=x> [x](https://evil.example)"
	src := strings.Replace(newApplication(t), `name:         "Northwind Notes"`, `name:         "Notes @acme-program/everyone"`, 1)
	w.srv.Commit("newco-apply", "Apply", map[string]string{"applications/newco.cue": src})
	pr := w.srv.OpenPR(forgetest.PRSpec{Author: "newco-dev", Title: "Apply " + hostile, Body: hostile, Head: "newco-apply"})
	body, err := json.Marshal(map[string]string{"event": "REQUEST_CHANGES", "body": hostile})
	if err != nil {
		t.Fatal(err)
	}
	w.call("rivera-reviews", "POST", fmt.Sprintf("/pulls/%d/reviews", pr), string(body))
	w.handle(pr)
	var written []string
	for _, c := range w.srv.Comments(pr) {
		if c.Author == forgetest.BotLogin {
			written = append(written, c.Body)
		}
	}
	for _, r := range w.srv.CheckRuns(w.srv.PR(pr).HeadSHA) {
		written = append(written, r.Title, r.Summary, r.Text)
	}
	if !strings.Contains(strings.Join(written, "\n"), "asked for changes: \\@<!-- -->acme-program/everyone") &&
		!strings.Contains(strings.Join(written, "\n"), "asked for changes: @<!-- -->acme-program/everyone") {
		t.Fatalf("connectbot did not show the change request, inert; it wrote %q", written)
	}
	for _, text := range written {
		for _, bad := range []string{"@acme-program/everyone", "@okafor-pm", "<img", "](https://evil.example)"} {
			if strings.Contains(text, bad) {
				t.Errorf("connectbot wrote %q as it was:\n%s", bad, text)
			}
		}
	}
}

func TestAPushBetweenTheVerdictAndTheMergeIsNotMerged(t *testing.T) {
	w := newWorld(t)
	head := w.srv.Commit("newco-apply", "Apply", map[string]string{"applications/newco.cue": newApplication(t)})
	pr := w.srv.OpenPR(forgetest.PRSpec{Author: "newco-dev", Title: "Apply: Newco", Head: "newco-apply"})
	w.srv.AddReview(pr, "rivera-reviews", "APPROVED", head)
	main := w.srv.Branch(forgetest.DefaultBranch)
	// The integrator pushes while connectbot writes its comment on the
	// approved head, after the verdict and before the merge.
	w.srv.Before("POST", fmt.Sprintf("/repos/acme-program/connect/issues/%d/comments", pr), func() {
		w.srv.Commit("newco-apply", "Sneak in", map[string]string{"applications/newco.cue": strings.Replace(newApplication(t), `auth:         "oauth2"`, `auth:         "api_key"`, 1)})
	})
	out := w.handle(pr)
	if w.srv.Branch(forgetest.DefaultBranch) != main || w.srv.PR(pr).Merged {
		t.Errorf("merged after the head moved: %q", out.Done)
	}
	if !slices.Contains(out.Done, "merge refused: the head moved since it was approved; the new commit needs its own approval") {
		t.Errorf("done %q; want the merge refused", out.Done)
	}
}

func TestTheSameTerminationTwiceOpensOneRemoval(t *testing.T) {
	w := newWorld(t)
	pr := w.acmeEditPR()
	ctx := context.Background()
	for _, body := range []string{"/connectbot terminate acme-sync collects passwords", "/connectbot terminate acme-sync collects passwords, again"} {
		if _, err := w.handler.Comment(ctx, pr, forge.Comment{ID: w.srv.AddComment(pr, "okafor-pm", body), Author: "okafor-pm", Body: body}); err != nil {
			t.Fatal(err)
		}
	}
	// And a reconcile finds nothing left to do.
	if _, err := w.handler.Reconcile(ctx, forgetest.DefaultBranch); err != nil {
		t.Fatal(err)
	}
	var removals []int
	for _, p := range w.srv.PRs() {
		if p.Head == "connectbot/remove/acme-sync" {
			removals = append(removals, p.Number)
		}
	}
	if len(removals) != 1 {
		t.Fatalf("removal pull requests %v, want one", removals)
	}
	replies := w.botReplies(pr)
	want := fmt.Sprintf("the removal of acme-sync is proposed in #%d.", removals[0])
	if len(replies) != 2 || !strings.HasSuffix(replies[0], want) || !strings.HasSuffix(replies[1], want) {
		t.Errorf("answers %q; want two, each naming #%d", replies, removals[0])
	}
}

func TestConnectbotNeverObeysItsOwnComments(t *testing.T) {
	w := newWorld(t)
	pr := w.acmeEditPR()
	ctx := context.Background()
	// connectbot's own words (a reply quoting a command, say), under its
	// login in any case: neither the event nor a reconcile acts on them.
	body := "/connectbot terminate acme-sync an echo"
	for _, login := range []string{forgetest.BotLogin, strings.ToUpper(forgetest.BotLogin)} {
		id := w.srv.AddComment(pr, login, body)
		if done, err := w.handler.Comment(ctx, pr, forge.Comment{ID: id, Author: login, Body: body}); err != nil || len(done) != 0 {
			t.Fatalf("as %s: %q, %v", login, done, err)
		}
	}
	if _, err := w.handler.Reconcile(ctx, forgetest.DefaultBranch); err != nil {
		t.Fatal(err)
	}
	if n := len(w.srv.PRs()); n != 1 || len(w.botReplies(pr)) != 0 {
		t.Errorf("%d pull requests, answers %q", n, w.botReplies(pr))
	}
}

func TestACommandInAQuoteOrACodeBlockIsNotCarriedOut(t *testing.T) {
	bodies := map[string]string{
		"quoted in a reply":      "> /connectbot terminate acme-sync collects passwords\n\nShould we?",
		"in a fenced code block": "To end it, a reviewer writes:\n\n```\n/connectbot terminate acme-sync <reason>\n```",
		"in an indented example": "Like so:\n\n    /connectbot terminate acme-sync reason",
	}
	for name, body := range bodies {
		t.Run(name, func(t *testing.T) {
			w := newWorld(t)
			pr := w.acmeEditPR()
			ctx := context.Background()
			if _, err := w.handler.Comment(ctx, pr, forge.Comment{ID: w.srv.AddComment(pr, "okafor-pm", body), Author: "okafor-pm", Body: body}); err != nil {
				t.Fatal(err)
			}
			if _, err := w.handler.Reconcile(ctx, forgetest.DefaultBranch); err != nil {
				t.Fatal(err)
			}
			if n := len(w.srv.PRs()); n != 1 || len(w.botReplies(pr)) != 0 {
				t.Errorf("%d pull requests, answers %q", n, w.botReplies(pr))
			}
		})
	}
}

// TestLabelsSomeoneAddsAreNoInput: labels on a pull request are
// connectbot's output, never its input; whoever can label (a user GitHub
// lets triage) cannot mark a pull request approved, passing or promoted.
func TestLabelsSomeoneAddsAreNoInput(t *testing.T) {
	w := newWorld(t)
	broken := strings.Replace(newApplication(t), `auth:         "oauth2"`, `auth:         "api_key"`, 1)
	w.srv.Commit("newco-apply", "Apply", map[string]string{"applications/newco.cue": broken})
	pr := w.srv.OpenPR(forgetest.PRSpec{Author: "newco-dev", Title: "Apply: Newco", Head: "newco-apply"})
	w.handle(pr)
	want := w.srv.Labels(pr)
	ctx := context.Background()
	if err := w.as("newco-dev").AddLabels(ctx, pr, "stage:partner", "approved", "lgtm"); err != nil {
		t.Fatal(err)
	}
	if err := w.as("newco-dev").RemoveLabel(ctx, pr, "invalid"); err != nil {
		t.Fatal(err)
	}
	main := w.srv.Branch(forgetest.DefaultBranch)
	out := w.handle(pr)
	got := slices.DeleteFunc(w.srv.Labels(pr), func(l string) bool { return l == "approved" || l == "lgtm" })
	if diff := cmp.Diff(want, got); diff != "" || out.Verdict.Conclusion != "failure" || w.srv.Branch(forgetest.DefaultBranch) != main {
		t.Errorf("connectbot's labels after someone relabelled (-want +got):\n%s\nconclusion %s", diff, out.Verdict.Conclusion)
	}
}

func TestATerminationReadsTheReviewersOfTheDefaultBranch(t *testing.T) {
	w := newWorld(t)
	// A reviewer's proposal to add mallory, under review on its own branch.
	w.srv.Commit("add-mallory", "Add mallory", map[string]string{"program.cue": strings.Replace(programCue, `"okafor-pm"]`, `"okafor-pm", "mallory"]`, 1)})
	w.srv.Commit("mallory-edit", "Edit", map[string]string{"program.cue": strings.Replace(programCue, `"okafor-pm"]`, `"okafor-pm", "mallory"]`, 1), "docs/x.md": "x\n"})
	pr := w.srv.OpenPR(forgetest.PRSpec{Author: "mallory", Title: "Docs", Head: "mallory-edit", Base: "add-mallory"})
	body := "/connectbot terminate acme-sync I am a reviewer here"
	if _, err := w.handler.Comment(context.Background(), pr, forge.Comment{ID: w.srv.AddComment(pr, "mallory", body), Author: "mallory", Body: body}); err != nil {
		t.Fatal(err)
	}
	if n := len(w.srv.PRs()); n != 1 {
		t.Errorf("%d pull requests: mallory terminated acme-sync as a reviewer of another branch: %+v", n, w.srv.PRs())
	}
	if replies := w.botReplies(pr); len(replies) != 1 || !strings.Contains(replies[0], "only the program's reviewers") {
		t.Errorf("connectbot's answers: %q", replies)
	}
}

// TestAnIdleReconcileOfAnApprovedDraftIsConditional: an approved pull
// request that stays open asks for its issue events on every pass (an
// approval given before a reopening counts for nothing); once nothing
// changes, that question too is answered 304 Not Modified.
func TestAnIdleReconcileOfAnApprovedDraftIsConditional(t *testing.T) {
	w := newWorld(t)
	ctx := context.Background()
	w.srv.Commit("newco-apply", "Apply", map[string]string{"applications/newco.cue": newApplication(t)})
	pr := w.srv.OpenPR(forgetest.PRSpec{Author: "newco-dev", Title: "Apply: Newco", Head: "newco-apply", Draft: true})
	w.approveAndHandle(pr)
	for range 2 {
		if _, err := w.handler.Reconcile(ctx, forgetest.DefaultBranch); err != nil {
			t.Fatal(err)
		}
	}
	calls, notModified := len(w.srv.Calls()), w.srv.NotModified()
	if _, err := w.handler.Reconcile(ctx, forgetest.DefaultBranch); err != nil {
		t.Fatal(err)
	}
	rest, events := 0, 0
	for _, c := range w.srv.Calls()[calls:] {
		if !strings.HasPrefix(c, "GET ") {
			t.Errorf("an idle reconcile wrote: %s", c)
		}
		if strings.HasPrefix(c, "GET /repos/") {
			rest++
		}
		if strings.Contains(c, fmt.Sprintf("/issues/%d/events", pr)) {
			events++
		}
	}
	if events != 1 {
		t.Errorf("the idle reconcile asked for the issue events %d times, want 1", events)
	}
	// Nothing changed, the list of pull requests included: every request
	// is answered 304.
	if full := rest - (w.srv.NotModified() - notModified); full != 0 {
		t.Errorf("an idle reconcile of an approved draft made %d REST requests, %d of them answered in full; want none", rest, full)
	}
}

// TestAnApprovedPullRequestIntoTheProgramsBranchMerges: a program kept on
// a branch other than the repository's default (CONNECTBOT_BASE_BRANCH)
// merges pull requests into that branch, and only into it; its reviewers
// answer commands.
func TestAnApprovedPullRequestIntoTheProgramsBranchMerges(t *testing.T) {
	tests := []struct {
		name, base string
		wantMerge  bool
	}{
		{"into the program's branch it merges", "program", true},
		{"into the repository's default branch it does not", forgetest.DefaultBranch, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := newWorld(t)
			w.handler.Base = "program"
			w.srv.Commit("program", "The program's branch", map[string]string{"docs/program.md": "program\n"})
			before := w.srv.Branch(tt.base)
			head := w.srv.Commit("newco-apply", "Apply", map[string]string{"applications/newco.cue": newApplication(t)})
			pr := w.srv.OpenPR(forgetest.PRSpec{Author: "newco-dev", Title: "Apply: Newco", Head: "newco-apply", Base: tt.base})
			w.srv.AddReview(pr, "rivera-reviews", "APPROVED", head)
			out := w.handle(pr)
			if merged := w.srv.Branch(tt.base) != before; merged != tt.wantMerge {
				t.Errorf("%s moved: %v, want %v; done %q, next %q", tt.base, merged, tt.wantMerge, out.Done, out.Verdict.Next)
			}
		})
	}
}
