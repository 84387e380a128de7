package main

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/connectbot/connectbot/internal/catalog"
	"github.com/connectbot/connectbot/internal/forge"
	"github.com/connectbot/connectbot/internal/forge/forgetest"
	"github.com/connectbot/connectbot/internal/golden"
	"github.com/connectbot/connectbot/internal/issueform"
)

// formBody is an issue body as GitHub writes it from
// .github/ISSUE_TEMPLATE/apply.yml: "### <label>", a blank line, the
// answer, "_No response_" for an empty one, "- [X]" for a ticked box.
const formBody = `### Application slug

tidy-ledger

### Company name

Tidy "Books" Ltd } program: {stage: "partner"} \(x)

### Company website

https://tidy.example

### Integration name

Tidy Ledger

### Built in house

Yes

### Authentication

oauth2

### App ID

_No response_

### OAuth scopes

oauth: signs customers in
crm.objects.contacts.read: matches invoices to contacts

### Support channels

- [X] ticket
- [ ] phone
- [X] email
- [ ] chat
- [ ] community

### First response time (hours)

8

### Support page

https://tidy.example/help

### Support email

help@tidy.example

### Support phone

_No response_

### Privacy policy

https://tidy.example/privacy

### Data requests page

https://tidy.example/privacy/requests

### Security contact

security@tidy.example

### Security and data

- [X] The integration enforces authentication for every user
- [X] The integration audits logins
- [X] The integration never asks customers for card numbers or passwords

### Promises

- [X] I agree to comply with the Developer Policy, the Developer Terms and the Acceptable Use Policy
- [X] We never sell, rent, exploit or distribute customer data without the customer's express consent
- [X] We collect, store and use personal data only with the person's consent or another lawful basis
- [X] We handle every customer credential securely, with industry-standard protocols
- [X] We collect, store and use customer data only with the customer's proper consent

### Installs today

14

### Other maintainers

_No response_
`

// openIssue opens an issue on the fake GitHub as author, with their own
// token as the form does, and returns the delivery of its opening: the
// real recorded `issues` opened payload (internal/webhook/actionsdata),
// with only issue.number, issue.body, issue.user.login, issue.labels and
// repository.full_name changed.
func openIssue(t *testing.T, srv *forgetest.Server, author, body string) (int, string) {
	t.Helper()
	srv.AddUser(author, author+"-token")
	client, err := forge.New(forge.Options{BaseURL: srv.URL(), Token: author + "-token", Owner: "acme-program", Repo: "connect", HTTPClient: srv.Client()})
	if err != nil {
		t.Fatal(err)
	}
	is, err := client.CreateIssue(context.Background(), "Application: Tidy Ledger", body, "application")
	if err != nil {
		t.Fatal(err)
	}
	return is.Number, actionsDelivery(t, "issues/opened.payload.json", func(p map[string]any) {
		i := p["issue"].(map[string]any)
		i["number"] = is.Number
		i["body"] = body
		i["user"].(map[string]any)["login"] = author
		i["labels"] = []any{map[string]any{"id": 1, "name": "application", "color": "0e8a16", "default": false}}
	})
}

// actionsDelivery adapts a real recorded payload from
// internal/webhook/actionsdata to the fake repository.
func actionsDelivery(t *testing.T, file string, edit func(map[string]any)) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("../../internal/webhook/actionsdata", file))
	if err != nil {
		t.Fatal(err)
	}
	var p map[string]any
	if err := json.Unmarshal(b, &p); err != nil {
		t.Fatal(err)
	}
	p["repository"].(map[string]any)["full_name"] = "acme-program/connect"
	edit(p)
	out, _ := json.Marshal(p)
	path := filepath.Join(t.TempDir(), "event.json")
	if err := os.WriteFile(path, out, 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestActionTurnsTheApplicationFormIntoOnePullRequest(t *testing.T) {
	srv := seed(t)
	issue, event := openIssue(t, srv, "tidy-dev", formBody)

	// A dry run shows the file and changes nothing.
	code, out, errOut := runActionWith(t, srv, "issues", event, "--dry-run")
	if code != 0 || !strings.Contains(out, "would open the pull request \"Application: Tidy Ledger (tidy-ledger)\"") ||
		!strings.Contains(out, `maintainers: ["tidy-dev"]`) || len(srv.PRs()) != 0 || len(srv.Comments(issue)) != 0 {
		t.Fatalf("dry run: exit %d, %d PRs, %d comments\n%s%s", code, len(srv.PRs()), len(srv.Comments(issue)), out, errOut)
	}

	code, out, errOut = runActionWith(t, srv, "issues", event)
	if code != 0 {
		t.Fatalf("exit %d\n%s%s", code, out, errOut)
	}
	prs := srv.PRs()
	if len(prs) != 1 {
		t.Fatalf("%d pull requests, want 1\n%s", len(prs), out)
	}
	pr := prs[0]
	if pr.Head != "connectbot/apply/tidy-ledger" || pr.Author != forgetest.BotLogin || pr.Base != forgetest.DefaultBranch {
		t.Errorf("pull request %+v", pr)
	}
	src, ok := srv.ReadFile(pr.HeadSHA, "applications/tidy-ledger.cue")
	if !ok {
		t.Fatal("the pull request does not add applications/tidy-ledger.cue")
	}
	cat, err := catalog.Default()
	if err != nil {
		t.Fatal(err)
	}
	f := cat.Application("applications/tidy-ledger.cue", []byte(src))
	if f.App == nil {
		t.Fatalf("the proposed file does not load: %+v\n%s", f.Findings, src)
	}
	app := f.App
	if strings.Join(app.Maintainers, ",") != "tidy-dev" || app.Program.Stage != "applied" || app.Program.Installs.Count != 14 ||
		app.Program.AcceptedAt != nil || app.Company.Name != `Tidy "Books" Ltd } program: {stage: "partner"} \(x)` {
		t.Errorf("application %+v\n%s", app, src)
	}
	// One answer on the issue, linking the pull request; the pull request
	// judged at once (a pull request opened with the workflow's token
	// starts no workflow).
	comments := srv.Comments(issue)
	if len(comments) != 1 || !strings.HasPrefix(comments[0].Body, issueform.ReplyMarker) || !strings.Contains(comments[0].Body, "#"+itoa(pr.Number)) {
		t.Errorf("answers on the issue: %+v", comments)
	}
	if runs := srv.CheckRuns(pr.HeadSHA); len(runs) != 1 || runs[0].Conclusion != "success" {
		t.Errorf("check runs on the new pull request: %+v\n%s", runs, out)
	}
	if len(srv.Comments(pr.Number)) != 1 {
		t.Errorf("comments on the new pull request: %+v", srv.Comments(pr.Number))
	}

	// The same delivery again: no second pull request, no second answer.
	code, out, errOut = runActionWith(t, srv, "issues", event)
	if code != 0 || len(srv.PRs()) != 1 || len(srv.Comments(issue)) != 1 || !strings.Contains(out, "opened for this issue already") {
		t.Fatalf("second delivery: exit %d, %d PRs, %d answers\n%s%s", code, len(srv.PRs()), len(srv.Comments(issue)), out, errOut)
	}

	// Another applicant asking for the same slug while it is open: refused.
	other, event2 := openIssue(t, srv, "someone-else", formBody)
	code, out, _ = runActionWith(t, srv, "issues", event2)
	if code != 0 || len(srv.PRs()) != 1 || len(srv.Comments(other)) != 1 || !strings.Contains(srv.Comments(other)[0].Body, "is being applied for already") {
		t.Errorf("same slug from another issue: exit %d, %d PRs, answers %+v\n%s", code, len(srv.PRs()), srv.Comments(other), out)
	}
}

func TestActionRefusesAHostileApplicationFormOnce(t *testing.T) {
	srv := seed(t)
	body := strings.NewReplacer(
		"https://tidy.example\n", "javascript:alert(1)\n",
		"### Installs today\n\n14", "### Installs today\n\n14 } program: {stage: \"partner\"",
		"### Application slug\n\ntidy-ledger", "### Application slug\n\n../program",
	).Replace(formBody)
	issue, event := openIssue(t, srv, "tidy-dev", body)
	for i := range 2 {
		code, out, errOut := runActionWith(t, srv, "issues", event)
		if code != 0 {
			t.Fatalf("delivery %d: exit %d\n%s%s", i+1, code, out, errOut)
		}
	}
	if len(srv.PRs()) != 0 {
		t.Errorf("pull requests opened: %+v", srv.PRs())
	}
	comments := srv.Comments(issue)
	if len(comments) != 1 {
		t.Fatalf("%d answers, want one: %+v", len(comments), comments)
	}
	for _, want := range []string{"Thank you for applying, @tidy-dev", "**Application slug**", "**Company website**: must be a web address", "**Installs today**: must be a whole number"} {
		if !strings.Contains(comments[0].Body, want) {
			t.Errorf("the refusal lacks %q:\n%s", want, comments[0].Body)
		}
	}
}

func TestActionLeavesOtherIssuesAlone(t *testing.T) {
	srv := seed(t)
	// The recorded delivery's own body is a bug report, not the form.
	issue, event := openIssue(t, srv, "Codertocat", "It looks like you accidently spelled 'commit' with two 't's.")
	code, out, _ := runActionWith(t, srv, "issues", event)
	if code != 0 || !strings.Contains(out, "not an application form") || len(srv.Comments(issue)) != 0 || len(srv.PRs()) != 0 {
		t.Errorf("exit %d, %d answers, %d PRs\n%s", code, len(srv.Comments(issue)), len(srv.PRs()), out)
	}
}

func itoa(n int) string {
	b, _ := json.Marshal(n)
	return string(b)
}

func TestActionRefusesASlugThatIsTaken(t *testing.T) {
	srv := seed(t) // holds applications/acme-sync.cue
	body := strings.Replace(formBody, "### Application slug\n\ntidy-ledger", "### Application slug\n\nacme-sync", 1)
	issue, event := openIssue(t, srv, "tidy-dev", body)
	code, out, _ := runActionWith(t, srv, "issues", event)
	comments := srv.Comments(issue)
	if code != 0 || len(srv.PRs()) != 0 || len(comments) != 1 || !strings.Contains(comments[0].Body, "is taken: applications/acme-sync.cue exists already") {
		t.Errorf("exit %d, %d PRs, answers %+v\n%s", code, len(srv.PRs()), comments, out)
	}
}

// companyForm is formBody naming company, with others typed into "Other
// maintainers".
func companyForm(company, others string) string {
	return strings.NewReplacer(
		"### Company name\n\nTidy \"Books\" Ltd } program: {stage: \"partner\"} \\(x)\n", "### Company name\n\n"+company+"\n",
		"### Other maintainers\n\n_No response_\n", "### Other maintainers\n\n"+others+"\n",
	).Replace(formBody)
}

func TestActionRefusesAStrangersFormNamingACompanyOfTheProgram(t *testing.T) {
	srv := seed(t) // holds applications/acme-sync.cue, Acme Software Ltd's, kept by acme-dev
	issue, event := openIssue(t, srv, "mallory", companyForm("Acme Software Ltd", "acme-dev"))
	code, out, errOut := runActionWith(t, srv, "issues", event)
	if code != 0 {
		t.Fatalf("exit %d\n%s%s", code, out, errOut)
	}
	if prs := srv.PRs(); len(prs) != 0 {
		t.Errorf("pull requests opened: %+v", prs)
	}
	if branch := srv.Branch("connectbot/apply/tidy-ledger"); branch != "" {
		t.Errorf("the form's branch was pushed, at %s", branch)
	}
	comments := srv.Comments(issue)
	if len(comments) != 1 {
		t.Fatalf("%d answers, want one: %+v", len(comments), comments)
	}
	golden.Check(t, filepath.Join("testdata", "golden", "form-company-refused.md.golden"), []byte(comments[0].Body))
}

func TestActionOpensAMaintainersFormForASecondIntegrationOfTheirCompany(t *testing.T) {
	srv := seed(t)
	issue, event := openIssue(t, srv, "acme-dev", companyForm("ACME Software, Inc.", "_No response_"))
	code, out, errOut := runActionWith(t, srv, "issues", event)
	prs := srv.PRs()
	if code != 0 || len(prs) != 1 {
		t.Fatalf("exit %d, pull requests %+v, answers %+v\n%s%s", code, prs, srv.Comments(issue), out, errOut)
	}
	if runs := srv.CheckRuns(prs[0].HeadSHA); len(runs) != 1 || runs[0].Conclusion != "success" {
		t.Errorf("check runs on the form's pull request: %+v\n%s", runs, out)
	}
}
