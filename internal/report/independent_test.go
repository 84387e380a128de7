package report_test

import (
	"testing"
	"time"

	"github.com/connectbot/connectbot/internal/application"
	"github.com/connectbot/connectbot/internal/program"
	"github.com/connectbot/connectbot/internal/report"
)

// TestTheCommentAsksForAnIndependentReviewer: an approval by a reviewer
// who maintains the application does not count, and the comment says so
// and names who may approve instead.
func TestTheCommentAsksForAnIndependentReviewer(t *testing.T) {
	pr := approvedNorthwind(t, "rivera-reviews", time.Date(2026, 11, 24, 9, 0, 0, 0, time.UTC))
	pr.Number = 9
	pr.Changes[0].Head.App.Maintainers = []string{"priya-castellano", "rivera-reviews"}
	v := program.JudgePullRequest(pr)
	if v.Merge || v.Approval != nil {
		t.Fatalf("the maintainer's approval counted: %+v", v.Approval)
	}
	checkGolden(t, "comment-not-independent.md", report.PRComment(v, nil, nil))
}

// approvedNorthwind is the pull request of priya-castellano adding
// northwind-notes, judged on 2026-11-25 with a small configuration whose
// reviewers are rivera-reviews and okafor-pm, its head approved by
// reviewer at at.
func approvedNorthwind(t *testing.T, reviewer string, at time.Time) program.PullRequest {
	t.Helper()
	cfg := application.Config{MinInstalls: 10, CertificationInstalls: 40, ListingDueDays: 30, InstallWindowDays: 90,
		SupportResponseHours: 24, ReminderDays: []int{7, 1}, Reviewers: []string{"rivera-reviews", "okafor-pm"}}
	now, _ := application.ParseDate("2026-11-25")
	const head = "5f2c9e1d0b7a4c3e8f6a1b2c3d4e5f6a7b8c9d0e"
	fine := judged(t, cfg, "applications/northwind-notes.cue")
	fine[0].Findings = nil // the sample's own scopes are outside this small catalogue
	return program.PullRequest{
		Author: program.Author{Login: "priya-castellano"}, HeadSHA: head, Config: cfg, Now: now,
		Changes: []program.FileChange{{Path: fine[0].Path, Status: program.ChangeNew, Head: &fine[0]}},
		Reviews: []program.Review{{Author: reviewer, State: program.ReviewApproved, CommitSHA: head, SubmittedAt: at}},
	}
}
