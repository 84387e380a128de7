package main

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/connectbot/connectbot/internal/application"
	"github.com/connectbot/connectbot/internal/catalog"
	"github.com/connectbot/connectbot/internal/forge/forgetest"
	"github.com/connectbot/connectbot/internal/golden"
	"github.com/connectbot/connectbot/internal/issueform"
	"github.com/connectbot/connectbot/internal/program"
)

// stepBody is an issue body as GitHub writes it from a step form: every
// question of the form, "_No response_" for those answers leaves out.
func stepBody(t *testing.T, step string, answers map[string]string) string {
	t.Helper()
	form, ok := issueform.StepForm(step)
	if !ok {
		t.Fatalf("no step form %q", step)
	}
	var b strings.Builder
	for _, f := range form.Fields {
		v, ok := answers[f.ID]
		if !ok || v == "" {
			v = "_No response_"
		}
		b.WriteString("### " + f.Label + "\n\n" + v + "\n\n")
	}
	return b.String()
}

// editedIssue is the delivery of issue n's body edited to body, made from
// the recorded `issues` opened payload by changing only action, issue.number,
// issue.body, issue.user.login, issue.labels and repository.full_name, and
// adding changes.body.from, as GitHub's "edited" carries.
func editedIssue(t *testing.T, n int, author, before, body string) string {
	return actionsDelivery(t, "issues/opened.payload.json", func(p map[string]any) {
		p["action"] = "edited"
		p["changes"] = map[string]any{"body": map[string]any{"from": before}}
		i := p["issue"].(map[string]any)
		i["number"] = n
		i["body"] = body
		i["user"].(map[string]any)["login"] = author
		i["labels"] = []any{map[string]any{"id": 1, "name": "application", "color": "0e8a16", "default": false}}
	})
}

// seedWithFeedback is seed with product-review feedback on acme-sync.
func seedWithFeedback(t *testing.T) *forgetest.Server {
	srv := seed(t)
	src, _ := srv.ReadFile(forgetest.DefaultBranch, "applications/acme-sync.cue")
	src = strings.Replace(src, "\thistory: [", "\tfeedback: [{id: \"fb-1\", text: \"The settings page hides the sync direction.\", status: \"open\"}]\n\thistory: [", 1)
	srv.Commit(forgetest.DefaultBranch, "Review feedback", map[string]string{"applications/acme-sync.cue": src})
	return srv
}

// loadHead loads the application at path as the pull request's head has it.
func loadHead(t *testing.T, srv *forgetest.Server, sha, path string) (string, *application.Application) {
	t.Helper()
	src, ok := srv.ReadFile(sha, path)
	if !ok {
		t.Fatalf("%s is not at %s", path, sha)
	}
	cat, err := catalog.Default()
	if err != nil {
		t.Fatal(err)
	}
	f := cat.Application(path, []byte(src))
	if f.App == nil {
		t.Fatalf("%s does not load: %+v\n%s", path, f.Findings, src)
	}
	return src, f.App
}

func TestActionTurnsEachStepFormIntoOnePullRequestJudgedAsItsApplicant(t *testing.T) {
	tests := []struct {
		name    string
		step    string
		answers map[string]string
		// want changes the base file's application as the form should.
		want func(a *application.Application)
	}{
		{"the listing form sets the listing fields it is given",
			program.StepListing, map[string]string{issueform.FieldTagline: "Contacts, both ways", issueform.FieldSetup: "https://acme.example/docs/setup"},
			func(a *application.Application) {
				a.Listing.Tagline, a.Listing.SetupInstructionsURL = "Contacts, both ways", "https://acme.example/docs/setup"
			}},
		{"the certification form sets the App ID, the demo video and the sales assets",
			program.StepCertification, map[string]string{issueform.FieldAppID: "7654321", issueform.FieldDemoVideo: "https://video.example/acme",
				issueform.FieldSalesAssets: "- https://acme.example/one-pager.pdf\nhttps://acme.example/deck.pdf"},
			func(a *application.Application) {
				a.Integration.AppID = "7654321"
				a.Certification = &application.Certification{DemoVideoURL: "https://video.example/acme",
					SalesAssets: []string{"https://acme.example/one-pager.pdf", "https://acme.example/deck.pdf"}}
			}},
		{"the feedback form answers a feedback item",
			program.StepFeedback, map[string]string{issueform.FieldFeedbackID: "fb-1", issueform.FieldFeedbackAnswer: "The direction is now on the first settings screen."},
			func(a *application.Application) {
				a.Certification = &application.Certification{Answers: []application.FeedbackAnswer{{Feedback: "fb-1", Answer: "The direction is now on the first settings screen."}}}
			}},
		{"the contact form sets the support and privacy details it is given",
			program.StepContact, map[string]string{issueform.FieldResponseHours: "8", issueform.FieldSupportPhone: "+44 20 7946 0000",
				issueform.FieldChannels: "- [X] ticket\n- [X] phone\n- [ ] email\n- [ ] chat\n- [ ] community"},
			func(a *application.Application) {
				hours := 8
				a.Support.FirstResponseHours = &hours
				a.Support.Phone = "+44 20 7946 0000"
				a.Support.Channels = []string{"ticket", "phone"}
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := seedWithFeedback(t)
			const path = "applications/acme-sync.cue"
			baseSrc, base := loadHead(t, srv, forgetest.DefaultBranch, path)
			answers := map[string]string{issueform.FieldSlug: "acme-sync"}
			for k, v := range tt.answers {
				answers[k] = v
			}
			issue, event := openIssue(t, srv, "acme-dev", stepBody(t, tt.step, answers))
			code, out, errOut := runActionWith(t, srv, "issues", event)
			prs := srv.PRs()
			if code != 0 || len(prs) != 1 {
				t.Fatalf("exit %d, pull requests %+v, answers %+v\n%s%s", code, prs, srv.Comments(issue), out, errOut)
			}
			pr := prs[0]
			if pr.Head != program.StepBranch(tt.step, "acme-sync") || pr.Author != forgetest.BotLogin {
				t.Errorf("pull request from %s by %s", pr.Head, pr.Author)
			}
			src, got := loadHead(t, srv, pr.HeadSHA, path)
			want := *base
			tt.want(&want)
			if diff := cmp.Diff(want, *got); diff != "" {
				t.Errorf("the file at the head (-want +got):\n%s", diff)
			}
			// The rest of the file is as the integrator wrote it.
			for _, line := range []string{"// Acme Software's contact sync: a beta integrator with a published listing.",
				`company: {name: "Acme Software Ltd", website: "https://acme.example"}`} {
				if !strings.Contains(src, line) || !strings.Contains(baseSrc, line) {
					t.Errorf("%q lost:\n%s", line, src)
				}
			}
			// Judged at once, as acme-dev's own pull request: a maintainer
			// changing their own fields passes.
			if runs := srv.CheckRuns(pr.HeadSHA); len(runs) != 1 || runs[0].Conclusion != "success" {
				t.Errorf("check runs: %+v\n%s", runs, out)
			}
			if c := srv.Comments(issue); len(c) != 1 || !strings.Contains(c[0].Body, "#"+itoa(pr.Number)) {
				t.Errorf("answers on the issue: %+v", c)
			}
		})
	}
}

func TestActionRefusesAStepFormFromSomeoneWhoMaintainsNoFileOfTheApplication(t *testing.T) {
	srv := seed(t) // acme-sync is kept by acme-dev only
	body := stepBody(t, program.StepListing, map[string]string{issueform.FieldSlug: "acme-sync", issueform.FieldTagline: "The official CRM sync"})
	issue, event := openIssue(t, srv, "mallory", body)
	for i := range 2 {
		if code, out, errOut := runActionWith(t, srv, "issues", event); code != 0 {
			t.Fatalf("delivery %d: exit %d\n%s%s", i+1, code, out, errOut)
		}
	}
	if prs := srv.PRs(); len(prs) != 0 {
		t.Errorf("pull requests opened: %+v", prs)
	}
	if branch := srv.Branch(program.StepBranch(program.StepListing, "acme-sync")); branch != "" {
		t.Errorf("the form's branch was pushed, at %s", branch)
	}
	comments := srv.Comments(issue)
	if len(comments) != 1 {
		t.Fatalf("%d answers, want one: %+v", len(comments), comments)
	}
	golden.Check(t, filepath.Join("testdata", "golden", "form-step-not-maintainer.md.golden"), []byte(comments[0].Body))
}

func TestActionUpdatesTheSamePullRequestWhenTheIssueIsEdited(t *testing.T) {
	srv := seed(t)
	first := stepBody(t, program.StepListing, map[string]string{issueform.FieldSlug: "acme-sync", issueform.FieldTagline: "Contacts, both ways"})
	issue, event := openIssue(t, srv, "acme-dev", first)
	if code, out, errOut := runActionWith(t, srv, "issues", event); code != 0 || len(srv.PRs()) != 1 {
		t.Fatalf("exit %d, %d pull requests\n%s%s", code, len(srv.PRs()), out, errOut)
	}
	opened := srv.PRs()[0]

	second := strings.Replace(first, "Contacts, both ways", "Contacts in step, both ways", 1)
	edited := editedIssue(t, issue, "acme-dev", first, second)
	for i := range 2 { // a delivery handled twice updates once
		if code, out, errOut := runActionWith(t, srv, "issues", edited); code != 0 {
			t.Fatalf("edit %d: exit %d\n%s%s", i+1, code, out, errOut)
		}
	}
	prs := srv.PRs()
	if len(prs) != 1 || prs[0].Number != opened.Number {
		t.Fatalf("pull requests after the edit: %+v", prs)
	}
	pr := prs[0]
	if pr.HeadSHA == opened.HeadSHA {
		t.Fatalf("the pull request still has its first head %s", pr.HeadSHA)
	}
	if _, app := loadHead(t, srv, pr.HeadSHA, "applications/acme-sync.cue"); app.Listing.Tagline != "Contacts in step, both ways" {
		t.Errorf("tagline at the new head: %q", app.Listing.Tagline)
	}
	if runs := srv.CheckRuns(pr.HeadSHA); len(runs) != 1 || runs[0].Conclusion != "success" {
		t.Errorf("check runs on the new head: %+v", runs)
	}
	comments := srv.Comments(issue)
	if len(comments) != 2 || !strings.Contains(comments[1].Body, "your edit is in #"+itoa(pr.Number)) {
		t.Errorf("answers on the issue: %+v", comments)
	}
}

func TestActionUpdatesTheApplicationFormsPullRequestWhenTheIssueIsEdited(t *testing.T) {
	srv := seed(t)
	issue, event := openIssue(t, srv, "tidy-dev", formBody)
	if code, out, errOut := runActionWith(t, srv, "issues", event); code != 0 || len(srv.PRs()) != 1 {
		t.Fatalf("exit %d, %d pull requests\n%s%s", code, len(srv.PRs()), out, errOut)
	}
	opened := srv.PRs()[0]
	body := strings.Replace(formBody, "### Installs today\n\n14", "### Installs today\n\n16", 1)
	if code, out, errOut := runActionWith(t, srv, "issues", editedIssue(t, issue, "tidy-dev", formBody, body)); code != 0 {
		t.Fatalf("exit %d\n%s%s", code, out, errOut)
	}
	prs := srv.PRs()
	if len(prs) != 1 || prs[0].HeadSHA == opened.HeadSHA {
		t.Fatalf("pull requests after the edit: %+v", prs)
	}
	if _, app := loadHead(t, srv, prs[0].HeadSHA, "applications/tidy-ledger.cue"); app.Program.Installs.Count != 16 || app.Maintainers[0] != "tidy-dev" {
		t.Errorf("application at the new head: %+v", app)
	}
}

// TestAFailingCommentEndsWithTheFix: an integrator's own pull request
// that breaks their listing gets a comment that ends with how to fix it —
// the listing form for their application, the file in GitHub's web editor
// on their branch, and the snippet with their own values — as posted on
// the fake GitHub.
func TestAFailingCommentEndsWithTheFix(t *testing.T) {
	srv := seed(t)
	acme, _ := srv.ReadFile(forgetest.DefaultBranch, "applications/acme-sync.cue")
	bad := strings.NewReplacer("\tsetupInstructionsUrl: \"https://acme.example/docs/connect\"\n", "",
		`supportUrl:           "https://acme.example/help"`, `supportUrl:           "http://acme.example/help"`).Replace(acme)
	srv.Commit("acme-listing", "Listing", map[string]string{"applications/acme-sync.cue": bad})
	pr := srv.OpenPR(forgetest.PRSpec{Author: "acme-dev", Title: "Listing", Head: "acme-listing"})
	opened := delivery(t, "octokit-webhooks/pull_request/opened.payload.json", pr, nil)
	if code, out, errOut := runActionWith(t, srv, "pull_request", opened); code != 0 {
		t.Fatalf("exit %d\n%s%s", code, out, errOut)
	}
	comments := srv.Comments(pr)
	if len(comments) != 1 {
		t.Fatalf("%d comments", len(comments))
	}
	body := comments[0].Body
	i := strings.Index(body, "\n#### How to change")
	if i < 0 || !strings.HasSuffix(strings.TrimRight(body, "\n"), "```") {
		t.Fatalf("the comment does not end with the fix:\n%s", body)
	}
	fix := strings.ReplaceAll(body[i:], srv.URL(), "https://github.com")
	golden.Check(t, filepath.Join("testdata", "golden", "comment-fix-listing.md.golden"), []byte(fix))
}
