package report_test

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/connectbot/connectbot/internal/application"
	"github.com/connectbot/connectbot/internal/catalog"
	"github.com/connectbot/connectbot/internal/golden"
	"github.com/connectbot/connectbot/internal/policy"
	"github.com/connectbot/connectbot/internal/program"
	"github.com/connectbot/connectbot/internal/report"
)

// judged loads application files from the repository's testdata and
// samples as the pull-request handler would, with every policy rule.
func judged(t *testing.T, cfg application.Config, paths ...string) []application.File {
	t.Helper()
	cat, err := catalog.Default()
	if err != nil {
		t.Fatal(err)
	}
	var files []application.File
	for _, p := range paths {
		src, err := os.ReadFile(filepath.Join("../..", p))
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, cat.Application("applications/"+filepath.Base(p), src))
	}
	now, _ := application.ParseDate("2026-11-25")
	policy.Check(files, cfg, now)
	return files
}

// checkGolden compares got with testdata/<name>.golden.
func checkGolden(t *testing.T, name, got string) {
	t.Helper()
	golden.Check(t, filepath.Join("testdata", name+".golden"), got)
}

func TestPullRequestCommentAndCheck(t *testing.T) {
	cfg := application.Config{MinInstalls: 10, CertificationInstalls: 40, ListingDueDays: 30, InstallWindowDays: 90,
		SupportResponseHours: 24, ReminderDays: []int{7, 1}, Reviewers: []string{"rivera-reviews", "okafor-pm"},
		BrandTerms: []string{"HubSpot"}, Scopes: map[string]application.ScopeInfo{
			"crm.objects.contacts.read": {Description: "Read contacts."}, "crm.objects.deals.read": {Description: "Read deals."},
		}}
	now, _ := application.ParseDate("2026-11-25")
	const head = "5f2c9e1d0b7a4c3e8f6a1b2c3d4e5f6a7b8c9d0e"

	broken := judged(t, cfg, "cmd/connectbot/testdata/broken/applications/auth-and-support.cue")
	red := program.JudgePullRequest(program.PullRequest{
		Number: 7, Author: program.Author{Login: "keyhole-dev"}, HeadSHA: head, Config: cfg, Now: now,
		Changes: []program.FileChange{
			{Path: broken[0].Path, Status: program.ChangeNew, Head: &broken[0]},
			{Path: "README.md", Status: program.ChangeUpdate},
		},
	})
	checkGolden(t, "comment-invalid.md", report.PRComment(red, nil, nil))
	check := report.Check(red)
	checkGolden(t, "check-invalid.md", check.Title+"\n\n"+check.Summary)

	fine := judged(t, cfg, "applications/northwind-notes.cue")
	fine[0].Findings = nil // the sample's own scopes are outside this small catalogue
	green := program.JudgePullRequest(program.PullRequest{
		Number: 8, Author: program.Author{Login: "priya-castellano"}, HeadSHA: head, Config: cfg, Now: now,
		Changes: []program.FileChange{{Path: fine[0].Path, Status: program.ChangeNew, Head: &fine[0]}},
	})
	checkGolden(t, "comment-valid.md", report.PRComment(green, nil, nil))

	ann := report.Annotations(red)
	if len(ann) != 4 {
		t.Fatalf("want 4 annotations (3 policy errors and the README note), got %d: %+v", len(ann), ann)
	}
	// Errors by file, then line: the README note sorts before applications/.
	if a := ann[1]; a.Path != "applications/auth-and-support.cue" || a.Line != 8 || a.Level != "failure" || !strings.HasPrefix(a.Title, "connect/req-2") {
		t.Errorf("first annotation of the application %+v", a)
	}
}

// TestBehindAMergeQueueTheCommentAndCheckSayToQueueIt renders the
// verdict on an approved new application whose base branch takes changes
// only through GitHub's merge queue: both say to add it to the queue, and
// what connectbot records once the queue merges it.
func TestBehindAMergeQueueTheCommentAndCheckSayToQueueIt(t *testing.T) {
	pr := approvedNorthwind(t, "okafor-pm", time.Date(2026, 11, 25, 10, 0, 0, 0, time.UTC))
	pr.Number, pr.BaseRef, pr.MergeQueue = 8, "main", true
	v := program.JudgePullRequest(pr)
	if v.Merge || !v.Queued {
		t.Fatalf("merge %v, queued %v: want the approval left to the queue", v.Merge, v.Queued)
	}
	checkGolden(t, "comment-queued.md", report.PRComment(v, nil, nil))
	check := report.Check(v)
	checkGolden(t, "check-queued.md", check.Title+"\n\n"+check.Summary)
}

func TestCommentTextCannotInjectMarkup(t *testing.T) {
	v := program.Verdict{HeadSHA: "abc", Files: []program.FileVerdict{{
		Path: "applications/x.cue", Kind: "new",
		Findings: []application.Finding{{Rule: "r", Severity: "error", Line: 1, Column: 1,
			Message: "name <script>alert(1)</script> | ![img](https://evil.example/x.png) @everyone [link](https://evil.example)"}},
	}}}
	body := report.PRComment(v, nil, nil)
	for _, bad := range []string{"<script>", "![img](", "[link](", "@everyone", "| ![", "\n| ![img"} {
		if strings.Contains(body, bad) {
			t.Errorf("comment contains %q:\n%s", bad, body)
		}
	}
}

func TestJudgedReadsTheCommitsAVerdictIsFor(t *testing.T) {
	base, head := strings.Repeat("a", 40), strings.Repeat("b", 40)
	v := program.Verdict{HeadSHA: head, BaseSHA: base, Conclusion: program.ConclusionSuccess}
	tests := []struct {
		name             string
		body             string
		wantBase, wantHd string
		wantOK           bool
	}{
		{"a comment connectbot wrote names both", report.PRComment(v, nil, nil), base, head, true},
		{"a comment from before verdicts named their base names nothing", report.CommentMarker + "\n### connectbot: ✔\n", "", "", false},
		{"the line anywhere but second is not read", report.CommentMarker + "\nhello\n<!-- connectbot:judged base=" + base + " head=" + head + " -->\n", "", "", false},
		{"a short SHA is not read", report.CommentMarker + "\n<!-- connectbot:judged base=abc head=def -->\n", "", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b, h, ok := report.Judged(tt.body)
			if b != tt.wantBase || h != tt.wantHd || ok != tt.wantOK {
				t.Errorf("Judged = %q, %q, %v; want %q, %q, %v", b, h, ok, tt.wantBase, tt.wantHd, tt.wantOK)
			}
		})
	}
}

// TestTheChecklistGoesWithNewApplicationsAndStageChanges: the reviewer
// checklist and what the file attests are in the comment exactly when a
// file's verdict shows them, each attestation marked as the file has it.
func TestTheChecklistGoesWithNewApplicationsAndStageChanges(t *testing.T) {
	half := application.Attestations{DeveloperTerms: true, LawfulBasis: true}
	tests := []struct {
		name      string
		file      program.FileVerdict
		wantShown bool
		wantLines []string
	}{
		{"a promotion to certification shows the checklist and what the file attests",
			program.FileVerdict{Path: "applications/a.cue", Kind: "update", Stage: application.StageCertification, Checklist: true, Attestations: &half},
			true, []string{
				"- ✔ `attestations.developerTerms` (attested)",
				"- ✘ `attestations.noSaleOfCustomerData` (not attested)",
				"- [ ] `developer/D6` If money moves through the integration",
			}},
		{"an ordinary update shows neither",
			program.FileVerdict{Path: "applications/a.cue", Kind: "update", Stage: application.StageBeta, Attestations: &half},
			false, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			body := report.PRComment(program.Verdict{HeadSHA: strings.Repeat("c", 40), Files: []program.FileVerdict{tt.file}}, nil, nil)
			if got := strings.Contains(body, "#### Reviewer checklist"); got != tt.wantShown {
				t.Errorf("checklist shown = %v, want %v:\n%s", got, tt.wantShown, body)
			}
			if got := strings.Contains(body, "attests\n"); got != tt.wantShown {
				t.Errorf("attestations shown = %v, want %v:\n%s", got, tt.wantShown, body)
			}
			for _, l := range tt.wantLines {
				if !strings.Contains(body, "\n"+l) {
					t.Errorf("comment lacks the line %q:\n%s", l, body)
				}
			}
		})
	}
}

func TestAPullRequestAddingTooManyApplicationsReadsAsOneFinding(t *testing.T) {
	cfg := application.Config{MaxNewApplications: 5, MaxAnnotations: 50, Reviewers: []string{"rivera-reviews"}}
	var changes []program.FileChange
	for i := range 5000 {
		changes = append(changes, program.FileChange{Path: fmt.Sprintf("applications/junk-%04d.cue", i), Status: program.ChangeNew, ToKind: program.EntryFile})
	}
	v := program.JudgePullRequest(program.PullRequest{
		Number: 12, Author: program.Author{Login: "mallory"}, HeadSHA: strings.Repeat("b", 40), BaseSHA: strings.Repeat("a", 40),
		Config: cfg, Changes: changes,
	})
	check := report.Check(v)
	checkGolden(t, "comment-too-many.md", report.PRComment(v, nil, nil))
	checkGolden(t, "check-too-many.md", check.Title+"\n\n"+check.Summary)
}

// TestAReapplicationShowsTheReviewerItsHistory: the comment on a new file
// that applies again for a removed application says which, when and why
// it was removed.
func TestAReapplicationShowsTheReviewerItsHistory(t *testing.T) {
	cfg := application.Config{MinInstalls: 10, CertificationInstalls: 40, ListingDueDays: 30, InstallWindowDays: 90,
		SupportResponseHours: 24, ReminderDays: []int{7, 1}, Reviewers: []string{"rivera-reviews", "okafor-pm"}}
	now, _ := application.ParseDate("2026-11-25")
	again := judged(t, cfg, "applications/northwind-notes.cue")
	again[0].Findings = nil
	again[0].App.PreviousApplication = "northwind-sync"
	old := application.File{Path: "applications/northwind-sync.cue", Slug: "northwind-sync", App: &application.Application{
		Maintainers: again[0].App.Maintainers,
		Program: application.ProgramState{Stage: application.StageRemoved,
			Removed: &application.Removal{At: application.MustParseDate("2026-05-01"), Reason: "listing-overdue", By: "connectbot"}},
	}}
	v := program.JudgePullRequest(program.PullRequest{
		Number: 9, Author: program.Author{Login: again[0].App.Maintainers[0]}, HeadSHA: "5f2c9e1d0b7a4c3e8f6a1b2c3d4e5f6a7b8c9d0e", Config: cfg, Now: now,
		Changes: []program.FileChange{{Path: again[0].Path, Status: program.ChangeNew, ToKind: program.EntryFile, Head: &again[0], Previous: &old}},
	})
	got := report.PRComment(v, nil, nil)
	checkGolden(t, "comment-reapplication.md", got)
	const want = "re-application of `northwind-sync`, removed on 2026-05-01 for listing-overdue"
	if !strings.Contains(got, want) {
		t.Errorf("comment does not say %q:\n%s", want, got)
	}
}

func TestFlaggedWarningsGoIntoTheReviewerChecklist(t *testing.T) {
	flag := application.Finding{Rule: "connect/req-2", Severity: application.SeverityWarning, Path: "listing.description", Line: 30, Column: 2,
		Message: `the description mentions credentials other than OAuth 2.0 ("API key") while integration.auth is "oauth2"`, Flagged: true}
	plain := application.Finding{Rule: "connect/beta-1", Severity: application.SeverityWarning, Path: "listing", Line: 22, Column: 1,
		Message: "listing information is due by 2026-01-31 (16 days left): add listing.tagline"}
	wantLine := "- [ ] `connect/req-2` `applications/a.cue` `listing.description`: the description mentions credentials other than OAuth 2.0 (\"API key\") while integration.auth is \"oauth2\"<br>_Connect Program Policies, required criterion 2:_ “You must build your integration using OAuth 2.0"
	tests := []struct {
		name      string
		file      program.FileVerdict
		wantShown bool
	}{
		{"an ordinary update with a flagged warning shows it as a checklist item",
			program.FileVerdict{Path: "applications/a.cue", Kind: "update", Stage: application.StageBeta, Findings: []application.Finding{flag, plain}}, true},
		{"a new application lists the flagged warning before the policy's items",
			program.FileVerdict{Path: "applications/a.cue", Kind: "new", Stage: application.StageApplied, Checklist: true, Findings: []application.Finding{flag}}, true},
		{"an ordinary update whose warnings are not flagged shows no checklist",
			program.FileVerdict{Path: "applications/a.cue", Kind: "update", Stage: application.StageBeta, Findings: []application.Finding{plain}}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			body := report.PRComment(program.Verdict{HeadSHA: strings.Repeat("c", 40), Files: []program.FileVerdict{tt.file}}, nil, nil)
			if got := strings.Contains(body, "#### Reviewer checklist"); got != tt.wantShown {
				t.Errorf("checklist shown = %v, want %v:\n%s", got, tt.wantShown, body)
			}
			if got := strings.Contains(body, "\n"+wantLine); got != tt.wantShown {
				t.Errorf("flagged item shown = %v, want %v:\n%s", got, tt.wantShown, body)
			}
			if strings.Contains(body, "- [ ] `connect/beta-1`") {
				t.Errorf("a warning that is not flagged is a checklist item:\n%s", body)
			}
		})
	}
}

func TestTheChecklistListsAtMostTwentyFiveFlaggedWarnings(t *testing.T) {
	var fs []application.Finding
	for i := range 30 {
		fs = append(fs, application.Finding{Rule: "developer/B6", Severity: application.SeverityWarning, Flagged: true,
			Path: fmt.Sprintf("integration.scopes[%d].reason", i+1), Line: i + 10, Column: 3, Message: "the same reason is given for every scope"})
	}
	body := report.PRComment(program.Verdict{HeadSHA: strings.Repeat("c", 40),
		Files: []program.FileVerdict{{Path: "applications/a.cue", Kind: "update", Stage: application.StageBeta, Findings: fs}}}, nil, nil)
	if got := strings.Count(body, "- [ ] `developer/B6`"); got != 25 {
		t.Errorf("%d flagged items in the checklist, want 25:\n%s", got, body)
	}
	if !strings.Contains(body, "\n- [ ] 5 more flagged findings: each is a finding marked ℹ, and `connectbot validate` lists them all\n") {
		t.Errorf("the checklist does not say how many more were flagged:\n%s", body)
	}
}
