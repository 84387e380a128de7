package pullrequest

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/connectbot/connectbot/internal/application"
	"github.com/connectbot/connectbot/internal/forge"
	"github.com/connectbot/connectbot/internal/gitrepo"
	"github.com/connectbot/connectbot/internal/gitsha"
	"github.com/connectbot/connectbot/internal/program"
	"github.com/connectbot/connectbot/internal/report"
)

// A program whose branch takes merges through GitHub's merge queue gets,
// for each entry of the queue, a merge group: a temporary branch under
// gh-readonly-queue/ whose head merges the entry's pull request on top of
// every entry before it, each a merge commit whose second parent is a
// pull request's head. connectbot's check on that head is what the queue
// waits for, and what will merge is the whole group, so the check passes
// only when connectbot would merge every pull request in it, each judged
// as the queue merged it: its head merged into the commit before it.

// QueueRefPrefix is where GitHub's merge queue keeps its merge groups.
const QueueRefPrefix = "refs/heads/gh-readonly-queue/"

// maxQueued bounds how many merge commits a group is walked back through:
// GitHub's largest merge group is 100 pull requests.
const maxQueued = 100

// QueueBase is the branch a merge group's head ref will merge into, "main"
// of "refs/heads/gh-readonly-queue/main/pr-104-<sha>"; false when ref is
// not a merge group's.
func QueueBase(ref string) (string, bool) {
	rest, ok := strings.CutPrefix(ref, QueueRefPrefix)
	i := strings.LastIndex(rest, "/pr-")
	if !ok || i <= 0 {
		return "", false
	}
	return rest[:i], true
}

// MergeGroup answers the merge queue's request for checks on the merge
// group at ref: it reads the group as GitHub holds it now, judges every
// pull request in it, and writes connectbot's check on the group's head.
// It merges nothing: the queue does. A group whose branch is gone (merged
// or taken out of the queue) needs nothing.
func (h *Handler) MergeGroup(ctx context.Context, ref string) ([]string, error) {
	base, ok := QueueBase(ref)
	if !ok {
		return nil, fmt.Errorf("merge group %s: not a merge queue's branch (%s…)", ref, QueueRefPrefix)
	}
	local := "refs/remotes/origin/" + strings.TrimPrefix(ref, "refs/heads/")
	err := h.Git.Fetch(ctx, baseRefspec(base), "+"+ref+":"+local)
	if errors.Is(err, gitrepo.ErrNotFound) {
		return []string{fmt.Sprintf("merge group %s is gone: nothing to do", ref)}, nil
	}
	if err != nil {
		return nil, fmt.Errorf("merge group %s: %w", ref, err)
	}
	head, err := h.Git.Resolve(local)
	if err != nil {
		return nil, err
	}
	tip, err := h.Git.Resolve("refs/remotes/origin/" + base)
	if err != nil {
		return nil, err
	}
	entries, err := h.queueEntries(ctx, head, tip, base)
	if err != nil {
		return nil, fmt.Errorf("merge group %s: %w", ref, err)
	}
	conclusion, o := report.MergeGroupCheck(entries)
	if h.DryRun {
		_, err := fmt.Fprintf(h.Out, "merge group %s at %s: check %s\n%s\n%s", ref, gitsha.Short(head), conclusion, o.Title, o.Summary)
		return nil, err
	}
	res, err := h.Forge.CreateCheckRun(ctx, forge.CheckRun{
		Name: CheckName, HeadSHA: head, Status: "completed", Conclusion: conclusion,
		Title: o.Title, Summary: o.Summary, ExternalID: "base=" + tip + " head=" + head,
	})
	if err != nil {
		return nil, fmt.Errorf("merge group %s: check: %w", ref, err)
	}
	return []string{fmt.Sprintf("merge group %s: check %s (%s) on %s, %d pull requests", ref, conclusion, res.Via, gitsha.Short(head), len(entries))}, nil
}

// queueEntries judges the merge commits from a group's head back to the
// base branch's tip, and returns them oldest first. A commit that is not
// a merge ends the walk with an entry saying why, as does a group not
// built on the tip within maxQueued commits.
func (h *Handler) queueEntries(ctx context.Context, head, tip, base string) ([]report.QueueEntry, error) {
	var entries []report.QueueEntry
	for c := head; c != tip; {
		parents, tree, err := h.Git.Parents(c)
		if err != nil {
			return nil, err
		}
		e := report.QueueEntry{Commit: gitsha.Short(c)}
		switch {
		case len(entries) == maxQueued:
			e.Why = fmt.Sprintf("the group is not built on %s's tip %s within %d merge commits", base, gitsha.Short(tip), maxQueued)
		case len(parents) != 2:
			e.Why = "not a merge commit: connectbot judges merge queues that merge with a merge commit (the queue's merge method \"Merge commit\")"
		default:
			if e, err = h.queueEntry(ctx, c, parents, tree, base); err != nil {
				return nil, err
			}
		}
		entries = append(entries, e)
		if e.Why != "" && e.Number == 0 {
			break
		}
		c = parents[0]
	}
	slices.Reverse(entries)
	return entries, nil
}

// queueEntry judges the pull request merge commit c merges: the open pull
// request into base whose head is c's second parent, judged merged into
// c's first parent, as connectbot would merge it there. The queue's merge
// must hold exactly the files connectbot's would.
func (h *Handler) queueEntry(ctx context.Context, c string, parents []string, tree, base string) (report.QueueEntry, error) {
	e := report.QueueEntry{Commit: gitsha.Short(c)}
	prs, err := h.Forge.FindPRsByHead(ctx, parents[1])
	if err != nil {
		return e, err
	}
	i := slices.IndexFunc(prs, func(pr forge.PR) bool { return pr.BaseRef == base && pr.HeadSHA == parents[1] })
	if i < 0 {
		e.Why = fmt.Sprintf("merges %s, the head of no open pull request into %s", gitsha.Short(parents[1]), base)
		return e, nil
	}
	pr := prs[i]
	e.Number = pr.Number
	facts, st, err := h.gather(ctx, pr, application.DateOf(h.Now()), parents[0])
	if err != nil {
		return e, fmt.Errorf("#%d: %w", pr.Number, err)
	}
	if facts.ReopenedAt, err = h.lastReopened(ctx, *facts); err != nil {
		return e, err
	}
	v := program.JudgePullRequest(*facts)
	e.Verdict = &v
	if facts.HeadSHA != parents[1] {
		e.Why = fmt.Sprintf("its head moved to %s since the queue merged %s", gitsha.Short(facts.HeadSHA), gitsha.Short(parents[1]))
	} else if same, err := h.sameTree(st, tree); err != nil || !same {
		e.Why = "the queue's merge holds other files than connectbot's merge of it would"
		return e, err
	}
	return e, nil
}

// sameTree reports whether the merge that was judged holds tree.
func (h *Handler) sameTree(st *judgement, tree string) (bool, error) {
	if st.merge == nil || st.merge.Commit == "" {
		return false, nil
	}
	_, judged, err := h.Git.Parents(st.merge.Commit)
	return judged == tree, err
}
