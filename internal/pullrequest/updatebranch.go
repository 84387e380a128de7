package pullrequest

import (
	"context"
	"errors"
	"fmt"

	"github.com/connectbot/connectbot/internal/forge"
	"github.com/connectbot/connectbot/internal/gitsha"
	"github.com/connectbot/connectbot/internal/program"
	"github.com/connectbot/connectbot/internal/report"
)

// bringUpToDate asks GitHub, once per head, to update the branch of pull
// request pr when connectbot's merge, file by file, conflicts where
// GitHub's, line by line, does not: GitHub merges the base into the
// branch, and the new head, judged on its synchronize event (or by
// reconcile), merges cleanly for connectbot too. The sticky comment
// remembers that it asked at this head, and what GitHub said, so a head
// judged again asks no more. It returns verdict v judged again with what
// became of the asking; v as it is when connectbot does not ask.
func (h *Handler) bringUpToDate(ctx context.Context, w writer, pr forge.PR, facts *program.PullRequest, v program.Verdict, out *Outcome) (program.Verdict, error) {
	if !h.asksBranchUpdate(pr, *facts, v) {
		return v, nil
	}
	existing, err := h.stickyComment(ctx, pr.Number)
	if err != nil {
		return v, err
	}
	if existing != nil {
		facts.BranchUpdate = report.BranchUpdate(existing.Body, facts.HeadSHA)
	}
	if facts.BranchUpdate != "" {
		out.Done = append(out.Done, fmt.Sprintf("asked GitHub to update the branch at %s before (%s): not again", gitsha.Short(facts.HeadSHA), facts.BranchUpdate))
		return program.JudgePullRequest(*facts), nil
	}
	facts.BranchUpdate = program.BranchUpdateAsked
	if err := w.updateBranch(ctx, pr.Number, facts.HeadSHA, out); err != nil {
		if !updateRefused(err) {
			return v, err
		}
		facts.BranchUpdate = program.BranchUpdateRefused
		out.Done = append(out.Done, fmt.Sprintf("GitHub refused to update the branch: %v", err))
	}
	return program.JudgePullRequest(*facts), nil
}

// asksBranchUpdate reports whether connectbot asks GitHub to update the
// branch of pull request pr, judged as facts in verdict v: its merge
// conflicts on paths only, while GitHub says the pull request merges, and
// the pull request is one connectbot judges, into the program's branch,
// at the head GitHub shows. Not a form's pull request, whose branch holds
// connectbot's one commit and is written again from its issue, nor
// connectbot's own pull requests, whose branches it writes itself.
func (h *Handler) asksBranchUpdate(pr forge.PR, facts program.PullRequest, v program.Verdict) bool {
	return v.Conflicted && len(facts.Conflicts) > 0 && facts.Conflict == "" && facts.Unread == "" &&
		pr.Mergeable && facts.FormIssue == 0 && !h.isBot(pr.Author) &&
		pr.BaseRef == h.programBranch(pr) && facts.HeadSHA == pr.HeadSHA
}

// updateRefused reports whether err is GitHub saying no to an update of
// a branch (the head moved, a fork that does not allow edits by
// maintainers, a conflict it finds too), not failing to answer.
func updateRefused(err error) bool {
	return errors.Is(err, forge.ErrValidation) || errors.Is(err, forge.ErrConflict) ||
		errors.Is(err, forge.ErrForbidden) || errors.Is(err, forge.ErrNotFound)
}

// updateBranch asks GitHub to update the branch of pull request number
// at head sha.
func (w live) updateBranch(ctx context.Context, number int, sha string, out *Outcome) error {
	if err := w.h.Forge.UpdateBranch(ctx, number, sha); err != nil {
		return fmt.Errorf("pull request #%d: %w", number, err)
	}
	out.Done = append(out.Done, fmt.Sprintf("asked GitHub to update the branch at %s with its base", gitsha.Short(sha)))
	return nil
}
