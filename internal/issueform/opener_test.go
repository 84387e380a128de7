package issueform_test

import (
	"context"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/connectbot/connectbot/internal/catalog"
	"github.com/connectbot/connectbot/internal/forge"
	"github.com/connectbot/connectbot/internal/forge/forgetest"
	"github.com/connectbot/connectbot/internal/gitrepo"
	"github.com/connectbot/connectbot/internal/issueform"
)

// formWorld is a program repository on the fake GitHub, holding the
// sample acme-sync application kept by acme-dev, and the opener that
// turns its issues into pull requests, as the action wires it.
type formWorld struct {
	srv    *forgetest.Server
	client *forge.Client
	opener *issueform.Opener
}

// newFormWorld holds no schema/ directory: the program is judged by
// connectbot's own schema, as one made by connectbot init is.
func newFormWorld(t *testing.T) *formWorld {
	t.Helper()
	srv := forgetest.NewServer(t, "acme-program", "connect")
	srv.Commit(forgetest.DefaultBranch, "program", map[string]string{
		"program.cue":                "reviewers: [\"rivera-reviews\", \"okafor-pm\"]\ndocumentationDomains: \"allow\"\n",
		"applications/acme-sync.cue": string(must(os.ReadFile("../../applications/acme-sync.cue"))),
	})
	repo, err := gitrepo.Clone(context.Background(), srv.GitURL(), gitrepo.CloneOptions{Token: srv.Token()})
	if err != nil {
		t.Fatal(err)
	}
	w := &formWorld{srv: srv}
	w.client = w.as(t, srv.Token())
	w.opener = &issueform.Opener{Forge: w.client, Git: repo, Base: forgetest.DefaultBranch, BotLogin: forgetest.BotLogin,
		Identity: gitrepo.Signature{Name: "connectbot", Email: "connectbot@users.noreply.example"},
		Now:      func() time.Time { return time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC) }}
	return w
}

// as is a client of the fake GitHub acting with token.
func (w *formWorld) as(t *testing.T, token string) *forge.Client {
	t.Helper()
	c, err := forge.New(forge.Options{BaseURL: w.srv.URL(), Token: token, Owner: "acme-program", Repo: "connect",
		HTTPClient: w.srv.Client(), Sleep: func(time.Duration) {}})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// issue opens an issue on the fake GitHub as author, with their own
// token as the form does, and returns its number.
func (w *formWorld) issue(t *testing.T, author, body string) int {
	t.Helper()
	w.srv.AddUser(author, author+"-token")
	is, err := w.as(t, author+"-token").CreateIssue(context.Background(), "Application", body, "application")
	if err != nil {
		t.Fatal(err)
	}
	return is.Number
}

// submit opens an issue as author with body and hands it to the opener,
// as its delivery would, and returns its number.
func (w *formWorld) submit(t *testing.T, author, body string) int {
	t.Helper()
	n := w.issue(t, author, body)
	w.open(t, n, author, body)
	return n
}

// open hands issue n, as author wrote it with body, to the opener.
func (w *formWorld) open(t *testing.T, n int, author, body string) issueform.Outcome {
	t.Helper()
	out, err := w.opener.Open(context.Background(), issueform.Issue{Number: n, Author: author, Body: body})
	if err != nil {
		t.Fatalf("issue #%d: %v", n, err)
	}
	return out
}

// lastAnswer checks that issue n holds want answers, the last as the
// golden file named.
func (w *formWorld) lastAnswer(t *testing.T, n, want int, golden string) {
	t.Helper()
	comments := w.srv.Comments(n)
	if len(comments) != want {
		t.Fatalf("%d answers on #%d, want %d: %+v", len(comments), n, want, comments)
	}
	checkGolden(t, golden, comments[want-1].Body)
}

// openPRs are the pull requests open on the fake GitHub.
func (w *formWorld) openPRs() []forgetest.PR {
	var out []forgetest.PR
	for _, pr := range w.srv.PRs() {
		if pr.State == "open" {
			out = append(out, pr)
		}
	}
	return out
}

// TestAnEditedSlugMovesTheApplicationToOnePullRequest: an applicant who
// fixes the slug by editing the issue, as the reply tells them to, has one
// pull request open for the issue, at the new slug; the one of the earlier
// answers is closed, saying by which it was replaced. A repeated delivery
// changes nothing, and a slug edited back opens its pull request again.
func TestAnEditedSlugMovesTheApplicationToOnePullRequest(t *testing.T) {
	w := newFormWorld(t)
	first := Body(tidy())
	n := w.submit(t, "Codertocat", first)
	second := strings.Replace(first, "### Application slug\n\ntidy-ledger\n", "### Application slug\n\ntidy-books\n", 1)
	for range 2 {
		w.open(t, n, "Codertocat", second)
	}
	open := w.openPRs()
	if len(open) != 1 || open[0].Head != "connectbot/apply/tidy-books" {
		t.Fatalf("open pull requests after the edit: %+v", open)
	}
	moved := open[0].Number
	for _, pr := range w.srv.PRs() {
		if pr.Head == "connectbot/apply/tidy-ledger" {
			checkGolden(t, "replaced-pr-body.md", pr.Body)
		}
	}
	comments := w.srv.Comments(n)
	if len(comments) != 2 || !strings.Contains(comments[1].Body, fmt.Sprintf("proposed in #%d", moved)) {
		t.Errorf("answers on the issue: %+v", comments)
	}

	w.open(t, n, "Codertocat", first)
	if open := w.openPRs(); len(open) != 1 || open[0].Head != "connectbot/apply/tidy-ledger" || open[0].Number == moved {
		t.Errorf("open pull requests after the slug was edited back: %+v", open)
	}
}

// TestAnEditAfterTheApplicationWasDecidedIsAnswered: once a reviewer has
// closed or merged the pull request of an application issue, an edit of
// the issue changes nothing, and the applicant is told so and what to do
// instead, where before the edit went unanswered.
func TestAnEditAfterTheApplicationWasDecidedIsAnswered(t *testing.T) {
	for _, tt := range []struct {
		name   string
		decide func(w *formWorld, pr forgetest.PR)
		golden string
	}{
		{"closed without merging", func(w *formWorld, pr forgetest.PR) { w.srv.ClosePR(pr.Number, "rivera-reviews") }, "decided-closed.md"},
		{"merged", func(w *formWorld, pr forgetest.PR) {
			if _, err := w.client.MergePR(context.Background(), pr.Number, pr.HeadSHA, ""); err != nil {
				t.Fatal(err)
			}
		}, "decided-merged.md"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			w := newFormWorld(t)
			first := Body(tidy())
			n := w.submit(t, "Codertocat", first)
			tt.decide(w, w.srv.PRs()[0])
			second := strings.Replace(first, "### Installs today\n\n12", "### Installs today\n\n16", 1)
			for range 2 {
				w.open(t, n, "Codertocat", second)
			}
			if prs := w.srv.PRs(); len(prs) != 1 {
				t.Errorf("pull requests: %+v", prs)
			}
			w.lastAnswer(t, n, 2, tt.golden) // the first, and one about the edit
		})
	}
}

// TestWhatCannotBeProposedLeavesTheOpenPullRequestAndSaysWhy: a second
// issue for the same slug or step, while the first one's pull request is
// open, is told which issue to edit, not only which pull request is in
// the way; an issue edited into answers that do not fit is told the
// answers to fix and that its pull request keeps the answers it has,
// where it was told that nothing was opened. Either way nothing is opened
// and the open pull request stays as it was.
func TestWhatCannotBeProposedLeavesTheOpenPullRequestAndSaysWhy(t *testing.T) {
	for _, tt := range []struct {
		name, author, first, second string
		// edit is true when second is the first issue edited, false when
		// it is a second issue.
		edit   bool
		golden string
	}{
		{"a second application issue", "Codertocat", Body(tidy()), strings.Replace(Body(tidy()), "\n\n12\n", "\n\n14\n", 1), false, "resubmitted-application.md"},
		{"a second step issue", "acme-dev", listingBody, strings.Replace(listingBody, "Contacts, both ways", "Contacts both ways", 1), false, "resubmitted-step.md"},
		{"an application issue edited", "Codertocat", Body(tidy()), strings.Replace(Body(tidy()), "\n\n12\n", "\n\nabout 40\n", 1), true, "edited-refused-application.md"},
		{"a step issue edited", "acme-dev", listingBody, strings.Replace(listingBody, "\n\n_No response_\n\n### Listing support page", "\n\nacme.example/setup\n\n### Listing support page", 1), true, "edited-refused-step.md"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			w := newFormWorld(t)
			n := w.submit(t, tt.author, tt.first)
			opened := w.openPRs()
			answers := 2
			if tt.edit {
				w.open(t, n, tt.author, tt.second)
			} else {
				n, answers = w.submit(t, tt.author, tt.second), 1
			}
			if diff := cmp.Diff(opened, w.openPRs()); diff != "" {
				t.Errorf("open pull requests (-before +after):\n%s", diff)
			}
			w.lastAnswer(t, n, answers, tt.golden)
		})
	}
}

// TestAStepIssueEditedAfterItsPullRequestWasClosedProposesAgain: a step
// form's pull request closed by a reviewer stays closed; the issue edited
// afterwards proposes its answers as they are in a new one.
func TestAStepIssueEditedAfterItsPullRequestWasClosedProposesAgain(t *testing.T) {
	w := newFormWorld(t)
	n := w.submit(t, "acme-dev", listingBody)
	first := w.openPRs()[0]
	w.srv.ClosePR(first.Number, "rivera-reviews")
	w.open(t, n, "acme-dev", strings.Replace(listingBody, "Contacts, both ways", "Contacts both ways", 1))
	open := w.openPRs()
	if len(open) != 1 || open[0].Number == first.Number || w.srv.PR(first.Number).State != "closed" {
		t.Errorf("open pull requests after the edit: %+v", open)
	}
}

// TestAStepFormBeforeTheApplicationIsAcceptedSaysToWait: the listing
// form for an application still under review — its file not yet in the
// program — says so and where the application is, not that the slug names
// no application.
func TestAStepFormBeforeTheApplicationIsAcceptedSaysToWait(t *testing.T) {
	w := newFormWorld(t)
	w.submit(t, "Codertocat", Body(tidy()))
	opened := w.openPRs()
	n := w.submit(t, "Codertocat", strings.Replace(listingBody, "\n\nacme-sync\n", "\n\ntidy-ledger\n", 1))
	if diff := cmp.Diff(opened, w.openPRs()); diff != "" {
		t.Errorf("open pull requests (-before +after):\n%s", diff)
	}
	w.lastAnswer(t, n, 1, "step-before-acceptance.md")
}

// TestAStepFormOnAFileWrittenAsJSONProposesItAsJSON: the listing form on
// an application its integrator wrote as JSON opens a pull request whose
// file is that JSON with the tagline changed where it stands, every other
// byte kept, and which loads.
func TestAStepFormOnAFileWrittenAsJSONProposesItAsJSON(t *testing.T) {
	w := newFormWorld(t)
	src := string(must(os.ReadFile("../catalog/testdata/json/acme-sync.cue")))
	const p = "applications/acme-sync.cue"
	w.srv.Commit(forgetest.DefaultBranch, "acme-sync written as JSON", map[string]string{p: src})
	w.submit(t, "acme-dev", listingBody)
	open := w.openPRs()
	if len(open) != 1 {
		t.Fatalf("open pull requests: %+v", open)
	}
	got, ok := w.srv.ReadFile(open[0].Head, p)
	if !ok {
		t.Fatalf("%s is not on %s", p, open[0].Head)
	}
	want := strings.Replace(src, `"tagline": "Two-way contact sync"`, `"tagline": "Contacts, both ways"`, 1)
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("the proposed file (-want +got):\n%s", diff)
	}
	cat, err := catalog.Default()
	if err != nil {
		t.Fatal(err)
	}
	if f := cat.Application(p, []byte(got)); f.App == nil || f.App.Listing.Tagline != "Contacts, both ways" {
		t.Errorf("the proposed file does not load as the form says: %+v", f)
	}
}

// listingBody is the listing form's issue for acme-sync, as GitHub
// writes it, giving a tagline only.
const listingBody = "### Application slug\n\nacme-sync\n\n### Tagline\n\nContacts, both ways\n\n### Description\n\n_No response_\n\n" +
	"### Setup instructions\n\n_No response_\n\n### Listing support page\n\n_No response_\n"

// tidy is a good application of a company the program does not hold yet.
func tidy() map[string]string {
	a := complete()
	a[issueform.FieldSlug] = "tidy-ledger"
	a[issueform.FieldCompanyName] = "Tidy Books Ltd"
	a[issueform.FieldIntegrationName] = "Tidy Ledger"
	a[issueform.FieldMaintainers] = ""
	return a
}
