package program_test

import (
	"strings"
	"testing"

	"github.com/connectbot/connectbot/internal/program"
)

// A conflict is told to its author in words they can act on: GitHub's own
// button for one who does not use git, the form's issue for a pull
// request a form opened, and the git command still for one who does.
func TestAConflictSaysWhatAPersonWithoutGitDoes(t *testing.T) {
	const base, head = "2222222222222222222222222222222222222222", "1111111111111111111111111111111111111111"
	conflicted := program.PullRequest{Number: 7, HeadSHA: head, BaseSHA: base, BaseRef: "main", ProgramBranch: "main",
		Conflicts: []string{"applications/acme-sync.cue"}, Author: program.Author{Login: "acme-dev"}}
	tests := []struct {
		name string
		edit func(*program.PullRequest)
		// finding and next are what the finding and what happens next must
		// say; absent what they must not.
		finding, next []string
		absent        string
	}{
		{"an integrator's own branch is told GitHub's Resolve conflicts button and the git command", func(*program.PullRequest) {},
			[]string{"Resolve conflicts", "git pull --rebase origin main"}, []string{"Resolve conflicts", "git pull --rebase origin main"}, "Update branch"},
		{"a pull request a form opened is told to edit its issue", func(pr *program.PullRequest) { pr.FormIssue = 12 },
			[]string{"edit issue #12", "today's main"}, []string{"edit issue #12"}, "git pull"},
		{"one GitHub merges but would not update for connectbot is told GitHub's Update branch button", func(pr *program.PullRequest) { pr.BranchUpdate = program.BranchUpdateRefused },
			[]string{"Update branch", "git pull origin main"}, []string{"Update branch"}, "Resolve conflicts"},
		{"one whose branch GitHub is updating is told there is nothing to do", func(pr *program.PullRequest) { pr.BranchUpdate = program.BranchUpdateAsked },
			[]string{"Resolve conflicts"}, []string{"asked GitHub to update the branch", "Nothing for you to do"}, "rebase it"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			pr := conflicted
			tt.edit(&pr)
			v := program.JudgePullRequest(pr)
			if v.Conclusion != program.ConclusionFailure || !v.Conflicted {
				t.Fatalf("conclusion %s, conflicted %v: a conflict fails", v.Conclusion, v.Conflicted)
			}
			finding := v.Files[0].Findings[0].Message
			next := strings.Join(v.Next, "\n")
			for _, want := range tt.finding {
				if !strings.Contains(finding, want) {
					t.Errorf("the finding lacks %q: %s", want, finding)
				}
			}
			for _, want := range tt.next {
				if !strings.Contains(next, want) {
					t.Errorf("what happens next lacks %q: %s", want, next)
				}
			}
			if strings.Contains(next, tt.absent) {
				t.Errorf("what happens next says %q: %s", tt.absent, next)
			}
		})
	}
}
