// Package service is connectbot running as a GitHub App's service: the
// webhook endpoint and its processors (a dry run that logs, or a live one
// acting through GitHub on a clone), the scheduled ticks, the reconcile
// after each, the credentials they use, /healthz, /metrics and a graceful
// stop. `connectbot serve` parses its flags and environment into a Config
// and calls Run.
package service

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/connectbot/connectbot/internal/dispatch"
	"github.com/connectbot/connectbot/internal/metrics"
	"github.com/connectbot/connectbot/internal/program"
	"github.com/connectbot/connectbot/internal/scheduler"
	"github.com/connectbot/connectbot/internal/webhook"
)

// Config is everything the service needs, parsed and checked.
type Config struct {
	// Listener is where the service answers; when it is nil, Run listens
	// on Addr.
	Listener net.Listener
	Addr     string
	// Secrets are the webhook secrets; a delivery signed with any of them
	// is accepted (several while rotating).
	Secrets [][]byte
	// Schedule says when ticks run, in scheduler.ParseSpec's syntax.
	Schedule string
	// Budget is the most actions one tick carries out.
	Budget int
	// ReconcileBudget is the most writes one reconcile makes; the pull
	// requests left over are taken up first by the next. 0 means no limit.
	ReconcileBudget int
	// ReconcileEvery is how often the open pull requests are reconciled
	// between ticks (each tick reconciles too, the first at start-up), so
	// that a pull request whose deliveries were all lost is answered within
	// that long; 0 reconciles only with the ticks.
	ReconcileEvery time.Duration
	// ReconcileAfterShed is how soon a reconcile runs after the webhook
	// turned a delivery away for lack of room (503), once for every
	// delivery turned away meanwhile, whatever ReconcileEvery is; 0 means
	// DefaultReconcileAfterShed.
	ReconcileAfterShed time.Duration
	// Queue and Workers bound the deliveries waiting and those processed
	// at once.
	Queue, Workers int
	// HeaderTimeout bounds how long a request's headers may take to
	// arrive; 0 means DefaultHeaderTimeout.
	HeaderTimeout time.Duration
	// BodyTimeout, BodyMemory, PerSource, AllowFrom and TrustedProxies
	// guard the webhook: see webhook.ServerOptions.
	BodyTimeout               time.Duration
	BodyMemory                int64
	PerSource                 int
	AllowFrom, TrustedProxies []netip.Prefix
	// Grace is how long a running tick and the queued deliveries may take
	// on stop.
	Grace time.Duration
	// Credentials reach GitHub; with none, the service runs dry: it logs
	// what each delivery and tick would do and never calls GitHub.
	Credentials Credentials
	// GitHub is the program's repository; it is complete only with
	// credentials.
	GitHub GitHub
	// RepoDir is the local checkout, and Plan decides what a tick would do
	// on it: the dry run's tick.
	RepoDir string
	Plan    func() (program.Plan, error)
	// Holder names this process in the leases it takes on the repository.
	Holder string
	// Logger receives the service's log.
	Logger *slog.Logger
	// Now is the clock, read once per event and once per tick.
	Now func() time.Time
	// HTTPClient is used for GitHub; nil means the default.
	HTTPClient *http.Client
}

// Defaults for Config fields left zero.
const (
	DefaultHeaderTimeout      = 5 * time.Second
	DefaultReconcileAfterShed = 30 * time.Second
)

// ErrServerStopped is returned, wrapped, when the HTTP server stopped by
// itself rather than on ctx; the service has logged it and stopped
// gracefully all the same.
var ErrServerStopped = errors.New("the server stopped")

// Run runs the service until ctx is cancelled, then stops gracefully:
// no new deliveries, while the running tick and the queued deliveries get
// cfg.Grace to finish. It returns an error, before serving, when the
// service cannot start (the listener, the credentials, the first clone),
// and ErrServerStopped when the server failed while serving. It closes
// cfg.Listener.
func Run(ctx context.Context, cfg Config) error {
	ln := cfg.Listener
	if ln == nil {
		var err error
		if ln, err = net.Listen("tcp", cfg.Addr); err != nil {
			return err
		}
	}
	fail := func(err error) error {
		ln.Close()
		return err
	}
	log := cfg.Logger
	m := metrics.New(metrics.Options{EventKinds: slices.Concat(webhook.Kinds, []string{webhook.KindOther}), RejectReasons: webhook.RejectReasons})

	process := dryRunProcessor{repo: cfg.GitHub.Repo, log: log, m: m}.process
	var live *liveProcessor
	var tk ticker = planTicker{plan: cfg.Plan, log: log, m: m}
	if !cfg.Credentials.None() {
		var err error
		if live, err = newLiveProcessor(ctx, cfg, m); err != nil {
			return fail(err)
		}
		process = live.process
		defer live.close() // after the queue has drained: removes the clone
		tk = liveTicker{p: live, budget: cfg.Budget}
	}
	ticks := &tickRunner{ticker: tk, log: log, m: m}
	sched, err := scheduler.New(cfg.Schedule, ticks.run, log)
	if err != nil {
		return fail(err)
	}
	shed := make(chan struct{}, 1) // a reconcile is wanted soon
	hooks, err := webhook.NewServer(webhook.ServerOptions{
		Secrets: cfg.Secrets, Process: process, QueueSize: cfg.Queue, Workers: cfg.Workers,
		BodyMemory: cfg.BodyMemory, BodyTimeout: cfg.BodyTimeout, PerSource: cfg.PerSource,
		AllowFrom: cfg.AllowFrom, TrustedProxies: cfg.TrustedProxies,
		Shed: func() {
			select {
			case shed <- struct{}{}:
			default:
			}
		},
		Observer: m, Logger: log,
	})
	if err != nil {
		return fail(err)
	}
	m.WatchBodyBytes(hooks.BodyBytes)

	mux := http.NewServeMux()
	mux.Handle(webhook.Path, hooks)
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		if live != nil && !live.reconciled.Load() {
			// Deliveries are taken meanwhile; what the bot missed while it
			// was down is made good by the first reconcile.
			w.WriteHeader(http.StatusServiceUnavailable)
			io.WriteString(w, "starting: the first reconcile has not finished\n")
			return
		}
		io.WriteString(w, "ok\n")
	})
	mux.Handle("GET /metrics", m.Handler())
	srv := server(cfg, mux, log)
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()

	// One tick at start-up, then on the schedule; ticks never overlap.
	tickCtx, cancelTicks := context.WithCancel(context.Background())
	defer cancelTicks()
	firstTick := make(chan struct{})
	go func() {
		defer close(firstTick)
		ticks.run(tickCtx)
	}()
	sched.Start()
	// Reconciles between ticks, once the start-up one is done.
	reconciles, stopping := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(reconciles)
		if live != nil {
			live.reconcileBetweenTicks(tickCtx, cfg, shed, firstTick, stopping)
		}
	}()
	log.Info("connectbot serving", "addr", ln.Addr().String(), "credentials", cfg.Credentials.String(),
		"repository", cfg.GitHub.Repo, "repo", cfg.RepoDir, "schedule", cfg.Schedule, "next_tick", sched.Next(),
		"reconcile_every", cfg.ReconcileEvery.String(), "allowed_ranges", len(cfg.AllowFrom), "trusted_proxies", len(cfg.TrustedProxies))

	var stopped error
	select {
	case <-ctx.Done():
		log.Info("stopping: no new deliveries; finishing the running tick and the queue", "grace", cfg.Grace.String())
	case err := <-served:
		log.Error("the server stopped", "err", err)
		stopped = fmt.Errorf("%w: %w", ErrServerStopped, err)
	}
	close(stopping)
	stopCtx, cancel := context.WithTimeout(context.Background(), cfg.Grace)
	defer cancel()
	if err := srv.Shutdown(stopCtx); err != nil {
		srv.Close()
	}
	var wg sync.WaitGroup
	wg.Go(func() { sched.Stop(cfg.Grace) })
	wg.Go(func() {
		select {
		case <-firstTick:
		case <-stopCtx.Done():
			cancelTicks()
			<-firstTick
		}
	})
	wg.Go(func() {
		// Between passes it stops at once; a pass under way gets the grace.
		select {
		case <-reconciles:
		case <-stopCtx.Done():
			cancelTicks()
			<-reconciles
		}
	})
	wg.Go(func() {
		if err := hooks.Shutdown(stopCtx); err != nil {
			log.Warn("stopped before the queue was drained", "err", err)
		}
	})
	wg.Wait()
	log.Info("connectbot stopped")
	return stopped
}

// server is the HTTP server for mux: the time a request's headers, and
// then a delivery's body (the webhook's own deadline), may take are short,
// since GitHub sends a delivery in one burst; what a request may hold is
// bounded by the webhook, not by a number of connections.
func server(cfg Config, mux http.Handler, log *slog.Logger) *http.Server {
	header := cfg.HeaderTimeout
	if header <= 0 {
		header = DefaultHeaderTimeout
	}
	body := cfg.BodyTimeout
	if body <= 0 {
		body = webhook.DefaultBodyTimeout
	}
	return &http.Server{
		Handler:           mux,
		ReadHeaderTimeout: header,
		ReadTimeout:       header + body,
		WriteTimeout:      body + 30*time.Second,
		IdleTimeout:       2 * time.Minute,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
}

// ticker is what a scheduled tick runs.
type ticker interface {
	Tick(ctx context.Context) error
}

// tickRunner runs a ticker, one tick at a time, timing and logging it.
type tickRunner struct {
	ticker ticker
	log    *slog.Logger
	m      *metrics.Metrics
	mu     sync.Mutex
}

func (r *tickRunner) run(ctx context.Context) {
	if !r.mu.TryLock() {
		r.log.Warn("tick skipped: the previous one is still running")
		return
	}
	defer r.mu.Unlock()
	start := time.Now()
	err := r.ticker.Tick(ctx)
	took := time.Since(start)
	r.m.ObserveTick(took)
	ms := took.Round(time.Millisecond).String()
	if err != nil {
		r.log.Error("tick failed", "err", err, "duration", ms)
		return
	}
	r.log.Info("tick done", "duration", ms)
}

// planTicker decides what a tick would do on the local checkout and logs
// each action as "would do", changing nothing: the dry-run mode's tick.
type planTicker struct {
	plan func() (program.Plan, error)
	log  *slog.Logger
	m    *metrics.Metrics
}

func (t planTicker) Tick(context.Context) error {
	plan, err := t.plan()
	if err != nil {
		return err
	}
	for _, a := range plan.Actions {
		attrs := []any{"kind", a.Kind, "slug", a.Slug, "reason", a.Reason, "due", a.Due.String(), "rule", a.Rule}
		if a.PR != 0 {
			attrs = append(attrs, "pr", a.PR)
		}
		t.log.Info("would do", attrs...)
		t.m.ActionDone(a.Kind, metrics.StatusDryRun)
	}
	t.log.Info("tick planned", "now", plan.Now.String(), "actions", len(plan.Actions))
	return nil
}

// forOtherRepository reports whether ev names a repository other than
// the one configured ("" accepts any).
func forOtherRepository(ev webhook.Event, repo string) bool {
	return repo != "" && ev.Repo != "" && !strings.EqualFold(ev.Repo, repo)
}

// dryRunProcessor logs what each delivery would make connectbot do; it
// never calls GitHub.
type dryRunProcessor struct {
	repo string
	log  *slog.Logger
	m    *metrics.Metrics
}

func (p dryRunProcessor) process(_ context.Context, delivery string, ev webhook.Event) error {
	log := p.log.With("delivery", delivery, "event", ev.Kind, "repo", ev.Repo)
	if forOtherRepository(ev, p.repo) {
		log.Warn("not for this program's repository; nothing to do", "repository", p.repo)
		return nil
	}
	kind, what := dispatch.Route(ev)
	log.Info("would do", "kind", kind, "action", ev.Action, "what", what)
	p.m.ActionDone(kind, metrics.StatusDryRun)
	return nil
}
