package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/netip"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/connectbot/connectbot/internal/program"
	"github.com/connectbot/connectbot/internal/scheduler"
	"github.com/connectbot/connectbot/internal/service"
	"github.com/connectbot/connectbot/internal/webhook"
)

const serveSynopsis = "serve [--addr HOST:PORT] [--repo DIR] [--schedule SPEC] [--installs recorded|URL] [--budget N] [--reconcile-budget N] [--reconcile-every DURATION] [--reconcile-after-shed DURATION] [--reconcile-again DURATION] [--workers N] [--metrics-addr HOST:PORT] [--grace DURATION] [--log-format text|json] [--header-timeout DURATION] [--body-timeout DURATION] [--body-memory MiB] [--per-source N] [--allow-from FILE] [--trusted-proxy CIDR]..."

// runServe runs connectbot as a service: the webhook endpoint, scheduled
// ticks, health and metrics, until SIGTERM or SIGINT.
func runServe(e *env, args []string) int {
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, os.Interrupt)
	defer stop()
	return serve(ctx, e, args, nil)
}

// serveConfig is what serve is told by its flags and its environment:
// the service's configuration, and what decides a dry run's tick.
type serveConfig struct {
	service.Config
	installs  string
	logFormat string // text or json
	allowFrom string // a file of ranges, read by serveSettings
	bodyMiB   int
}

// serveFlags declares serve's flags on fs.
func serveFlags(fs *flag.FlagSet) func() serveConfig {
	addr := fs.String("addr", ":8080", "listen on this address")
	repo := fs.String("repo", ".", "without GitHub credentials: the local checkout whose plan each tick logs")
	schedule := fs.String("schedule", scheduler.DefaultSpec, "when ticks run: cron syntax (five fields) or a descriptor like @hourly")
	installs := fs.String("installs", "", `install counts for the plan: "recorded" or a source URL; default: program.cue's installsSource`)
	workers := fs.Int("workers", 2, "work keys worked on at once (with credentials, pull requests reach GitHub one at a time, a tick beside them)")
	metricsAddr := fs.String("metrics-addr", "", "serve /metrics on this address instead of --addr")
	again := fs.Duration("reconcile-again", service.DefaultReconcileAgain, "with GitHub credentials: how soon a reconcile that left pull requests over its budget is followed by the next, until none remain")
	budget := fs.Int("budget", 50, "with GitHub credentials: most actions one tick carries out; the rest wait for the next")
	reconcileBudget := fs.Int("reconcile-budget", defaultReconcileBudget, "with GitHub credentials: most writes one reconcile makes; the pull requests left over come first in the next")
	reconcileEvery := fs.Duration("reconcile-every", 10*time.Minute, "with GitHub credentials: how often the open pull requests are reconciled between ticks; 0 only with the ticks")
	grace := fs.Duration("grace", 25*time.Second, "on stop, how long a running tick and the queued deliveries may take")
	logFormat := &formatFlag{value: "text", choices: []string{"text", "json"}}
	fs.Var(logFormat, "log-format", "how the log lines on stderr are written: text (key=value) or json (one JSON object a line, for a log collector)")
	door := doorFlags(fs)
	return func() serveConfig {
		cfg := serveConfig{installs: *installs, logFormat: logFormat.value, Config: service.Config{
			Addr: *addr, RepoDir: *repo, Schedule: *schedule, Workers: *workers, Budget: *budget, Grace: *grace,
			ReconcileBudget: *reconcileBudget, ReconcileEvery: *reconcileEvery, ReconcileAgain: *again, MetricsAddr: *metricsAddr,
		}}
		door(&cfg)
		return cfg
	}
}

// doorFlags declares on fs the flags that guard the webhook against
// strangers, and returns what copies them into a serveConfig.
func doorFlags(fs *flag.FlagSet) func(*serveConfig) {
	afterShed := fs.Duration("reconcile-after-shed", service.DefaultReconcileAfterShed, "with GitHub credentials: how soon a reconcile runs after deliveries were answered 503 for lack of room (one for all of them), even with --reconcile-every 0")
	header := fs.Duration("header-timeout", service.DefaultHeaderTimeout, "how long a request's headers may take to arrive")
	body := fs.Duration("body-timeout", webhook.DefaultBodyTimeout, "how long a delivery's body may take to arrive after its headers; GitHub sends it in one burst")
	memory := fs.Int("body-memory", webhook.DefaultBodyMemory>>20, "`MiB` that all the delivery bodies being read may hold at once; a body holds at most twice what it has sent")
	perSource := fs.Int("per-source", 0, "bodies read at once from one source address, at most; 0: no limit")
	allowFrom := fs.String("allow-from", "", "a `FILE` of the source ranges deliveries may come from, one CIDR per line (GitHub's hook ranges); default $CONNECTBOT_ALLOW_FROM, else any source")
	var proxies []netip.Prefix
	fs.Func("trusted-proxy", "a `CIDR` range of the proxies in front of serve whose X-Forwarded-For names the sender (repeatable)", func(v string) error {
		p, err := webhook.ParsePrefix(v)
		proxies = append(proxies, p)
		return err
	})
	return func(cfg *serveConfig) {
		cfg.ReconcileAfterShed, cfg.HeaderTimeout, cfg.BodyTimeout = *afterShed, *header, *body
		cfg.bodyMiB, cfg.PerSource, cfg.allowFrom, cfg.TrustedProxies = *memory, *perSource, *allowFrom, proxies
	}
}

// doorSettings checks the webhook's guards and reads the allow-list, from
// --allow-from or else CONNECTBOT_ALLOW_FROM.
func doorSettings(cfg serveConfig, getenv func(string) string) (serveConfig, error) {
	if cfg.HeaderTimeout <= 0 || cfg.BodyTimeout <= 0 || cfg.ReconcileAfterShed <= 0 {
		return cfg, errors.New("--header-timeout, --body-timeout and --reconcile-after-shed must be positive")
	}
	// The largest body taken (and the byte that says it is larger) must fit.
	if least := webhook.DefaultMaxBodyBytes>>20 + 1; cfg.bodyMiB < least || cfg.bodyMiB > 1<<20 {
		return cfg, fmt.Errorf("--body-memory must be between %d (a body of the largest size taken fits) and 1048576 (MiB)", least)
	}
	if cfg.PerSource < 0 {
		return cfg, errors.New("--per-source must not be negative")
	}
	cfg.BodyMemory = int64(cfg.bodyMiB) << 20
	from, path := "--allow-from", cfg.allowFrom
	if path == "" {
		from, path = "CONNECTBOT_ALLOW_FROM", getenv("CONNECTBOT_ALLOW_FROM")
	}
	if path == "" {
		return cfg, nil
	}
	allow, err := webhook.ReadAllowList(path)
	if err != nil {
		return cfg, fmt.Errorf("%s: %w", from, err)
	}
	cfg.AllowFrom = allow
	return cfg, nil
}

// serveSettings completes cfg from the environment and checks it all.
func serveSettings(cfg serveConfig, getenv func(string) string) (serveConfig, error) {
	if _, err := scheduler.ParseSpec(cfg.Schedule); err != nil {
		return cfg, fmt.Errorf("--schedule: %v", err)
	}
	if cfg.Workers < 1 || cfg.Budget < 1 || cfg.ReconcileBudget < 1 {
		return cfg, errors.New("--workers, --budget and --reconcile-budget must be at least 1")
	}
	if cfg.Grace < 0 || cfg.ReconcileEvery < 0 || cfg.ReconcileAgain <= 0 {
		return cfg, errors.New("--grace and --reconcile-every must not be negative, --reconcile-again must be positive")
	}
	cfg, err := doorSettings(cfg, getenv)
	if err != nil {
		return cfg, err
	}
	secrets, err := secretSetting(getenv, "CONNECTBOT_WEBHOOK_SECRET")
	if err != nil {
		return cfg, err
	}
	// Several secrets while rotating: comma-separated, or one a line in a file.
	for _, s := range strings.FieldsFunc(secrets, func(r rune) bool { return r == ',' || r == '\n' }) {
		if s = strings.TrimSpace(s); s != "" {
			cfg.Secrets = append(cfg.Secrets, []byte(s))
		}
	}
	if len(cfg.Secrets) == 0 {
		return cfg, errors.New("CONNECTBOT_WEBHOOK_SECRET is not set: the webhook secret is required, in the variable or in the file CONNECTBOT_WEBHOOK_SECRET_FILE names (several, comma-separated, while rotating)")
	}
	return appSettings(cfg, getenv)
}

// appSettings completes cfg with the GitHub credentials and repository
// from the environment: a GitHub App installation, whose private key is
// in CONNECTBOT_APP_PRIVATE_KEY or the file CONNECTBOT_APP_PRIVATE_KEY_FILE
// names, or else GITHUB_TOKEN.
func appSettings(cfg serveConfig, getenv func(string) string) (serveConfig, error) {
	key, err := secretSetting(getenv, "CONNECTBOT_APP_PRIVATE_KEY")
	if err != nil {
		return cfg, err
	}
	// A Secret's or a file's value may end in a newline.
	appID, instID := strings.TrimSpace(getenv("CONNECTBOT_APP_ID")), strings.TrimSpace(getenv("CONNECTBOT_INSTALLATION_ID"))
	if appID != "" || key != "" || instID != "" {
		// An App's installation tokens take precedence over GITHUB_TOKEN.
		for name, v := range map[string]string{"CONNECTBOT_APP_ID": appID, "CONNECTBOT_APP_PRIVATE_KEY_FILE": key, "CONNECTBOT_INSTALLATION_ID": instID} {
			if v == "" {
				return cfg, fmt.Errorf("%s is not set: a GitHub App needs CONNECTBOT_APP_ID, CONNECTBOT_APP_PRIVATE_KEY_FILE (or CONNECTBOT_APP_PRIVATE_KEY) and CONNECTBOT_INSTALLATION_ID", name)
			}
		}
		if cfg.Credentials.AppID, err = positiveID("CONNECTBOT_APP_ID", appID); err != nil {
			return cfg, err
		}
		if cfg.Credentials.InstallationID, err = positiveID("CONNECTBOT_INSTALLATION_ID", instID); err != nil {
			return cfg, err
		}
		cfg.Credentials.Key = []byte(key)
	} else {
		cfg.Credentials.Token = getenv("GITHUB_TOKEN")
	}

	g := service.GitHub{
		Repo:   getenv("CONNECTBOT_REPOSITORY"),
		APIURL: getenv("GITHUB_API_URL"), ServerURL: getenv("GITHUB_SERVER_URL"),
		BotLogin: getenv("CONNECTBOT_BOT_LOGIN"), Base: getenv("CONNECTBOT_BASE_BRANCH"),
	}
	if g.Repo == "" && !cfg.Credentials.None() {
		return cfg, errors.New("CONNECTBOT_REPOSITORY is not set: with GitHub credentials, name the program's repository as owner/name")
	}
	if g.Repo != "" {
		var ok bool
		if g.Owner, g.Name, ok = strings.Cut(g.Repo, "/"); !ok || g.Owner == "" || g.Name == "" || strings.Contains(g.Name, "/") {
			return cfg, fmt.Errorf("CONNECTBOT_REPOSITORY %q is not owner/name", g.Repo)
		}
	}
	if g.APIURL == "" {
		g.APIURL = "https://api.github.com"
	}
	if g.ServerURL == "" {
		g.ServerURL = "https://github.com"
	}
	if g.BotLogin == "" {
		g.BotLogin = "connectbot[bot]"
	}
	if g.Base == "" {
		g.Base = "main"
	}
	cfg.GitHub = g
	return cfg, nil
}

func positiveID(name, v string) (int64, error) {
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil || n <= 0 {
		return 0, fmt.Errorf("%s %q is not a positive number", name, v)
	}
	return n, nil
}

// serve runs the service on ln (or, when ln is nil, on a listener for
// --addr) until ctx is cancelled, then stops gracefully and returns 0.
// Tests call it with a loopback listener and a context they cancel, as
// SIGTERM does.
func serve(ctx context.Context, e *env, args []string, ln net.Listener) int {
	fs := newFlags("serve")
	config := serveFlags(fs)
	if _, code, done := parseCommand(e, fs, args, serveSynopsis, 0); done {
		return code
	}
	cfg, err := serveSettings(config(), e.getenv)
	if err != nil {
		return e.failf(exitCantRun, "serve: %v", err)
	}
	plan := &programFlags{repo: &cfg.RepoDir, installs: &cfg.installs}
	cfg.Plan = func() (program.Plan, error) {
		_, p, _, err := plan.decide(e)
		return p, err
	}
	cfg.Listener, cfg.Logger = ln, newLogger(e.stderr, cfg.logFormat)
	cfg.Now, cfg.HTTPClient, cfg.Holder = e.now, e.httpClient, holderName(e.getenv)
	err = service.Run(ctx, cfg.Config)
	switch {
	case errors.Is(err, service.ErrServerStopped):
		return exitCantRun // logged
	case err != nil:
		return e.failf(exitCantRun, "serve: %v", err)
	}
	return exitOK
}

// newLogger writes serve's log to w as text (key=value) or, on request,
// as JSON lines.
func newLogger(w io.Writer, format string) *slog.Logger {
	if format == "json" {
		return slog.New(slog.NewJSONHandler(w, nil))
	}
	return slog.New(slog.NewTextHandler(w, nil))
}
