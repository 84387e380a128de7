package forge

import (
	"context"
	"errors"
	"fmt"

	"github.com/connectbot/connectbot/internal/gitsha"
	"github.com/google/go-github/v60/github"
)

// UpdateBranch asks GitHub to merge the base branch into the head branch
// of pull request number, as its Update branch button does, only if the
// head is still sha. GitHub accepts it (202) before the merge lands: the
// new head comes with the pull request's synchronize event. A refusal —
// the head moved, a head in a fork that does not allow edits by
// maintainers, a conflict GitHub finds too, nothing new on the base — is
// ErrValidation (422) or ErrConflict (409), ErrForbidden where the token
// may not write the head's repository.
func (c *Client) UpdateBranch(ctx context.Context, number int, sha string) error {
	op := fmt.Sprintf("update the branch of pull request #%d at %s", number, gitsha.Short(sha))
	if sha == "" {
		return fmt.Errorf("forge: %s: the head SHA to pin the update to is required", op)
	}
	_, _, err := c.gh.PullRequests.UpdateBranch(ctx, c.owner, c.repo, number, &github.PullRequestBranchUpdateOptions{ExpectedHeadSHA: github.String(sha)})
	var accepted *github.AcceptedError
	if err == nil || errors.As(err, &accepted) {
		return nil
	}
	return c.wrapErr(op, err)
}
