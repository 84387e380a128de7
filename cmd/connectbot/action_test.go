package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/connectbot/connectbot/internal/forge/forgetest"
	"github.com/connectbot/connectbot/schema"
)

// seed puts a program with one sample application on a fake GitHub.
func seed(t *testing.T) *forgetest.Server {
	t.Helper()
	return seedOn(t, forgetest.DefaultBranch)
}

// seedOn is seed on a repository whose default branch is branch.
func seedOn(t *testing.T, branch string) *forgetest.Server {
	t.Helper()
	srv := forgetest.NewServer(t, "acme-program", "connect", forgetest.WithDefaultBranch(branch))
	files := map[string]string{"program.cue": "reviewers: [\"rivera-reviews\", \"okafor-pm\"]\ndocumentationDomains: \"allow\"\n"}
	entries, _ := schema.Files.ReadDir(".")
	for _, e := range entries {
		b, _ := schema.Files.ReadFile(e.Name())
		files["schema/"+e.Name()] = string(b)
	}
	b, err := os.ReadFile("../../applications/acme-sync.cue")
	if err != nil {
		t.Fatal(err)
	}
	files["applications/acme-sync.cue"] = string(b)
	srv.Commit(branch, "program", files)
	return srv
}

// delivery adapts a real recorded payload from internal/webhook/testdata
// to the fake repository: only repository.full_name and the pull request
// or issue number change (and, for a review, the reviewer and commit).
func delivery(t *testing.T, file string, number int, edit func(map[string]any)) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("../../internal/webhook/testdata", file))
	if err != nil {
		t.Fatal(err)
	}
	var p map[string]any
	if err := json.Unmarshal(b, &p); err != nil {
		t.Fatal(err)
	}
	p["repository"].(map[string]any)["full_name"] = "acme-program/connect"
	for _, k := range []string{"pull_request", "issue"} {
		if m, ok := p[k].(map[string]any); ok {
			m["number"] = number
		}
	}
	if edit != nil {
		edit(p)
	}
	out, _ := json.Marshal(p)
	path := filepath.Join(t.TempDir(), "event.json")
	if err := os.WriteFile(path, out, 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func runActionWith(t *testing.T, srv *forgetest.Server, event, path string, args ...string) (int, string, string) {
	t.Helper()
	t.Setenv("GITHUB_EVENT_NAME", event)
	t.Setenv("GITHUB_EVENT_PATH", path)
	t.Setenv("GITHUB_REPOSITORY", "acme-program/connect")
	t.Setenv("GITHUB_TOKEN", srv.Token())
	t.Setenv("GITHUB_API_URL", srv.URL())
	t.Setenv("GITHUB_SERVER_URL", srv.URL())
	t.Setenv("CONNECTBOT_BOT_LOGIN", forgetest.BotLogin)
	var stdout, stderr bytes.Buffer
	code := Main(append([]string{"action"}, args...), &stdout, &stderr, func() time.Time { return time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC) })
	return code, stdout.String(), stderr.String()
}

func TestActionHandlesRealDeliveries(t *testing.T) {
	srv := seed(t)
	acme, _ := os.ReadFile("../../applications/acme-sync.cue")
	bad := strings.Replace(string(acme), `auth:         "oauth2"`, `auth:         "api_key"`, 1)
	head := srv.Commit("acme-edit", "Edit", map[string]string{"applications/acme-sync.cue": bad})
	pr := srv.OpenPR(forgetest.PRSpec{Author: "acme-dev", Title: "Edit", Head: "acme-edit"})

	// The recorded "opened" delivery, pointed at this pull request.
	opened := delivery(t, "octokit-webhooks/pull_request/opened.payload.json", pr, nil)
	code, out, errOut := runActionWith(t, srv, "pull_request", opened, "--dry-run")
	if code != 0 || !strings.Contains(out, "would post the check \"connectbot\": failure") || len(srv.Comments(pr)) != 0 {
		t.Fatalf("dry run: exit %d, %d comments\n%s%s", code, len(srv.Comments(pr)), out, errOut)
	}
	code, out, errOut = runActionWith(t, srv, "pull_request", opened)
	if code != 0 {
		t.Fatalf("exit %d\n%s%s", code, out, errOut)
	}
	if runs := srv.CheckRuns(head); len(runs) != 1 || runs[0].Conclusion != "failure" {
		t.Fatalf("check runs %+v", runs)
	}

	// The recorded approval, from a reviewer, on a green head: merged.
	fixed := srv.Commit("acme-edit", "Fix", map[string]string{"applications/acme-sync.cue": strings.Replace(string(acme), "Two-way contact sync", "Two-way sync", 1)})
	srv.AddReview(pr, "okafor-pm", "APPROVED", fixed)
	review := delivery(t, "go-playground-webhooks/pull-request-review.json", pr, nil)
	code, out, errOut = runActionWith(t, srv, "pull_request_review", review)
	if code != 0 || !srv.PR(pr).Merged {
		t.Fatalf("after approval: exit %d merged=%v\n%s%s", code, srv.PR(pr).Merged, out, errOut)
	}

	// The recorded comment delivery, carrying a stranger's terminate.
	comment := delivery(t, "go-playground-webhooks/pull-request-issue-comment.json", pr, func(p map[string]any) {
		c := p["comment"].(map[string]any)
		c["body"] = "/connectbot terminate acme-sync I do not like them"
		c["user"].(map[string]any)["login"] = "stranger"
	})
	code, out, errOut = runActionWith(t, srv, "issue_comment", comment)
	if code != 0 || !strings.Contains(out, "only the program's reviewers") || len(srv.PRs()) != 1 {
		t.Fatalf("stranger's terminate: exit %d, %d PRs\n%s%s", code, len(srv.PRs()), out, errOut)
	}
}

func TestActionRefusesWhatItCannotRun(t *testing.T) {
	srv := seed(t)
	code, _, errOut := runActionWith(t, srv, "pull_request", filepath.Join(t.TempDir(), "missing.json"))
	if code != exitCantRun || !strings.Contains(errOut, "event file") || strings.Count(errOut, "\n") != 1 {
		t.Errorf("missing event file: exit %d %q", code, errOut)
	}
	other := delivery(t, "octokit-webhooks/pull_request/opened.payload.json", 1, func(p map[string]any) {
		p["repository"].(map[string]any)["full_name"] = "someone/else"
	})
	code, _, errOut = runActionWith(t, srv, "pull_request", other)
	if code != exitCantRun || !strings.Contains(errOut, "GITHUB_REPOSITORY") {
		t.Errorf("event for another repository: exit %d %q", code, errOut)
	}
	code, out, _ := runActionWith(t, srv, "deployment", other)
	if code != 0 || !strings.Contains(out, "nothing to do") {
		t.Errorf("ignored event: exit %d %q", code, out)
	}
}

func TestActionRejudgesAForkPullRequestWhoseCheckIsReRun(t *testing.T) {
	srv := seed(t)
	acme, _ := os.ReadFile("../../applications/acme-sync.cue")
	bad := strings.Replace(string(acme), `auth:         "oauth2"`, `auth:         "api_key"`, 1)
	head := srv.Commit("patch-1", "Edit", map[string]string{"applications/acme-sync.cue": bad})
	pr := srv.OpenPR(forgetest.PRSpec{Author: "acme-dev", Title: "Edit", Head: "patch-1", HeadRepo: "acme-dev/connect"})

	// The recorded check_run "rerequested" delivery, whose pull_requests
	// list is empty, as GitHub sends it for a pull request from a fork;
	// pointed at this head, under the name of the check it re-runs.
	rerun := func(name, sha string) string {
		return delivery(t, "octokit-webhooks/check_run/rerequested.payload.json", 0, func(p map[string]any) {
			run := p["check_run"].(map[string]any)
			if prs := run["pull_requests"].([]any); len(prs) != 0 {
				t.Fatalf("the recorded check run names %d pull requests, want none", len(prs))
			}
			run["name"], run["head_sha"] = name, sha
		})
	}
	// The check suite of that check run, re-run whole: derived from the
	// same recording (no check_suite delivery is recorded), its
	// check_suite being the check run's.
	rerunSuite := func(sha string) string {
		return delivery(t, "octokit-webhooks/check_run/rerequested.payload.json", 0, func(p map[string]any) {
			suite := p["check_run"].(map[string]any)["check_suite"].(map[string]any)
			suite["head_sha"] = sha
			delete(p, "check_run")
			p["check_suite"] = suite
		})
	}

	code, out, errOut := runActionWith(t, srv, "check_run", rerun("randscape", head))
	if code != 0 || !strings.Contains(out, "check_run rerequested: nothing to do") || len(srv.CheckRuns(head)) != 0 {
		t.Fatalf("another App's check: exit %d, %d checks\n%s%s", code, len(srv.CheckRuns(head)), out, errOut)
	}
	code, out, errOut = runActionWith(t, srv, "check_run", rerun("connectbot", srv.Branch("main")))
	if code != 0 || !strings.Contains(out, "no open pull request has head "+srv.Branch("main")) || len(srv.CheckRuns(head)) != 0 {
		t.Fatalf("a head of no pull request: exit %d\n%s%s", code, out, errOut)
	}
	code, out, errOut = runActionWith(t, srv, "check_run", rerun("connectbot", head))
	if code != 0 {
		t.Fatalf("exit %d\n%s%s", code, out, errOut)
	}
	if runs := srv.CheckRuns(head); len(runs) != 1 || runs[0].Conclusion != "failure" {
		t.Fatalf("check runs %+v\n%s", runs, out)
	}
	if n := len(srv.Comments(pr)); n != 1 || !strings.Contains(out, fmt.Sprintf("#%d: ", pr)) {
		t.Errorf("%d comments, want 1; output:\n%s", n, out)
	}
	code, out, errOut = runActionWith(t, srv, "check_suite", rerunSuite(head))
	if code != 0 {
		t.Fatalf("suite: exit %d\n%s%s", code, out, errOut)
	}
	// Judged again, to the same verdict: the handler leaves its comment
	// and check as they are.
	if want := fmt.Sprintf("connectbot: #%d: comment unchanged", pr); !strings.Contains(out, want) {
		t.Errorf("after the suite's re-run, output lacks %q:\n%s", want, out)
	}
}

// TestActionJudgesAgainWhenMainMoves plays rejudge.yml: a push to main,
// in the shape GitHub sends (built from the recorded pull_request delivery:
// its repository, with the integer times of a push), judges again the pull
// request whose green verdict a rival's file just made stale.
func TestActionJudgesAgainWhenMainMoves(t *testing.T) {
	srv := seed(t)
	acme, _ := os.ReadFile("../../applications/acme-sync.cue")
	copycat := strings.NewReplacer(`name: "Acme Software Ltd"`, `name: "Copycat Ltd"`, `maintainers: ["acme-dev"]`, `maintainers: ["copy-dev"]`,
		`stage:              "beta"`, `stage: "applied"`).Replace(string(acme))
	copycat = copycat[:strings.Index(copycat, "\tacceptedAt:")] + "}\n"
	head := srv.Commit("copycat", "Apply", map[string]string{"applications/copycat.cue": copycat})
	pr := srv.OpenPR(forgetest.PRSpec{Author: "copy-dev", Title: "Apply", Head: "copycat"})
	opened := delivery(t, "octokit-webhooks/pull_request/opened.payload.json", pr, nil)
	if code, out, errOut := runActionWith(t, srv, "pull_request", opened); code != 0 {
		t.Fatalf("opened: exit %d\n%s%s", code, out, errOut)
	}
	runs := srv.CheckRuns(head)
	if len(runs) != 1 {
		t.Fatalf("check runs after opening: %+v", runs)
	}
	first := runs[0].Conclusion

	// The same name lands on main in another company's file.
	rival := strings.Replace(string(acme), `name: "Acme Software Ltd"`, `name: "Rival Ltd"`, 1)
	rival = strings.Replace(rival, `maintainers: ["acme-dev"]`, `maintainers: ["rival-dev"]`, 1)
	rival = strings.Replace(rival, `name:         "Acme Sync"`, `name:         "Copycat Sync"`, 1)
	copyName := strings.Replace(copycat, `name:         "Acme Sync"`, `name:         "Copycat Sync"`, 1)
	head = srv.Commit("copycat", "Rename", map[string]string{"applications/copycat.cue": copyName})
	synced := delivery(t, "octokit-webhooks/pull_request/opened.payload.json", pr, nil)
	if code, out, errOut := runActionWith(t, srv, "pull_request", synced); code != 0 {
		t.Fatalf("synchronize: exit %d\n%s%s", code, out, errOut)
	}
	if runs := srv.CheckRuns(head); len(runs) == 0 || runs[len(runs)-1].Conclusion != "success" {
		t.Fatalf("before the rival landed, the check runs are %+v, want a success", runs)
	}
	after := srv.Commit(forgetest.DefaultBranch, "Rival accepted", map[string]string{"applications/rival.cue": rival})
	push := delivery(t, "octokit-webhooks/pull_request/opened.payload.json", 0, func(p map[string]any) {
		repo := p["repository"].(map[string]any)
		repo["created_at"], repo["pushed_at"] = 1700000000, 1764500000
		for k := range p {
			if k != "repository" && k != "sender" && k != "installation" {
				delete(p, k)
			}
		}
		p["ref"], p["before"], p["after"] = "refs/heads/main", strings.Repeat("0", 40), after
		p["created"], p["deleted"], p["forced"] = false, false, false
		p["commits"], p["head_commit"] = []any{}, nil
		p["pusher"] = map[string]any{"name": "rivera-reviews", "email": nil}
	})
	code, out, errOut := runActionWith(t, srv, "push", push)
	if code != 0 || !strings.Contains(out, fmt.Sprintf("#%d (judged against ", pr)) {
		t.Fatalf("push: exit %d\n%s%s", code, out, errOut)
	}
	runs = srv.CheckRuns(head)
	if last := runs[len(runs)-1]; last.Conclusion != "failure" {
		t.Errorf("after the rival landed, the check is %s (before: %s)", last.Conclusion, first)
	}
	// A second delivery of the same push changes nothing.
	if _, out, _ := runActionWith(t, srv, "push", push); !strings.Contains(out, "no open pull request into it has a verdict for an older tip") {
		t.Errorf("the push delivered twice judged again:\n%s", out)
	}
}
