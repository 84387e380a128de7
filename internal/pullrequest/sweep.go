package pullrequest

import (
	"context"
	"fmt"

	"github.com/connectbot/connectbot/internal/forge"
)

// Open lists the open pull requests into base, the one taken up
// longest ago first (see Backlog), as GitHub's list shows them: what a
// reconcile that hands each pull request to a work queue queues, in
// order, and hands to BringListed. h.Settled and h.Backlog forget the
// pull requests no longer open, so that a long-running process
// remembers no more than the open ones.
func (h *Handler) Open(ctx context.Context, base string) ([]forge.PR, error) {
	return h.openInto(ctx, base)
}

// Bring makes pull request number show what the rules say about it now,
// as Reconcile does for each: judged as it would merge (Recheck when
// recheck: the check is written even if unchanged), then, when commands,
// every command on it that has no answer answered — at most room of them
// when h.ReconcileBudget is set. It records in h.Backlog that the pull
// request was taken up. Repaired lists the writes it made.
func (h *Handler) Bring(ctx context.Context, number int, recheck, commands bool, room int) (Reconciled, Outcome, error) {
	h.Backlog.took(number)
	r := Reconciled{Number: number}
	handle := h.Handle
	if recheck {
		handle = h.Recheck
	}
	o, err := handle(ctx, number)
	r.Repaired = writes(o.Done)
	if err == nil && commands {
		var answered []string
		answered, err = h.answerCommands(ctx, number, room-len(r.Repaired))
		r.Repaired = append(r.Repaired, answered...)
	}
	if err != nil {
		r.Err = fmt.Errorf("pull request #%d: %w", number, err)
	}
	return r, o, r.Err
}

// openInto lists the open pull requests into base, the one taken up
// longest ago first: what Open and Reconcile both go through.
func (h *Handler) openInto(ctx context.Context, base string) ([]forge.PR, error) {
	prs, err := h.Forge.ListOpenPRsInto(ctx, base)
	if err != nil {
		return nil, fmt.Errorf("reconcile: %w", err)
	}
	h.Backlog.order(prs)
	h.Settled.keepOnly(prs)
	return prs, nil
}
