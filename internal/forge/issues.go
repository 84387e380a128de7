package forge

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/google/go-github/v60/github"
)

// ListComments returns every conversation comment of issue or pull request
// number, oldest first.
func (c *Client) ListComments(ctx context.Context, number int) ([]Comment, error) {
	out, _, err := c.ListCommentsAtEnds(ctx, number, 0)
	return out, err
}

// ListCommentsAtEnds is ListComments reading at most maxPages pages (every
// page when maxPages is 0): the first and the last ones, oldest first; cut
// reports whether comments between them were left out. Anyone may comment
// on a public pull request, so a caller bounds what one event costs with
// it.
func (c *Client) ListCommentsAtEnds(ctx context.Context, number, maxPages int) (out []Comment, cut bool, err error) {
	cut, err = paginateEnds(c, maxPages, func(opts *github.ListOptions) (*github.Response, error) {
		comments, resp, err := c.gh.Issues.ListComments(ctx, c.owner, c.repo, number, &github.IssueListCommentsOptions{
			ListOptions: *opts,
		})
		for _, cm := range comments {
			out = append(out, toComment(cm))
		}
		return resp, err
	})
	if err != nil {
		return nil, false, c.wrapErr(fmt.Sprintf("list comments of #%d", number), err)
	}
	return out, cut, nil
}

// ListCommentsSince returns the conversation comments of issue or pull
// request number last updated at or after since, oldest first, reading at
// most maxPages pages (every page when maxPages is 0); cut reports whether
// newer comments were left unread. A reply to a comment is never older
// than the comment, so looking for it from the comment's own time costs
// one request however many comments came before.
func (c *Client) ListCommentsSince(ctx context.Context, number int, since time.Time, maxPages int) (out []Comment, cut bool, err error) {
	opts := &github.IssueListCommentsOptions{Since: &since, ListOptions: github.ListOptions{PerPage: c.pageSize, Page: 1}}
	for pages := 1; ; pages++ {
		comments, resp, err := c.gh.Issues.ListComments(ctx, c.owner, c.repo, number, opts)
		if err != nil {
			return nil, false, c.wrapErr(fmt.Sprintf("list comments of #%d since %s", number, since.UTC().Format(time.RFC3339)), err)
		}
		for _, cm := range comments {
			out = append(out, toComment(cm))
		}
		if resp == nil || resp.NextPage == 0 {
			return out, false, nil
		}
		if maxPages > 0 && pages >= maxPages {
			return out, true, nil
		}
		if resp.NextPage <= opts.Page {
			return nil, false, errors.New("pagination went backwards")
		}
		opts.Page = resp.NextPage
	}
}

// CreateComment posts body as a new comment on issue or pull request
// number.
//
// It is not retried after a 5xx, because GitHub may have posted the comment
// before failing: on an error wrapping ErrUnavailable the caller must look
// for its comment (ListComments, matching the hidden marker in its body)
// before posting again, and edit the one it finds instead.
func (c *Client) CreateComment(ctx context.Context, number int, body string) (Comment, error) {
	cm, _, err := c.gh.Issues.CreateComment(ctx, c.owner, c.repo, number, &github.IssueComment{Body: github.String(body)})
	if err != nil {
		return Comment{}, c.wrapErr(fmt.Sprintf("create comment on #%d", number), err)
	}
	return toComment(cm), nil
}

// EditComment replaces the body of comment id.
func (c *Client) EditComment(ctx context.Context, id int64, body string) (Comment, error) {
	cm, _, err := c.gh.Issues.EditComment(idempotent(ctx), c.owner, c.repo, id, &github.IssueComment{Body: github.String(body)})
	if err != nil {
		return Comment{}, c.wrapErr(fmt.Sprintf("edit comment %d", id), err)
	}
	return toComment(cm), nil
}

// AddLabels adds labels to issue or pull request number. Labels it already
// has stay; labels the repository lacks are created with GitHub's default
// colour (use EnsureLabel first to choose one).
//
// The body is the documented {"labels": [...]}: go-github v60's
// AddLabelsToIssue sends a bare array, which GitHub's description no
// longer lists.
func (c *Client) AddLabels(ctx context.Context, number int, labels ...string) error {
	if len(labels) == 0 {
		return nil
	}
	op := fmt.Sprintf("add labels %q to #%d", labels, number)
	path := fmt.Sprintf("repos/%s/%s/issues/%d/labels", url.PathEscape(c.owner), url.PathEscape(c.repo), number)
	req, err := c.gh.NewRequest("POST", path, struct {
		Labels []string `json:"labels"`
	}{labels})
	if err != nil {
		return fmt.Errorf("forge: %s: %w", op, err)
	}
	_, err = c.gh.Do(idempotent(ctx), req, nil)
	return c.wrapErr(op, err)
}

// RemoveLabel removes label from issue or pull request number. A label the
// issue does not have (404) is not an error.
func (c *Client) RemoveLabel(ctx context.Context, number int, label string) error {
	_, err := c.gh.Issues.RemoveLabelForIssue(ctx, c.owner, c.repo, number, url.PathEscape(label))
	err = c.wrapErr(fmt.Sprintf("remove label %q from #%d", label, number), err)
	if errors.Is(err, ErrNotFound) {
		return nil
	}
	return err
}

// EnsureLabel creates the repository label name with color (six hex digits,
// with or without "#"; GitHub rejects others with ErrValidation) and
// description unless it exists. An existing label
// is left as it is; losing a race to create it (422 already_exists) is not
// an error.
func (c *Client) EnsureLabel(ctx context.Context, name, color, description string) error {
	op := fmt.Sprintf("ensure label %q", name)
	color = strings.TrimPrefix(color, "#")
	_, _, err := c.gh.Issues.GetLabel(ctx, c.owner, c.repo, url.PathEscape(name))
	if err == nil {
		return nil
	}
	if err = c.wrapErr(op, err); !errors.Is(err, ErrNotFound) {
		return err
	}
	return c.createLabel(ctx, op, name, color, description)
}

func (c *Client) createLabel(ctx context.Context, op, name, color, description string) error {
	label := &github.Label{Name: github.String(name), Color: github.String(color)}
	if description != "" {
		label.Description = github.String(description)
	}
	_, _, err := c.gh.Issues.CreateLabel(idempotent(ctx), c.owner, c.repo, label)
	err = c.wrapErr(op, err)
	var apiErr *APIError
	if errors.As(err, &apiErr) && errors.Is(err, ErrValidation) && apiErr.HasCode("already_exists") {
		return nil
	}
	return err
}

func toComment(cm *github.IssueComment) Comment {
	return Comment{ID: cm.GetID(), Author: cm.GetUser().GetLogin(), Body: cm.GetBody(),
		Edited: cm.GetUpdatedAt().After(cm.GetCreatedAt().Time), Created: cm.GetCreatedAt().UTC()}
}
