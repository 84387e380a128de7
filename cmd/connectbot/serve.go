package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/bradleyfalzon/ghinstallation/v2"

	"github.com/connectbot/connectbot/internal/apply"
	"github.com/connectbot/connectbot/internal/gitrepo"
	"github.com/connectbot/connectbot/internal/metrics"
	"github.com/connectbot/connectbot/internal/pullrequest"
	"github.com/connectbot/connectbot/internal/scheduler"
	"github.com/connectbot/connectbot/internal/tick"
	"github.com/connectbot/connectbot/internal/webhook"
)

const serveSynopsis = "serve [--addr HOST:PORT] [--repo DIR] [--schedule SPEC] [--installs recorded|URL] [--budget N] [--queue N] [--workers N] [--grace DURATION]"

// runServe runs connectbot as a service: the webhook endpoint, scheduled
// ticks, health and metrics, until SIGTERM or SIGINT.
func runServe(e *env, args []string) int {
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, os.Interrupt)
	defer stop()
	return serve(ctx, e, args, nil)
}

// serveConfig is what serve is told by its flags and its environment.
type serveConfig struct {
	addr, repo, schedule, installs string
	queue, workers, budget         int
	grace                          time.Duration

	// secrets are CONNECTBOT_WEBHOOK_SECRET's, comma-separated.
	secrets [][]byte
	// creds are GitHub credentials; none means dry-run mode.
	creds credentials
	// github is where the repository lives; it is complete only with
	// credentials. Its repo is "" when CONNECTBOT_REPOSITORY is unset.
	github actionSettings
}

// credentials are a token, or a GitHub App installation.
type credentials struct {
	token                 string
	appID, installationID int64
	keyFile               string
}

func (c credentials) none() bool { return c.token == "" && c.appID == 0 }

func (c credentials) String() string {
	switch {
	case c.appID != 0:
		return fmt.Sprintf("GitHub App %d, installation %d", c.appID, c.installationID)
	case c.token != "":
		return "GITHUB_TOKEN"
	}
	return "none (dry run)"
}

// serveFlags declares serve's flags on fs.
func serveFlags(fs *flag.FlagSet) func() serveConfig {
	addr := fs.String("addr", ":8080", "listen on this address")
	repo := fs.String("repo", ".", "without GitHub credentials: the local checkout whose plan each tick logs")
	schedule := fs.String("schedule", scheduler.DefaultSpec, "when ticks run: cron syntax (five fields) or a descriptor like @hourly")
	installs := fs.String("installs", "", `install counts for the plan: "recorded" or a source URL; default: program.cue's installsSource`)
	queue := fs.Int("queue", webhook.DefaultQueueSize, "deliveries acknowledged and waiting to be processed, at most; beyond it GitHub is answered 503")
	workers := fs.Int("workers", webhook.DefaultWorkers, "deliveries processed at once (with credentials, events reach GitHub one at a time)")
	budget := fs.Int("budget", 50, "with GitHub credentials: most actions one tick carries out; the rest wait for the next")
	grace := fs.Duration("grace", 25*time.Second, "on stop, how long a running tick and the queued deliveries may take")
	return func() serveConfig {
		return serveConfig{addr: *addr, repo: *repo, schedule: *schedule, installs: *installs, queue: *queue, workers: *workers, budget: *budget, grace: *grace}
	}
}

// serveSettings completes cfg from the environment and checks it all.
func serveSettings(cfg serveConfig, getenv func(string) string) (serveConfig, error) {
	if _, err := scheduler.ParseSpec(cfg.schedule); err != nil {
		return cfg, fmt.Errorf("--schedule: %v", err)
	}
	if cfg.queue < 1 || cfg.workers < 1 || cfg.budget < 1 {
		return cfg, errors.New("--queue, --workers and --budget must be at least 1")
	}
	if cfg.grace < 0 {
		return cfg, errors.New("--grace must not be negative")
	}
	for _, s := range strings.Split(getenv("CONNECTBOT_WEBHOOK_SECRET"), ",") {
		if s = strings.TrimSpace(s); s != "" {
			cfg.secrets = append(cfg.secrets, []byte(s))
		}
	}
	if len(cfg.secrets) == 0 {
		return cfg, errors.New("CONNECTBOT_WEBHOOK_SECRET is not set: the webhook secret is required (several, comma-separated, while rotating)")
	}

	appID, keyFile, instID := getenv("CONNECTBOT_APP_ID"), getenv("CONNECTBOT_APP_PRIVATE_KEY_FILE"), getenv("CONNECTBOT_INSTALLATION_ID")
	if appID != "" || keyFile != "" || instID != "" {
		// An App's installation tokens take precedence over GITHUB_TOKEN.
		for name, v := range map[string]string{"CONNECTBOT_APP_ID": appID, "CONNECTBOT_APP_PRIVATE_KEY_FILE": keyFile, "CONNECTBOT_INSTALLATION_ID": instID} {
			if v == "" {
				return cfg, fmt.Errorf("%s is not set: a GitHub App needs CONNECTBOT_APP_ID, CONNECTBOT_APP_PRIVATE_KEY_FILE and CONNECTBOT_INSTALLATION_ID", name)
			}
		}
		var err error
		if cfg.creds.appID, err = positiveID("CONNECTBOT_APP_ID", appID); err != nil {
			return cfg, err
		}
		if cfg.creds.installationID, err = positiveID("CONNECTBOT_INSTALLATION_ID", instID); err != nil {
			return cfg, err
		}
		cfg.creds.keyFile = keyFile
	} else {
		cfg.creds.token = getenv("GITHUB_TOKEN")
	}

	g := actionSettings{
		repo: getenv("CONNECTBOT_REPOSITORY"), token: cfg.creds.token,
		apiURL: getenv("GITHUB_API_URL"), serverURL: getenv("GITHUB_SERVER_URL"),
		botLogin: getenv("CONNECTBOT_BOT_LOGIN"), base: getenv("CONNECTBOT_BASE_BRANCH"),
	}
	if g.repo == "" && !cfg.creds.none() {
		return cfg, errors.New("CONNECTBOT_REPOSITORY is not set: with GitHub credentials, name the program's repository as owner/name")
	}
	if g.repo != "" {
		var ok bool
		if g.owner, g.name, ok = strings.Cut(g.repo, "/"); !ok || g.owner == "" || g.name == "" || strings.Contains(g.name, "/") {
			return cfg, fmt.Errorf("CONNECTBOT_REPOSITORY %q is not owner/name", g.repo)
		}
	}
	if g.apiURL == "" {
		g.apiURL = "https://api.github.com"
	}
	if g.serverURL == "" {
		g.serverURL = "https://github.com"
	}
	if g.botLogin == "" {
		g.botLogin = "connectbot[bot]"
	}
	if g.base == "" {
		g.base = "main"
	}
	cfg.github = g
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
	if ln == nil {
		if ln, err = net.Listen("tcp", cfg.addr); err != nil {
			return e.failf(exitCantRun, "serve: %v", err)
		}
	}
	fail := func(err error) int {
		ln.Close()
		return e.failf(exitCantRun, "serve: %v", err)
	}
	log := slog.New(slog.NewJSONHandler(e.stderr, nil))
	m := metrics.New(metrics.Options{EventKinds: slices.Concat(webhook.Kinds, []string{webhook.KindOther}), RejectReasons: webhook.RejectReasons})

	process := dryRunProcessor{repo: cfg.github.repo, log: log, m: m}.process
	var live *liveProcessor
	if !cfg.creds.none() {
		if live, err = newLiveProcessor(ctx, e, cfg, log, m); err != nil {
			return fail(err)
		}
		process = live.process
		defer live.close() // after the queue has drained: removes the clone
	}
	var tk ticker = planTicker{flags: planFlags(cfg), e: e, log: log, m: m}
	if live != nil {
		tk = live.ticker(cfg.budget)
	}
	ticks := &tickRunner{ticker: tk, log: log, m: m}
	sched, err := scheduler.New(cfg.schedule, ticks.run, log)
	if err != nil {
		return fail(err)
	}
	hooks, err := webhook.NewServer(webhook.ServerOptions{
		Secrets: cfg.secrets, Process: process, QueueSize: cfg.queue, Workers: cfg.workers,
		Observer: m, Logger: log,
	})
	if err != nil {
		return fail(err)
	}

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
	srv := &http.Server{
		Handler:           mux,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      30 * time.Second,
		IdleTimeout:       2 * time.Minute,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
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
	log.Info("connectbot serving", "addr", ln.Addr().String(), "credentials", cfg.creds.String(),
		"repository", cfg.github.repo, "repo", cfg.repo, "schedule", cfg.schedule, "next_tick", sched.Next())

	code := exitOK
	select {
	case <-ctx.Done():
		log.Info("stopping: no new deliveries; finishing the running tick and the queue", "grace", cfg.grace.String())
	case err := <-served:
		log.Error("the server stopped", "err", err)
		code = exitCantRun
	}
	stopCtx, cancel := context.WithTimeout(context.Background(), cfg.grace)
	defer cancel()
	if err := srv.Shutdown(stopCtx); err != nil {
		srv.Close()
	}
	var wg sync.WaitGroup
	wg.Go(func() { sched.Stop(cfg.grace) })
	wg.Go(func() {
		select {
		case <-firstTick:
		case <-stopCtx.Done():
			cancelTicks()
			<-firstTick
		}
	})
	wg.Go(func() {
		if err := hooks.Shutdown(stopCtx); err != nil {
			log.Warn("stopped before the queue was drained", "err", err)
		}
	})
	wg.Wait()
	log.Info("connectbot stopped")
	return code
}

// planFlags are the flags the plan of a tick is decided with.
func planFlags(cfg serveConfig) *programFlags {
	return &programFlags{repo: &cfg.repo, installs: &cfg.installs}
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
	flags *programFlags
	e     *env
	log   *slog.Logger
	m     *metrics.Metrics
}

func (t planTicker) Tick(context.Context) error {
	_, plan, _, err := t.flags.decide(t.e)
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

// route says what dispatch does with ev, without doing it: a kind for
// metrics and a sentence for the log. TestRouteAgreesWithDispatch keeps
// the two in step.
func route(ev webhook.Event) (kind, what string) {
	switch {
	case ev.Kind == webhook.KindPullRequest && isOneOf(ev.Action, "opened", "synchronize", "reopened", "edited", "ready_for_review"),
		ev.Kind == webhook.KindReview && isOneOf(ev.Action, "submitted", "edited", "dismissed"),
		isRerun(ev) && ev.IsPullRequest:
		return "judge-pull-request", fmt.Sprintf("judge pull request #%d at its head: one comment, the check, labels, and the merge if an authorised reviewer approved", ev.Number)
	case isRerun(ev):
		return "judge-pull-requests-at-head", fmt.Sprintf("find the open pull requests whose head is %s (GitHub names none for a fork's) and judge each", ev.HeadSHA)
	case ev.Kind == webhook.KindPush:
		return "base-moved", fmt.Sprintf("%s moved to %s: judge again every open pull request into it whose verdict names an older tip", ev.Ref, ev.After)
	case ev.Kind == webhook.KindComment && ev.Action == "created" && ev.IsPullRequest && ev.Comment != nil:
		return "comment-command", fmt.Sprintf("read @%s's comment on pull request #%d and answer a /connectbot command in it", ev.Comment.Author, ev.Number)
	}
	return "none", fmt.Sprintf("%s %s: nothing to do", ev.Kind, ev.Action)
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
	kind, what := route(ev)
	log.Info("would do", "kind", kind, "action", ev.Action, "what", what)
	p.m.ActionDone(kind, metrics.StatusDryRun)
	return nil
}

// liveProcessor hands each delivery to the pull-request handler, one at a
// time, on an in-memory clone of the repository.
type liveProcessor struct {
	cfg   serveConfig
	e     *env // with the metered (and, for an App, authenticating) client
	token func(context.Context) (string, error)
	log   *slog.Logger
	m     *metrics.Metrics

	mu    sync.Mutex         // one event at a time: they share the clone and the sticky comments
	judge *pullrequest.Judge // what judging loaded, kept across events and clones
	// reconciled is set once a reconcile has succeeded: /healthz is ready.
	reconciled atomic.Bool
	// failingSince is when each pull request the last reconcile could not
	// bring in line first failed. p.mu guards it.
	failingSince map[int]time.Time
	h            *pullrequest.Handler
	hToken       string
	repo         *gitrepo.Repo // the handler's clone, in a temporary directory
}

func newLiveProcessor(ctx context.Context, e *env, cfg serveConfig, log *slog.Logger, m *metrics.Metrics) (*liveProcessor, error) {
	base := http.DefaultTransport
	if e.httpClient != nil && e.httpClient.Transport != nil {
		base = e.httpClient.Transport
	}
	metered := m.Transport(base)
	p := &liveProcessor{cfg: cfg, log: log, m: m, judge: pullrequest.NewJudge()}
	client := &http.Client{Transport: metered}
	if cfg.creds.appID != 0 {
		itr, err := ghinstallation.NewKeyFromFile(metered, cfg.creds.appID, cfg.creds.installationID, cfg.creds.keyFile)
		if err != nil {
			return nil, fmt.Errorf("GitHub App: %w", err)
		}
		itr.BaseURL = strings.TrimSuffix(cfg.github.apiURL, "/")
		client = &http.Client{Transport: itr}
		p.token = itr.Token
	} else {
		token := cfg.creds.token
		p.token = func(context.Context) (string, error) { return token, nil }
	}
	ee := *e
	ee.httpClient, ee.stdout = client, io.Discard
	p.e = &ee
	// Clone now, so that wrong credentials stop serve at once.
	startCtx, cancel := context.WithTimeout(ctx, 5*time.Minute)
	defer cancel()
	if _, err := p.handler(startCtx); err != nil {
		return nil, err
	}
	return p, nil
}

// handler returns the pull-request handler, cloning the repository again
// when the token has changed (installation tokens last an hour, and the
// clone keeps the token it was made with). p.mu must be held.
func (p *liveProcessor) handler(ctx context.Context) (*pullrequest.Handler, error) {
	token, err := p.token(ctx)
	if err != nil {
		return nil, fmt.Errorf("GitHub token: %w", err)
	}
	if p.h != nil && token == p.hToken {
		return p.h, nil
	}
	g := p.cfg.github
	g.token, g.onDisk = token, true // on disk: a pull request's objects cost disk, not memory
	client, repo, err := g.connect(ctx, p.e, false)
	if err != nil {
		return nil, err
	}
	p.close()
	p.h, p.hToken, p.repo = g.handlerFor(client, repo, p.e, false), token, repo
	p.h.Judge = p.judge
	return p.h, nil
}

// close removes the handler's clone. p.mu must be held, or no event be
// running.
func (p *liveProcessor) close() {
	if p.repo == nil {
		return
	}
	if err := p.repo.Close(); err != nil {
		p.log.Warn("removing the clone", "err", err)
	}
	p.h, p.repo = nil, nil
}

func (p *liveProcessor) process(ctx context.Context, delivery string, ev webhook.Event) error {
	log := p.log.With("delivery", delivery, "event", ev.Kind, "repo", ev.Repo)
	if forOtherRepository(ev, p.cfg.github.repo) {
		log.Warn("not for this program's repository; nothing to do", "repository", p.cfg.github.repo)
		return nil
	}
	kind, _ := route(ev)
	p.mu.Lock()
	defer p.mu.Unlock()
	h, err := p.handler(ctx)
	if err != nil {
		p.m.ActionDone(kind, metrics.StatusFailed)
		return err
	}
	h.Log = log
	done, err := dispatch(ctx, h, ev)
	for _, d := range done {
		log.Info("done", "kind", kind, "what", d)
	}
	if err != nil {
		p.m.ActionDone(kind, metrics.StatusFailed)
		return err
	}
	p.m.ActionDone(kind, metrics.StatusDone)
	return nil
}

// ticker returns the tick of the live mode: the tick runner on a fresh
// clone, acting through GitHub with a token read when the tick starts.
func (p *liveProcessor) ticker(budget int) ticker {
	return liveTicker{p: p, budget: budget}
}

// liveTicker carries out the plan of a tick through GitHub.
type liveTicker struct {
	p      *liveProcessor
	budget int
}

func (t liveTicker) Tick(ctx context.Context) error {
	p := t.p
	when := p.e.now() // the clock, read once for the whole tick
	token, err := p.token(ctx)
	if err != nil {
		return fmt.Errorf("GitHub token: %w", err)
	}
	g := github{token: token, owner: p.cfg.github.owner, name: p.cfg.github.name,
		apiURL: p.cfg.github.apiURL, serverURL: p.cfg.github.serverURL, base: p.cfg.github.base, onDisk: true}
	r, err := g.runner(ctx, p.e, t.budget, func() time.Time { return when })
	if err != nil {
		return err
	}
	if c, ok := r.Git.(io.Closer); ok {
		defer c.Close() // the tick's clone, in a temporary directory
	}
	r.Log = p.log
	if repo, ok := r.Git.(*gitrepo.Repo); ok {
		// One tick at a time across every connectbot on the repository.
		lease, err := repo.AcquireLease(ctx, "tick", holderName(p.e.getenv), 30*time.Minute, time.Now())
		if errors.Is(err, gitrepo.ErrLeaseHeld) {
			// Its plan is the other's to carry out; the pull requests are
			// reconciled all the same (they take turns on each).
			p.log.Info("another connectbot is running a tick: this one only reconciles", "why", err.Error())
			return p.reconcile(ctx)
		}
		if err != nil {
			return err
		}
		defer lease.Release(context.WithoutCancel(ctx))
	}
	s, err := r.Run(ctx, when)
	for _, x := range s.Results {
		status := tickStatus(x)
		p.log.Info("tick action", "kind", x.Kind, "slug", x.Slug, "status", x.Status, "detail", x.Detail, "pr", x.PR)
		p.m.ActionDone(x.Kind, status)
	}
	if err != nil {
		return err
	}
	p.log.Info("tick carried out", "now", s.Now.String(), "actions", len(s.Actions), "results", len(s.Results), "skipped_applications", len(s.Skipped))
	if err := p.reconcile(ctx); err != nil {
		return err
	}
	if len(s.Failed) > 0 {
		return fmt.Errorf("%s failed; the next tick tries again", count(len(s.Failed), "action"))
	}
	return nil
}

// reconcile makes every open pull request show what the rules say now,
// after each tick (the first at start-up), one event at a time with the
// deliveries; once one has succeeded, /healthz answers ready.
func (p *liveProcessor) reconcile(ctx context.Context) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	h, err := p.handler(ctx)
	if err != nil {
		return err
	}
	h.Log = p.log
	done, err := h.Reconcile(ctx, p.cfg.github.base)
	repaired, failed := 0, 0
	now := time.Now()
	failing := map[int]time.Time{}
	var oldest time.Duration
	for _, r := range done {
		switch {
		case r.Err != nil:
			failed++
			since, ok := p.failingSince[r.Number]
			if !ok {
				since = now
			}
			failing[r.Number] = since
			oldest = max(oldest, now.Sub(since))
		case len(r.Repaired) > 0:
			repaired++
		}
		if len(r.Repaired) > 0 || r.Err != nil {
			p.log.Info("reconciled", "pr", r.Number, "repaired", strings.Join(r.Repaired, "; "), "err", errString(r.Err))
		}
		p.m.ActionDone("reconcile", reconcileStatus(r))
	}
	p.failingSince = failing
	p.m.Reconciled(len(done), repaired, failed, oldest)
	if err != nil {
		return fmt.Errorf("reconcile: %w", err)
	}
	p.log.Info("reconcile done", "pull_requests", len(done), "repaired", repaired)
	p.reconciled.Store(true)
	return nil
}

// reconcileStatus maps a reconciled pull request onto the metrics'
// statuses.
func reconcileStatus(r pullrequest.Reconciled) string {
	switch {
	case r.Err != nil:
		return metrics.StatusFailed
	case len(r.Repaired) > 0:
		return metrics.StatusDone
	}
	return metrics.StatusAlreadyDone
}

func errString(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}

// tickStatus maps a tick result onto the metrics' statuses.
func tickStatus(x tick.Result) string {
	switch {
	case x.Status == apply.Done:
		return metrics.StatusDone
	case x.Status == apply.AlreadyDone:
		return metrics.StatusAlreadyDone
	case x.Status == apply.Failed:
		return metrics.StatusFailed
	}
	return metrics.StatusSkipped
}
