package issueform_test

import (
	"context"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/connectbot/connectbot/internal/forge"
	"github.com/connectbot/connectbot/internal/forge/forgetest"
	"github.com/connectbot/connectbot/internal/gitrepo"
	"github.com/connectbot/connectbot/internal/issueform"
	"github.com/connectbot/connectbot/schema"
)

// formWorld is a program repository on the fake GitHub, holding the
// sample acme-sync application kept by acme-dev, and the opener that
// turns its issues into pull requests, as the action wires it.
type formWorld struct {
	srv    *forgetest.Server
	client *forge.Client
	opener *issueform.Opener
}

func newFormWorld(t *testing.T) *formWorld {
	t.Helper()
	srv := forgetest.NewServer(t, "acme-program", "connect")
	files := map[string]string{"program.cue": "reviewers: [\"rivera-reviews\", \"okafor-pm\"]\ndocumentationDomains: \"allow\"\n"}
	entries, err := schema.Files.ReadDir(".")
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		b, _ := schema.Files.ReadFile(e.Name())
		files["schema/"+e.Name()] = string(b)
	}
	acme, err := os.ReadFile("../../applications/acme-sync.cue")
	if err != nil {
		t.Fatal(err)
	}
	files["applications/acme-sync.cue"] = string(acme)
	srv.Commit(forgetest.DefaultBranch, "program", files)
	ctx := context.Background()
	repo, err := gitrepo.Clone(ctx, srv.GitURL(), gitrepo.CloneOptions{Token: srv.Token()})
	if err != nil {
		t.Fatal(err)
	}
	client, err := forge.New(forge.Options{BaseURL: srv.URL(), Token: srv.Token(), Owner: "acme-program", Repo: "connect",
		HTTPClient: srv.Client(), Sleep: func(time.Duration) {}})
	if err != nil {
		t.Fatal(err)
	}
	now := func() time.Time { return time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC) }
	return &formWorld{srv: srv, client: client, opener: &issueform.Opener{
		Forge: client, Git: repo, Base: forgetest.DefaultBranch, BotLogin: forgetest.BotLogin,
		Identity: gitrepo.Signature{Name: "connectbot", Email: "connectbot@users.noreply.example"}, Now: now,
	}}
}

// issue opens an issue on the fake GitHub as author, with their own
// token as the form does, and returns its number.
func (w *formWorld) issue(t *testing.T, author, body string) int {
	t.Helper()
	w.srv.AddUser(author, author+"-token")
	client, err := forge.New(forge.Options{BaseURL: w.srv.URL(), Token: author + "-token", Owner: "acme-program", Repo: "connect", HTTPClient: w.srv.Client()})
	if err != nil {
		t.Fatal(err)
	}
	is, err := client.CreateIssue(context.Background(), "Application", body, "application")
	if err != nil {
		t.Fatal(err)
	}
	return is.Number
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
	n := w.issue(t, "Codertocat", first)
	w.open(t, n, "Codertocat", first)
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
			n := w.issue(t, "Codertocat", first)
			w.open(t, n, "Codertocat", first)
			tt.decide(w, w.srv.PRs()[0])
			second := strings.Replace(first, "### Installs today\n\n12", "### Installs today\n\n16", 1)
			for range 2 {
				w.open(t, n, "Codertocat", second)
			}
			if prs := w.srv.PRs(); len(prs) != 1 {
				t.Errorf("pull requests: %+v", prs)
			}
			comments := w.srv.Comments(n)
			if len(comments) != 2 {
				t.Fatalf("%d answers on the issue, want the first and one about the edit: %+v", len(comments), comments)
			}
			checkGolden(t, tt.golden, comments[1].Body)
		})
	}
}

// TestAResubmissionIsToldWhichIssueToEdit: an applicant who opens a
// second issue for the same slug or step, while the first one's pull
// request is open, is told which issue to edit, not only which pull
// request is in the way; nothing is opened and the first stays as it was.
func TestAResubmissionIsToldWhichIssueToEdit(t *testing.T) {
	listing := "### Application slug\n\nacme-sync\n\n### Tagline\n\nContacts, both ways\n\n### Description\n\n_No response_\n\n" +
		"### Setup instructions\n\n_No response_\n\n### Listing support page\n\n_No response_\n"
	for _, tt := range []struct {
		name, author, first, again, golden string
	}{
		{"the application form", "Codertocat", Body(tidy()), strings.Replace(Body(tidy()), "\n\n12\n", "\n\n14\n", 1), "resubmitted-application.md"},
		{"a step form", "acme-dev", listing, strings.Replace(listing, "Contacts, both ways", "Contacts both ways", 1), "resubmitted-step.md"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			w := newFormWorld(t)
			first := w.issue(t, tt.author, tt.first)
			w.open(t, first, tt.author, tt.first)
			opened := w.openPRs()
			again := w.issue(t, tt.author, tt.again)
			w.open(t, again, tt.author, tt.again)
			if diff := cmp.Diff(opened, w.openPRs()); diff != "" {
				t.Errorf("open pull requests (-before +after):\n%s", diff)
			}
			comments := w.srv.Comments(again)
			if len(comments) != 1 {
				t.Fatalf("%d answers on the second issue: %+v", len(comments), comments)
			}
			checkGolden(t, tt.golden, comments[0].Body)
		})
	}
}

// TestAStepIssueEditedAfterItsPullRequestWasClosedProposesAgain: a step
// form's pull request closed by a reviewer stays closed; the issue edited
// afterwards proposes its answers as they are in a new one.
func TestAStepIssueEditedAfterItsPullRequestWasClosedProposesAgain(t *testing.T) {
	w := newFormWorld(t)
	body := "### Application slug\n\nacme-sync\n\n### Tagline\n\nContacts, both ways\n\n### Description\n\n_No response_\n\n" +
		"### Setup instructions\n\n_No response_\n\n### Listing support page\n\n_No response_\n"
	n := w.issue(t, "acme-dev", body)
	w.open(t, n, "acme-dev", body)
	first := w.openPRs()[0]
	w.srv.ClosePR(first.Number, "rivera-reviews")
	w.open(t, n, "acme-dev", strings.Replace(body, "Contacts, both ways", "Contacts both ways", 1))
	open := w.openPRs()
	if len(open) != 1 || open[0].Number == first.Number || w.srv.PR(first.Number).State != "closed" {
		t.Errorf("open pull requests after the edit: %+v", open)
	}
}

// tidy is a good application of a company the program does not hold yet.
func tidy() map[string]string {
	a := complete()
	a[issueform.FieldSlug] = "tidy-ledger"
	a[issueform.FieldCompanyName] = "Tidy Books Ltd"
	a[issueform.FieldIntegrationName] = "Tidy Ledger"
	a[issueform.FieldMaintainers] = ""
	return a
}
