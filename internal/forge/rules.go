package forge

import (
	"context"
	"fmt"
	"net/url"
)

// RuleMergeQueue is the type of the rule that makes a branch take changes
// only through GitHub's merge queue.
const RuleMergeQueue = "merge_queue"

// BranchRules returns the types of the rules GitHub applies to branch —
// every rule of its active rulesets ("pull_request", RuleMergeQueue, …),
// whoever may bypass them — from GET
// /repos/{owner}/{repo}/rules/branches/{branch}, first 100 of them.
// go-github v60 refuses to read a merge_queue rule, so the answer is read
// here, for its types alone.
func (c *Client) BranchRules(ctx context.Context, branch string) ([]string, error) {
	op := fmt.Sprintf("rules of branch %s", branch)
	path := fmt.Sprintf("repos/%s/%s/rules/branches/%s?per_page=100", url.PathEscape(c.owner), url.PathEscape(c.repo), escapeBranch(branch))
	req, err := c.gh.NewRequest("GET", path, nil)
	if err != nil {
		return nil, fmt.Errorf("forge: %s: %w", op, err)
	}
	var rules []struct {
		Type string `json:"type"`
	}
	if _, err := c.gh.Do(ctx, req, &rules); err != nil {
		return nil, c.wrapErr(op, err)
	}
	out := make([]string, len(rules))
	for i, r := range rules {
		out[i] = r.Type
	}
	return out, nil
}

// escapeBranch escapes each segment of a branch name for a URL path,
// keeping the slashes between them, as GitHub's routes take them.
func escapeBranch(branch string) string {
	u := url.URL{Path: branch}
	return u.EscapedPath()
}
