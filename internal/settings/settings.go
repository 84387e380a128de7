// Package settings is connectbot's one reading of its environment and of
// the flags its commands that reach GitHub share (tick, reconcile, action
// and serve): one rule per setting — the variables it is read from, its
// flag, its default and how it is checked — and Validate, which reads
// every setting of a command and says, one line each, which are wrong.
package settings

import (
	"errors"
	"flag"
	"net/netip"
	"strconv"
)

// Command is a command whose settings this package reads; a rule applies
// to some of them.
type Command string

// The commands that reach GitHub.
const (
	Tick      Command = "tick"
	Reconcile Command = "reconcile"
	Action    Command = "action"
	Serve     Command = "serve"
)

// Settings are what a command is told by its flags and its environment,
// once Validate has read and checked them.
type Settings struct {
	cmd   Command
	flags map[string]*flagValue // the command's flags, by the name of their rule

	// Token is GITHUB_TOKEN; with neither it nor App, a command cannot act.
	Token string
	// App is a GitHub App installation (serve), whose tokens take
	// precedence over Token; its AppID is 0 when none is configured.
	App App
	// Repository is the program's repository, owner/name, split into
	// Owner and Name; "" when none is configured.
	Repository, Owner, Name string
	// APIURL is GitHub's REST API, ServerURL where git clones from.
	APIURL, ServerURL string
	// BotLogin is the login connectbot comments as.
	BotLogin string
	// Base is the branch the program lives on; "" means the repository's
	// default branch, which the command learns from its clone.
	Base string
	// CacheDir is where a short-lived run keeps what it learnt of GitHub
	// for the next one; "" keeps nothing.
	CacheDir string
	// DryRun reads and decides, changing nothing.
	DryRun bool
	// Budget is the most actions one tick carries out; ReconcileBudget the
	// most writes one reconcile makes.
	Budget, ReconcileBudget int
	// EventName, EventPath and ArtifactDir are what the Actions runner
	// hands over (action): the event, the file holding its payload, and
	// the artifact a report workflow downloaded.
	EventName, EventPath, ArtifactDir string
	// Secrets are the webhook's secrets (serve): several while rotating.
	Secrets [][]byte
	// AllowFrom are the source ranges deliveries may come from (serve);
	// nil takes them from anywhere.
	AllowFrom []netip.Prefix
	// Holder names this process in the leases it takes on the repository:
	// host and process, and the workflow run inside GitHub Actions.
	Holder string
}

// App is a GitHub App installation's credentials.
type App struct {
	ID, InstallationID int64
	// Key is the App's private key, PEM-encoded.
	Key []byte
}

// Declare declares command c's flags on fs, and returns the Settings that
// Validate fills once fs is parsed.
func Declare(c Command, fs *flag.FlagSet) *Settings {
	s := &Settings{cmd: c, flags: map[string]*flagValue{}}
	for _, r := range rules {
		name := r.flagOf(c)
		if name == "" || !r.applies(c) {
			continue
		}
		v := &flagValue{value: r.def, boolean: r.boolean}
		fs.Var(v, name, r.usage)
		s.flags[r.name] = v
	}
	return s
}

// Validate reads every setting of the command from its flag, if given,
// else from getenv, else its default, checks each and fills s. The error
// has one line for each setting that is wrong, naming it.
func (s *Settings) Validate(getenv func(string) string) error {
	*s = Settings{cmd: s.cmd, flags: s.flags} // what an earlier Validate read is read again
	var errs []error
	for _, r := range rules {
		if !r.applies(s.cmd) {
			continue
		}
		from, v := s.lookup(r, getenv)
		if err := r.check(s, from, v, getenv); err != nil {
			errs = append(errs, err)
		}
	}
	if len(errs) == 0 {
		errs = append(errs, s.together())
	}
	return errors.Join(errs...)
}

// lookup is where rule r's value comes from (its flag, as --name, or its
// variable) and the value: the flag if it was given, else the first of
// its variables that is set, else its default ("" for a default the
// check works out).
func (s *Settings) lookup(r rule, getenv func(string) string) (string, string) {
	if f := s.flags[r.name]; f != nil && f.given {
		return "--" + r.flagOf(s.cmd), f.value
	}
	for _, name := range r.env {
		if v := getenv(name); v != "" {
			return name, v
		}
	}
	from := r.flagOf(s.cmd)
	if from != "" {
		from = "--" + from
	} else if len(r.env) > 0 {
		from = r.env[0]
	}
	return from, r.def
}

// together checks what no one setting says alone: an App needs its three
// settings, credentials need the repository they act on, the action needs
// the runner's event.
func (s *Settings) together() error {
	var errs []error
	if s.cmd == Serve {
		errs = append(errs, s.App.complete())
		if len(s.Secrets) == 0 {
			errs = append(errs, errors.New("CONNECTBOT_WEBHOOK_SECRET is not set: the webhook secret is required, in the variable or in the file CONNECTBOT_WEBHOOK_SECRET_FILE names (several, comma-separated, while rotating)"))
		}
	}
	if s.cmd == Action {
		for _, v := range []struct{ name, value string }{{"GITHUB_EVENT_NAME", s.EventName}, {"GITHUB_EVENT_PATH", s.EventPath}, {"GITHUB_REPOSITORY", s.Repository}} {
			if v.value == "" {
				errs = append(errs, errors.New(v.name+" is not set: run this inside GitHub Actions, or set it"))
			}
		}
	} else if s.Repository == "" && s.HasCredentials() {
		errs = append(errs, errors.New("CONNECTBOT_REPOSITORY is not set: with GitHub credentials, name the program's repository as owner/name (or GITHUB_REPOSITORY, as GitHub Actions does)"))
	}
	return errors.Join(errs...)
}

// HasCredentials reports whether s can reach GitHub as someone: a token
// or a GitHub App installation.
func (s *Settings) HasCredentials() bool { return s.Token != "" || s.App.ID != 0 }

// complete says which of an App's settings are missing, once any is set.
func (a App) complete() error {
	if a.ID == 0 && a.InstallationID == 0 && a.Key == nil {
		return nil
	}
	var missing []string
	for _, m := range []struct {
		name string
		set  bool
	}{{"CONNECTBOT_APP_ID", a.ID != 0}, {"CONNECTBOT_APP_PRIVATE_KEY_FILE", a.Key != nil}, {"CONNECTBOT_INSTALLATION_ID", a.InstallationID != 0}} {
		if !m.set {
			missing = append(missing, m.name)
		}
	}
	if len(missing) == 0 {
		return nil
	}
	return errors.New(join(missing) + " not set: a GitHub App needs CONNECTBOT_APP_ID, CONNECTBOT_APP_PRIVATE_KEY_FILE (or CONNECTBOT_APP_PRIVATE_KEY) and CONNECTBOT_INSTALLATION_ID")
}

// join writes names as "A is", "A and B are", "A, B and C are".
func join(names []string) string {
	switch len(names) {
	case 1:
		return names[0] + " is"
	case 2:
		return names[0] + " and " + names[1] + " are"
	}
	return names[0] + ", " + join(names[1:])
}

// flagValue is a flag of a rule: its value as given (or the rule's
// default) and whether it was given.
type flagValue struct {
	value   string
	given   bool
	boolean bool
}

// String is the value, as the flag package shows a default.
func (f *flagValue) String() string { return f.value }

// Set records the value given; a boolean flag's is checked at once, as the
// flag package expects of a boolean.
func (f *flagValue) Set(v string) error {
	if f.boolean {
		if _, err := strconv.ParseBool(v); err != nil {
			return errors.New("want true or false")
		}
	}
	f.value, f.given = v, true
	return nil
}

// IsBoolFlag lets a boolean flag be given without a value (--dry-run).
func (f *flagValue) IsBoolFlag() bool { return f.boolean }
