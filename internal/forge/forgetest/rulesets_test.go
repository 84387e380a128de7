package forgetest_test

import (
	"fmt"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/connectbot/connectbot/internal/forge/forgetest"
)

// gitAs runs the real git client in dir as the user whose token is given,
// and returns what it printed and whether it succeeded.
func gitAs(t *testing.T, dir string, args ...string) (string, bool) {
	t.Helper()
	cmd := exec.Command("git", args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GIT_TERMINAL_PROMPT=0", "GIT_CONFIG_NOSYSTEM=1", "HOME="+dir,
		"GIT_AUTHOR_NAME=t", "GIT_AUTHOR_EMAIL=t@example.com", "GIT_COMMITTER_NAME=t", "GIT_COMMITTER_EMAIL=t@example.com")
	out, err := cmd.CombinedOutput()
	return string(out), err == nil
}

// cloneAs clones the fake's repository with token into a new directory.
func cloneAs(t *testing.T, srv *forgetest.Server, token string) string {
	t.Helper()
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git is not on PATH")
	}
	u, _ := url.Parse(srv.GitURL())
	u.User = url.UserPassword("x-access-token", token)
	dir := filepath.Join(t.TempDir(), "clone")
	if out, ok := gitAs(t, filepath.Dir(dir), "clone", "-q", u.String(), dir); !ok {
		t.Fatalf("clone: %s", out)
	}
	return dir
}

// protectMain creates, as the repository's owner, a ruleset on the default
// branch: pull requests only, no force push, no deletion, with bypass as
// its bypass actors.
func protectMain(t *testing.T, srv *forgetest.Server, ownerToken, bypass string) {
	t.Helper()
	body := `{"name":"main","target":"branch","enforcement":"active",
"conditions":{"ref_name":{"include":["~DEFAULT_BRANCH"],"exclude":[]}},
"rules":[{"type":"pull_request","parameters":{"required_approving_review_count":0,"dismiss_stale_reviews_on_push":false,
"require_code_owner_review":false,"require_last_push_approval":false,"required_review_thread_resolution":false}},
{"type":"non_fast_forward"},{"type":"deletion"}],"bypass_actors":[` + bypass + `]}`
	spec := loadOpenAPI(t)
	status, v := apiCallAs(t, srv, ownerToken, "POST", "/rulesets", body)
	if status != http.StatusCreated {
		t.Fatalf("create the ruleset: %d %v", status, v)
	}
	for _, p := range spec.check("answer", spec.schemaOf(t, "POST", "/repos/{owner}/{repo}/rulesets", status), v) {
		t.Error(p)
	}
}

// TestARulesetHoldsTheDefaultBranch pushes with the real git client and
// updates refs through REST, as a stranger and as the App, under a
// ruleset that requires pull requests and forbids force pushes and
// deletion on main, with the App as its bypass actor.
func TestARulesetHoldsTheDefaultBranch(t *testing.T) {
	srv := forgetest.NewServer(t, "octo-org", "hello-world")
	srv.AddUser("octo-org", "owner-token")
	srv.AddUser("alice", "alice-token")
	if status, _ := apiCallAs(t, srv, "alice-token", "POST", "/rulesets", `{"name":"x","enforcement":"active"}`); status != http.StatusNotFound {
		t.Errorf("a stranger creates a ruleset: %d, want 404 as GitHub answers non-admins", status)
	}
	protectMain(t, srv, "owner-token", fmt.Sprintf(`{"actor_id":%d,"actor_type":"Integration","bypass_mode":"always"}`, forgetest.AppID))
	before := srv.Branch("main")

	alice := cloneAs(t, srv, "alice-token")
	os.WriteFile(filepath.Join(alice, "a.txt"), []byte("alice\n"), 0o644)
	gitAs(t, alice, "add", "a.txt")
	gitAs(t, alice, "commit", "-q", "-m", "Straight to main")
	out, ok := gitAs(t, alice, "push", "origin", "HEAD:main")
	if ok || !strings.Contains(out, "[remote rejected] HEAD -> main (push declined due to repository rule violations)") {
		t.Errorf("a stranger's push to main: ok %v:\n%s", ok, out)
	}
	if out, ok := gitAs(t, alice, "push", "-q", "origin", "HEAD:refs/heads/alice-branch"); !ok {
		t.Errorf("a stranger's push to a branch of their own is refused:\n%s", out)
	}
	sha := srv.Branch("alice-branch")
	status, v := apiCallAs(t, srv, "alice-token", "PATCH", "/git/refs/heads/main", `{"sha":"`+sha+`"}`)
	if msg, _ := v.(map[string]any)["message"].(string); status != http.StatusUnprocessableEntity || msg != "Repository rule violations found\n\nChanges must be made through a pull request.\n\n" {
		t.Errorf("a stranger's REST update of main: %d %q", status, msg)
	}
	if status, _ := apiCallAs(t, srv, "alice-token", "DELETE", "/git/refs/heads/main", ""); status != http.StatusUnprocessableEntity {
		t.Errorf("a stranger deletes main: %d, want 422", status)
	}
	if got := srv.Branch("main"); got != before {
		t.Fatalf("main moved from %s to %s under the ruleset", before, got)
	}

	// The App is the bypass actor: its push goes through, even a force push.
	bot := cloneAs(t, srv, srv.Token())
	os.WriteFile(filepath.Join(bot, "b.txt"), []byte("bot\n"), 0o644)
	gitAs(t, bot, "add", "b.txt")
	gitAs(t, bot, "commit", "-q", "-m", "Recorded by the App")
	if out, ok := gitAs(t, bot, "push", "-q", "origin", "HEAD:main"); !ok {
		t.Errorf("the bypass actor's push is refused:\n%s", out)
	}
	if out, ok := gitAs(t, bot, "push", "-q", "--force", "origin", before+":main"); !ok {
		t.Errorf("the bypass actor's force push is refused:\n%s", out)
	}
	if got := srv.Branch("main"); got != before {
		t.Errorf("main is at %s after the App's force push, want %s", got, before)
	}
}

// TestARulesetWithoutTheAppHoldsItToo: with no bypass actor, the App is
// refused like anyone, by git and by REST; a ruleset only evaluated is
// not enforced.
func TestARulesetWithoutTheAppHoldsItToo(t *testing.T) {
	srv := forgetest.NewServer(t, "octo-org", "hello-world")
	srv.AddUser("octo-org", "owner-token")
	protectMain(t, srv, "owner-token", "")
	bot := cloneAs(t, srv, srv.Token())
	os.WriteFile(filepath.Join(bot, "b.txt"), []byte("bot\n"), 0o644)
	gitAs(t, bot, "add", "b.txt")
	gitAs(t, bot, "commit", "-q", "-m", "Recorded by the App")
	if out, ok := gitAs(t, bot, "push", "origin", "HEAD:main"); ok || !strings.Contains(out, "push declined due to repository rule violations") {
		t.Errorf("the App's push without bypass: ok %v:\n%s", ok, out)
	}
	other := forgetest.NewServer(t, "octo-org", "hello-world")
	other.AddUser("octo-org", "owner-token")
	if status, v := apiCallAs(t, other, "owner-token", "POST", "/rulesets", `{"name":"dry","enforcement":"evaluate","conditions":{"ref_name":{"include":["~ALL"],"exclude":[]}},"rules":[{"type":"pull_request"}]}`); status != http.StatusCreated {
		t.Fatalf("an evaluated ruleset: %d %v", status, v)
	}
	bot = cloneAs(t, other, other.Token())
	os.WriteFile(filepath.Join(bot, "b.txt"), []byte("bot\n"), 0o644)
	gitAs(t, bot, "add", "b.txt")
	gitAs(t, bot, "commit", "-q", "-m", "Recorded by the App")
	if out, ok := gitAs(t, bot, "push", "-q", "origin", "HEAD:main"); !ok {
		t.Errorf("a ruleset in evaluate mode refused a push:\n%s", out)
	}
}

// TestTheRulesOfABranchAreListed asks, as the App, which rules apply to
// main under the ruleset that holds it, and to a branch no ruleset
// targets: every rule of the active ruleset, in GitHub's shape, and none.
func TestTheRulesOfABranchAreListed(t *testing.T) {
	srv := forgetest.NewServer(t, "octo-org", "hello-world")
	srv.AddUser("octo-org", "owner-token")
	protectMain(t, srv, "owner-token", "")
	spec := loadOpenAPI(t)
	for _, tc := range []struct {
		branch string
		want   []string
	}{
		{branch: "main", want: []string{"pull_request", "non_fast_forward", "deletion"}},
		{branch: "feature/one", want: nil},
	} {
		status, v := apiCallAs(t, srv, srv.Token(), "GET", "/rules/branches/"+tc.branch, "")
		if status != http.StatusOK {
			t.Fatalf("%s: %d %v", tc.branch, status, v)
		}
		for _, p := range spec.check(tc.branch, spec.schemaOf(t, "GET", "/repos/{owner}/{repo}/rules/branches/{branch}", status), v) {
			t.Error(p)
		}
		var got []string
		for _, r := range v.([]any) {
			got = append(got, r.(map[string]any)["type"].(string))
		}
		if diff := cmp.Diff(tc.want, got); diff != "" {
			t.Errorf("rules of %s (-want +got):\n%s", tc.branch, diff)
		}
	}
}
