package service

import (
	"context"
	"fmt"
	"log/slog"
	"math"
	"runtime/debug"
	"sync"
	"sync/atomic"
	"time"

	"github.com/connectbot/connectbot/internal/dispatch"
	"github.com/connectbot/connectbot/internal/metrics"
	"github.com/connectbot/connectbot/internal/webhook"
	"github.com/connectbot/connectbot/internal/workqueue"
)

// Defaults for the work queue.
const (
	// DefaultWorkTimeout bounds one piece of work.
	DefaultWorkTimeout = 5 * time.Minute
	// DefaultReconcileAgain is how soon a reconcile that left pull
	// requests over its budget is followed by the next, until none remain.
	DefaultReconcileAgain = 30 * time.Second
)

// The keys of the scheduled work.
var (
	tickKey      = dispatch.Key{Kind: dispatch.KeyTick}
	reconcileKey = dispatch.Key{Kind: dispatch.KeyReconcile}
)

// item is what waits in the queue with a key: small and of fixed size, so
// that the queue's memory is its number of distinct keys.
type item struct {
	work dispatch.Work
	// delivered is true when a delivery asked for the work: it is done
	// whatever a reconcile's budget says.
	delivered bool
	// pass is the reconcile that queued the pull request, if one did.
	pass *pass
}

// mergeItems is the work of both additions of one key. One reconcile
// runs at a time, and queues each key once, so two different passes never
// meet here; should they, the later counts the key as the earlier's.
func mergeItems(old, new item) item {
	p := old.pass
	if p == nil {
		p = new.pass
	} else if new.pass != nil {
		new.pass.settle()
	}
	return item{work: old.work.Merge(new.work), delivered: old.delivered || new.delivered, pass: p}
}

// keyQueue is the service's work: deliveries, ticks and reconciles turned
// into keys, and the workers that take them up.
type keyQueue struct {
	q       *workqueue.Queue[dispatch.Key, item]
	repo    string // the program's repository: deliveries for others are not queued
	log     *slog.Logger
	m       *metrics.Metrics
	timeout time.Duration
	// ctx is given to the work; cancelled when a stop gives up waiting.
	ctx    context.Context
	cancel context.CancelFunc
}

func newKeyQueue(log *slog.Logger, m *metrics.Metrics) *keyQueue {
	// A delivery's work goes ahead of a reconcile's: a reconcile queues
	// keys, and no delivery waits behind them.
	urgent := func(it item) bool { return it.delivered }
	k := &keyQueue{q: workqueue.New[dispatch.Key](workqueue.Options[item]{Merge: mergeItems, Urgent: urgent}),
		log: log, m: m, timeout: DefaultWorkTimeout}
	k.ctx, k.cancel = context.WithCancel(context.Background())
	return k
}

// enqueue turns an accepted delivery into its key; it never blocks, and
// refuses only while the queue shuts down.
func (k *keyQueue) enqueue(delivery string, ev webhook.Event) bool {
	if forOtherRepository(ev, k.repo) {
		k.log.Warn("not for this program's repository; nothing to do", "delivery", delivery, "repo", ev.Repo, "repository", k.repo)
		return !k.q.ShuttingDown()
	}
	key, w, ok := dispatch.KeyOf(ev)
	if !ok {
		_, what := dispatch.Route(ev)
		k.log.Info("nothing to do", "delivery", delivery, "event", ev.Kind, "action", ev.Action, "what", what)
		return !k.q.ShuttingDown()
	}
	return k.q.Add(key, item{work: w, delivered: true})
}

// add queues a key of the service's own.
func (k *keyQueue) add(key dispatch.Key, it item) bool { return k.q.Add(key, it) }

// doer does one key's work.
type doer interface {
	do(ctx context.Context, key dispatch.Key, it item) error
}

// start starts n workers doing d's work; the returned function waits for
// them to stop.
func (k *keyQueue) start(n int, d doer) func() {
	return k.q.Work(n, func(key dispatch.Key, it item) { k.run(d, key, it) })
}

// run does one key's work, surviving a panic, and retries it with backoff
// when it failed.
func (k *keyQueue) run(d doer, key dispatch.Key, it item) {
	log := k.log.With("key", key.String())
	ctx, cancel := context.WithTimeout(k.ctx, k.timeout)
	defer cancel()
	start := time.Now()
	err := func() (err error) {
		defer func() {
			if r := recover(); r != nil {
				err = fmt.Errorf("panic: %v", r)
				log.Error("work panicked", "panic", fmt.Sprint(r), "stack", string(debug.Stack()))
			}
		}()
		return d.do(ctx, key, it)
	}()
	if it.pass != nil {
		it.pass.settle()
	}
	took := time.Since(start).Round(time.Millisecond).String()
	if err == nil {
		k.q.Forget(key)
		log.Debug("work done", "duration", took)
		return
	}
	// A retry is the key's own: no reconcile's budget holds it back.
	if k.q.Retry(key, item{work: it.work, delivered: true}) {
		log.Warn("work failed; trying again after a backoff", "err", err, "duration", took)
		return
	}
	log.Error("work failed too often; the next reconcile makes good what it asked", "err", err, "duration", took)
}

// stop stops taking keys and waits for the queue to drain, or for ctx:
// then the work under way is cancelled and the keys still waiting are
// dropped (GitHub shows their deliveries as delivered; the next process's
// start-up reconcile makes good what they asked).
func (k *keyQueue) stop(ctx context.Context, wait func()) error {
	err := k.q.ShutDown(ctx)
	if err != nil {
		k.cancel()
	}
	wait()
	k.cancel()
	return err
}

// pass is one reconcile: the pull requests it queued, the writes their
// work made against its budget, and what it found.
type pass struct {
	budget  int // writes; 0 for no limit
	pending atomic.Int64
	done    chan struct{}

	mu                                  sync.Mutex
	spent                               int
	examined, repaired, skipped, failed int
}

func newPass(budget, n int) *pass {
	p := &pass{budget: budget, done: make(chan struct{})}
	p.pending.Store(int64(n))
	if n == 0 {
		close(p.done)
	}
	return p
}

// settle counts one of the pass's pull requests as done with.
func (p *pass) settle() {
	if p.pending.Add(-1) == 0 {
		close(p.done)
	}
}

// room is how many writes are left in the budget; false when none.
func (p *pass) room() (int, bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.budget == 0 {
		return math.MaxInt, true
	}
	return p.budget - p.spent, p.spent < p.budget
}

// record counts what the work on one pull request did.
func (p *pass) record(writes int, failed, skipped bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	switch {
	case skipped:
		p.skipped++
		return
	case failed:
		p.failed++
	case writes > 0:
		p.repaired++
	}
	p.examined++
	p.spent += writes
}
