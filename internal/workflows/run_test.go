package workflows_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/connectbot/connectbot/internal/forge/forgetest"
)

// realPayload reads a recorded delivery (see the SOURCES.md next to it).
func realPayload(t *testing.T, path string) map[string]any {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("../webhook", path))
	if err != nil {
		t.Fatal(err)
	}
	var p map[string]any
	if err := json.Unmarshal(b, &p); err != nil {
		t.Fatal(err)
	}
	p["repository"].(map[string]any)["full_name"] = "acme-program/connect"
	p["repository"].(map[string]any)["default_branch"] = "main"
	return p
}

// program is a fake GitHub holding this repository's program: program.cue,
// the schema and every sample application.
func program(t *testing.T) *forgetest.Server {
	t.Helper()
	srv := forgetest.NewServer(t, "acme-program", "connect")
	files := map[string]string{}
	for _, pattern := range []string{"../../program.cue", "../../schema/*.cue", "../../applications/*.cue"} {
		paths, _ := filepath.Glob(pattern)
		for _, p := range paths {
			b, err := os.ReadFile(p)
			if err != nil {
				t.Fatal(err)
			}
			files[strings.TrimPrefix(p, "../../")] = string(b)
		}
	}
	srv.Commit(forgetest.DefaultBranch, "program", files)
	return srv
}

// TestTheWorkflowsRunLocally runs each workflow's steps in order on this
// machine — the run: scripts with bash, exactly as written — against a
// fake GitHub, with fake events made from recorded deliveries and
// connectbot in dry-run mode (the repository variable CONNECTBOT_DRY_RUN,
// or tick's dry-run input), and checks what they would do: the validate
// run's annotations and artifact, the report run's verdict from git, a
// comment command, the application form, the tick's plan, and the website
// pages.yml builds and deploys.
//
// ci.yml is not run here: it runs .ci/run, which runs this test.
func TestTheWorkflowsRunLocally(t *testing.T) {
	if testing.Short() {
		t.Skip("builds connectbot once per job")
	}
	srv := program(t)
	source := sourceTree(t)
	baseSHA := srv.Branch(forgetest.DefaultBranch)

	// An integrator's pull request from a fork: an application switched to
	// an API key. The head also carries what must never be used: a
	// replaced main.go (the build is the base's), a symbolic link into the
	// runner's files (never followed), and a program.cue with no rules
	// (the base's judges).
	acme, _ := os.ReadFile("../../applications/acme-sync.cue")
	bad := strings.Replace(string(acme), `auth:         "oauth2"`, `auth:         "api_key"`, 1)
	headSHA := srv.Commit("acme-edit", "Use an API key", map[string]string{"applications/acme-sync.cue": bad})
	pr := srv.OpenPR(forgetest.PRSpec{Author: "acme-dev", Title: "Use an API key", Head: "acme-edit", HeadRepo: "acme-dev/connect"})
	head := t.TempDir()
	copyTree(t, filepath.Join(source, "applications"), filepath.Join(head, "applications"), "")
	for name, content := range map[string]string{
		"applications/acme-sync.cue": bad,
		"cmd/connectbot/main.go":     "package main\n\nfunc main() { panic(\"the head was built\") }\n",
		"program.cue":                "minInstalls: 0\nreviewers: [\"acme-dev\"]\n",
	} {
		os.MkdirAll(filepath.Dir(filepath.Join(head, name)), 0o755)
		if err := os.WriteFile(filepath.Join(head, name), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Symlink("/etc/hostname", filepath.Join(head, "applications", "leak.cue")); err != nil {
		t.Fatal(err)
	}

	checkout := func(ref string) string {
		switch ref {
		case headSHA:
			return head
		case baseSHA, "main", "":
			return source
		}
		t.Fatalf("checkout of an unknown ref %q", ref)
		return ""
	}
	r := newRunner(t, checkout, map[string]string{
		"GITHUB_REPOSITORY": "acme-program/connect", "GITHUB_TOKEN": srv.Token(),
		"GITHUB_API_URL": srv.URL(), "GITHUB_SERVER_URL": srv.URL(),
	})
	dryRun := map[string]any{"CONNECTBOT_DRY_RUN": "true"}
	noSecrets := map[string]any{}

	t.Run("validate, on the pull request", func(t *testing.T) {
		// The recorded pull_request opened delivery, with only the number,
		// the two SHAs and the repository changed.
		ev := realPayload(t, "testdata/octokit-webhooks/pull_request/opened.payload.json")
		ev["number"] = pr
		p := ev["pull_request"].(map[string]any)
		p["number"] = pr
		p["head"].(map[string]any)["sha"] = headSHA
		p["base"].(map[string]any)["sha"] = baseSHA
		jobs := r.run("validate.yml", "pull_request", ev, map[string]any{}, noSecrets)
		v := jobs["validate"]
		wantOrder := []string{
			"Check out the base commit (the validator's source)", "Check out the pull request's head (data only)",
			"Set up Go (the base's go.mod)", "Build connectbot from the base commit",
			"Gather the head's applications under the base's program.cue", "Validate (the JSON report)",
			"Preview the listing pages the pull request adds or changes", "Upload the listing previews",
			"Record the pull request's number", "Upload the report for the report workflow", "Annotate the changed lines (fails on errors)",
		}
		if diff := cmp.Diff(wantOrder, v.order); diff != "" {
			t.Fatalf("steps (-want +got):\n%s\n%v", diff, v.steps)
		}
		annotations := v.steps["Annotate the changed lines (fails on errors)"]
		if !v.failed || !strings.Contains(annotations, "::error file=applications/acme-sync.cue,") || !strings.Contains(annotations, "connect/req-2") {
			t.Errorf("annotations (job failed: %v):\n%s", v.failed, annotations)
		}
		if strings.Contains(annotations, "leak.cue") || strings.Contains(annotations, "the head was built") {
			t.Errorf("the head's link or code was used:\n%s", annotations)
		}
		dir := r.artifacts["connectbot-report"]
		num, _ := os.ReadFile(filepath.Join(dir, "pr-number"))
		report, _ := os.ReadFile(filepath.Join(dir, "report.json"))
		if string(num) != strconv.Itoa(pr)+"\n" || !strings.Contains(string(report), `"path":"applications/acme-sync.cue"`) {
			t.Errorf("artifact: pr-number %q, report %s", num, report)
		}
		// The listing page of the one application the pull request
		// changes, and of no other, is a second artifact.
		previews, _ := filepath.Glob(filepath.Join(r.artifacts["connectbot-listing-preview"], "*"))
		if len(previews) != 1 || filepath.Base(previews[0]) != "acme-sync.html" {
			t.Fatalf("listing previews %v, want acme-sync.html alone", previews)
		}
		if page, _ := os.ReadFile(previews[0]); !strings.Contains(string(page), "Two-way contact sync") {
			t.Errorf("the preview is not acme-sync's listing page:\n%s", page)
		}
	})

	t.Run("report, when validate completes", func(t *testing.T) {
		// The recorded workflow_run completed delivery, made into the run
		// of validate on the pull request's head (a fork's: no pull
		// requests listed): only event, name, head_sha and conclusion change.
		ev := realPayload(t, "actionsdata/workflow_run/completed.payload.json")
		run := ev["workflow_run"].(map[string]any)
		run["event"], run["name"], run["head_sha"], run["conclusion"] = "pull_request", "validate", headSHA, "failure"
		jobs := r.run("report.yml", "workflow_run", ev, dryRun, noSecrets)
		out := jobs["report"].steps["Judge the pull request again and report"]
		for _, want := range []string{
			"dry run: pull request #" + strconv.Itoa(pr) + " at " + headSHA,
			`would post the check "connectbot": failure`,
			"connect/req-2",
			"the run's report counts 1 error and", "(not trusted: connectbot judges from git)",
		} {
			if !strings.Contains(out, want) {
				t.Errorf("the report step does not say %q:\n%s", want, out)
			}
		}
		if jobs["report"].failed || len(srv.CheckRuns(headSHA)) != 0 || len(srv.Comments(pr)) != 0 {
			t.Errorf("failed %v, checks %v, comments %v", jobs["report"].failed, srv.CheckRuns(headSHA), srv.Comments(pr))
		}
	})

	// The integrator fixes the file and a reviewer approves the new head.
	fixedSHA := srv.Commit("acme-edit", "Fix", map[string]string{"applications/acme-sync.cue": strings.Replace(string(acme), "Two-way contact sync", "Two-way sync", 1)})
	srv.AddReview(pr, "okafor-pm", "APPROVED", fixedSHA)

	t.Run("review, then report", func(t *testing.T) {
		// The recorded pull_request_review submitted delivery, with only
		// the number, the head SHA and the repository changed.
		ev := realPayload(t, "testdata/octokit-webhooks/pull_request_review/submitted.payload.json")
		p := ev["pull_request"].(map[string]any)
		p["number"] = pr
		p["head"].(map[string]any)["sha"] = fixedSHA
		jobs := r.run("review.yml", "pull_request_review", ev, dryRun, noSecrets)
		if !jobs["review"].ran || jobs["review"].failed || jobs["comment"].ran {
			t.Fatalf("review ran %v failed %v, comment ran %v: %v", jobs["review"].ran, jobs["review"].failed, jobs["comment"].ran, jobs["review"].steps)
		}
		if b, _ := os.ReadFile(filepath.Join(r.artifacts["connectbot-report"], "pr-number")); string(b) != strconv.Itoa(pr)+"\n" {
			t.Errorf("the review run's artifact holds %q", b)
		}
		run := realPayload(t, "actionsdata/workflow_run/completed.payload.json")
		wr := run["workflow_run"].(map[string]any)
		wr["event"], wr["name"], wr["head_sha"], wr["conclusion"] = "pull_request_review", "review", fixedSHA, "success"
		jobs = r.run("report.yml", "workflow_run", run, dryRun, noSecrets)
		out := jobs["report"].steps["Judge the pull request again and report"]
		for _, want := range []string{
			`would post the check "connectbot": success`,
			"would merge at " + fixedSHA + ", approved by @okafor-pm",
		} {
			if !strings.Contains(out, want) {
				t.Errorf("the report step does not say %q:\n%s", want, out)
			}
		}
		if srv.PR(pr).Merged {
			t.Error("a dry run merged")
		}
	})

	t.Run("a comment command", func(t *testing.T) {
		// The recorded issue_comment delivery on a pull request, with only
		// the number, the body and the author changed.
		ev := realPayload(t, "testdata/go-playground-webhooks/pull-request-issue-comment.json")
		ev["issue"].(map[string]any)["number"] = pr
		c := ev["comment"].(map[string]any)
		c["body"] = "/connectbot recheck"
		c["user"].(map[string]any)["login"] = "acme-dev"
		jobs := r.run("review.yml", "issue_comment", ev, dryRun, noSecrets)
		out := jobs["comment"].steps["Answer the comment"]
		if jobs["review"].ran || !jobs["comment"].ran || !strings.Contains(out, "dry run: pull request #"+strconv.Itoa(pr)+" at "+fixedSHA) {
			t.Errorf("review ran %v, comment ran %v:\n%s", jobs["review"].ran, jobs["comment"].ran, out)
		}
		// A comment that is not a command does not even build connectbot.
		c["body"] = "Thanks!"
		if jobs := r.run("review.yml", "issue_comment", ev, dryRun, noSecrets); jobs["comment"].ran {
			t.Error("a plain comment ran the comment job")
		}
	})

	t.Run("the application form", func(t *testing.T) {
		form, err := os.ReadFile("testdata/application-form.md")
		if err != nil {
			t.Fatal(err)
		}
		// The recorded issues opened delivery, with only the body, the
		// author and the labels changed.
		ev := realPayload(t, "actionsdata/issues/opened.payload.json")
		is := ev["issue"].(map[string]any)
		is["body"] = string(form)
		is["user"].(map[string]any)["login"] = "tidy-dev"
		is["labels"] = []any{map[string]any{"id": 1, "name": "application", "color": "0e8a16", "default": false}}
		jobs := r.run("application.yml", "issues", ev, dryRun, noSecrets)
		out := jobs["application"].steps["Turn the form into a pull request"]
		for _, want := range []string{
			`would open the pull request "Application: Tidy Ledger (tidy-ledger)" from connectbot/apply/tidy-ledger adding applications/tidy-ledger.cue`,
			`maintainers: ["tidy-dev"]`, `stage: "applied"`, "dry run: would answer on #1",
		} {
			if !strings.Contains(out, want) {
				t.Errorf("the application step does not say %q:\n%s", want, out)
			}
		}
		// An issue without the form's label is not the workflow's business.
		is["labels"] = []any{}
		if jobs := r.run("application.yml", "issues", ev, dryRun, noSecrets); jobs["application"].ran {
			t.Error("an issue without the application label ran the job")
		}
		if len(srv.PRs()) != 1 {
			t.Errorf("pull requests: %+v", srv.PRs())
		}
	})

	t.Run("tick, by hand, as of a day", func(t *testing.T) {
		// No workflow_dispatch delivery is recorded in the corpus: this is
		// its documented shape (inputs, ref, repository, sender, workflow).
		ev := map[string]any{
			"inputs": map[string]any{"dry-run": true, "now": "2026-12-11"}, "ref": "refs/heads/main",
			"repository": map[string]any{"full_name": "acme-program/connect", "default_branch": "main"},
			"sender":     map[string]any{"login": "okafor-pm"}, "workflow": ".github/workflows/tick.yml",
		}
		jobs := r.run("tick.yml", "workflow_dispatch", ev, map[string]any{}, noSecrets)
		out := jobs["tick"].steps["Tick"]
		plan, err := os.ReadFile("../../cmd/connectbot/testdata/golden/plan-2026-12-11.text.golden")
		if err != nil {
			t.Fatal(err)
		}
		want := string(plan) + "Dry run: nothing was changed.\n"
		if diff := cmp.Diff(want, out); diff != "" {
			t.Errorf("the tick's output is the plan for 2026-12-11 (-want +got):\n%s", diff)
		}
		if jobs["tick"].summary != want {
			t.Errorf("the job summary is not the plan:\n%s", jobs["tick"].summary)
		}
		if len(srv.PRs()) != 1 || len(srv.Issues()) != 0 {
			t.Errorf("a dry run changed GitHub: %d PRs, %d issues", len(srv.PRs()), len(srv.Issues()))
		}
	})

	t.Run("pages, on schedule", func(t *testing.T) {
		ev := map[string]any{"schedule": "47 6 * * *"}
		jobs := r.run("pages.yml", "schedule", ev, map[string]any{}, noSecrets)
		build, deploy := jobs["build"], jobs["deploy"]
		if build.failed {
			t.Fatalf("the build job failed at %q:\n%s", build.order[len(build.order)-1], build.steps[build.order[len(build.order)-1]])
		}
		site := r.artifacts["github-pages"]
		if site == "" {
			t.Fatalf("the build job uploaded no site: %v", build.steps)
		}
		for _, page := range []string{"index.html", "program/index.html", "program/deadlines.ics"} {
			if info, err := os.Stat(filepath.Join(site, page)); err != nil || info.Size() == 0 {
				t.Errorf("the site has no %s (%v)", page, err)
			}
		}
		// A listing page is named after its application file.
		listings, _ := filepath.Glob(filepath.Join(site, "integrations", "*.html"))
		for _, p := range listings {
			slug := strings.TrimSuffix(filepath.Base(p), ".html")
			if _, err := os.Stat(filepath.Join("../../applications", slug+".cue")); err != nil {
				t.Errorf("integrations/%s.html is the page of no application", slug)
			}
		}
		if !deploy.ran || deploy.failed || deploy.steps["Deploy to GitHub Pages"] != "deployed github-pages" {
			t.Errorf("deploy ran %v, failed %v: %v", deploy.ran, deploy.failed, deploy.steps)
		}
	})

	t.Run("pages, from a tree that does not build, deploys nothing", func(t *testing.T) {
		// The pull request's tree holds no go.mod: the build job fails,
		// and the deploy job, which needs it, is skipped.
		broken := newRunner(t, func(string) string { return head }, map[string]string{
			"GITHUB_REPOSITORY": "acme-program/connect", "GITHUB_API_URL": srv.URL(), "GITHUB_SERVER_URL": srv.URL(),
		})
		jobs := broken.run("pages.yml", "workflow_dispatch", map[string]any{"ref": "refs/heads/main"}, map[string]any{}, noSecrets)
		if !jobs["build"].failed || jobs["deploy"].ran || len(broken.artifacts) != 0 {
			t.Errorf("build failed %v, deploy ran %v, artifacts %v", jobs["build"].failed, jobs["deploy"].ran, broken.artifacts)
		}
	})

	t.Run("tick, on schedule, in a fork trying connectbot out", func(t *testing.T) {
		ev := map[string]any{"schedule": "17 6 * * *"}
		jobs := r.run("tick.yml", "schedule", ev, dryRun, noSecrets)
		if out := jobs["tick"].steps["Tick"]; !strings.HasSuffix(out, "Dry run: nothing was changed.\n") || jobs["tick"].failed {
			t.Errorf("scheduled tick with CONNECTBOT_DRY_RUN:\n%s", out)
		}
	})
}
