package settings_test

import (
	"flag"
	"fmt"
	"io"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/connectbot/connectbot/internal/settings"
	"github.com/connectbot/connectbot/internal/webhook"
)

// defaults are a tick's settings when nothing is set.
func defaults() settings.Settings {
	return settings.Settings{APIURL: "https://api.github.com", ServerURL: "https://github.com", BotLogin: "connectbot[bot]",
		Budget: 50, ReconcileBudget: 100}
}

// with is a tick's settings with a token on acme/program, and edit's
// changes.
func with(edit func(*settings.Settings)) settings.Settings {
	s := defaults()
	s.Token, s.Repository, s.Owner, s.Name = "t", "acme/program", "acme", "program"
	s.CacheDir = filepath.Join("/cache", "api.github.com", "acme", "program")
	if edit != nil {
		edit(&s)
	}
	return s
}

// onGitHub is the environment of with(nil).
func onGitHub(more ...string) map[string]string {
	env := map[string]string{"GITHUB_TOKEN": "t", "CONNECTBOT_REPOSITORY": "acme/program", "CONNECTBOT_CACHE_DIR": "/cache"}
	for i := 0; i+1 < len(more); i += 2 {
		env[more[i]] = more[i+1]
	}
	return env
}

// validateCase is a command's flags and environment, and the settings
// Validate reads from them or the lines of its error.
type validateCase struct {
	name string
	cmd  settings.Command
	args []string
	env  map[string]string
	want settings.Settings
	// wantErr is the error's lines, "" for none.
	wantErr string
}

// checkValidate runs each case through Declare, the flag set and Validate.
func checkValidate(t *testing.T, tests []validateCase) {
	t.Helper()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fs := flag.NewFlagSet(string(tt.cmd), flag.ContinueOnError)
			fs.SetOutput(io.Discard)
			s := settings.Declare(tt.cmd, fs)
			if err := fs.Parse(tt.args); err != nil {
				t.Fatal(err)
			}
			err := s.Validate(func(k string) string { return tt.env[k] })
			if tt.wantErr != "" {
				if err == nil || err.Error() != tt.wantErr {
					t.Fatalf("Validate() = %v, want the lines\n%s", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("Validate() = %v", err)
			}
			if !strings.HasPrefix(s.Holder, host(t)+"/") {
				t.Errorf("Holder %q does not name the host", s.Holder)
			}
			if diff := cmp.Diff(tt.want, *s, cmpopts.IgnoreUnexported(settings.Settings{}), cmpopts.IgnoreFields(settings.Settings{}, "Holder"), cmpopts.EquateComparable(allowType)); diff != "" {
				t.Errorf("settings (-want +got):\n%s", diff)
			}
		})
	}
}

// TestValidate reads the settings of tick and reconcile.
func TestValidate(t *testing.T) {
	checkValidate(t, []validateCase{
		{name: "base branch unset → the repository's default branch", cmd: settings.Tick, env: onGitHub(), want: with(nil)},
		{name: "base branch set → that branch", cmd: settings.Tick, env: onGitHub("CONNECTBOT_BASE_BRANCH", "trunk"),
			want: with(func(s *settings.Settings) { s.Base = "trunk" })},
		{name: "a base branch git cannot name", cmd: settings.Tick, env: onGitHub("CONNECTBOT_BASE_BRANCH", "my branch"),
			wantErr: `CONNECTBOT_BASE_BRANCH: "my branch" is not a branch name git takes`},
		{name: "nothing set: a tick without credentials, every default", cmd: settings.Tick, env: nil, want: defaults()},
		{name: "GITHUB_REPOSITORY stands in for CONNECTBOT_REPOSITORY", cmd: settings.Reconcile,
			env:  map[string]string{"GITHUB_TOKEN": "t", "GITHUB_REPOSITORY": "acme/program", "CONNECTBOT_CACHE_DIR": "/cache"},
			want: with(func(s *settings.Settings) { s.Budget = 0 })},
		{name: "CONNECTBOT_REPOSITORY wins over GITHUB_REPOSITORY", cmd: settings.Tick, env: onGitHub("GITHUB_REPOSITORY", "someone/else"), want: with(nil)},
		{name: "a repository that is not owner/name", cmd: settings.Tick, env: onGitHub("CONNECTBOT_REPOSITORY", "acme/program/more"),
			wantErr: `CONNECTBOT_REPOSITORY "acme/program/more" is not owner/name`},
		{name: "a token without the repository", cmd: settings.Tick, env: map[string]string{"GITHUB_TOKEN": "t"},
			wantErr: "CONNECTBOT_REPOSITORY is not set: with GitHub credentials, name the program's repository as owner/name (or GITHUB_REPOSITORY, as GitHub Actions does)"},
		{name: "inside GitHub Actions the workflow token's bot comments", cmd: settings.Tick, env: onGitHub("GITHUB_ACTIONS", "true"),
			want: with(func(s *settings.Settings) { s.BotLogin = "github-actions[bot]" })},
		{name: "CONNECTBOT_BOT_LOGIN names the bot", cmd: settings.Tick, env: onGitHub("GITHUB_ACTIONS", "true", "CONNECTBOT_BOT_LOGIN", "acme-bot"),
			want: with(func(s *settings.Settings) { s.BotLogin = "acme-bot" })},
		{name: "an API URL on another host keeps its own cache", cmd: settings.Tick, env: onGitHub("GITHUB_API_URL", "http://127.0.0.1:8080/api", "GITHUB_SERVER_URL", "http://127.0.0.1:8080"),
			want: with(func(s *settings.Settings) {
				s.APIURL, s.ServerURL, s.CacheDir = "http://127.0.0.1:8080/api", "http://127.0.0.1:8080", filepath.Join("/cache", "127.0.0.1_8080", "acme", "program")
			})},
		{name: "an API URL that is no URL", cmd: settings.Tick, env: onGitHub("GITHUB_API_URL", "api.github.com"),
			wantErr: `GITHUB_API_URL "api.github.com" is not an http(s) URL with a host`},
		{name: "--dry-run dry-runs a tick", cmd: settings.Tick, args: []string{"--dry-run"}, env: onGitHub(),
			want: with(func(s *settings.Settings) { s.DryRun = true })},
		{name: "CONNECTBOT_DRY_RUN=yes dry-runs a reconcile", cmd: settings.Reconcile, env: onGitHub("CONNECTBOT_DRY_RUN", "yes"),
			want: with(func(s *settings.Settings) { s.DryRun, s.Budget = true, 0 })},
		{name: "a CONNECTBOT_DRY_RUN that is neither", cmd: settings.Tick, env: onGitHub("CONNECTBOT_DRY_RUN", "perhaps"),
			wantErr: `CONNECTBOT_DRY_RUN "perhaps" is neither true nor false`},
		{name: "reconcile's --budget is the reconcile budget", cmd: settings.Reconcile, args: []string{"--budget", "7"}, env: onGitHub(),
			want: with(func(s *settings.Settings) { s.Budget, s.ReconcileBudget = 0, 7 })},
		{name: "a tick budget of nothing", cmd: settings.Tick, args: []string{"--budget", "0"}, env: onGitHub(), wantErr: "--budget must be at least 1"},
		{name: "two bad settings are two lines", cmd: settings.Tick, args: []string{"--reconcile-budget", "-1"}, env: onGitHub("CONNECTBOT_REPOSITORY", "acme"),
			wantErr: "CONNECTBOT_REPOSITORY \"acme\" is not owner/name\n--reconcile-budget must be at least 1"},
	})
}

// TestValidateActionAndServe reads the settings only action and serve
// have: the runner's event, an App, the webhook's secrets.
func TestValidateActionAndServe(t *testing.T) {
	dir := t.TempDir()
	allow := filepath.Join(dir, "hooks.txt")
	os.WriteFile(allow, []byte("192.30.252.0/22\n"), 0o644)
	key := filepath.Join(dir, "key.pem")
	os.WriteFile(key, []byte("-----BEGIN KEY-----\n"), 0o600)
	checkValidate(t, []validateCase{
		{name: "an action with the runner's event", cmd: settings.Action,
			env: map[string]string{"GITHUB_EVENT_NAME": "issues", "GITHUB_EVENT_PATH": "/event.json", "GITHUB_REPOSITORY": "acme/program", "CONNECTBOT_CACHE_DIR": "/cache", "CONNECTBOT_ARTIFACT_DIR": "/artifact"},
			want: with(func(s *settings.Settings) {
				s.Token, s.Budget, s.ReconcileBudget, s.BotLogin = "", 0, 0, "github-actions[bot]"
				s.EventName, s.EventPath, s.ArtifactDir = "issues", "/event.json", "/artifact"
			})},
		{name: "an action outside GitHub Actions: a line for each variable", cmd: settings.Action, env: nil,
			wantErr: "GITHUB_EVENT_NAME is not set: run this inside GitHub Actions, or set it\nGITHUB_EVENT_PATH is not set: run this inside GitHub Actions, or set it\nGITHUB_REPOSITORY is not set: run this inside GitHub Actions, or set it"},
		{name: "serve with a GitHub App, its secrets rotating and an allow-list", cmd: settings.Serve, args: []string{"--allow-from", allow},
			env: map[string]string{"CONNECTBOT_WEBHOOK_SECRET": "old, new", "CONNECTBOT_APP_ID": "12\n", "CONNECTBOT_INSTALLATION_ID": "3", "CONNECTBOT_APP_PRIVATE_KEY_FILE": key, "CONNECTBOT_REPOSITORY": "acme/program"},
			want: with(func(s *settings.Settings) {
				s.Token, s.CacheDir = "", ""
				s.App = settings.App{ID: 12, InstallationID: 3, Key: []byte("-----BEGIN KEY-----")}
				s.Secrets = [][]byte{[]byte("old"), []byte("new")}
				s.AllowFrom = mustAllow(t, allow)
			})},
		{name: "half a GitHub App", cmd: settings.Serve, env: map[string]string{"CONNECTBOT_WEBHOOK_SECRET": "s", "CONNECTBOT_APP_ID": "12", "CONNECTBOT_REPOSITORY": "acme/program"},
			wantErr: "CONNECTBOT_APP_PRIVATE_KEY_FILE and CONNECTBOT_INSTALLATION_ID are not set: a GitHub App needs CONNECTBOT_APP_ID, CONNECTBOT_APP_PRIVATE_KEY_FILE (or CONNECTBOT_APP_PRIVATE_KEY) and CONNECTBOT_INSTALLATION_ID"},
		{name: "an App id that is no number", cmd: settings.Serve, env: map[string]string{"CONNECTBOT_WEBHOOK_SECRET": "s", "CONNECTBOT_APP_ID": "twelve"},
			wantErr: `CONNECTBOT_APP_ID "twelve" is not a positive number`},
		{name: "serve without its webhook secret", cmd: settings.Serve, env: nil,
			wantErr: "CONNECTBOT_WEBHOOK_SECRET is not set: the webhook secret is required, in the variable or in the file CONNECTBOT_WEBHOOK_SECRET_FILE names (several, comma-separated, while rotating)"},
	})
}

// allowType is compared with ==: its fields are unexported.
var allowType = netip.Prefix{}

// mustAllow reads an allow-list file as webhook does.
func mustAllow(t *testing.T, path string) []netip.Prefix {
	t.Helper()
	allow, err := webhook.ReadAllowList(path)
	if err != nil {
		t.Fatal(err)
	}
	return allow
}

// host is this machine's name, which Holder starts with.
func host(t *testing.T) string {
	t.Helper()
	h, err := os.Hostname()
	if err != nil {
		return "unknown-host"
	}
	return h
}

// TestTheHolderNamesTheWorkflowRun: inside GitHub Actions a lease says
// which run holds it.
func TestTheHolderNamesTheWorkflowRun(t *testing.T) {
	s := settings.Declare(settings.Action, flag.NewFlagSet("action", flag.ContinueOnError))
	env := map[string]string{"GITHUB_EVENT_NAME": "issues", "GITHUB_EVENT_PATH": "/e", "GITHUB_REPOSITORY": "acme/program", "GITHUB_RUN_ID": "42"}
	if err := s.Validate(func(k string) string { return env[k] }); err != nil {
		t.Fatal(err)
	}
	if want := fmt.Sprintf("%s/%d (run 42)", host(t), os.Getpid()); s.Holder != want {
		t.Errorf("Holder %q, want %q", s.Holder, want)
	}
}
