package program_test

import (
	"fmt"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/connectbot/connectbot/internal/application"
	"github.com/connectbot/connectbot/internal/program"
)

// added is n new application files, each with an error of its own.
func added(n int) []program.FileChange {
	var out []program.FileChange
	for i := range n {
		f := appFile(fmt.Sprintf("new-%02d", i), toNew)
		f.Findings = []application.Finding{{Rule: "connect/req-2", Severity: application.SeverityError, Message: "not oauth2", Line: 5}}
		out = append(out, program.FileChange{Path: f.Path, Status: program.ChangeNew, ToKind: program.EntryFile, Head: f})
	}
	return out
}

func TestAPullRequestAddingMoreApplicationsThanAllowedFailsWithOneFinding(t *testing.T) {
	type file struct {
		Path     string
		Rules    []string
		Messages int
	}
	limited := prConfig
	limited.MaxNewApplications = 5
	tests := []struct {
		name    string
		changes []program.FileChange
		cfg     application.Config
		want    []file
	}{
		{"five new files, as many as allowed, are judged one by one", added(5), limited, []file{
			{"applications/new-00.cue", []string{"connect/req-2"}, 1}, {"applications/new-01.cue", []string{"connect/req-2"}, 1},
			{"applications/new-02.cue", []string{"connect/req-2"}, 1}, {"applications/new-03.cue", []string{"connect/req-2"}, 1},
			{"applications/new-04.cue", []string{"connect/req-2"}, 1},
		}},
		{"six new files fail at once with one finding on the first", added(6), limited, []file{
			{"applications/new-00.cue", []string{program.RuleTooManyApplications}, 1},
		}},
		{"a copy adds an application too", append(added(5), program.FileChange{Path: "applications/copy.cue", Status: program.ChangeCopy,
			PreviousPath: "applications/acme.cue", ToKind: program.EntryFile, Head: appFile("copy", toNew)}), limited, []file{
			{"applications/copy.cue", []string{program.RuleTooManyApplications}, 1},
		}},
		{"a rename adds none", append(added(5), program.FileChange{Path: "applications/renamed.cue", Status: program.ChangeRename,
			PreviousPath: "applications/acme.cue", FromKind: program.EntryFile, ToKind: program.EntryFile,
			Base: appFile("acme", nil), Head: appFile("renamed", nil)}), limited, nil},
		{"without a limit (a hand-made configuration) every file is judged", added(6), prConfig, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v := program.JudgePullRequest(program.PullRequest{
				Number: 7, Author: program.Author{Login: "acme-dev"}, HeadSHA: "h", BaseSHA: "b",
				Changes: tt.changes, Config: tt.cfg, Now: date("2026-11-25"),
			})
			if v.Conclusion != program.ConclusionFailure {
				t.Errorf("conclusion %s, want failure", v.Conclusion)
			}
			if tt.want == nil {
				if len(v.Files) != len(tt.changes) {
					t.Errorf("%d files judged, want each of the %d", len(v.Files), len(tt.changes))
				}
				return
			}
			var got []file
			for _, f := range v.Files {
				var rules []string
				for _, x := range f.Findings {
					rules = append(rules, x.Rule)
				}
				got = append(got, file{f.Path, rules, len(f.Findings)})
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("files (-want +got):\n%s", diff)
			}
		})
	}
	t.Run("the finding says the limit and how many the pull request adds", func(t *testing.T) {
		v := program.JudgePullRequest(program.PullRequest{Author: program.Author{Login: "acme-dev"}, Changes: added(6), Config: limited})
		want := "this pull request adds 6 application files, and program.cue allows at most 5 in one pull request (maxNewApplicationsPerPullRequest): none of them was checked; open a pull request for each application"
		if got := v.Files[0].Findings[0].Message; got != want {
			t.Errorf("message\n%s\nwant\n%s", got, want)
		}
		if diff := cmp.Diff([]string{program.LabelNew, program.LabelInvalid}, v.Labels); diff != "" {
			t.Errorf("labels (-want +got):\n%s", diff)
		}
	})
}

func TestOnlyAReviewersApprovalAsksWhenThePullRequestWasReopened(t *testing.T) {
	tests := []struct {
		name    string
		reviews []program.Review
		want    bool
	}{
		{"no review", nil, false},
		{"a stranger's approval", []program.Review{{Author: "mallory-friend", State: program.ReviewApproved}}, false},
		{"a reviewer's comment", []program.Review{{Author: "rivera-reviews", State: program.ReviewCommented}}, false},
		{"the author's own approval, a reviewer though they are", []program.Review{{Author: "Okafor-PM", State: program.ReviewApproved}}, false},
		{"a reviewer's approval, the login in another case", []program.Review{{Author: "Rivera-Reviews", State: program.ReviewApproved}}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			pr := program.PullRequest{Author: program.Author{Login: "okafor-pm"}, Reviews: tt.reviews, Config: prConfig}
			if got := pr.AsksReopened(); got != tt.want {
				t.Errorf("AsksReopened() = %v, want %v", got, tt.want)
			}
		})
	}
}
