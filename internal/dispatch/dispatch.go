// Package dispatch decides which handler an event calls — the pull-request
// handler, or the application form's opener for an issue — and calls it:
// the one routing table that `connectbot action` and the service share,
// and its plain-words account for logs and metrics (Route).
package dispatch

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/connectbot/connectbot/internal/forge"
	"github.com/connectbot/connectbot/internal/issueform"
	"github.com/connectbot/connectbot/internal/pullrequest"
	"github.com/connectbot/connectbot/internal/webhook"
)

// Route says what Handle does with ev, without doing it: a kind for
// metrics and a sentence for the log. TestRouteAgreesWithHandle keeps the
// two in step.
func Route(ev webhook.Event) (kind, what string) {
	switch {
	case judgesOne(ev):
		return "judge-pull-request", fmt.Sprintf("judge pull request #%d at its head: one comment, the check, labels, and the merge if an authorised reviewer approved", ev.Number)
	case isRerun(ev):
		return "judge-pull-requests-at-head", fmt.Sprintf("find the open pull requests whose head is %s (GitHub names none for a fork's) and judge each", ev.HeadSHA)
	case ev.Kind == webhook.KindPush:
		return "base-moved", fmt.Sprintf("%s moved to %s: judge again every open pull request into it whose verdict names an older tip", ev.Ref, ev.After)
	case isCommand(ev):
		return "comment-command", fmt.Sprintf("read @%s's comment on pull request #%d and answer a /connectbot command in it", ev.Comment.Author, ev.Number)
	case isForm(ev):
		return "application-form", fmt.Sprintf("read issue #%d: if it is one of the forms, open or update the pull request adding or changing the application, judged as the issue author's own, or answer what to fix", ev.Number)
	case isMergeGroup(ev):
		return KeyMergeGroup, fmt.Sprintf("judge every pull request of the merge group %s and write connectbot's check on its head", ev.Group.HeadRef)
	}
	return "none", fmt.Sprintf("%s %s: nothing to do", ev.Kind, ev.Action)
}

// FormOpener turns an issue opened with the application form into a pull
// request (issueform.Opener).
type FormOpener interface {
	Open(ctx context.Context, is issueform.Issue) (issueform.Outcome, error)
}

// Handle hands ev to its handler — h, or form for an issue — and returns
// what was done, one sentence each.
func Handle(ctx context.Context, h *pullrequest.Handler, form FormOpener, ev webhook.Event) ([]string, error) {
	switch {
	case judgesOne(ev):
		handle := h.Handle
		if isRerun(ev) {
			handle = h.Recheck
		}
		out, err := handle(ctx, ev.Number)
		return out.Done, err
	case isRerun(ev):
		return rejudgeAtHead(ctx, h, ev)
	case ev.Kind == webhook.KindPush:
		return rejudgeOnPush(ctx, h, ev)
	case isCommand(ev):
		return h.Comment(ctx, ev.Number, forge.Comment{ID: ev.Comment.ID, Author: ev.Comment.Author, Body: ev.Comment.Body, Created: ev.Comment.Created})
	case isForm(ev):
		return openForm(ctx, h, form, ev)
	case isMergeGroup(ev):
		return h.MergeGroup(ctx, ev.Group.HeadRef)
	}
	return []string{fmt.Sprintf("%s %s: nothing to do", ev.Kind, ev.Action)}, nil
}

// judgesOne reports whether ev asks for one pull request to be judged: it
// changed, was reviewed, or its connectbot check was re-run.
func judgesOne(ev webhook.Event) bool {
	return ev.Kind == webhook.KindPullRequest && slices.Contains([]string{"opened", "synchronize", "reopened", "edited", "ready_for_review"}, ev.Action) ||
		ev.Kind == webhook.KindReview && slices.Contains([]string{"submitted", "edited", "dismissed"}, ev.Action) ||
		isRerun(ev) && ev.IsPullRequest
}

// isCommand reports whether ev is a new comment on a pull request, which
// may hold a /connectbot command.
func isCommand(ev webhook.Event) bool {
	return ev.Kind == webhook.KindComment && ev.Action == "created" && ev.IsPullRequest && ev.Comment != nil
}

// isForm reports whether ev is a new or edited issue, which may be one of
// the forms: an edited form updates the pull request it opened.
func isForm(ev webhook.Event) bool {
	return ev.Kind == webhook.KindIssue && (ev.Action == "opened" || ev.Action == "edited")
}

// isMergeGroup reports whether ev is the merge queue asking for the
// checks of a merge group.
func isMergeGroup(ev webhook.Event) bool {
	return ev.Kind == webhook.KindMergeGroup && ev.Action == "checks_requested" && ev.Group != nil
}

// openForm hands an opened or edited issue to form, and judges the pull
// request it opens or updates at once: one opened or pushed with a
// workflow's token starts no workflow, and under the App the pull
// request's own delivery may come first.
func openForm(ctx context.Context, h *pullrequest.Handler, form FormOpener, ev webhook.Event) ([]string, error) {
	if ev.Issue == nil || form == nil {
		return nil, fmt.Errorf("issues %s: no issue, or nothing to read the application form with", ev.Action)
	}
	out, err := form.Open(ctx, issueform.Issue{Number: ev.Issue.Number, Author: ev.Issue.Author, Body: ev.Issue.Body})
	if err != nil || !out.Opened && !out.Updated {
		return out.Done, err
	}
	judged, err := h.Handle(ctx, out.PR)
	for _, d := range judged.Done {
		out.Done = append(out.Done, fmt.Sprintf("#%d: %s", out.PR, d))
	}
	return out.Done, err
}

// isRerun reports whether ev asks for connectbot's check again: someone
// re-ran the check run named pullrequest.CheckName, or all the checks of
// a commit in the suite GitHub sends only to the App that made it (which
// holds connectbot's one check).
func isRerun(ev webhook.Event) bool {
	return ev.Action == "rerequested" &&
		(ev.Kind == webhook.KindCheckRun && ev.Check == pullrequest.CheckName || ev.Kind == webhook.KindCheckSuite)
}

// rejudgeAtHead judges every open pull request whose head is the commit
// of a re-run check. GitHub names no pull request in a check run or check
// suite of a pull request from a fork, so the pull requests are found by
// their head commit.
func rejudgeAtHead(ctx context.Context, h *pullrequest.Handler, ev webhook.Event) ([]string, error) {
	if ev.HeadSHA == "" {
		return []string{fmt.Sprintf("%s %s names no commit: nothing to do", ev.Kind, ev.Action)}, nil
	}
	prs, err := h.Forge.FindPRsByHead(ctx, ev.HeadSHA)
	if err != nil {
		return nil, err
	}
	if len(prs) == 0 {
		return []string{fmt.Sprintf("%s %s: no open pull request has head %s; nothing to do", ev.Kind, ev.Action, ev.HeadSHA)}, nil
	}
	var done []string
	var errs []error
	for _, pr := range prs {
		out, err := h.Recheck(ctx, pr.Number)
		for _, d := range out.Done {
			done = append(done, fmt.Sprintf("#%d: %s", pr.Number, d))
		}
		if err != nil {
			errs = append(errs, fmt.Errorf("#%d: %w", pr.Number, err))
		}
	}
	return done, errors.Join(errs...)
}

// rejudgeOnPush judges again, when a branch moves, every open pull request
// into it whose verdict names an older tip: a green check computed against
// an older main must not stand, and an approved pull request whose merge
// lost a race is merged once it is judged clean against the new tip.
func rejudgeOnPush(ctx context.Context, h *pullrequest.Handler, ev webhook.Event) ([]string, error) {
	branch, ok := strings.CutPrefix(ev.Ref, "refs/heads/")
	if !ok || ev.Deleted {
		return []string{fmt.Sprintf("push to %s: nothing to do", ev.Ref)}, nil
	}
	done, err := h.Rejudge(ctx, branch)
	var out []string
	for _, r := range done {
		for _, d := range r.Outcome.Done {
			out = append(out, fmt.Sprintf("#%d (%s): %s", r.Number, r.Why, d))
		}
	}
	if len(out) == 0 && err == nil {
		out = append(out, fmt.Sprintf("%s moved: no open pull request into it has a verdict for an older tip", branch))
	}
	return out, err
}
