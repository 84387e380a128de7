package gitrepo_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/connectbot/connectbot/internal/forge/forgetest"
	"github.com/connectbot/connectbot/internal/gitrepo"
)

func TestLeasesTakeTurnsAcrossClones(t *testing.T) {
	srv := forgetest.NewServer(t, "acme-program", "connect")
	srv.Commit(forgetest.DefaultBranch, "program", map[string]string{"program.cue": "minInstalls: 10\n"})
	ctx := context.Background()
	clone := func() *gitrepo.Repo {
		r, err := gitrepo.Clone(ctx, srv.GitURL(), gitrepo.CloneOptions{Token: srv.Token()})
		if err != nil {
			t.Fatal(err)
		}
		return r
	}
	a, b := clone(), clone()
	now := time.Date(2026, 11, 30, 12, 0, 0, 0, time.UTC)

	held, err := a.AcquireLease(ctx, "pr-1", "replica-a", time.Minute, now)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := b.AcquireLease(ctx, "pr-1", "replica-b", time.Minute, now); !errors.Is(err, gitrepo.ErrLeaseHeld) {
		t.Errorf("a second holder got a lease that is held: %v", err)
	}
	if _, err := b.AcquireLease(ctx, "pr-2", "replica-b", time.Minute, now); err != nil {
		t.Errorf("another lease: %v", err)
	}
	if err := held.Release(ctx); err != nil {
		t.Fatal(err)
	}
	again, err := b.AcquireLease(ctx, "pr-1", "replica-b", time.Minute, now)
	if err != nil {
		t.Fatalf("after its release: %v", err)
	}

	// b dies holding it; after the expiry a takes it over, and b's late
	// release leaves a's lease alone.
	taken, err := a.AcquireLease(ctx, "pr-1", "replica-a", time.Minute, now.Add(2*time.Minute))
	if err != nil {
		t.Fatalf("taking over an expired lease: %v", err)
	}
	if err := again.Release(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := b.AcquireLease(ctx, "pr-1", "replica-b", time.Minute, now.Add(2*time.Minute)); !errors.Is(err, gitrepo.ErrLeaseHeld) {
		t.Errorf("a stale release freed the lease that replaced it: %v", err)
	}
	if err := taken.Release(ctx); err != nil {
		t.Fatal(err)
	}
}

func TestOneOfManyAtOnceGetsALease(t *testing.T) {
	srv := forgetest.NewServer(t, "acme-program", "connect")
	srv.Commit(forgetest.DefaultBranch, "program", map[string]string{"program.cue": "minInstalls: 10\n"})
	ctx := context.Background()
	now := time.Date(2026, 11, 30, 12, 0, 0, 0, time.UTC)
	const n = 6
	var wg sync.WaitGroup
	var mu sync.Mutex
	won := 0
	for i := range n {
		r, err := gitrepo.Clone(ctx, srv.GitURL(), gitrepo.CloneOptions{Token: srv.Token()})
		if err != nil {
			t.Fatal(err)
		}
		wg.Go(func() {
			_, err := r.AcquireLease(ctx, "tick", "replica", time.Minute, now)
			switch {
			case err == nil:
				mu.Lock()
				won++
				mu.Unlock()
			case !errors.Is(err, gitrepo.ErrLeaseHeld):
				t.Errorf("clone %d: %v", i, err)
			}
		})
	}
	wg.Wait()
	if won != 1 {
		t.Errorf("%d of %d got the lease at once, want 1", won, n)
	}
}
