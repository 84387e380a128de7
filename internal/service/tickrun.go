package service

import (
	"context"
	"fmt"
	"time"

	"github.com/connectbot/connectbot/internal/gitrepo"
	"github.com/connectbot/connectbot/internal/pullrequest"
	"github.com/connectbot/connectbot/internal/tick"
)

// TickRun is one scheduled run over a clone: the tick's plan carried out
// under the repository's tick lease, then the open pull requests
// reconciled. connectbot tick and the service both run it.
type TickRun struct {
	// Runner carries out the plan; a dry run (Runner.DryRun) takes no
	// lease.
	Runner *tick.Runner
	// Repo is the clone the lease is taken through.
	Repo *gitrepo.Repo
	// Holder names this process in the lease.
	Holder string
	// Reconcile reconciles the open pull requests once the tick is done,
	// whatever became of it, and returns what it did on each. Nil when the
	// caller reconciles by other means: the service queues a reconcile
	// after every tick, even one that could not clone.
	Reconcile func(context.Context) []tick.Reconciled
}

// Run carries out the plan as of now while holding the tick lease — a
// short one, renewed while the tick runs — so that one connectbot at a
// time ticks (serve's replicas, the workflows) and one that died is taken
// over within pullrequest.LeaseTTL; then it reconciles, whether the tick
// was carried out, failed, or was left to the connectbot holding the
// lease (the error is then gitrepo.ErrLeaseHeld), so that a tick leaves
// no pull request behind. The summary's Reconciled is what Reconcile
// returned.
func (t TickRun) Run(ctx context.Context, now time.Time) (tick.Summary, error) {
	s, err := t.tick(ctx, now)
	if t.Reconcile != nil {
		if rs := t.Reconcile(ctx); rs != nil {
			s.Reconciled = rs
		}
	}
	return s, err
}

// tick carries out the plan, under the tick lease unless it is a dry run.
func (t TickRun) tick(ctx context.Context, now time.Time) (tick.Summary, error) {
	if t.Runner.DryRun {
		return t.Runner.Run(ctx, now)
	}
	lease, err := t.Repo.AcquireLease(ctx, "tick", t.Holder, pullrequest.LeaseTTL, time.Now())
	if err != nil {
		return tick.Summary{}, fmt.Errorf("the tick lease: %w", err)
	}
	kept, stop := lease.Keep(ctx, pullrequest.LeaseTTL)
	defer lease.Release(context.WithoutCancel(ctx))
	defer stop()
	return t.Runner.Run(kept, now)
}
