package workqueue_test

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/connectbot/connectbot/internal/workqueue"
)

// or merges two sets of flags.
func or(old, new int) int { return old | new }

func TestAddingAKeyManyTimesQueuesItOnceWithItsValuesMerged(t *testing.T) {
	q := workqueue.New[string, int](workqueue.Options[int]{Merge: or})
	for i := range 10_000 {
		q.Add(fmt.Sprintf("pr-%d", i%100), 1<<(i%3))
	}
	if got := q.Len(); got != 100 {
		t.Fatalf("Len %d after 10,000 adds of 100 keys, want 100", got)
	}
	k, v, ok := q.Get()
	if !ok || k != "pr-0" || v != 7 {
		t.Errorf("Get = %q %b %v, want pr-0 with every flag (111)", k, v, ok)
	}
	q.Done(k)
}

func TestAKeyAddedWhileItIsWorkedOnIsQueuedAgainAfterwardsNotHandedToASecondWorker(t *testing.T) {
	q := workqueue.New[string, int](workqueue.Options[int]{Merge: or})
	q.Add("pr-1", 1)
	k, _, _ := q.Get()
	q.Add("pr-1", 2)
	if got := q.Len(); got != 0 {
		t.Fatalf("Len %d while pr-1 is worked on, want 0: it must wait for its worker", got)
	}
	q.Done(k)
	k, v, ok := q.Get()
	if !ok || k != "pr-1" || v != 2 {
		t.Errorf("after Done: Get = %q %d %v, want pr-1 2", k, v, ok)
	}
	q.Done(k)
}

func TestWorkersNeverWorkOnOneKeyAtOnce(t *testing.T) {
	q := workqueue.New[int, int](workqueue.Options[int]{})
	var mu sync.Mutex
	busy := map[int]bool{}
	var overlaps, calls atomic.Int32
	wait := q.Work(8, func(k, _ int) {
		calls.Add(1)
		mu.Lock()
		if busy[k] {
			overlaps.Add(1)
		}
		busy[k] = true
		mu.Unlock()
		time.Sleep(time.Millisecond)
		mu.Lock()
		busy[k] = false
		mu.Unlock()
	})
	for i := range 2000 {
		q.Add(i%5, 0)
	}
	if err := q.ShutDown(context.Background()); err != nil {
		t.Fatal(err)
	}
	wait()
	if overlaps.Load() != 0 {
		t.Errorf("%d times a key was worked on by two workers at once", overlaps.Load())
	}
	if c := calls.Load(); c < 5 || c > 2000 {
		t.Errorf("%d calls for 2,000 adds of 5 keys", c)
	}
}

func TestRetryWaitsLongerAfterEachFailureThenGivesUp(t *testing.T) {
	q := workqueue.New[string, int](workqueue.Options[int]{BaseDelay: 10 * time.Millisecond, MaxDelay: 40 * time.Millisecond, MaxRetries: 3})
	var tries []time.Time
	q.Add("tick", 0)
	for {
		k, v, _ := q.Get()
		tries = append(tries, time.Now())
		again := q.Retry(k, v)
		q.Done(k)
		if !again {
			break
		}
	}
	if len(tries) != 4 {
		t.Fatalf("worked on %d times, want 4 (the first and 3 retries)", len(tries))
	}
	var waits []bool
	for i, want := range []time.Duration{10, 20, 40} {
		waits = append(waits, tries[i+1].Sub(tries[i]) >= want*time.Millisecond)
	}
	if diff := cmp.Diff([]bool{true, true, true}, waits); diff != "" {
		t.Errorf("each retry waited at least 10, 20, 40 ms (-want +got):\n%s", diff)
	}
}

func TestForgetStartsTheBackoffAgain(t *testing.T) {
	q := workqueue.New[string, int](workqueue.Options[int]{BaseDelay: time.Millisecond, MaxRetries: 1})
	q.Add("pr-1", 0)
	k, v, _ := q.Get()
	if !q.Retry(k, v) {
		t.Fatal("the first retry was refused")
	}
	q.Done(k)
	k, v, _ = q.Get()
	q.Forget(k)
	if !q.Retry(k, v) {
		t.Error("after Forget, a retry was refused: the failures were not cleared")
	}
	q.Done(k)
}

func TestShutDownHandsOutWhatWaitsThenRefusesNewKeys(t *testing.T) {
	q := workqueue.New[int, int](workqueue.Options[int]{})
	var got []int
	var mu sync.Mutex
	for i := range 5 {
		q.Add(i, 0)
	}
	q.AddAfter(99, 0, time.Hour) // not due: dropped
	wait := q.Work(1, func(k, _ int) {
		mu.Lock()
		got = append(got, k)
		mu.Unlock()
	})
	if err := q.ShutDown(context.Background()); err != nil {
		t.Fatal(err)
	}
	wait()
	if q.Add(7, 0) {
		t.Error("Add took a key after ShutDown")
	}
	slices.Sort(got)
	if diff := cmp.Diff([]int{0, 1, 2, 3, 4}, got); diff != "" {
		t.Errorf("worked on (-want +got):\n%s", diff)
	}
}

func TestShutDownGivesUpWhenItsContextEnds(t *testing.T) {
	q := workqueue.New[int, int](workqueue.Options[int]{})
	release := make(chan struct{})
	q.Add(1, 0)
	q.Add(2, 0)
	wait := q.Work(1, func(int, int) { <-release })
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	if err := q.ShutDown(ctx); err != context.DeadlineExceeded {
		t.Errorf("ShutDown = %v, want the deadline", err)
	}
	close(release)
	wait() // the key still waiting was dropped: the worker stops
}

func TestUrgentKeysGoFirstAndAKeyMadeUrgentMovesAhead(t *testing.T) {
	// 1 is urgent: what a delivery asked for, ahead of a reconcile's keys.
	q := workqueue.New[string, int](workqueue.Options[int]{Merge: or, Urgent: func(v int) bool { return v&1 != 0 }})
	for _, k := range []string{"pr-1", "pr-2", "pr-3", "pr-4"} {
		q.Add(k, 2) // a reconcile's
	}
	q.Add("pr-9", 1) // a delivery's, new
	q.Add("pr-3", 1) // a delivery's, for a key the reconcile queued
	var got []string
	for q.Len() > 0 {
		k, _, _ := q.Get()
		got = append(got, k)
		q.Done(k)
	}
	if diff := cmp.Diff([]string{"pr-9", "pr-3", "pr-1", "pr-2", "pr-4"}, got); diff != "" {
		t.Errorf("order (-want +got):\n%s", diff)
	}
}
