package service

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/bradleyfalzon/ghinstallation/v2"

	"github.com/connectbot/connectbot/internal/apply"
	"github.com/connectbot/connectbot/internal/dispatch"
	"github.com/connectbot/connectbot/internal/gitrepo"
	"github.com/connectbot/connectbot/internal/issueform"
	"github.com/connectbot/connectbot/internal/metrics"
	"github.com/connectbot/connectbot/internal/pullrequest"
	"github.com/connectbot/connectbot/internal/tick"
	"github.com/connectbot/connectbot/internal/webhook"
)

// liveProcessor hands each delivery to the pull-request handler, one at a
// time, on a clone of the repository in a temporary directory.
type liveProcessor struct {
	cfg    Config
	client *http.Client // metered and, for an App, authenticating
	token  func(context.Context) (string, error)
	log    *slog.Logger
	m      *metrics.Metrics

	mu    sync.Mutex         // one event at a time: they share the clone and the sticky comments
	judge *pullrequest.Judge // what judging loaded, kept across events and clones
	// backlog orders each reconcile's pull requests, kept across clones.
	backlog *pullrequest.Backlog
	// reconciled is set once a reconcile has succeeded: /healthz is ready.
	reconciled atomic.Bool
	// failingSince is when each pull request the last reconcile could not
	// bring in line first failed. p.mu guards it.
	failingSince map[int]time.Time
	h            *pullrequest.Handler
	form         *issueform.Opener // over the handler's client and clone
	hToken       string
	repo         *gitrepo.Repo // the handler's clone, in a temporary directory
}

func newLiveProcessor(ctx context.Context, cfg Config, m *metrics.Metrics) (*liveProcessor, error) {
	base := http.DefaultTransport
	if cfg.HTTPClient != nil && cfg.HTTPClient.Transport != nil {
		base = cfg.HTTPClient.Transport
	}
	metered := m.Transport(base)
	p := &liveProcessor{cfg: cfg, log: cfg.Logger, m: m, judge: pullrequest.NewJudge(), backlog: pullrequest.NewBacklog()}
	p.client = &http.Client{Transport: metered}
	creds := cfg.Credentials
	if creds.AppID != 0 {
		itr, err := ghinstallation.New(metered, creds.AppID, creds.InstallationID, creds.Key)
		if err != nil {
			return nil, fmt.Errorf("GitHub App: %w", err)
		}
		itr.BaseURL = strings.TrimSuffix(cfg.GitHub.APIURL, "/")
		p.client = &http.Client{Transport: itr}
		p.token = itr.Token
	} else {
		p.token = func(context.Context) (string, error) { return creds.Token, nil }
	}
	// Clone now, so that wrong credentials stop the service at once.
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
	// On disk: a pull request's objects cost disk, not memory.
	client, repo, err := p.cfg.GitHub.Connect(ctx, token, true, p.client)
	if err != nil {
		return nil, err
	}
	p.close()
	opts := HandlerOptions{Out: io.Discard, Now: p.cfg.Now, Holder: p.cfg.Holder, Loader: p.judge.Loader}
	p.h, p.form = p.cfg.GitHub.Handler(client, repo, opts), p.cfg.GitHub.Opener(client, repo, opts)
	p.hToken, p.repo = token, repo
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
	p.h, p.form, p.repo = nil, nil, nil
}

func (p *liveProcessor) process(ctx context.Context, delivery string, ev webhook.Event) error {
	log := p.log.With("delivery", delivery, "event", ev.Kind, "repo", ev.Repo)
	if forOtherRepository(ev, p.cfg.GitHub.Repo) {
		log.Warn("not for this program's repository; nothing to do", "repository", p.cfg.GitHub.Repo)
		return nil
	}
	kind, _ := dispatch.Route(ev)
	p.mu.Lock()
	defer p.mu.Unlock()
	h, err := p.handler(ctx)
	if err != nil {
		p.m.ActionDone(kind, metrics.StatusFailed)
		return err
	}
	h.Log = log
	done, err := dispatch.Handle(ctx, h, p.form, ev)
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

// liveTicker carries out the plan of a tick through GitHub, on a fresh
// clone, with a token read when the tick starts.
type liveTicker struct {
	p      *liveProcessor
	budget int
}

func (t liveTicker) Tick(ctx context.Context) error {
	p := t.p
	when := p.cfg.Now() // the clock, read once for the whole tick
	token, err := p.token(ctx)
	if err != nil {
		return fmt.Errorf("GitHub token: %w", err)
	}
	client, repo, err := p.cfg.GitHub.Connect(ctx, token, true, p.client)
	if err != nil {
		return err
	}
	defer repo.Close() // the tick's clone, in a temporary directory
	r := p.cfg.GitHub.TickRunner(client, repo, t.budget, func() time.Time { return when }, p.judge.Loader)
	r.Log = p.log
	// One tick at a time across every connectbot on the repository.
	lease, err := repo.AcquireLease(ctx, "tick", p.cfg.Holder, 30*time.Minute, time.Now())
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
	if n := len(s.Failed); n == 1 {
		return errors.New("1 action failed; the next tick tries again")
	} else if n > 1 {
		return fmt.Errorf("%d actions failed; the next tick tries again", n)
	}
	return nil
}

// reconcileBetweenTicks reconciles from the end of the first tick (which
// reconciles at start-up) until stopping is closed: every
// cfg.ReconcileEvery (never when 0), and cfg.ReconcileAfterShed after shed
// is signalled (the webhook turned a delivery away for lack of room) — one
// reconcile for every signal until it runs, none when a periodic one runs
// first. A pass under way runs on ctx.
func (p *liveProcessor) reconcileBetweenTicks(ctx context.Context, cfg Config, shed <-chan struct{}, firstTick, stopping <-chan struct{}) {
	select {
	case <-firstTick:
	case <-stopping:
		return
	}
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
			p.log.Info("reconciling: the webhook turned deliveries away for lack of room", "after", after.String())
		}
		soon = nil // this pass makes good what they asked
		if err := p.reconcile(ctx); err != nil {
			p.log.Error("reconcile failed", "err", err)
		}
	}
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
	h.ReconcileBudget, h.Backlog = p.cfg.ReconcileBudget, p.backlog
	done, err := h.Reconcile(ctx, p.cfg.GitHub.Base)
	examined, repaired, skipped, failed := 0, 0, 0, 0
	now := time.Now()
	failing := map[int]time.Time{}
	var oldest time.Duration
	for _, r := range done {
		if r.Skipped == "" || len(r.Repaired) > 0 || r.Err != nil {
			examined++
		}
		switch {
		case r.Skipped != "" && len(r.Repaired) == 0 && r.Err == nil:
			skipped++
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
		if len(r.Repaired) > 0 || r.Err != nil || r.Skipped != "" {
			p.log.Info("reconciled", "pr", r.Number, "repaired", strings.Join(r.Repaired, "; "), "skipped", r.Skipped, "err", errString(r.Err))
		}
		p.m.ActionDone("reconcile", reconcileStatus(r))
	}
	p.failingSince = failing
	p.m.Reconciled(examined, repaired, skipped, failed, oldest)
	if err != nil {
		return fmt.Errorf("reconcile: %w", err)
	}
	p.log.Info("reconcile done", "pull_requests", len(done), "repaired", repaired, "skipped", skipped)
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
	case r.Skipped != "":
		return metrics.StatusSkipped
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
