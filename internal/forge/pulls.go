package forge

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/connectbot/connectbot/internal/gitsha"
	"github.com/google/go-github/v60/github"
)

// PullRequest returns pull request number.
func (c *Client) PullRequest(ctx context.Context, number int) (PR, error) {
	pr, _, err := c.gh.PullRequests.Get(ctx, c.owner, c.repo, number)
	if err != nil {
		return PR{}, c.wrapErr(fmt.Sprintf("get pull request #%d", number), err)
	}
	return toPR(pr), nil
}

// ListPullFiles returns every file pull request number changes, following
// pagination (GitHub lists at most 3000).
func (c *Client) ListPullFiles(ctx context.Context, number int) ([]File, error) {
	var out []File
	err := paginate(c, func(opts *github.ListOptions) (*github.Response, error) {
		files, resp, err := c.gh.PullRequests.ListFiles(ctx, c.owner, c.repo, number, opts)
		for _, f := range files {
			out = append(out, File{Path: f.GetFilename(), PreviousPath: f.GetPreviousFilename(), Status: f.GetStatus()})
		}
		return resp, err
	})
	if err != nil {
		return nil, c.wrapErr(fmt.Sprintf("list files of #%d", number), err)
	}
	return out, nil
}

// ListReviews returns every review of pull request number, oldest first.
func (c *Client) ListReviews(ctx context.Context, number int) ([]Review, error) {
	out, _, err := c.ListReviewsAtEnds(ctx, number, 0)
	return out, err
}

// ListReviewsAtEnds is ListReviews reading at most maxPages pages (every
// page when maxPages is 0): the first and the last ones, oldest first; cut
// reports whether reviews between them were left out. Anyone may review a
// public pull request, so a caller bounds what one event costs with it.
func (c *Client) ListReviewsAtEnds(ctx context.Context, number, maxPages int) (out []Review, cut bool, err error) {
	cut, err = paginateEnds(c, maxPages, func(opts *github.ListOptions) (*github.Response, error) {
		reviews, resp, err := c.gh.PullRequests.ListReviews(ctx, c.owner, c.repo, number, opts)
		for _, r := range reviews {
			out = append(out, Review{
				ID:          r.GetID(),
				Author:      r.GetUser().GetLogin(),
				State:       r.GetState(),
				CommitSHA:   r.GetCommitID(),
				Body:        r.GetBody(),
				SubmittedAt: r.GetSubmittedAt().Time,
			})
		}
		return resp, err
	})
	if err != nil {
		return nil, false, c.wrapErr(fmt.Sprintf("list reviews of #%d", number), err)
	}
	return out, cut, nil
}

// CreatePR opens a pull request from pr.Head into pr.Base. GitHub refuses a
// second open pull request for the same head and base with ErrValidation
// ("A pull request already exists for owner:branch."); look first with
// ListPRs. It is not retried after a 5xx.
func (c *Client) CreatePR(ctx context.Context, pr NewPR) (PR, error) {
	created, _, err := c.gh.PullRequests.Create(ctx, c.owner, c.repo, &github.NewPullRequest{
		Title: github.String(pr.Title),
		Head:  github.String(pr.Head),
		Base:  github.String(pr.Base),
		Body:  github.String(pr.Body),
	})
	if err != nil {
		return PR{}, c.wrapErr(fmt.Sprintf("create pull request from %s into %s", pr.Head, pr.Base), err)
	}
	return toPR(created), nil
}

// ListPRs returns the pull requests whose head is head ("owner:branch"; a
// bare branch name is taken to be in this repository's owner, since GitHub
// silently ignores a head filter without an owner) in state "open",
// "closed" or "all" ("" means "open"). An empty head lists them all.
func (c *Client) ListPRs(ctx context.Context, head, state string) ([]PR, error) {
	return c.listPRs(ctx, head, "", state)
}

// ListOpenPRsInto returns the open pull requests into branch base, asking
// GitHub for those alone (base=): when a branch moves, the pull requests
// into it are judged again, and a push to a pull request's own branch,
// which none is into, costs one request whatever the number open.
func (c *Client) ListOpenPRsInto(ctx context.Context, base string) ([]PR, error) {
	if base == "" {
		return nil, fmt.Errorf("forge: list pull requests into a branch: no branch named")
	}
	return c.listPRs(ctx, "", base, "open")
}

// listPRs lists the pull requests in state, with head and base as filters
// when set: what ListPRs and ListOpenPRsInto ask.
func (c *Client) listPRs(ctx context.Context, head, base, state string) ([]PR, error) {
	if head != "" && !strings.Contains(head, ":") {
		head = c.owner + ":" + head
	}
	if state == "" {
		state = "open"
	}
	switch state {
	case "open", "closed", "all":
	default:
		return nil, fmt.Errorf("forge: list pull requests: state %q is not open, closed or all", state)
	}
	var out []PR
	err := paginate(c, func(opts *github.ListOptions) (*github.Response, error) {
		prs, resp, err := c.gh.PullRequests.List(ctx, c.owner, c.repo, &github.PullRequestListOptions{
			State:       state,
			Head:        head,
			Base:        base,
			ListOptions: *opts,
		})
		for _, pr := range prs {
			out = append(out, toPR(pr))
		}
		return resp, err
	})
	if err != nil {
		return nil, c.wrapErr(fmt.Sprintf("list pull requests (head %q, base %q, state %s)", head, base, state), err)
	}
	return out, nil
}

// FindPRsByHead returns the open pull requests whose head commit is sha,
// newest first: several when one branch is proposed into more than one
// base, none when no open pull request has that head. It lists every open
// pull request (GitHub's list cannot filter by SHA) and works for pull
// requests from forks, whose check runs and check suites GitHub sends with
// an empty pull_requests list.
func (c *Client) FindPRsByHead(ctx context.Context, sha string) ([]PR, error) {
	if sha == "" {
		return nil, errors.New("forge: find pull requests by head: the head SHA is required")
	}
	open, err := c.ListPRs(ctx, "", "open")
	if err != nil {
		return nil, err
	}
	var out []PR
	for _, pr := range open {
		if strings.EqualFold(pr.HeadSHA, sha) {
			out = append(out, pr)
		}
	}
	return out, nil
}

// LastReopened returns when pull request number was last reopened, from
// its issue events, reading at most maxPages pages of them (every page
// when maxPages is 0): the first and the newest. The zero time means it
// never was. When events between those pages were left out, a reopening
// may be among them, so the time of the first event read after them
// stands in for it when later than any reopening read: an approval that
// must follow the last reopening then counts only when given after it.
func (c *Client) LastReopened(ctx context.Context, number, maxPages int) (time.Time, error) {
	var last, tail time.Time
	cut, err := paginateEnds(c, maxPages, func(opts *github.ListOptions) (*github.Response, error) {
		events, resp, err := c.gh.Issues.ListIssueEvents(ctx, c.owner, c.repo, number, opts)
		for _, e := range events {
			at := e.GetCreatedAt().Time
			if e.GetEvent() == "reopened" && at.After(last) {
				last = at
			}
			if opts.Page > 1 && tail.IsZero() {
				tail = at
			}
		}
		return resp, err
	})
	if err != nil {
		return time.Time{}, c.wrapErr(fmt.Sprintf("list events of #%d", number), err)
	}
	if cut && tail.After(last) {
		last = tail
	}
	return last, nil
}

// UpdatePR sets the title and body of pull request number.
func (c *Client) UpdatePR(ctx context.Context, number int, title, body string) (PR, error) {
	pr, _, err := c.gh.PullRequests.Edit(idempotent(ctx), c.owner, c.repo, number, &github.PullRequest{
		Title: github.String(title),
		Body:  github.String(body),
	})
	if err != nil {
		return PR{}, c.wrapErr(fmt.Sprintf("update pull request #%d", number), err)
	}
	return toPR(pr), nil
}

// ClosePR closes pull request number without merging it. Closing a closed
// pull request succeeds.
func (c *Client) ClosePR(ctx context.Context, number int) error {
	_, _, err := c.gh.PullRequests.Edit(idempotent(ctx), c.owner, c.repo, number, &github.PullRequest{
		State: github.String("closed"),
	})
	return c.wrapErr(fmt.Sprintf("close pull request #%d", number), err)
}

// Merge methods GitHub accepts.
const (
	MergeMethodMerge  = "merge"
	MergeMethodSquash = "squash"
	MergeMethodRebase = "rebase"
)

// MergePR merges pull request number with method ("merge", "squash" or
// "rebase"; "" means "merge") only if its head is still sha, and returns
// the merge commit's SHA. If the head moved it returns ErrConflict, and the
// pull request stays open. Other refusals (closed, conflicting, protected)
// return ErrNotMergeable. It is not retried after a 5xx: read the pull
// request to learn whether it merged.
func (c *Client) MergePR(ctx context.Context, number int, sha, method string) (string, error) {
	op := fmt.Sprintf("merge pull request #%d at %s", number, gitsha.Short(sha))
	if sha == "" {
		return "", fmt.Errorf("forge: %s: the head SHA to pin the merge to is required", op)
	}
	if method == "" {
		method = MergeMethodMerge
	}
	switch method {
	case MergeMethodMerge, MergeMethodSquash, MergeMethodRebase:
	default:
		return "", fmt.Errorf("forge: %s: merge method %q is not merge, squash or rebase", op, method)
	}
	res, _, err := c.gh.PullRequests.Merge(ctx, c.owner, c.repo, number, "", &github.PullRequestOptions{
		SHA:         sha,
		MergeMethod: method,
	})
	if err != nil {
		return "", c.wrapErr(op, err)
	}
	if !res.GetMerged() {
		return "", &APIError{Op: op, Status: 200, Message: res.GetMessage(), kind: ErrNotMergeable}
	}
	return res.GetSHA(), nil
}

func toPR(pr *github.PullRequest) PR {
	out := PR{
		Number:   pr.GetNumber(),
		Title:    pr.GetTitle(),
		Body:     pr.GetBody(),
		State:    pr.GetState(),
		Merged:   pr.GetMerged() || pr.MergedAt != nil,
		Draft:    pr.GetDraft(),
		Author:   pr.GetUser().GetLogin(),
		HeadSHA:  pr.GetHead().GetSHA(),
		HeadRef:  pr.GetHead().GetRef(),
		HeadRepo: pr.GetHead().GetRepo().GetFullName(),
		BaseRepo: pr.GetBase().GetRepo().GetFullName(),
		BaseRef:  pr.GetBase().GetRef(),
		BaseSHA:  pr.GetBase().GetSHA(),

		DefaultBranch: pr.GetBase().GetRepo().GetDefaultBranch(),
		Mergeable:     pr.GetMergeable(),
		UpdatedAt:     pr.GetUpdatedAt().UTC(),
	}
	for _, l := range pr.Labels {
		out.Labels = append(out.Labels, l.GetName())
	}
	return out
}

// paginate calls page with page 1, 2, ... until GitHub says there is no
// next page.
func paginate(c *Client, page func(*github.ListOptions) (*github.Response, error)) error {
	opts := &github.ListOptions{PerPage: c.pageSize, Page: 1}
	for {
		resp, err := page(opts)
		if err != nil {
			return err
		}
		if resp == nil || resp.NextPage == 0 {
			return nil
		}
		if resp.NextPage <= opts.Page {
			return errors.New("pagination went backwards")
		}
		opts.Page = resp.NextPage
	}
}

// paginateEnds is paginate reading at most maxPages pages (all of them
// when maxPages is 0 or they are no more): the first, then the last
// maxPages-1 in order, so that what is oldest and what is newest are read
// and a list someone has flooded costs no more than maxPages requests.
// cut reports whether pages between them were left out.
func paginateEnds(c *Client, maxPages int, page func(*github.ListOptions) (*github.Response, error)) (cut bool, err error) {
	if maxPages <= 0 {
		return false, paginate(c, page)
	}
	opts := &github.ListOptions{PerPage: c.pageSize, Page: 1}
	resp, err := page(opts)
	if err != nil || resp == nil || resp.NextPage == 0 {
		return false, err
	}
	last := max(resp.LastPage, resp.NextPage)
	from := resp.NextPage
	if last-from+2 > maxPages {
		from, cut = last-maxPages+2, true
	}
	for n := from; n <= last; n++ {
		opts.Page = n
		if _, err := page(opts); err != nil {
			return cut, err
		}
	}
	return cut, nil
}
