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
	"syscall"
	"time"

	"github.com/connectbot/connectbot/internal/program"
	"github.com/connectbot/connectbot/internal/scheduler"
	"github.com/connectbot/connectbot/internal/service"
	"github.com/connectbot/connectbot/internal/settings"
	"github.com/connectbot/connectbot/internal/webhook"
)

const serveSynopsis = "serve [--addr HOST:PORT] [--repo DIR] [--schedule SPEC] [--installs recorded|URL] [--budget N] [--reconcile-budget N] [--reconcile-every DURATION] [--reconcile-after-shed DURATION] [--reconcile-again DURATION] [--workers N] [--metrics-addr HOST:PORT] [--pprof] [--grace DURATION] [--log-format text|json] [--header-timeout DURATION] [--body-timeout DURATION] [--body-memory MiB] [--per-source N] [--allow-from FILE] [--trusted-proxy CIDR]..."

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
	bodyMiB   int
	// set are the settings serve shares with the other commands.
	set *settings.Settings
}

// serveFlags declares serve's flags on fs.
func serveFlags(fs *flag.FlagSet) func() serveConfig {
	addr := fs.String("addr", ":8080", "listen on this address")
	repo := fs.String("repo", ".", "without GitHub credentials: the local checkout whose plan each tick logs")
	schedule := fs.String("schedule", scheduler.DefaultSpec, "when ticks run: cron syntax (five fields) or a descriptor like @hourly")
	installs := fs.String("installs", "", `install counts for the plan: "recorded" or a source URL; default: program.cue's installsSource`)
	workers := fs.Int("workers", 2, "work keys worked on at once (with credentials, pull requests reach GitHub one at a time, a tick beside them)")
	metricsAddr := fs.String("metrics-addr", "", "serve /metrics on this address instead of --addr")
	pprof := fs.Bool("pprof", false, "serve Go's profiles under /debug/pprof/ on --metrics-addr (which it needs), never on --addr")
	again := fs.Duration("reconcile-again", service.DefaultReconcileAgain, "with GitHub credentials: how soon a reconcile that left pull requests over its budget is followed by the next, until none remain")
	reconcileEvery := fs.Duration("reconcile-every", 10*time.Minute, "with GitHub credentials: how often the open pull requests are reconciled between ticks; 0 only with the ticks")
	grace := fs.Duration("grace", 25*time.Second, "on stop, how long a running tick and the queued deliveries may take")
	logFormat := &formatFlag{value: "text", choices: []string{"text", "json"}}
	fs.Var(logFormat, "log-format", "how the log lines on stderr are written: text (key=value) or json (one JSON object a line, for a log collector)")
	door := doorFlags(fs)
	set := settings.Declare(settings.Serve, fs)
	return func() serveConfig {
		cfg := serveConfig{installs: *installs, logFormat: logFormat.value, set: set, Config: service.Config{
			Addr: *addr, RepoDir: *repo, Schedule: *schedule, Workers: *workers, Grace: *grace,
			ReconcileEvery: *reconcileEvery, ReconcileAgain: *again, MetricsAddr: *metricsAddr, Pprof: *pprof,
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
	var proxies []netip.Prefix
	fs.Func("trusted-proxy", "a `CIDR` range of the proxies in front of serve whose X-Forwarded-For names the sender (repeatable)", func(v string) error {
		p, err := webhook.ParsePrefix(v)
		proxies = append(proxies, p)
		return err
	})
	return func(cfg *serveConfig) {
		cfg.ReconcileAfterShed, cfg.HeaderTimeout, cfg.BodyTimeout = *afterShed, *header, *body
		cfg.bodyMiB, cfg.PerSource, cfg.TrustedProxies = *memory, *perSource, proxies
	}
}

// doorSettings checks the webhook's guards.
func doorSettings(cfg serveConfig) (serveConfig, error) {
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
	return cfg, nil
}

// serveSettings checks serve's own flags, then the settings it shares
// with the other commands (Validate, from getenv), and completes cfg with
// them.
func serveSettings(cfg serveConfig, getenv func(string) string) (serveConfig, error) {
	if _, err := scheduler.ParseSpec(cfg.Schedule); err != nil {
		return cfg, fmt.Errorf("--schedule: %v", err)
	}
	if cfg.Workers < 1 {
		return cfg, errors.New("--workers must be at least 1")
	}
	if cfg.Grace < 0 || cfg.ReconcileEvery < 0 || cfg.ReconcileAgain <= 0 {
		return cfg, errors.New("--grace and --reconcile-every must not be negative, --reconcile-again must be positive")
	}
	if cfg.Pprof && cfg.MetricsAddr == "" {
		return cfg, errors.New("--pprof needs --metrics-addr: the profiles are served on the metrics listener only")
	}
	cfg, err := doorSettings(cfg)
	if err != nil {
		return cfg, err
	}
	if err := cfg.set.Validate(getenv); err != nil {
		return cfg, err
	}
	return withSettings(cfg, cfg.set), nil
}

// withSettings completes cfg with set: the credentials (a GitHub App
// installation, whose tokens take precedence, or else GITHUB_TOKEN), the
// repository, the budgets, the webhook's secrets and allow-list.
func withSettings(cfg serveConfig, set *settings.Settings) serveConfig {
	if set.App.ID != 0 {
		cfg.Credentials = service.Credentials{AppID: set.App.ID, InstallationID: set.App.InstallationID, Key: set.App.Key}
	} else {
		cfg.Credentials = service.Credentials{Token: set.Token}
	}
	cfg.GitHub = remote(set)
	cfg.Budget, cfg.ReconcileBudget = set.Budget, set.ReconcileBudget
	cfg.Secrets, cfg.AllowFrom, cfg.Holder = set.Secrets, set.AllowFrom, set.Holder
	return cfg
}

// serve runs the service on ln (or, when ln is nil, on a listener for
// --addr) until ctx is cancelled, then stops gracefully and returns 0.
// Tests call it with a loopback listener and a context they cancel, as
// SIGTERM does.
func serve(ctx context.Context, e *env, args []string, ln net.Listener) int {
	c := command{name: "serve", synopsis: serveSynopsis, flags: func(fs *flag.FlagSet) runFunc {
		config := serveFlags(fs)
		return func(e *env, _ []string) int { return serveWith(ctx, e, config(), ln) }
	}}
	return c.exec(e, args)
}

// serveWith runs the service as serve does, configured by serve's flags
// (flags) and the environment.
func serveWith(ctx context.Context, e *env, flags serveConfig, ln net.Listener) int {
	cfg, err := serveSettings(flags, e.getenv)
	if err != nil {
		return e.failf(exitCantRun, "serve: %v", err)
	}
	plan := &programFlags{repo: &cfg.RepoDir, installs: &cfg.installs}
	cfg.Plan = func() (program.Plan, error) {
		_, p, _, err := plan.decide(e)
		return p, err
	}
	cfg.Listener, cfg.Logger = ln, newLogger(e.stderr, cfg.logFormat)
	cfg.Now, cfg.HTTPClient = e.now, e.httpClient
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
