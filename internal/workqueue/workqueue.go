// Package workqueue is a queue of work keys in the shape of Kubernetes
// client-go's workqueue: what is queued is a key naming what to bring in
// line (a pull request, the tick), never the event that asked for it, so a
// thousand deliveries about one pull request are one piece of work; a key
// is handed to one worker at a time, and one added again while it is being
// worked on is queued once more when that worker is done; work that failed
// is tried again after a backoff that doubles with each failure. Keys may
// be urgent (a delivery's, ahead of a reconcile's): those go first.
//
// It is written here rather than imported: client-go's queue comes with
// apimachinery and klog, for about two hundred lines. Each key carries a
// small value, merged when the key is added again (what the work must also
// do: answer commands, write the check even if unchanged), so the values
// must stay small: the queue's memory is its number of distinct keys.
package workqueue

import (
	"context"
	"sync"
	"time"
)

// Defaults for Options fields left zero.
const (
	DefaultBaseDelay  = time.Second
	DefaultMaxDelay   = 5 * time.Minute
	DefaultMaxRetries = 10
)

// Options configures a Queue.
type Options[V any] struct {
	// Merge combines the value of a key already waiting (old) with the
	// value it is added with again (new); nil keeps new.
	Merge func(old, new V) V
	// BaseDelay is the wait before the first retry of a key, doubled for
	// each failure after it up to MaxDelay; 0 means the defaults.
	BaseDelay, MaxDelay time.Duration
	// MaxRetries is how many times Retry puts a key back before it gives
	// up on it; 0 means DefaultMaxRetries.
	MaxRetries int
	// Urgent, if set, says which values go first: a key whose value is
	// urgent is handed out before every key whose value is not, and one
	// whose merged value becomes urgent moves ahead. Keys are first in,
	// first out within each lane.
	Urgent func(V) bool
}

// Queue is a coalescing queue of keys K, each with a value V. Its methods
// are safe for concurrent use.
type Queue[K comparable, V any] struct {
	opts Options[V]

	mu         sync.Mutex
	cond       *sync.Cond
	lanes      [2][]K // keys waiting, urgent ones in lanes[1]; an entry is stale when lane[k] says otherwise
	lane       map[K]int
	waiting    int     // keys waiting in the lanes
	dirty      map[K]V // keys waiting or to be queued when done, with their values
	processing map[K]bool
	failures   map[K]int
	timers     map[*time.Timer]bool // AddAfter's waits, stopped on shutdown
	closing    bool                 // no Add is taken
	drained    chan struct{}        // closed once closing and nothing waits or is processed
}

// New returns an empty Queue.
func New[K comparable, V any](opts Options[V]) *Queue[K, V] {
	if opts.BaseDelay <= 0 {
		opts.BaseDelay = DefaultBaseDelay
	}
	if opts.MaxDelay <= 0 {
		opts.MaxDelay = DefaultMaxDelay
	}
	if opts.MaxRetries <= 0 {
		opts.MaxRetries = DefaultMaxRetries
	}
	q := &Queue[K, V]{opts: opts, dirty: map[K]V{}, lane: map[K]int{}, processing: map[K]bool{}, failures: map[K]int{},
		timers: map[*time.Timer]bool{}, drained: make(chan struct{})}
	q.cond = sync.NewCond(&q.mu)
	return q
}

// Add queues k with v, or merges v into k's value when k already waits. A
// key being worked on is queued again once its worker calls Done. Add
// reports false, taking nothing, once the queue is shutting down.
func (q *Queue[K, V]) Add(k K, v V) bool {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.closing {
		return false
	}
	q.addLocked(k, v)
	return true
}

func (q *Queue[K, V]) addLocked(k K, v V) {
	if old, ok := q.dirty[k]; ok {
		if q.opts.Merge != nil {
			v = q.opts.Merge(old, v)
		}
		q.dirty[k] = v
		if l, waits := q.lane[k]; waits && l < q.laneOf(v) {
			q.lanes[1] = append(q.lanes[1], k) // its entry in lanes[0] is stale now
			q.lane[k] = 1
		}
		return
	}
	q.dirty[k] = v
	if q.processing[k] {
		return // queued when its worker is done
	}
	q.pushLocked(k, v)
}

func (q *Queue[K, V]) laneOf(v V) int {
	if q.opts.Urgent != nil && q.opts.Urgent(v) {
		return 1
	}
	return 0
}

// pushLocked puts k, with value v, at the end of its lane.
func (q *Queue[K, V]) pushLocked(k K, v V) {
	l := q.laneOf(v)
	q.lanes[l] = append(q.lanes[l], k)
	q.lane[k] = l
	q.waiting++
	q.cond.Signal()
}

// popLocked takes the first key waiting, urgent ones first; there must be
// one.
func (q *Queue[K, V]) popLocked() K {
	for l := 1; ; l = 1 - l {
		for len(q.lanes[l]) > 0 {
			k := q.lanes[l][0]
			q.lanes[l][0] = *new(K)
			q.lanes[l] = q.lanes[l][1:]
			if cur, ok := q.lane[k]; ok && cur == l {
				delete(q.lane, k)
				q.waiting--
				return k
			}
		}
	}
}

// AddAfter adds k with v once d has passed, unless the queue is shutting
// down by then.
func (q *Queue[K, V]) AddAfter(k K, v V, d time.Duration) {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.closing {
		return
	}
	var t *time.Timer
	t = time.AfterFunc(d, func() {
		q.mu.Lock()
		defer q.mu.Unlock()
		if !q.timers[t] {
			return // stopped by shutdown
		}
		delete(q.timers, t)
		q.addLocked(k, v)
	})
	q.timers[t] = true
}

// Get waits for a key and hands it, with its value, to the caller, who
// must call Done(k) when the work is over. It reports false once the queue
// is shutting down and has nothing left to hand out.
func (q *Queue[K, V]) Get() (K, V, bool) {
	q.mu.Lock()
	defer q.mu.Unlock()
	for q.waiting == 0 && !q.closing {
		q.cond.Wait()
	}
	if q.waiting == 0 {
		var k K
		var v V
		return k, v, false
	}
	k := q.popLocked()
	v := q.dirty[k]
	delete(q.dirty, k)
	q.processing[k] = true
	return k, v, true
}

// Done marks k's work over; if k was added meanwhile, it is queued again.
func (q *Queue[K, V]) Done(k K) {
	q.mu.Lock()
	defer q.mu.Unlock()
	delete(q.processing, k)
	if v, ok := q.dirty[k]; ok {
		q.pushLocked(k, v)
	}
	q.checkDrainedLocked()
}

// Retry adds k with v again after a backoff that doubles with each of k's
// failures since it last succeeded (Forget), and reports true; after
// MaxRetries it forgets k instead and reports false. Call it before Done.
func (q *Queue[K, V]) Retry(k K, v V) bool {
	q.mu.Lock()
	n := q.failures[k]
	if n >= q.opts.MaxRetries {
		delete(q.failures, k)
		q.mu.Unlock()
		return false
	}
	q.failures[k] = n + 1
	q.mu.Unlock()
	q.AddAfter(k, v, q.backoff(n))
	return true
}

// backoff is the wait before retry number n+1.
func (q *Queue[K, V]) backoff(n int) time.Duration {
	d := q.opts.BaseDelay
	for range n {
		if d >= q.opts.MaxDelay/2 {
			return q.opts.MaxDelay
		}
		d *= 2
	}
	return min(d, q.opts.MaxDelay)
}

// Forget clears k's failures: its work succeeded.
func (q *Queue[K, V]) Forget(k K) {
	q.mu.Lock()
	defer q.mu.Unlock()
	delete(q.failures, k)
}

// ShuttingDown reports whether ShutDown was called.
func (q *Queue[K, V]) ShuttingDown() bool {
	q.mu.Lock()
	defer q.mu.Unlock()
	return q.closing
}

// Len is how many keys wait to be handed out.
func (q *Queue[K, V]) Len() int {
	q.mu.Lock()
	defer q.mu.Unlock()
	return q.waiting
}

// Processing is how many keys are being worked on.
func (q *Queue[K, V]) Processing() int {
	q.mu.Lock()
	defer q.mu.Unlock()
	return len(q.processing)
}

// ShutDown stops taking keys and drops the retries and AddAfter waits not
// yet due; the keys already waiting are still handed out. It returns when
// every key has been handed out and done, or when ctx ends: then the keys
// still waiting are dropped, Get reports false, and ctx's error is
// returned.
func (q *Queue[K, V]) ShutDown(ctx context.Context) error {
	q.mu.Lock()
	if !q.closing {
		q.closing = true
		for t := range q.timers {
			t.Stop()
		}
		clear(q.timers)
		q.cond.Broadcast()
		q.checkDrainedLocked()
	}
	q.mu.Unlock()
	select {
	case <-q.drained:
		return nil
	case <-ctx.Done():
		q.mu.Lock()
		for k := range q.lane {
			delete(q.dirty, k)
		}
		clear(q.lane)
		q.lanes, q.waiting = [2][]K{}, 0
		q.cond.Broadcast()
		q.mu.Unlock()
		return ctx.Err()
	}
}

func (q *Queue[K, V]) checkDrainedLocked() {
	if !q.closing || q.waiting > 0 || len(q.processing) > 0 {
		return
	}
	select {
	case <-q.drained:
	default:
		close(q.drained)
	}
}

// Work starts n workers, each calling fn on the keys it gets until the
// queue is shut down and has nothing left, calling Done after each. The
// returned function waits for the workers to stop.
func (q *Queue[K, V]) Work(n int, fn func(K, V)) (wait func()) {
	var wg sync.WaitGroup
	for range max(n, 1) {
		wg.Go(func() {
			for {
				k, v, ok := q.Get()
				if !ok {
					return
				}
				func() {
					defer q.Done(k)
					fn(k, v)
				}()
			}
		})
	}
	return wg.Wait
}
