package program

import (
	"fmt"

	"github.com/connectbot/connectbot/internal/gitsha"
)

// What became of connectbot's asking GitHub to bring a conflicting
// branch up to date (PullRequest.BranchUpdate).
const (
	// BranchUpdateAsked: GitHub took the update, and the branch gets a
	// merge of its base, whose commit is judged when it lands.
	BranchUpdateAsked = "asked"
	// BranchUpdateRefused: GitHub merges the two line by line, but
	// refused to update the branch for connectbot (a fork that does not
	// allow edits by maintainers, or a head that moved meanwhile).
	BranchUpdateRefused = "refused"
)

// conflictMessage is the finding on path p, which keeps pull request pr
// from merging cleanly: what changed, and what its author does about it,
// in words for someone who does not use git first.
func conflictMessage(pr PullRequest, p string) string {
	if pr.FormIssue != 0 {
		return fmt.Sprintf("%s changed on %s since connectbot opened this pull request from issue #%d: %s", p, baseName(pr), pr.FormIssue, resolveAdvice(pr))
	}
	return fmt.Sprintf("%s changed on %s since this pull request's branch started, and this pull request changes it too: %s", p, baseName(pr), resolveAdvice(pr))
}

// conflictNext is what happens next to pull request pr, which does not
// merge cleanly into its base tip.
func conflictNext(pr PullRequest) string {
	if pr.BranchUpdate == BranchUpdateAsked {
		return fmt.Sprintf("GitHub merges %s into this branch line by line without a conflict: connectbot asked GitHub to update the branch (as its Update branch button does), and judges the new commit when it lands. Nothing for you to do.", baseName(pr))
	}
	return fmt.Sprintf("This pull request does not merge cleanly into %s at %s: %s; connectbot judges it again.", baseName(pr), gitsha.Short(pr.BaseSHA), resolveAdvice(pr))
}

// resolveAdvice says how the author of pull request pr brings it up to
// date: the form's issue edited, or GitHub's own button, with the git
// command for those who use git.
func resolveAdvice(pr PullRequest) string {
	base := baseName(pr)
	switch {
	case pr.FormIssue != 0:
		return fmt.Sprintf("edit issue #%d (any answer) and connectbot writes its answers again onto today's %s", pr.FormIssue, base)
	case pr.BranchUpdate == BranchUpdateRefused:
		return fmt.Sprintf("press Update branch on this pull request on GitHub, which merges %s into it line by line (or with git: git pull origin %s, then push)", base, base)
	}
	return fmt.Sprintf("press Resolve conflicts on this pull request on GitHub, keep what both sides need in the file and mark it resolved (or with git: git pull --rebase origin %s, then push)", base)
}

// baseName names the base branch in advice; the facts do not carry its
// name, so it is "the base branch" unless known.
func baseName(pr PullRequest) string {
	if pr.BaseRef != "" {
		return pr.BaseRef
	}
	return "the base branch"
}
