package forge

import (
	"context"
	"fmt"
	"strings"

	"github.com/google/go-github/v60/github"
)

// Issue is an issue, such as an application's tracking issue or an
// application form.
type Issue struct {
	Number int
	Title  string
	Body   string
	State  string
	Labels []string
	// Author is the login of the user who opened the issue, which GitHub
	// never changes: what an issue's author decides rests on it, never on
	// the issue's text.
	Author string
	// PullRequest is true when the number is a pull request's: GitHub's
	// issues endpoints answer for pull requests too.
	PullRequest bool
}

// Issue returns issue number, as GitHub holds it now.
func (c *Client) Issue(ctx context.Context, number int) (Issue, error) {
	is, _, err := c.gh.Issues.Get(ctx, c.owner, c.repo, number)
	if err != nil {
		return Issue{}, c.wrapErr(fmt.Sprintf("get issue #%d", number), err)
	}
	return toIssue(is), nil
}

// CreateIssue opens an issue with labels. Like every create, it is not
// retried after a server error: look for it (by a marker in its body)
// before trying again.
func (c *Client) CreateIssue(ctx context.Context, title, body string, labels ...string) (Issue, error) {
	is, _, err := c.gh.Issues.Create(ctx, c.owner, c.repo, &github.IssueRequest{
		Title: github.String(title), Body: github.String(body), Labels: &labels,
	})
	if err != nil {
		return Issue{}, c.wrapErr(fmt.Sprintf("create issue %q", title), err)
	}
	return toIssue(is), nil
}

// ListIssues lists the issues carrying every one of labels, in state
// "open", "closed" or "all", leaving out pull requests.
func (c *Client) ListIssues(ctx context.Context, state string, labels ...string) ([]Issue, error) {
	if state == "" {
		state = "open"
	}
	var out []Issue
	err := paginate(c, func(opts *github.ListOptions) (*github.Response, error) {
		page, resp, err := c.gh.Issues.ListByRepo(ctx, c.owner, c.repo, &github.IssueListByRepoOptions{
			State: state, Labels: labels, ListOptions: *opts,
		})
		for _, is := range page {
			if !is.IsPullRequest() {
				out = append(out, toIssue(is))
			}
		}
		return resp, err
	})
	if err != nil {
		return nil, c.wrapErr(fmt.Sprintf("list issues labelled %s", strings.Join(labels, ", ")), err)
	}
	return out, nil
}

func toIssue(is *github.Issue) Issue {
	out := Issue{Number: is.GetNumber(), Title: is.GetTitle(), Body: is.GetBody(), State: is.GetState(),
		Author: is.GetUser().GetLogin(), PullRequest: is.IsPullRequest()}
	for _, l := range is.Labels {
		out.Labels = append(out.Labels, l.GetName())
	}
	return out
}
