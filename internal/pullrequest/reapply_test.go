package pullrequest_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/connectbot/connectbot/internal/forge/forgetest"
	"github.com/connectbot/connectbot/internal/program"
)

// TestARemovedCompanyReappliesUnderItsOwnName plays the finding of issue
// 20 against the real handler and the fake GitHub: a company removed for
// an overdue listing applies again with the same name, App ID and
// company. Its maintainer, linking the removed file, passes, and the
// comment shows the reviewer the removal; a stranger doing the same is
// refused.
func TestARemovedCompanyReappliesUnderItsOwnName(t *testing.T) {
	removedFile := func(t *testing.T) string {
		src := applicationFile(t, "Old Notes", "Old Notes Ltd", "7654321", "oldnotes-dev")
		return strings.Replace(src, `program: {
	stage:    "applied"
	installs: {count: 14, asOf: "2026-11-20"}
}`, `program: {
	stage:      "removed"
	installs:   {count: 14, asOf: "2026-04-01"}
	acceptedAt: "2026-03-01"
	removed:    {at: "2026-04-01", reason: "listing-overdue", by: "connectbot"}
}`, 1)
	}
	again := func(t *testing.T, maintainer string) string {
		return "previousApplication: \"oldnotes\"\n" + applicationFile(t, "Old Notes", "Old Notes Ltd", "7654321", maintainer)
	}
	tests := []struct {
		name, author string
		wantPass     bool
		want         []string
	}{
		{"the removed file's maintainer re-applies", "oldnotes-dev", true, nil},
		{"a stranger reusing its name, App ID and company is refused", "mallory", false, []string{
			"applications/oldnotes-again.cue " + program.RuleReapplication,
			"applications/oldnotes-again.cue format/unique-name",
			"applications/oldnotes-again.cue format/unique-app-id",
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := newWorld(t)
			w.srv.Commit(forgetest.DefaultBranch, "Old Notes removed", map[string]string{"applications/oldnotes.cue": removedFile(t)})
			w.srv.Commit("again", "Apply again", map[string]string{"applications/oldnotes-again.cue": again(t, tt.author)})
			pr := w.srv.OpenPR(forgetest.PRSpec{Author: tt.author, Title: "Apply: Old Notes", Head: "again"})
			out := w.handle(pr)
			got := findingRules(out.Verdict)
			if tt.wantPass {
				if out.Verdict.Conclusion != program.ConclusionSuccess {
					t.Fatalf("conclusion %s, findings %q", out.Verdict.Conclusion, got)
				}
				comments := w.botComments(pr)
				if len(comments) == 0 || !strings.Contains(comments[len(comments)-1].Body, "re-application of `oldnotes`, removed on 2026-04-01 for listing-overdue") {
					t.Errorf("the comment does not show the removal: %+v", comments)
				}
				return
			}
			w.wantFailure(pr, out, tt.want...)
			if !slices.Contains(got, "applications/oldnotes-again.cue format/company-claim") {
				t.Errorf("findings %q, want the company claim refused too", got)
			}
		})
	}
}
