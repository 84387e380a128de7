package program

import (
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/connectbot/connectbot/internal/application"
)

// Review states as GitHub names them.
const (
	ReviewApproved         = "APPROVED"
	ReviewChangesRequested = "CHANGES_REQUESTED"
	ReviewCommented        = "COMMENTED"
	ReviewDismissed        = "DISMISSED"
)

// Review is one review of a pull request.
type Review struct {
	Author      string
	State       string
	CommitSHA   string
	Body        string
	SubmittedAt time.Time
}

// InterestedApproval is an approval that does not count: its reviewer is
// not independent of an application the pull request changes.
type InterestedApproval struct {
	Review Review
	// Why says what the reviewer maintains, in words.
	Why string
}

// AsksReopened reports whether the verdict on pr depends on when it was
// last reopened: only an approval by a reviewer of the base
// configuration, other than the author, can be too old for it.
func (pr PullRequest) AsksReopened() bool {
	return slices.ContainsFunc(pr.Reviews, func(r Review) bool {
		return r.State == ReviewApproved && isReviewer(pr.Config, r.Author) && !strings.EqualFold(r.Author, pr.Author.Login)
	})
}

// standingReviews returns the authorised approval of the head commit, if
// any, given since the pull request was last reopened (the earliest, when
// several reviewers approved: the pull request was approved from then
// on), the change
// requests not since superseded by the same reviewer, and the approvals
// of the head that do not count because their reviewer is not
// independent of the pull request's applications (see Interest).
// Each reviewer's latest decisive review (approve, request changes,
// dismissed) stands; comments do not change it. A change request counts
// from any reviewer: a maintainer saying no is still no.
func standingReviews(pr PullRequest) (*Review, []Review, []InterestedApproval) {
	latest := map[string]Review{}
	for _, r := range pr.Reviews {
		if r.State == ReviewCommented {
			continue
		}
		if prev, ok := latest[strings.ToLower(r.Author)]; !ok || !r.SubmittedAt.Before(prev.SubmittedAt) {
			latest[strings.ToLower(r.Author)] = r
		}
	}
	var approval *Review
	var changes []Review
	var interested []InterestedApproval
	authors := make([]string, 0, len(latest))
	for a := range latest {
		authors = append(authors, a)
	}
	sort.Strings(authors)
	for _, a := range authors {
		r := latest[a]
		authorised := isReviewer(pr.Config, r.Author) && !strings.EqualFold(r.Author, pr.Author.Login)
		switch {
		case r.State == ReviewApproved && authorised && r.CommitSHA == pr.HeadSHA && !r.SubmittedAt.Before(pr.ReopenedAt):
			if why := Interest(pr.Changes, r.Author); why != "" {
				interested = append(interested, InterestedApproval{Review: r, Why: why})
			} else if approval == nil || r.SubmittedAt.Before(approval.SubmittedAt) {
				approval = &r
			}
		case r.State == ReviewChangesRequested && authorised:
			changes = append(changes, r)
		}
	}
	return approval, changes, interested
}

// Interest says why login is not independent of the applications a pull
// request changes — it maintains one of them at the base or at the head,
// or another application of the same company (FileChange.SameCompany) —
// or "" when it is independent: only an independent reviewer's approval
// counts.
func Interest(changes []FileChange, login string) string {
	for _, c := range changes {
		if c.Status == ChangeAffected || !c.IsApplication() {
			continue
		}
		for _, f := range []*application.File{c.Base, c.Head} {
			if f != nil && f.App != nil && isMaintainer(f.App, login) {
				return fmt.Sprintf("@%s maintains %s", login, f.Path)
			}
		}
		for _, f := range c.SameCompany {
			if f.App != nil && isMaintainer(f.App, login) {
				return fmt.Sprintf("@%s maintains %s, an application of the same company (%q)", login, f.Path, f.App.Company.Name)
			}
		}
	}
	return ""
}

// independentReviewers are the reviewers of the configuration who may
// approve the pull request: not its author, and independent of its
// applications.
func independentReviewers(pr PullRequest) []string {
	var out []string
	for _, r := range pr.Config.Reviewers {
		if !strings.EqualFold(r, pr.Author.Login) && Interest(pr.Changes, r) == "" {
			out = append(out, r)
		}
	}
	return out
}

func isReviewer(cfg application.Config, login string) bool {
	return slices.ContainsFunc(cfg.Reviewers, func(r string) bool { return strings.EqualFold(r, login) })
}

// needsIndependent says, for each approval that does not count, why, and
// who may approve instead.
func needsIndependent(pr PullRequest, interested []InterestedApproval) []string {
	var out []string
	for _, a := range interested {
		out = append(out, fmt.Sprintf("@%s's approval does not count: %s. An approval counts only from a reviewer who maintains none of the applications this pull request changes, nor another application of their company.", a.Review.Author, a.Why))
	}
	if others := independentReviewers(pr); len(others) > 0 {
		out = append(out, fmt.Sprintf("An independent reviewer (%s) approves this commit to merge it.", strings.Join(prefixAt(others), ", ")))
	} else {
		out = append(out, "An independent reviewer approves this commit to merge it, and program.cue lists none: a reviewer adds one to its reviewers first.")
	}
	return out
}
