package main

import (
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/connectbot/connectbot/internal/forge/forgetest"
)

// readmeRuleset returns the ruleset docs/deploy.md (once the README) tells a program to create,
// between its markers, with the App's ID the fake's.
func readmeRuleset(t *testing.T) string {
	t.Helper()
	readme := mustRead(t, "../../docs/deploy.md")
	const begin, end = "<!-- ruleset:begin -->\n```json\n", "```\n<!-- ruleset:end -->"
	i, j := strings.Index(readme, begin), strings.Index(readme, end)
	if i < 0 || j < i {
		t.Fatalf("docs/deploy.md lacks the %q … %q markers around the ruleset", begin, end)
	}
	body := readme[i+len(begin) : j]
	if !strings.Contains(body, `"actor_id": 1049213`) {
		t.Fatal("docs/deploy.md's ruleset no longer names the App's ID as 1049213, which this test replaces")
	}
	return strings.Replace(body, `"actor_id": 1049213`, fmt.Sprintf(`"actor_id": %d`, forgetest.AppID), 1)
}

// approvedWorld is the program on the fake GitHub, protected by ruleset
// (created by the owner through the REST API), with an application's pull
// request approved by a reviewer.
func approvedWorld(t *testing.T, ruleset string) (*forgetest.Server, int) {
	t.Helper()
	srv := seed(t)
	srv.CreateRuleset("owner-token", ruleset)
	northwind, _ := os.ReadFile("../../applications/northwind-notes.cue")
	newco := strings.Replace(string(northwind), `maintainers: ["nwn-platform", "priya-castellano"]`, `maintainers: ["newco-dev"]`, 1)
	head := srv.Commit("newco", "Apply", map[string]string{"applications/newco.cue": newco})
	pr := srv.OpenPR(forgetest.PRSpec{Author: "newco-dev", Title: "Apply", Head: "newco"})
	srv.AddReview(pr, "okafor-pm", "APPROVED", head)
	return srv, pr
}

// reconcileOn runs connectbot reconcile as the App (the fake's bot)
// against srv.
func reconcileOn(t *testing.T, srv *forgetest.Server) (int, string) {
	t.Helper()
	for k, v := range map[string]string{"GITHUB_TOKEN": srv.Token(), "CONNECTBOT_REPOSITORY": "acme-program/connect",
		"GITHUB_API_URL": srv.URL(), "GITHUB_SERVER_URL": srv.URL(), "CONNECTBOT_BOT_LOGIN": forgetest.BotLogin} {
		t.Setenv(k, v)
	}
	var out strings.Builder
	code := Main([]string{"reconcile"}, &out, &out, func() time.Time { return time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC) })
	return code, out.String()
}

// TestTheREADMEsRulesetHoldsAndLetsConnectbotMerge creates the README's
// ruleset on the fake GitHub: a stranger's push to main with the real git
// client is declined, and connectbot, its bypass actor, merges an
// approved pull request with its recorded stage.
func TestTheREADMEsRulesetHoldsAndLetsConnectbotMerge(t *testing.T) {
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git is not on PATH")
	}
	srv, pr := approvedWorld(t, readmeRuleset(t))
	before := srv.Branch(forgetest.DefaultBranch)

	srv.AddUser("mallory", "mallory-token")
	u, _ := url.Parse(srv.GitURL())
	u.User = url.UserPassword("x-access-token", "mallory-token")
	dir := t.TempDir()
	git := func(args ...string) (string, error) {
		cmd := exec.Command("git", args...)
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), "GIT_TERMINAL_PROMPT=0", "HOME="+dir, "GIT_AUTHOR_NAME=m", "GIT_AUTHOR_EMAIL=m@example.com",
			"GIT_COMMITTER_NAME=m", "GIT_COMMITTER_EMAIL=m@example.com")
		out, err := cmd.CombinedOutput()
		return string(out), err
	}
	if out, err := git("clone", "-q", u.String(), "."); err != nil {
		t.Fatalf("clone: %v\n%s", err, out)
	}
	os.WriteFile(filepath.Join(dir, "program.cue"), []byte("reviewers: [\"mallory\"]\n"), 0o644)
	git("commit", "-q", "-am", "I review now")
	out, err := git("push", "origin", "HEAD:main")
	if err == nil || !strings.Contains(out, "push declined due to repository rule violations") {
		t.Errorf("a stranger's push to main went through, or not for the rules (%v):\n%s", err, out)
	}
	if out, err := git("push", "--force", "origin", "HEAD~2:main"); err == nil {
		t.Errorf("a stranger's force push to main went through:\n%s", out)
	}
	if got := srv.Branch(forgetest.DefaultBranch); got != before {
		t.Fatalf("main moved under the ruleset: %s → %s", before, got)
	}

	if code, out := reconcileOn(t, srv); code != exitOK {
		t.Fatalf("reconcile: exit %d:\n%s", code, out)
	}
	if !srv.PR(pr).Merged {
		t.Fatal("connectbot, the ruleset's bypass actor, did not merge the approved pull request")
	}
	if cue, _ := srv.ReadFile(forgetest.DefaultBranch, "applications/newco.cue"); !strings.Contains(cue, "acceptedAt") {
		t.Errorf("the recorded stage is not on main:\n%s", cue)
	}
}

// TestConnectbotSaysWhyWhenTheRulesetDeclinesItsMerge creates the
// README's ruleset without its bypass actor: connectbot's merge is
// declined, and it says so, naming the fix, rather than judging again as
// if the base had moved, and exits 1; the pull request stays open and
// main where it was.
func TestConnectbotSaysWhyWhenTheRulesetDeclinesItsMerge(t *testing.T) {
	ruleset := readmeRuleset(t)
	i := strings.Index(ruleset, `"bypass_actors": [`)
	ruleset = ruleset[:i] + `"bypass_actors": []` + "\n}\n"
	srv, pr := approvedWorld(t, ruleset)
	before := srv.Branch(forgetest.DefaultBranch)

	code, out := reconcileOn(t, srv)
	want := "GitHub declined connectbot's push of the approved merge to main: make connectbot's App a bypass actor (always) of the branch's ruleset"
	if code != exitFound || !strings.Contains(out, want) {
		t.Errorf("reconcile: exit %d, want 1 with %q:\n%s", code, want, out)
	}
	if strings.Contains(out, "the base branch kept moving") || strings.Contains(out, "judging again") {
		t.Errorf("the refusal is reported as a moving base:\n%s", out)
	}
	if srv.PR(pr).Merged || srv.Branch(forgetest.DefaultBranch) != before {
		t.Errorf("merged %v, main %s (was %s)", srv.PR(pr).Merged, srv.Branch(forgetest.DefaultBranch), before)
	}
}
