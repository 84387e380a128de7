package dispatch

import (
	"context"
	"fmt"

	"github.com/connectbot/connectbot/internal/pullrequest"
	"github.com/connectbot/connectbot/internal/webhook"
)

// Kinds of work keys: those of a delivery's work are the kinds Route
// names.
const (
	// KeyPullRequest brings one pull request in line: Number.
	KeyPullRequest = "judge-pull-request"
	// KeyForm reads one issue that may be the application form: Number.
	KeyForm = "application-form"
	// KeyBase judges again the pull requests into a branch that moved:
	// Ref is the branch.
	KeyBase = "base-moved"
	// KeyHead judges the open pull requests whose head is a commit whose
	// checks were re-run: Ref is the commit.
	KeyHead = "judge-pull-requests-at-head"
	// KeyMergeGroup writes connectbot's check on a merge queue's merge
	// group: Ref is the group's branch.
	KeyMergeGroup = "merge-group"
	// KeyTick is the scheduled tick, and KeyReconcile a pass over every
	// open pull request; the service does them.
	KeyTick      = "tick"
	KeyReconcile = "reconcile"
)

// Key names one piece of work: what to bring in line, never the event
// that asked for it. Deliveries that ask for the same work have the same
// key, so that a work queue does it once, reading what GitHub holds then.
type Key struct {
	Kind   string
	Number int
	Ref    string
}

// String is the key in a log line: "judge-pull-request #12", "base-moved main".
func (k Key) String() string {
	switch {
	case k.Number != 0:
		return fmt.Sprintf("%s #%d", k.Kind, k.Number)
	case k.Ref != "":
		return k.Kind + " " + k.Ref
	}
	return k.Kind
}

// Work is what a pull request's work must do besides judging it; a key
// added again merges its Work with what waits.
type Work struct {
	// Recheck writes the check even when it has not changed: someone
	// re-ran it or asked `/connectbot recheck`.
	Recheck bool
	// Commands answers every command on the pull request that has no
	// answer yet: a comment was posted.
	Commands bool
}

// Merge is the work of both w and o.
func (w Work) Merge(o Work) Work {
	return Work{Recheck: w.Recheck || o.Recheck, Commands: w.Commands || o.Commands}
}

// KeyOf says what work ev asks for, as Route and Handle decide, or false
// when it asks for none. Nothing of ev but numbers, a branch and a commit
// is kept: the work reads the rest from GitHub when it is done.
func KeyOf(ev webhook.Event) (Key, Work, bool) {
	r, ok := routeOf(ev)
	if !ok {
		return Key{}, Work{}, false
	}
	k, w, ok := r.key(ev)
	if !ok {
		return Key{}, Work{}, false
	}
	return k, w, true
}

// Do does the work of a key KeyOf made, with h (and form for an issue),
// reading from GitHub what the key does not hold, and returns what was
// done, one sentence each.
func Do(ctx context.Context, h *pullrequest.Handler, form FormOpener, k Key, w Work) ([]string, error) {
	for _, r := range routes {
		if r.kind == k.Kind && r.do != nil {
			return r.do(ctx, h, form, k, w)
		}
	}
	return nil, fmt.Errorf("%s: not a delivery's work", k)
}

// openFormOf reads the issue of a form's key from GitHub and, while it is
// an open issue, hands it to form as openForm does.
func openFormOf(ctx context.Context, h *pullrequest.Handler, form FormOpener, k Key, _ Work) ([]string, error) {
	is, err := h.Forge.Issue(ctx, k.Number)
	if err != nil {
		return nil, fmt.Errorf("issue #%d: %w", k.Number, err)
	}
	if is.PullRequest || is.State != "open" {
		return []string{fmt.Sprintf("issue #%d is %s: nothing to do", k.Number, is.State)}, nil
	}
	return openForm(ctx, h, form, webhook.Event{Kind: webhook.KindIssue, Action: "opened",
		Issue: &webhook.Issue{Number: is.Number, Title: is.Title, Body: is.Body, Author: is.Author, Labels: is.Labels}})
}
