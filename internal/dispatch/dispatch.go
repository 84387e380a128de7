// Package dispatch decides which handler an event calls — the pull-request
// handler, or the application form's opener for an issue — and calls it:
// the one routing table that `connectbot action` and the service share,
// and its plain-words account for logs and metrics (Route).
package dispatch

import (
	"context"
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/connectbot/connectbot/internal/forge"
	"github.com/connectbot/connectbot/internal/issueform"
	"github.com/connectbot/connectbot/internal/program"
	"github.com/connectbot/connectbot/internal/pullrequest"
	"github.com/connectbot/connectbot/internal/webhook"
)

// route is one kind of work an event can ask for: which events ask for
// it, what it is in words, its work key, and how each path does it —
// handle for `connectbot action`, which works on the event itself, and
// do for the service, which works on the key. Route, Handle, KeyOf and Do
// all read the one table, routes.
type route struct {
	// kind names the route in logs and metrics; a key's Kind is the kind
	// of the route that does it.
	kind  string
	match func(webhook.Event) bool
	what  func(webhook.Event) string
	// key is the work ev asks for, or false when it asks for none.
	key    func(webhook.Event) (Key, Work, bool)
	handle func(context.Context, *pullrequest.Handler, FormOpener, webhook.Event) ([]string, error)
	// do does a key's work; nil for a route whose key is another's.
	do func(context.Context, *pullrequest.Handler, FormOpener, Key, Work) ([]string, error)
}

// routes is the routing table, in the order an event is matched: the
// first route whose match takes it.
var routes = []route{
	{
		kind: KeyPullRequest, match: judgesOne,
		what: func(ev webhook.Event) string {
			return fmt.Sprintf("judge pull request #%d at its head: one comment, the check, labels, and the merge if an authorised reviewer approved", ev.Number)
		},
		key: func(ev webhook.Event) (Key, Work, bool) {
			return Key{Kind: KeyPullRequest, Number: ev.Number}, Work{Recheck: isRerun(ev)}, true
		},
		handle: judgeOne,
		do: func(ctx context.Context, h *pullrequest.Handler, _ FormOpener, k Key, w Work) ([]string, error) {
			r, _, err := h.Bring(ctx, k.Number, w.Recheck, w.Commands, math.MaxInt)
			return r.Repaired, err
		},
	},
	{
		// A closed pull request's work is its pull request's: one GitHub
		// merged gets the stage change its approval makes recorded.
		kind: "pull-request-closed", match: isClosed,
		what: func(ev webhook.Event) string {
			return fmt.Sprintf("read pull request #%d: if GitHub merged it into the program's branch, record there every approved stage change merged without its record", ev.Number)
		},
		key: func(ev webhook.Event) (Key, Work, bool) {
			return Key{Kind: KeyPullRequest, Number: ev.Number}, Work{}, true
		},
		handle: judgeOne,
	},
	{
		kind: KeyHead, match: isRerun,
		what: func(ev webhook.Event) string {
			return fmt.Sprintf("find the open pull requests whose head is %s (GitHub names none for a fork's) and judge each", ev.HeadSHA)
		},
		key: func(ev webhook.Event) (Key, Work, bool) {
			return Key{Kind: KeyHead, Ref: ev.HeadSHA}, Work{}, ev.HeadSHA != ""
		},
		handle: func(ctx context.Context, h *pullrequest.Handler, _ FormOpener, ev webhook.Event) ([]string, error) {
			return rejudgeAtHead(ctx, h, ev)
		},
		do: func(ctx context.Context, h *pullrequest.Handler, _ FormOpener, k Key, _ Work) ([]string, error) {
			return rejudgeAtHead(ctx, h, webhook.Event{Kind: webhook.KindCheckSuite, Action: "rerequested", HeadSHA: k.Ref})
		},
	},
	{
		kind: KeyBase, match: isPush,
		what: func(ev webhook.Event) string {
			return fmt.Sprintf("%s moved to %s: judge again every open pull request into it whose verdict names an older tip", ev.Ref, ev.After)
		},
		key: func(ev webhook.Event) (Key, Work, bool) {
			branch, ok := strings.CutPrefix(ev.Ref, "refs/heads/")
			return Key{Kind: KeyBase, Ref: branch}, Work{}, ok && !ev.Deleted
		},
		handle: func(ctx context.Context, h *pullrequest.Handler, _ FormOpener, ev webhook.Event) ([]string, error) {
			return rejudgeOnPush(ctx, h, ev)
		},
		do: func(ctx context.Context, h *pullrequest.Handler, _ FormOpener, k Key, _ Work) ([]string, error) {
			return rejudgeOnPush(ctx, h, webhook.Event{Kind: webhook.KindPush, Ref: "refs/heads/" + k.Ref})
		},
	},
	{
		// A comment's work is its pull request's: judged, then every
		// command on it without an answer answered.
		kind: "comment-command", match: isCommand,
		what: func(ev webhook.Event) string {
			return fmt.Sprintf("read @%s's comment on pull request #%d and answer a /connectbot command in it", ev.Comment.Author, ev.Number)
		},
		key: func(ev webhook.Event) (Key, Work, bool) {
			cmd, ok, _ := program.ParseCommand(ev.Comment.Body, nil)
			// No command: nothing to answer.
			return Key{Kind: KeyPullRequest, Number: ev.Number}, Work{Commands: true, Recheck: cmd.Name == program.CommandRecheck}, ok
		},
		handle: func(ctx context.Context, h *pullrequest.Handler, _ FormOpener, ev webhook.Event) ([]string, error) {
			return h.Comment(ctx, ev.Number, forge.Comment{ID: ev.Comment.ID, Author: ev.Comment.Author, Body: ev.Comment.Body, Created: ev.Comment.Created})
		},
	},
	{
		kind: KeyForm, match: isForm,
		what: func(ev webhook.Event) string {
			return fmt.Sprintf("read issue #%d: if it is one of the forms, open or update the pull request adding or changing the application, judged as the issue author's own, or answer what to fix", ev.Number)
		},
		key: func(ev webhook.Event) (Key, Work, bool) {
			if ev.Issue == nil {
				return Key{}, Work{}, false
			}
			return Key{Kind: KeyForm, Number: ev.Issue.Number}, Work{}, true
		},
		handle: openForm,
		do:     openFormOf,
	},
	{
		kind: KeyMergeGroup, match: isMergeGroup,
		what: func(ev webhook.Event) string {
			return fmt.Sprintf("judge every pull request of the merge group %s and write connectbot's check on its head", ev.Group.HeadRef)
		},
		key: func(ev webhook.Event) (Key, Work, bool) {
			return Key{Kind: KeyMergeGroup, Ref: ev.Group.HeadRef}, Work{}, true
		},
		handle: func(ctx context.Context, h *pullrequest.Handler, _ FormOpener, ev webhook.Event) ([]string, error) {
			return h.MergeGroup(ctx, ev.Group.HeadRef)
		},
		do: func(ctx context.Context, h *pullrequest.Handler, _ FormOpener, k Key, _ Work) ([]string, error) {
			return h.MergeGroup(ctx, k.Ref)
		},
	},
}

// routeOf is the route ev takes, or false when it takes none.
func routeOf(ev webhook.Event) (route, bool) {
	for _, r := range routes {
		if r.match(ev) {
			return r, true
		}
	}
	return route{}, false
}

// Route says what Handle does with ev, without doing it: a kind for
// metrics and a sentence for the log.
func Route(ev webhook.Event) (kind, what string) {
	r, ok := routeOf(ev)
	if !ok {
		return "none", nothing(ev)
	}
	return r.kind, r.what(ev)
}

// nothing is what is done with an event no route takes.
func nothing(ev webhook.Event) string {
	return fmt.Sprintf("%s %s: nothing to do", ev.Kind, ev.Action)
}

// FormOpener turns an issue opened with the application form into a pull
// request (issueform.Opener).
type FormOpener interface {
	Open(ctx context.Context, is issueform.Issue) (issueform.Outcome, error)
}

// Handle hands ev to its handler — h, or form for an issue — and returns
// what was done, one sentence each.
func Handle(ctx context.Context, h *pullrequest.Handler, form FormOpener, ev webhook.Event) ([]string, error) {
	r, ok := routeOf(ev)
	if !ok {
		return []string{nothing(ev)}, nil
	}
	return r.handle(ctx, h, form, ev)
}

// judgeOne judges the one pull request ev names, writing the check again
// when ev re-ran it.
func judgeOne(ctx context.Context, h *pullrequest.Handler, _ FormOpener, ev webhook.Event) ([]string, error) {
	handle := h.Handle
	if isRerun(ev) {
		handle = h.Recheck
	}
	out, err := handle(ctx, ev.Number)
	return out.Done, err
}

// judgesOne reports whether ev asks for one pull request to be judged: it
// changed, was reviewed, or its connectbot check was re-run.
func judgesOne(ev webhook.Event) bool {
	return ev.Kind == webhook.KindPullRequest && slices.Contains([]string{"opened", "synchronize", "reopened", "edited", "ready_for_review"}, ev.Action) ||
		ev.Kind == webhook.KindReview && slices.Contains([]string{"submitted", "edited", "dismissed"}, ev.Action) ||
		isRerun(ev) && ev.IsPullRequest
}

// isClosed reports whether ev closed a pull request, merged or not.
func isClosed(ev webhook.Event) bool {
	return ev.Kind == webhook.KindPullRequest && ev.Action == "closed" && ev.Number != 0
}

// isPush reports whether ev is a push to a branch or a tag.
func isPush(ev webhook.Event) bool { return ev.Kind == webhook.KindPush }

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
	out, recErr := recordMerged(ctx, h, branch)
	done, err := h.Rejudge(ctx, branch)
	err = errors.Join(recErr, err)
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

// recordMerged records on branch, when it is the program's, the stage
// changes of the approved pull requests GitHub merged into it that are
// not recorded yet (pullrequest.Handler.RecordMerged). A merge queue's
// branch is never the program's.
func recordMerged(ctx context.Context, h *pullrequest.Handler, branch string) ([]string, error) {
	if _, queue := pullrequest.QueueBase("refs/heads/" + branch); queue || h.Base != "" && branch != h.Base {
		return nil, nil
	}
	recorded, err := h.RecordMerged(ctx, branch)
	var out []string
	for _, r := range recorded {
		for _, d := range r.Done {
			out = append(out, fmt.Sprintf("#%d: %s", r.Number, d))
		}
	}
	return out, err
}
