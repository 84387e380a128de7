package pullrequest_test

import (
	"context"
	"strings"
	"testing"

	"github.com/connectbot/connectbot/internal/forge"
	"github.com/connectbot/connectbot/internal/forge/forgetest"
	"github.com/connectbot/connectbot/internal/gitrepo"
	"github.com/connectbot/connectbot/internal/program"
)

// formApplication is a valid new application for company, maintained by
// maintainers.
func formApplication(t *testing.T, company string, maintainers ...string) string {
	src := sampleFile(t, "northwind-notes.cue")
	src = strings.Replace(src, `maintainers: ["nwn-platform", "priya-castellano"]`, `maintainers: ["`+strings.Join(maintainers, `", "`)+`"]`, 1)
	return strings.Replace(src, `name: "Northwind Notes Ltd"`, `name: "`+company+`"`, 1)
}

// applyIssue opens an issue as login, as the application form does, and
// returns its number.
func (w *world) applyIssue(login string) int {
	w.t.Helper()
	is, err := w.as(login).CreateIssue(context.Background(), "Application", "### Application slug\n\nsome-slug\n", "application")
	if err != nil {
		w.t.Fatal(err)
	}
	return is.Number
}

// formPR opens the pull request connectbot opens for the application form
// in issue — as a connectbot from before forms were judged as their
// applicant did, with no check of its own: its commit of src on the
// form's branch, pushed with git, and the pull request marked for body's
// issue (issue itself when bodyIssue is 0).
func (w *world) formPR(slug string, issue, bodyIssue int, applicant, src string) int {
	w.t.Helper()
	ctx := context.Background()
	if bodyIssue == 0 {
		bodyIssue = issue
	}
	repo, err := gitrepo.Clone(ctx, w.srv.GitURL(), gitrepo.CloneOptions{Token: w.srv.Token()})
	if err != nil {
		w.t.Fatal(err)
	}
	base, err := repo.Resolve("refs/remotes/origin/" + forgetest.DefaultBranch)
	if err != nil {
		w.t.Fatal(err)
	}
	id := w.handler.Identity
	id.When = w.handler.Now()
	path := "applications/" + slug + ".cue"
	branch := program.FormBranch(slug)
	if _, err := repo.Commit(ctx, gitrepo.Change{Parent: base, Branch: branch, Files: map[string][]byte{path: []byte(src)},
		Message: program.FormCommitMessage(path, issue, applicant), Author: id}); err != nil {
		w.t.Fatal(err)
	}
	if err := repo.Push(ctx, branch, gitrepo.PushOptions{Force: true}); err != nil {
		w.t.Fatal(err)
	}
	pr, err := w.handler.Forge.(*forge.Client).CreatePR(ctx, forge.NewPR{Title: "Application: " + slug, Head: branch, Base: forgetest.DefaultBranch,
		Body: "connectbot opened this pull request from the application form.\n\n" + program.FormMarker(bodyIssue) + "\n"})
	if err != nil {
		w.t.Fatal(err)
	}
	return pr.Number
}

func TestAFormsPullRequestIsJudgedAsItsApplicant(t *testing.T) {
	tests := []struct {
		name      string
		applicant string
		src       func(t *testing.T) string
		// approvers approve in turn; merged says whether the last one merges.
		approvers []string
		merged    bool
		// fails names the findings of a failing check ("path rule").
		fails []string
	}{
		{
			name: "a stranger's form naming a company of the program, with its maintainer typed in, fails and is not accepted",
			src:  func(t *testing.T) string { return formApplication(t, "Acme Software Ltd", "mallory", "acme-dev") }, applicant: "mallory",
			approvers: []string{"rivera-reviews"}, fails: []string{"applications/acme-two.cue format/company-claim"},
		},
		{
			name: "the same company written another way fails too",
			src:  func(t *testing.T) string { return formApplication(t, "ACME Software, Inc.", "mallory", "acme-dev") }, applicant: "mallory",
			approvers: []string{"rivera-reviews"}, fails: []string{"applications/acme-two.cue format/company-claim"},
		},
		{
			name: "a maintainer's form for a second integration of their company passes and is accepted",
			src:  func(t *testing.T) string { return formApplication(t, "Acme Software Ltd", "acme-dev") }, applicant: "acme-dev",
			approvers: []string{"rivera-reviews"}, merged: true,
		},
		{
			name: "a new company's form passes and is accepted",
			src:  func(t *testing.T) string { return formApplication(t, "Newco Labs GmbH", "newco-dev") }, applicant: "newco-dev",
			approvers: []string{"rivera-reviews"}, merged: true,
		},
		{
			name: "a reviewer's own form is not accepted on their own approval",
			src:  func(t *testing.T) string { return formApplication(t, "Okafor Tools Ltd", "okafor-pm") }, applicant: "okafor-pm",
			approvers: []string{"okafor-pm"},
		},
		{
			name: "a reviewer's own form is accepted on another reviewer's approval",
			src:  func(t *testing.T) string { return formApplication(t, "Okafor Tools Ltd", "okafor-pm") }, applicant: "okafor-pm",
			approvers: []string{"okafor-pm", "rivera-reviews"}, merged: true,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := newWorld(t)
			issue := w.applyIssue(tt.applicant)
			pr := w.formPR("acme-two", issue, 0, tt.applicant, tt.src(t))
			out := w.handle(pr)
			if len(tt.fails) > 0 {
				w.wantFailure(pr, out, tt.fails...)
			} else if out.Verdict.Conclusion != program.ConclusionSuccess {
				t.Errorf("conclusion %s, want success; findings %q, next %q", out.Verdict.Conclusion, findingRules(out.Verdict), out.Verdict.Next)
			}
			head := w.srv.PR(pr).HeadSHA
			for _, a := range tt.approvers {
				w.srv.AddReview(pr, a, "APPROVED", head)
				out = w.handle(pr)
			}
			if got := w.srv.PR(pr).Merged; got != tt.merged {
				t.Errorf("merged %v, want %v; next %q", got, tt.merged, out.Verdict.Next)
			}
		})
	}
}

func TestAFormsPullRequestWhoseApplicantCannotBeToldIsNotJudged(t *testing.T) {
	stranger := func(t *testing.T) string { return formApplication(t, "Acme Software Ltd", "mallory", "acme-dev") }
	tests := []struct {
		name string
		open func(w *world) int
		want string
	}{
		{
			name: "its description edited to name a maintainer's issue",
			open: func(w *world) int {
				return w.formPR("acme-two", w.applyIssue("mallory"), w.applyIssue("acme-dev"), "mallory", stranger(w.t))
			},
			want: "but connectbot's commit on connectbot/apply/acme-two does not",
		},
		{
			name: "someone else's commit pushed onto its branch",
			open: func(w *world) int {
				pr := w.formPR("acme-two", w.applyIssue("mallory"), 0, "mallory", stranger(w.t))
				w.srv.Commit(program.FormBranch("acme-two"), "Add applications/acme-two.cue from the application form in #1",
					map[string]string{"applications/acme-two.cue": stranger(w.t) + "\n"})
				return pr
			},
			want: "the last commit of connectbot/apply/acme-two is not connectbot's",
		},
		{
			name: "its marker naming a pull request",
			open: func(w *world) int {
				other := w.acmeEditPR()
				return w.formPR("acme-two", other, 0, "acme-dev", stranger(w.t))
			},
			want: "is a pull request, not an issue",
		},
		{
			name: "its marker naming an issue connectbot opened",
			open: func(w *world) int {
				is, err := w.handler.Forge.(*forge.Client).CreateIssue(context.Background(), "Tracking", "deadlines")
				if err != nil {
					w.t.Fatal(err)
				}
				return w.formPR("acme-two", is.Number, 0, "acme-dev", stranger(w.t))
			},
			want: "was not opened by a person",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := newWorld(t)
			pr := tt.open(w)
			out := w.approveAndHandle(pr)
			w.wantFailure(pr, out)
			if got := strings.Join(out.Verdict.Next, " "); !strings.Contains(got, "cannot tell whose application it is") || !strings.Contains(got, tt.want) {
				t.Errorf("next %q; want it to say it cannot tell whose application it is, as %q", got, tt.want)
			}
		})
	}
}

func TestAPullRequestNamingAnIssueIsStillItsAuthors(t *testing.T) {
	// A stranger's own pull request, from a branch named like the form's,
	// whose description names a maintainer's issue: judged as the stranger.
	w := newWorld(t)
	issue := w.applyIssue("acme-dev")
	w.srv.Commit(program.FormBranch("acme-two"), program.FormCommitMessage("applications/acme-two.cue", issue, "acme-dev"),
		map[string]string{"applications/acme-two.cue": formApplication(t, "Acme Software Ltd", "mallory", "acme-dev")})
	pr := w.srv.OpenPR(forgetest.PRSpec{Author: "mallory", Title: "Application", Head: program.FormBranch("acme-two"), Body: program.FormMarker(issue)})
	out := w.approveAndHandle(pr)
	w.wantFailure(pr, out, "applications/acme-two.cue format/company-claim")
}
