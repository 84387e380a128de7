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
	cfg := application.Config{MinInstalls: 10, CertificationInstalls: 40, ListingDueDays: 30, InstallWindowDays: 90,
		SupportResponseHours: 24, ReminderDays: []int{7, 1}, Reviewers: []string{"rivera-reviews", "okafor-pm"}}
	now, _ := application.ParseDate("2026-11-25")
	const head = "5f2c9e1d0b7a4c3e8f6a1b2c3d4e5f6a7b8c9d0e"
	fine := judged(t, cfg, "applications/northwind-notes.cue")
	fine[0].Findings = nil // the sample's own scopes are outside this small catalogue
	fine[0].App.Maintainers = []string{"priya-castellano", "rivera-reviews"}
	v := program.JudgePullRequest(program.PullRequest{
		Number: 9, Author: program.Author{Login: "priya-castellano"}, HeadSHA: head, Config: cfg, Now: now,
		Changes: []program.FileChange{{Path: fine[0].Path, Status: program.ChangeNew, Head: &fine[0]}},
		Reviews: []program.Review{{Author: "rivera-reviews", State: program.ReviewApproved, CommitSHA: head,
			SubmittedAt: time.Date(2026, 11, 24, 9, 0, 0, 0, time.UTC)}},
	})
	if v.Merge || v.Approval != nil {
		t.Fatalf("the maintainer's approval counted: %+v", v.Approval)
	}
	checkGolden(t, "comment-not-independent.md", report.PRComment(v, nil, nil))
}
