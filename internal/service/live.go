package service

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/bradleyfalzon/ghinstallation/v2"

	"github.com/connectbot/connectbot/internal/apply"
	"github.com/connectbot/connectbot/internal/dispatch"
	"github.com/connectbot/connectbot/internal/forge"
	"github.com/connectbot/connectbot/internal/gitrepo"
	"github.com/connectbot/connectbot/internal/issueform"
	"github.com/connectbot/connectbot/internal/metrics"
	"github.com/connectbot/connectbot/internal/pullrequest"
	"github.com/connectbot/connectbot/internal/tick"
)

// liveProcessor does each key's work through GitHub: a pull request's,
// an application form's, a moved branch's with the pull-request handler,
// one at a time, on a clone of the repository in a temporary directory; a
// tick on a clone of its own; a reconcile by queueing every open pull
// request's key.
type liveProcessor struct {
	cfg    Config
	keys   *keyQueue
	ticks  *tickRunner
	client *http.Client // metered and, for an App, authenticating
	token  func(context.Context) (string, error)
	log    *slog.Logger
	m      *metrics.Metrics

	mu    sync.Mutex         // one piece of work at a time: they share the clone and the sticky comments
	judge *pullrequest.Judge // what judging loaded, kept across events and clones
	// backlog orders each reconcile's pull requests, kept across clones.
	backlog *pullrequest.Backlog
	// settled are the pull requests found settled, and listed the open
	// ones as the last reconcile listed them, kept across clones: a key
	// a reconcile queued, and no delivery, is left alone when nothing is
	// new on it since. p.mu guards listed.
	settled *pullrequest.Settled
	listed  map[int]forge.PR
	// failingSince is when each pull request whose work failed first
	// failed, until its work succeeds. p.mu guards it.
	failingSince map[int]time.Time
	// checked is when the clone's growth was last counted. p.mu guards it.
	checked time.Time
	// grown is the clone's growth as last counted, and forge the
	// handler's client, for the gauges of what the service holds.
	grown atomic.Pointer[gitrepo.Growth]
	forge atomic.Pointer[forge.Client]
	// passMu guards passing, set while a reconcile's pull requests are
	// worked on, and again, set when another was asked for meanwhile: one
	// pass at a time, so a pass is done when the work it queued is.
	passMu  sync.Mutex
	passing bool
	again   bool
	h       *pullrequest.Handler
	form    *issueform.Opener // over the handler's client and clone
	hToken  string
	repo    *gitrepo.Repo // the handler's clone, in a temporary directory
}

func newLiveProcessor(ctx context.Context, cfg Config, m *metrics.Metrics, keys *keyQueue) (*liveProcessor, error) {
	base := http.DefaultTransport
	if cfg.HTTPClient != nil && cfg.HTTPClient.Transport != nil {
		base = cfg.HTTPClient.Transport
	}
	metered := m.Transport(base)
	p := &liveProcessor{cfg: cfg, keys: keys, log: cfg.Logger, m: m, judge: pullrequest.NewJudge(), backlog: pullrequest.NewBacklog(),
		settled: pullrequest.NewSettled(), failingSince: map[int]time.Time{}}
	p.client = &http.Client{Transport: metered}
	m.WatchHeld(p.held)
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
	if p.cfg.GitHub.Base == "" {
		// The start-up clone, before any other work: with no base
		// configured, the program lives on the repository's default branch.
		if p.cfg.GitHub, err = p.cfg.GitHub.WithBase(repo); err != nil {
			repo.Close()
			return nil, err
		}
	}
	p.close()
	opts := HandlerOptions{Out: io.Discard, Now: p.cfg.Now, Holder: p.cfg.Holder, Loader: p.judge.Loader}
	p.h, p.form = p.cfg.GitHub.Handler(client, repo, opts), p.cfg.GitHub.Opener(client, repo, opts)
	p.hToken, p.repo = token, repo
	p.forge.Store(client)
	return p.h, nil
}

// held is what the service holds that could grow with its uptime, for
// the gauges: read without p.mu, so that a scrape never waits on work.
func (p *liveProcessor) held() metrics.Held {
	h := metrics.Held{Loader: p.judge.Loader.Sizes(), Settled: p.settled.Len()}
	if g := p.grown.Load(); g != nil {
		h.ClonePacks, h.CloneLoose = g.Packs, g.Loose
	}
	if c := p.forge.Load(); c != nil {
		h.RequestCacheEntries, h.RequestCacheBytes = c.CacheSize()
	}
	return h
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

func (p *liveProcessor) live() bool { return true }

// do does one key's work.
func (p *liveProcessor) do(ctx context.Context, key dispatch.Key, it item) error {
	switch key {
	case tickKey:
		p.ticks.run(ctx)
		return nil
	case reconcileKey:
		return p.reconcile(ctx)
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	defer p.maintain()
	h, err := p.handler(ctx)
	if err != nil {
		p.m.ActionDone(key.Kind, metrics.StatusFailed)
		return err
	}
	log := p.log.With("key", key.String())
	h.Log = log
	if key.Kind == dispatch.KeyPullRequest {
		return p.bring(ctx, h, log, key.Number, it)
	}
	done, err := dispatch.Do(ctx, h, p.form, key, it.work)
	for _, d := range done {
		log.Info("done", "kind", key.Kind, "what", d)
	}
	if err != nil {
		p.m.ActionDone(key.Kind, metrics.StatusFailed)
		return err
	}
	p.m.ActionDone(key.Kind, metrics.StatusDone)
	return nil
}

// bring brings pull request number in line: judged, and its commands
// answered when a comment or a reconcile asks. Work a reconcile queued,
// and no delivery asked for, waits for the next one once the reconcile's
// budget is spent. p.mu must be held.
func (p *liveProcessor) bring(ctx context.Context, h *pullrequest.Handler, log *slog.Logger, number int, it item) error {
	room, commands := math.MaxInt, it.work.Commands
	if it.pass != nil {
		var left bool
		if room, left = it.pass.room(); !left && !it.delivered {
			it.pass.record(0, false, true)
			p.m.ActionDone("reconcile", metrics.StatusSkipped)
			return nil
		}
		commands = true
	}
	h.ReconcileBudget, h.Backlog, h.Settled = p.cfg.ReconcileBudget, p.backlog, p.settled
	if it.delivered {
		room = math.MaxInt
	}
	r, err := p.work(ctx, h, number, it, room, commands)
	if it.pass != nil {
		it.pass.record(len(r.Repaired), err != nil, false)
	}
	if len(r.Repaired) > 0 || err != nil {
		log.Info("done", "kind", dispatch.KeyPullRequest, "repaired", strings.Join(r.Repaired, "; "), "err", errString(err))
	}
	return p.account(number, it, r, err)
}

// work does pull request number's work. A key a reconcile queued, and
// no delivery, is left alone when nothing is new on the pull request
// since it was found settled (pullrequest.Handler.BringListed); a
// delivery is news, and its key is always judged. p.mu must be held.
func (p *liveProcessor) work(ctx context.Context, h *pullrequest.Handler, number int, it item, room int, commands bool) (pullrequest.Reconciled, error) {
	if listed, ok := p.listed[number]; ok && it.pass != nil && !it.delivered {
		return h.BringListed(ctx, listed, room)
	}
	r, _, err := h.Bring(ctx, number, it.work.Recheck, commands, room)
	return r, err
}

// account counts a pull request's work in the metrics, and when it failed
// first. A delivery's work counts as the delivery's kind; a reconcile's
// alone, as a reconcile's. p.mu must be held.
func (p *liveProcessor) account(number int, it item, r pullrequest.Reconciled, err error) error {
	kind, status := dispatch.KeyPullRequest, metrics.StatusDone
	if !it.delivered {
		kind, status = "reconcile", reconcileStatus(r)
	}
	if err != nil {
		if _, ok := p.failingSince[number]; !ok {
			p.failingSince[number] = time.Now()
		}
		p.m.ActionDone(kind, metrics.StatusFailed)
		return err
	}
	delete(p.failingSince, number)
	p.m.ActionDone(kind, status)
	return nil
}

// maintainEvery is how often, at most, the clone's growth is counted.
const maintainEvery = 10 * time.Second

// maintain forgets the clone's remote refs but the base's, and repacks it
// once it has grown past gitrepo's thresholds (gitrepo.Repo.Maintain),
// between pieces of work; it looks at most every maintainEvery. p.mu must
// be held.
func (p *liveProcessor) maintain() {
	if p.repo == nil || time.Since(p.checked) < maintainEvery {
		return
	}
	p.checked = time.Now()
	start := time.Now()
	// What a fetch tells GitHub it has is walked from every local ref:
	// only the base's is kept between pieces of work.
	if _, err := p.repo.ForgetRemoteRefs(p.cfg.GitHub.Base); err != nil {
		p.log.Warn("forgetting the clone's remote refs", "err", err)
	}
	g, repacked, err := p.repo.Maintain()
	p.grown.Store(&g)
	if err != nil {
		// A clone that cannot be repacked is replaced by a fresh one.
		p.log.Warn("repacking the clone failed: the next piece of work clones afresh", "err", err)
		p.close()
		return
	}
	if repacked {
		p.log.Info("repacked the clone", "packs", g.Packs, "loose_objects", g.Loose, "duration", time.Since(start).Round(time.Millisecond).String())
	}
}

// liveTicker carries out the plan of a tick through GitHub, on a fresh
// clone, with a token read when the tick starts.
type liveTicker struct {
	p      *liveProcessor
	budget int
}

func (t liveTicker) Tick(ctx context.Context) error {
	p := t.p
	// A reconcile follows every tick, whatever became of it: a tick that
	// failed (GitHub down, a lease it could not take) leaves no pull
	// request behind.
	defer p.keys.add(reconcileKey, item{})
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
	s, err := TickRun{Runner: r, Repo: repo, Holder: p.cfg.Holder}.Run(ctx, when)
	if errors.Is(err, gitrepo.ErrLeaseHeld) {
		// Its plan is the other's to carry out; the pull requests are
		// reconciled all the same (they take turns on each).
		p.log.Info("another connectbot is running a tick: this one only reconciles", "why", err.Error())
		return nil
	}
	for _, x := range s.Results {
		status := tickStatus(x)
		p.log.Info("tick action", "kind", x.Kind, "slug", x.Slug, "status", x.Status, "detail", x.Detail, "pr", x.PR)
		p.m.ActionDone(string(x.Kind), status)
	}
	if err != nil {
		return err
	}
	p.log.Info("tick carried out", "now", s.Now.String(), "actions", len(s.Actions), "results", len(s.Results), "skipped_applications", len(s.Skipped))
	if n := len(s.Failed); n == 1 {
		return errors.New("1 action failed; the next tick tries again")
	} else if n > 1 {
		return fmt.Errorf("%d actions failed; the next tick tries again", n)
	}
	return nil
}

// reconcile queues the key of every open pull request into the base,
// the one taken up longest ago first, for a pass whose writes its budget
// bounds; it holds the clone only to list them. Once every one has been
// worked on, the pass is counted and logged with how many pull requests
// remain over its budget, and if any do, the next reconcile is queued
// cfg.ReconcileAgain later: a large backlog (the start-up reconcile after
// a crash) is spread over as many passes as its budget needs.
func (p *liveProcessor) reconcile(ctx context.Context) error {
	p.passMu.Lock()
	if p.passing {
		p.again = true // queued when the pass under way is done
		p.passMu.Unlock()
		return nil
	}
	p.passing = true
	p.passMu.Unlock()
	p.mu.Lock()
	h, err := p.handler(ctx)
	var open []forge.PR
	if err == nil {
		h.Log, h.Backlog, h.Settled = p.log, p.backlog, p.settled
		p.recordMerged(ctx, h)
		open, err = h.Open(ctx, p.cfg.GitHub.Base)
		if c := p.forge.Load(); c != nil && err == nil {
			// Keep the answers of the pull requests open now, not of
			// every one seen since the start.
			c.KeepAnswersFor(len(open))
		}
		p.listed = map[int]forge.PR{}
		for _, pr := range open {
			p.listed[pr.Number] = pr
		}
	}
	p.mu.Unlock()
	if err != nil {
		p.m.Reconciled(0, 0, 0, 1, 0)
		p.passDone(0)
		return fmt.Errorf("reconcile: %w", err)
	}
	pass := newPass(p.cfg.ReconcileBudget, len(open))
	for _, pr := range open {
		if !p.keys.add(dispatch.Key{Kind: dispatch.KeyPullRequest, Number: pr.Number}, item{pass: pass}) {
			pass.settle() // stopping
		}
	}
	p.log.Info("reconcile queued", "pull_requests", len(open))
	go p.finish(pass, len(open))
	return nil
}

// recordMerged records on the base the stage changes of the approved pull
// requests GitHub merged there without them (RecordMerged), and logs what
// it did; a failure is logged, and the next reconcile tries again. p.mu
// must be held.
func (p *liveProcessor) recordMerged(ctx context.Context, h *pullrequest.Handler) {
	done, err := h.RecordMerged(ctx, p.cfg.GitHub.Base)
	for _, r := range done {
		for _, d := range r.Done {
			p.log.Info("done", "kind", "record-merged", "pr", r.Number, "what", d)
		}
	}
	if err != nil {
		p.log.Error("record the stage changes merged on GitHub", "err", err)
	}
}

// finish waits for a pass's pull requests, then counts and logs it and,
// when some remain over its budget, queues the next reconcile.
func (p *liveProcessor) finish(pass *pass, open int) {
	select {
	case <-pass.done:
	case <-p.keys.ctx.Done():
		return
	}

	pass.mu.Lock()
	examined, repaired, skipped, failed := pass.examined, pass.repaired, pass.skipped, pass.failed
	pass.mu.Unlock()
	p.mu.Lock()
	var oldest time.Duration
	for _, since := range p.failingSince {
		oldest = max(oldest, time.Since(since))
	}
	p.mu.Unlock()
	p.m.Reconciled(examined, repaired, skipped, failed, oldest)
	p.log.Info("reconcile done", "pull_requests", open, "repaired", repaired, "failed", failed, "remaining", skipped)
	p.passDone(skipped)
}

// passDone ends the pass in flight: another follows at once if one was
// asked for meanwhile, or cfg.ReconcileAgain later if pull requests
// remain over its budget.
func (p *liveProcessor) passDone(remaining int) {
	p.passMu.Lock()
	again := p.again
	p.passing, p.again = false, false
	p.passMu.Unlock()
	switch {
	case again:
		p.keys.add(reconcileKey, item{})
	case remaining > 0:
		after := p.cfg.ReconcileAgain
		if after <= 0 {
			after = DefaultReconcileAgain
		}
		p.log.Info(fmt.Sprintf("%d pull requests remain over the reconcile's budget: the next reconcile takes them up first", remaining), "after", after.String())
		p.keys.q.AddAfter(reconcileKey, item{}, after)
	}
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
