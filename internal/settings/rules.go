package settings

import (
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/connectbot/connectbot/internal/gitrepo"
	"github.com/connectbot/connectbot/internal/webhook"
)

// A rule is one setting: where it is read from, its default, and how it
// is checked.
type rule struct {
	// name is the setting, in words.
	name string
	// env are the variables it is read from; the first that is set wins.
	env []string
	// flag is its flag, without dashes; "" for none. flags names it
	// otherwise for some commands.
	flag  string
	flags map[Command]string
	usage string
	// boolean flags may be given without a value.
	boolean bool
	// def is the value when neither the flag nor a variable gives one;
	// "" leaves the default to check, which works it out.
	def string
	// on are the commands it applies to; nil means all.
	on []Command
	// check checks v, read from from (a flag as --name, or a variable),
	// and stores it in s; getenv is there for the secrets, which a
	// variable may name a file of.
	check func(s *Settings, from, v string, getenv func(string) string) error
}

// applies reports whether r is one of c's settings.
func (r rule) applies(c Command) bool { return r.on == nil || slices.Contains(r.on, c) }

// flagOf is r's flag in command c, without dashes; "" for none.
func (r rule) flagOf(c Command) string {
	if f, ok := r.flags[c]; ok {
		return f
	}
	return r.flag
}

// Defaults that are not the empty string.
const (
	DefaultAPIURL    = "https://api.github.com"
	DefaultServerURL = "https://github.com"
	// DefaultBudget is the most actions one tick carries out.
	DefaultBudget = 50
	// DefaultReconcileBudget is the most writes one reconcile makes: a new
	// pull request takes three (its check, its comment, its labels), and
	// GitHub's secondary limits allow some 80 writes a minute.
	DefaultReconcileBudget = 100
	// AppBotLogin is the login a GitHub App named connectbot comments as;
	// ActionsBotLogin the workflow token's, inside GitHub Actions.
	AppBotLogin     = "connectbot[bot]"
	ActionsBotLogin = "github-actions[bot]"
)

// rules are every setting, in the order Validate reads them: a rule may
// use what an earlier one stored.
var rules = []rule{
	{name: "GitHub token", env: []string{"GITHUB_TOKEN"}, check: func(s *Settings, _, v string, _ func(string) string) error {
		s.Token = v
		return nil
	}},
	{name: "GitHub App id", env: []string{"CONNECTBOT_APP_ID"}, on: []Command{Serve}, check: func(s *Settings, from, v string, _ func(string) string) (err error) {
		s.App.ID, err = optionalID(from, v)
		return err
	}},
	{name: "GitHub App private key", env: []string{"CONNECTBOT_APP_PRIVATE_KEY", "CONNECTBOT_APP_PRIVATE_KEY_FILE"}, on: []Command{Serve}, check: func(s *Settings, _, _ string, getenv func(string) string) error {
		key, err := secret(getenv, "CONNECTBOT_APP_PRIVATE_KEY")
		if key != "" {
			s.App.Key = []byte(key)
		}
		return err
	}},
	{name: "GitHub App installation", env: []string{"CONNECTBOT_INSTALLATION_ID"}, on: []Command{Serve}, check: func(s *Settings, from, v string, _ func(string) string) (err error) {
		s.App.InstallationID, err = optionalID(from, v)
		return err
	}},
	{name: "repository", env: []string{"CONNECTBOT_REPOSITORY", "GITHUB_REPOSITORY"}, check: checkRepository},
	{name: "API URL", env: []string{"GITHUB_API_URL"}, def: DefaultAPIURL, check: func(s *Settings, from, v string, _ func(string) string) (err error) {
		s.APIURL, err = webURL(from, v)
		return err
	}},
	{name: "server URL", env: []string{"GITHUB_SERVER_URL"}, def: DefaultServerURL, check: func(s *Settings, from, v string, _ func(string) string) (err error) {
		s.ServerURL, err = webURL(from, v)
		return err
	}},
	{name: "bot login", env: []string{"CONNECTBOT_BOT_LOGIN"}, check: checkBotLogin},
	{name: "base branch", env: []string{"CONNECTBOT_BASE_BRANCH"}, check: func(s *Settings, from, v string, _ func(string) string) error {
		if v == "" {
			return nil // the repository's default branch
		}
		if err := gitrepo.CheckBranchName(v); err != nil {
			return fmt.Errorf("%s: %w", from, err)
		}
		s.Base = v
		return nil
	}},
	{name: "cache directory", env: []string{"CONNECTBOT_CACHE_DIR"}, on: []Command{Tick, Reconcile, Action}, check: checkCacheDir},
	{name: "dry run", env: []string{"CONNECTBOT_DRY_RUN"}, flag: "dry-run", boolean: true, def: "false", on: []Command{Tick, Reconcile, Action},
		usage: "read and decide, changing nothing; say what would be done (also CONNECTBOT_DRY_RUN=true)", check: checkDryRun},
	{name: "tick budget", flag: "budget", def: strconv.Itoa(DefaultBudget), on: []Command{Tick, Serve},
		usage: "most actions one tick carries out; the rest wait for the next tick", check: func(s *Settings, from, v string, _ func(string) string) (err error) {
			s.Budget, err = atLeastOne(from, v)
			return err
		}},
	{name: "reconcile budget", flag: "reconcile-budget", flags: map[Command]string{Reconcile: "budget"}, def: strconv.Itoa(DefaultReconcileBudget), on: []Command{Tick, Serve, Reconcile},
		usage: "most writes one reconcile makes; the pull requests left over come first in the next", check: func(s *Settings, from, v string, _ func(string) string) (err error) {
			s.ReconcileBudget, err = atLeastOne(from, v)
			return err
		}},
	{name: "event name", env: []string{"GITHUB_EVENT_NAME"}, on: []Command{Action}, check: func(s *Settings, _, v string, _ func(string) string) error {
		s.EventName = v
		return nil
	}},
	{name: "event file", env: []string{"GITHUB_EVENT_PATH"}, on: []Command{Action}, check: func(s *Settings, _, v string, _ func(string) string) error {
		s.EventPath = v
		return nil
	}},
	{name: "artifact directory", env: []string{"CONNECTBOT_ARTIFACT_DIR"}, on: []Command{Action}, check: func(s *Settings, _, v string, _ func(string) string) error {
		s.ArtifactDir = v
		return nil
	}},
	{name: "webhook secret", env: []string{"CONNECTBOT_WEBHOOK_SECRET", "CONNECTBOT_WEBHOOK_SECRET_FILE"}, on: []Command{Serve}, check: checkSecrets},
	{name: "allow-list", env: []string{"CONNECTBOT_ALLOW_FROM"}, flag: "allow-from", on: []Command{Serve},
		usage: "a `FILE` of the source ranges deliveries may come from, one CIDR per line (GitHub's hook ranges); default $CONNECTBOT_ALLOW_FROM, else any source", check: checkAllowFrom},
	{name: "lease holder", env: []string{"GITHUB_RUN_ID"}, check: checkHolder},
}

// checkRepository splits owner/name; "" is no repository.
func checkRepository(s *Settings, from, v string, _ func(string) string) error {
	if v == "" {
		return nil
	}
	owner, name, ok := strings.Cut(v, "/")
	if !ok || owner == "" || name == "" || strings.Contains(name, "/") {
		return fmt.Errorf("%s %q is not owner/name", from, v)
	}
	s.Repository, s.Owner, s.Name = v, owner, name
	return nil
}

// checkBotLogin takes the login given, else the workflow token's bot
// inside GitHub Actions (the action command, or GITHUB_ACTIONS=true), else
// the App's.
func checkBotLogin(s *Settings, _, v string, getenv func(string) string) error {
	switch {
	case v != "":
		s.BotLogin = v
	case s.cmd == Action || getenv("GITHUB_ACTIONS") == "true":
		s.BotLogin = ActionsBotLogin
	default:
		s.BotLogin = AppBotLogin
	}
	return nil
}

// checkCacheDir keeps a repository's cache under v, else under the
// user's cache directory (~/.cache on Linux, which actions/cache keeps
// between workflow runs): connectbot/<API host>/<owner>/<name>. With no
// repository, or no cache directory, nothing is kept.
func checkCacheDir(s *Settings, _, v string, _ func(string) string) error {
	if s.Repository == "" {
		return nil
	}
	if v == "" {
		dir, err := os.UserCacheDir()
		if err != nil {
			return nil // nothing kept: a cost, not a fault
		}
		v = filepath.Join(dir, "connectbot")
	}
	host := "api"
	if u, err := url.Parse(s.APIURL); err == nil && u.Host != "" {
		host = strings.ReplaceAll(u.Host, ":", "_")
	}
	s.CacheDir = filepath.Join(v, host, s.Owner, s.Name)
	return nil
}

// checkDryRun reads a yes or a no.
func checkDryRun(s *Settings, from, v string, _ func(string) string) error {
	switch strings.ToLower(strings.TrimSpace(v)) {
	case "", "false", "f", "0", "no":
		s.DryRun = false
	case "true", "t", "1", "yes":
		s.DryRun = true
	default:
		return fmt.Errorf("%s %q is neither true nor false", from, v)
	}
	return nil
}

// checkSecrets reads the webhook's secrets: comma-separated in the
// variable, or one a line (or comma-separated) in the file its _FILE
// variable names.
func checkSecrets(s *Settings, _, _ string, getenv func(string) string) error {
	secrets, err := secret(getenv, "CONNECTBOT_WEBHOOK_SECRET")
	for _, x := range strings.FieldsFunc(secrets, func(r rune) bool { return r == ',' || r == '\n' }) {
		if x = strings.TrimSpace(x); x != "" {
			s.Secrets = append(s.Secrets, []byte(x))
		}
	}
	return err
}

// checkAllowFrom reads the file of ranges deliveries may come from; ""
// takes them from anywhere.
func checkAllowFrom(s *Settings, from, v string, _ func(string) string) error {
	if v == "" {
		return nil
	}
	allow, err := webhook.ReadAllowList(v)
	if err != nil {
		return fmt.Errorf("%s: %w", from, err)
	}
	s.AllowFrom = allow
	return nil
}

// checkHolder names this process by host and process id, and by the
// workflow run inside GitHub Actions.
func checkHolder(s *Settings, _, v string, _ func(string) string) error {
	host, err := os.Hostname()
	if err != nil {
		host = "unknown-host"
	}
	s.Holder = fmt.Sprintf("%s/%d", host, os.Getpid())
	if v != "" {
		s.Holder += " (run " + v + ")"
	}
	return nil
}

// atLeastOne reads a count that must be at least 1.
func atLeastOne(from, v string) (int, error) {
	n, err := strconv.Atoi(strings.TrimSpace(v))
	if err != nil || n < 1 {
		return 0, fmt.Errorf("%s must be at least 1", from)
	}
	return n, nil
}

// optionalID reads a positive number, trimmed of the newline a Secret's
// value may end in; "" is none (0).
func optionalID(from, v string) (int64, error) {
	if v = strings.TrimSpace(v); v == "" {
		return 0, nil
	}
	return PositiveID(from, v)
}

// PositiveID reads v, said to be from where, as a positive number.
func PositiveID(from, v string) (int64, error) {
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil || n <= 0 {
		return 0, fmt.Errorf("%s %q is not a positive number", from, v)
	}
	return n, nil
}

// webURL checks that v is an http or https URL with a host.
func webURL(from, v string) (string, error) {
	u, err := url.Parse(v)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return "", errors.New(from + " " + strconv.Quote(v) + " is not an http(s) URL with a host")
	}
	return v, nil
}
