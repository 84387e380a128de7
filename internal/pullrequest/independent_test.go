package pullrequest_test

import (
	"strings"
	"testing"

	"github.com/connectbot/connectbot/internal/forge/forgetest"
)

// TestAnApprovalCountsOnlyFromAReviewerIndependentOfTheApplication: a
// reviewer who maintains a changed application (at the base or at the
// head), or another application of its company, approving alone merges
// nothing, and the comment asks for an independent reviewer; another
// reviewer's approval merges.
func TestAnApprovalCountsOnlyFromAReviewerIndependentOfTheApplication(t *testing.T) {
	acme := func(t *testing.T) string { return sampleFile(t, "acme-sync.cue") }
	// acmeLabs is a second application of Acme Software, written the way
	// the company-name rule still takes for the same company.
	acmeLabs := func(t *testing.T, maintainers string) string {
		src := applicationFile(t, "Acme Labs", "ACME software, Inc.", "", "acme-dev")
		return strings.Replace(src, `maintainers: ["acme-dev"]`, "maintainers: "+maintainers, 1)
	}
	tests := []struct {
		name string
		// main is what lands on main before the pull request opens.
		main map[string]func(t *testing.T) string
		// branch is what the pull request's author pushes.
		author string
		branch map[string]func(t *testing.T) string
		// approver approves the head alone.
		approver  string
		wantMerge bool
	}{
		{
			name:   "a reviewer listed as a maintainer of the new application",
			author: "newco-dev",
			branch: map[string]func(t *testing.T) string{"applications/newco.cue": func(t *testing.T) string {
				return strings.Replace(newApplication(t), `maintainers: ["newco-dev"]`, `maintainers: ["newco-dev", "Rivera-Reviews"]`, 1)
			}},
			approver: "rivera-reviews",
		},
		{
			name: "a reviewer who maintains the file on the base branch, removed from it by the pull request",
			main: map[string]func(t *testing.T) string{"applications/acme-sync.cue": func(t *testing.T) string {
				return strings.Replace(acme(t), `maintainers: ["acme-dev"]`, `maintainers: ["acme-dev", "rivera-reviews"]`, 1)
			}},
			author: "acme-dev",
			branch: map[string]func(t *testing.T) string{"applications/acme-sync.cue": func(t *testing.T) string {
				return strings.Replace(acme(t), "Two-way contact sync", "Two-way sync", 1)
			}},
			approver: "rivera-reviews",
		},
		{
			name: "a reviewer who maintains another application of the same company",
			main: map[string]func(t *testing.T) string{"applications/acme-labs.cue": func(t *testing.T) string {
				return acmeLabs(t, `["acme-dev", "okafor-pm"]`)
			}},
			author: "acme-dev",
			branch: map[string]func(t *testing.T) string{"applications/acme-sync.cue": func(t *testing.T) string {
				return strings.Replace(acme(t), "Two-way contact sync", "Two-way sync", 1)
			}},
			approver: "okafor-pm",
		},
		{
			name: "an independent reviewer, while another reviewer maintains one of the company's applications",
			main: map[string]func(t *testing.T) string{"applications/acme-labs.cue": func(t *testing.T) string {
				return acmeLabs(t, `["acme-dev", "okafor-pm"]`)
			}},
			author: "acme-dev",
			branch: map[string]func(t *testing.T) string{"applications/acme-sync.cue": func(t *testing.T) string {
				return strings.Replace(acme(t), "Two-way contact sync", "Two-way sync", 1)
			}},
			approver:  "rivera-reviews",
			wantMerge: true,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := newWorld(t)
			if tt.main != nil {
				w.srv.Commit(forgetest.DefaultBranch, "Before", contents(t, tt.main))
			}
			head := w.srv.Commit("change", "Change", contents(t, tt.branch))
			pr := w.srv.OpenPR(forgetest.PRSpec{Author: tt.author, Title: "Change", Head: "change"})
			w.srv.AddReview(pr, tt.approver, "APPROVED", head)
			main := w.srv.Branch(forgetest.DefaultBranch)
			out := w.handle(pr)
			merged := w.srv.Branch(forgetest.DefaultBranch) != main
			if merged != tt.wantMerge || out.Verdict.Merge != tt.wantMerge {
				t.Fatalf("merged %v (verdict %v), want %v; done %q; next %q", merged, out.Verdict.Merge, tt.wantMerge, out.Done, out.Verdict.Next)
			}
			if tt.wantMerge {
				return
			}
			if out.Verdict.Conclusion != "success" {
				t.Fatalf("the check is %s, want success: the change itself is fine; next %q", out.Verdict.Conclusion, out.Verdict.Next)
			}
			c := w.botComments(pr)
			if len(c) != 1 || !strings.Contains(c[0].Body, tt.approver+"'s approval does not count") ||
				!strings.Contains(c[0].Body, "An independent reviewer") {
				t.Errorf("the comment does not say an independent reviewer is needed:\n%v", c)
			}
		})
	}
}

// contents runs each file's maker.
func contents(t *testing.T, files map[string]func(t *testing.T) string) map[string]string {
	out := make(map[string]string, len(files))
	for p, f := range files {
		out[p] = f(t)
	}
	return out
}
