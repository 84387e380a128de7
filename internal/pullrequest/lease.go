package pullrequest

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/connectbot/connectbot/internal/gitrepo"
)

// Lease timings: a lease is short and renewed every third of it while
// its holder works (gitrepo.Lease.Keep), so it outlives any handling while
// the holder lives and a dead holder's lease is taken over within LeaseTTL;
// a second process waits its turn for a while, then leaves the pull
// request to the holder and to the next reconcile.
const (
	// LeaseTTL is how long a lease lasts without a renewal.
	LeaseTTL   = 30 * time.Second
	leaseWait  = 45 * time.Second
	leaseFirst = 100 * time.Millisecond
	leaseMax   = 2 * time.Second
)

// turn is what the work under way holds, passed down to the work nested
// in it: the leases it took, so that nested work (a merge judging the
// others again, a recheck command) does not wait for itself, and whether
// it is judging pull requests again (Rejudge, Reconcile), so that a merge
// there starts no round of its own.
type turn struct {
	held      map[string]bool
	rejudging bool
}

// holding is t with the lease name held too.
func (t turn) holding(name string) turn {
	held := map[string]bool{name: true}
	for k := range t.held {
		held[k] = true
	}
	t.held = held
	return t
}

// withLease runs fn holding the lease name, so that two connectbots
// answering the same deliveries never write the same thing twice: the one
// that comes second waits, then reads what the first wrote. Without a
// Holder, or in a dry run, fn runs as it is.
func (h *Handler) withLease(ctx context.Context, t turn, name string, fn func(context.Context, turn) error) error {
	if h.Holder == "" || h.DryRun || t.held[name] {
		return fn(ctx, t)
	}
	wait := leaseFirst
	deadline := time.Now().Add(leaseWait)
	for {
		lease, err := h.Git.AcquireLease(ctx, name, h.Holder, LeaseTTL, time.Now())
		if err == nil {
			kept, stop := lease.Keep(ctx, LeaseTTL)
			runErr := fn(kept, t.holding(name))
			stop()
			if cause := context.Cause(kept); errors.Is(cause, gitrepo.ErrLeaseLost) {
				runErr = errors.Join(runErr, cause)
			}
			// Released even when ctx ended: a context of its own, bounded.
			relCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
			defer cancel()
			return errors.Join(runErr, lease.Release(relCtx))
		}
		if !errors.Is(err, gitrepo.ErrLeaseHeld) {
			return fmt.Errorf("lease %s: %w", name, err)
		}
		if time.Now().Add(wait).After(deadline) {
			return fmt.Errorf("another connectbot is at work on it (%w); the next reconcile makes good what this asked", err)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(wait):
		}
		wait = min(2*wait, leaseMax)
	}
}

// prLease names the lease of pull request number.
func prLease(number int) string { return fmt.Sprintf("pull-request-%d", number) }
