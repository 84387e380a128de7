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
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/connectbot/connectbot/internal/dispatch"
	"github.com/connectbot/connectbot/internal/gitrepo"
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
	// turned a delivery away for lack of memory to read it (503), once
	// for every delivery turned away meanwhile, whatever ReconcileEvery
	// is; 0 means DefaultReconcileAfterShed.
	ReconcileAfterShed time.Duration
	// Workers is how many keys are worked on at once (with credentials,
	// the pull requests' work reaches GitHub one at a time; a tick runs
	// beside it).
	Workers int
	// ReconcileAgain is how soon a reconcile that left pull requests over
	// its budget is followed by the next, until none remain; 0 means
	// DefaultReconcileAgain.
	ReconcileAgain time.Duration
	// MetricsAddr, when set, is where /metrics is served instead of on
	// the webhook's listener.
	MetricsAddr string
	// Pprof serves Go's profiles (net/http/pprof, under /debug/pprof/)
	// on the metrics listener, never on the webhook's; it needs
	// MetricsAddr.
	Pprof bool
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
// deliveries are answered 503, while the work under way and the keys
// queued get cfg.Grace to finish. /livez answers from the start; /readyz
// (and /healthz) once the service accepts and processes deliveries: after
// the start-up clone, until the stop. It returns an error when the service
// cannot start (the listener, the credentials, the first clone), and
// ErrServerStopped when the server failed while serving. It closes
// cfg.Listener.
func Run(ctx context.Context, cfg Config) error {
	s, err := build(cfg)
	if err != nil {
		return err
	}
	s.serve()
	if err := s.start(ctx); err != nil {
		s.srvs.close()
		return err
	}
	defer s.doer.close() // after the queue has drained: removes the clone
	stopped := s.wait(ctx)
	s.stop()
	return stopped
}

// service is one run of the service: what build makes, serve and start
// set going, and stop ends.
type service struct {
	cfg      Config
	log      *slog.Logger
	ln, mln  net.Listener
	m        *metrics.Metrics
	keys     *keyQueue
	hooks    *webhook.Server
	sched    *scheduler.Scheduler
	shed     chan struct{} // a reconcile is wanted soon
	ready    atomic.Bool
	srvs     *servers
	doer     serviceDoer
	workers  func() // waits for the workers to stop
	stopping chan struct{}
	// reconciles is closed once the reconciles between ticks have
	// stopped.
	reconciles chan struct{}
}

// build makes the service's parts that cannot fail later — the listeners,
// the metrics, the key queue, the webhook and the schedule — and removes
// the clones dead processes left; it closes the listeners when a part
// cannot be made.
func build(cfg Config) (_ *service, err error) {
	s := &service{cfg: cfg, log: cfg.Logger, shed: make(chan struct{}, 1)}
	if s.ln, s.mln, err = listeners(cfg); err != nil {
		return nil, err
	}
	defer func() {
		if err != nil {
			s.closeListeners()
		}
	}()
	s.m = metrics.New(metrics.Options{EventKinds: slices.Concat(webhook.Kinds, []string{webhook.KindOther}), RejectReasons: webhook.RejectReasons})
	if removed, err := gitrepo.RemoveStaleClones(""); len(removed) > 0 || err != nil {
		s.log.Info("removed the clones dead processes left", "removed", removed, "err", errString(err))
	}
	s.keys = newKeyQueue(s.log, s.m)
	s.keys.repo = cfg.GitHub.Repo
	s.m.WatchQueue(func() int { return s.keys.q.Len() + s.keys.q.Processing() })
	if s.hooks, err = webhook.NewServer(s.webhookOptions()); err != nil {
		return nil, err
	}
	s.m.WatchBodyBytes(s.hooks.BodyBytes)
	if s.sched, err = scheduler.New(cfg.Schedule, func(context.Context) { s.keys.add(tickKey, item{}) }, s.log); err != nil {
		return nil, err
	}
	return s, nil
}

// webhookOptions are the webhook's: deliveries become keys, and one
// turned away for lack of memory asks for a reconcile soon.
func (s *service) webhookOptions() webhook.ServerOptions {
	cfg := s.cfg
	return webhook.ServerOptions{
		Secrets: cfg.Secrets, Enqueue: s.keys.enqueue,
		BodyMemory: cfg.BodyMemory, BodyTimeout: cfg.BodyTimeout, PerSource: cfg.PerSource,
		AllowFrom: cfg.AllowFrom, TrustedProxies: cfg.TrustedProxies,
		Shed: func() {
			select {
			case s.shed <- struct{}{}:
			default:
			}
		},
		Observer: s.m, Logger: s.log,
	}
}

func (s *service) closeListeners() {
	s.ln.Close()
	if s.mln != nil {
		s.mln.Close()
	}
}

// serve starts answering HTTP: /livez at once, the webhook and /readyz
// once the service is ready.
func (s *service) serve() {
	s.srvs = serveAll(s.cfg, routes(s.hooks, s.m, &s.ready, s.mln == nil), s.ln, s.m, s.mln, s.log)
}

// start makes the doer (with credentials, the start-up clone), queues the
// start-up tick, starts the schedule, the workers and the reconciles
// between ticks, and says the service is ready.
func (s *service) start(ctx context.Context) (err error) {
	if s.doer, err = newDoer(ctx, s.cfg, s.m, s.keys); err != nil {
		return err
	}
	s.keys.add(tickKey, item{}) // one tick at start-up, then on the schedule
	s.sched.Start()
	s.workers = s.keys.start(s.cfg.Workers, s.doer)
	s.stopping = make(chan struct{})
	s.reconciles = make(chan struct{})
	go func() {
		defer close(s.reconciles)
		if s.doer.live() {
			reconcileBetweenTicks(s.cfg, s.log, s.keys, s.shed, s.stopping)
		}
	}()
	s.ready.Store(true)
	cfg := s.cfg
	s.log.Info("connectbot serving", "addr", s.ln.Addr().String(), "metrics_addr", s.srvs.metricsAddr(), "credentials", cfg.Credentials.String(),
		"repository", cfg.GitHub.Repo, "repo", cfg.RepoDir, "schedule", cfg.Schedule, "next_tick", s.sched.Next(),
		"reconcile_every", cfg.ReconcileEvery.String(), "allowed_ranges", len(cfg.AllowFrom), "trusted_proxies", len(cfg.TrustedProxies))
	return nil
}

// wait waits for ctx to end, or for a server to stop by itself, which it
// returns as ErrServerStopped.
func (s *service) wait(ctx context.Context) error {
	select {
	case <-ctx.Done():
		s.log.Info("stopping: no new deliveries; finishing the work under way and the queue", "grace", s.cfg.Grace.String())
		return nil
	case err := <-s.srvs.served:
		s.log.Error("the server stopped", "err", err)
		return fmt.Errorf("%w: %w", ErrServerStopped, err)
	}
}

// stop stops gracefully: deliveries are answered 503 and no reconcile is
// queued any more, while the running tick and the work queued get
// cfg.Grace to finish; then the servers shut down.
func (s *service) stop() {
	s.ready.Store(false)
	s.hooks.Close()
	close(s.stopping)
	<-s.reconciles
	stopCtx, cancel := context.WithTimeout(context.Background(), s.cfg.Grace)
	defer cancel()
	s.sched.Stop(s.cfg.Grace)
	if err := s.keys.stop(stopCtx, s.workers); err != nil {
		s.log.Warn("stopped before the queue was drained", "err", err)
	}
	s.srvs.shutdown(stopCtx)
	s.log.Info("connectbot stopped")
}

// reconcileBetweenTicks queues a reconcile every cfg.ReconcileEvery
// (never when 0), and cfg.ReconcileAfterShed after shed is signalled (the
// webhook turned a delivery away for lack of memory) — one for every
// signal until it is queued — until stopping is closed.
func reconcileBetweenTicks(cfg Config, log *slog.Logger, keys *keyQueue, shed <-chan struct{}, stopping <-chan struct{}) {
	var every, soon <-chan time.Time // nil: never
	if cfg.ReconcileEvery > 0 {
		t := time.NewTicker(cfg.ReconcileEvery)
		defer t.Stop()
		every = t.C
	}
	after := cfg.ReconcileAfterShed
	if after <= 0 {
		after = DefaultReconcileAfterShed
	}
	for {
		select {
		case <-stopping:
			return
		case <-shed:
			if soon == nil {
				soon = time.After(after)
			}
			continue
		case <-every:
		case <-soon:
			log.Info("reconciling: the webhook turned deliveries away for lack of room", "after", after.String())
		}
		soon = nil // this pass makes good what they asked
		keys.add(reconcileKey, item{})
	}
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
		t.m.ActionDone(string(a.Kind), metrics.StatusDryRun)
	}
	t.log.Info("tick planned", "now", plan.Now.String(), "actions", len(plan.Actions))
	return nil
}

// forOtherRepository reports whether ev names a repository other than
// the one configured ("" accepts any).
func forOtherRepository(ev webhook.Event, repo string) bool {
	return repo != "" && ev.Repo != "" && !strings.EqualFold(ev.Repo, repo)
}

// serviceDoer does the keys' work: a dry run's, or a live one's.
type serviceDoer interface {
	doer
	// live is true when it acts on GitHub (and so reconciles).
	live() bool
	close()
}

// newDoer is, without credentials, the dry run's doer; with them, the
// live one, which clones the repository first.
func newDoer(ctx context.Context, cfg Config, m *metrics.Metrics, keys *keyQueue) (serviceDoer, error) {
	log := cfg.Logger
	if cfg.Credentials.None() {
		return dryRunDoer{log: log, m: m, ticks: &tickRunner{ticker: planTicker{plan: cfg.Plan, log: log, m: m}, log: log, m: m}}, nil
	}
	p, err := newLiveProcessor(ctx, cfg, m, keys)
	if err != nil {
		return nil, err
	}
	p.ticks = &tickRunner{ticker: liveTicker{p: p, budget: cfg.Budget}, log: log, m: m}
	return p, nil
}

// dryRunDoer logs what each key's work would make connectbot do; it
// never calls GitHub.
type dryRunDoer struct {
	log   *slog.Logger
	m     *metrics.Metrics
	ticks *tickRunner
}

func (d dryRunDoer) close() {}

func (d dryRunDoer) live() bool { return false }

func (d dryRunDoer) do(ctx context.Context, key dispatch.Key, it item) error {
	if key == tickKey {
		d.ticks.run(ctx)
		return nil
	}
	d.log.Info("would do", "key", key.String(), "kind", key.Kind, "recheck", it.work.Recheck, "commands", it.work.Commands)
	d.m.ActionDone(key.Kind, metrics.StatusDryRun)
	return nil
}
