package pullrequest_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/connectbot/connectbot/internal/forge/forgetest"
)

// maxEventRequests is the most REST requests one pull-request event may
// cost, whatever the pull request carries: a workflow token has 1,000 an
// hour per repository.
const maxEventRequests = 25

// restCalls returns the REST requests among calls (git's smart HTTP, which
// the rate limit does not count, left out).
func restCalls(calls []string) []string {
	var out []string
	for _, c := range calls {
		_, path, _ := strings.Cut(c, " ")
		if strings.HasPrefix(path, "/repos/") {
			out = append(out, c)
		}
	}
	return out
}

// hoarder is an application listing n scopes the catalogue does not know,
// each with too short a reason: two findings each.
func hoarder(t *testing.T, maintainer string, n int) string {
	var scopes strings.Builder
	for i := range n {
		fmt.Fprintf(&scopes, "\t\t{name: \"x%d\", reason: \"Syncs.\"},\n", i)
	}
	src := newApplication(t)
	src = strings.Replace(src, `maintainers: ["newco-dev"]`, fmt.Sprintf("maintainers: [%q]", maintainer), 1)
	start := strings.Index(src, "\tscopes: [\n")
	end := strings.Index(src[start:], "\t]\n") + start
	return src[:start] + "\tscopes: [\n" + scopes.String() + src[end:]
}

// flood is a pull request by mallory adding files, with as many comments
// and reviews by strangers on it as comments says.
type flood struct {
	files    func(t *testing.T) map[string]string
	comments int
	// reopens is how often its author closes and reopens it; approver
	// approves its head, if anyone.
	reopens  int
	approver string
}

func TestAPullRequestEventCostsAtMost25Requests(t *testing.T) {
	tests := []struct {
		name  string
		flood flood
		// findings is how many findings the verdict has, marked how many
		// of them the check marks on their lines.
		findings, marked int
	}{
		{"one push of 30 files with 740 findings each", flood{files: hoarders(30)}, 1, 1},
		{"5,000 one-line broken files", flood{files: func(t *testing.T) map[string]string {
			files := map[string]string{}
			for i := range 5000 {
				files[fmt.Sprintf("applications/junk-%04d.cue", i)] = "company: 1\n"
			}
			return files
		}}, 1, 1},
		{"five files, as many as allowed, with 740 findings each", flood{files: hoarders(5)}, 5*740 + 5, 50}, // and one cross-file finding each: they are the same application
		{"one file under 1,000 comments and 1,000 reviews by strangers", flood{files: hoarders(1), comments: 1000}, 740, 50},
		{"five files in five stages, each a label the repository lacks, under 1,000 comments and reviews", flood{files: func(t *testing.T) map[string]string {
			files := map[string]string{}
			for _, stage := range []string{"applied", "beta", "certification", "partner", "removed"} {
				src := strings.Replace(newApplication(t), `maintainers: ["newco-dev"]`, `maintainers: ["mallory"]`, 1)
				files["applications/"+stage+".cue"] = strings.Replace(src, `stage:    "applied"`, fmt.Sprintf("stage:    %q", stage), 1)
			}
			return files
		}, comments: 1000}, 24, 24},
		{"one file closed and reopened 300 times, approved by a stranger", flood{files: hoarders(1), reopens: 300, approver: "stranger"}, 740, 50},
		{"one file closed and reopened 300 times, approved by a reviewer", flood{files: hoarders(1), reopens: 300, approver: "rivera-reviews"}, 740, 50},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := newWorld(t)
			head := w.srv.Commit("flood", "Apply", tt.flood.files(t))
			pr := w.srv.OpenPR(forgetest.PRSpec{Author: "mallory", Title: "Apply", Head: "flood"})
			for i := range tt.flood.comments {
				w.srv.AddComment(pr, "stranger", fmt.Sprintf("comment %d", i))
				w.srv.AddReview(pr, "stranger", "COMMENTED", head)
			}
			for range tt.flood.reopens {
				w.setState("mallory", pr, "closed")
				w.setState("mallory", pr, "open")
			}
			if tt.flood.approver != "" {
				w.srv.AddReview(pr, tt.flood.approver, "APPROVED", head)
			}
			// The first event, and one after a push, which edits what the
			// first wrote.
			for round, push := range []bool{false, true} {
				if push {
					files := tt.flood.files(t)
					for p := range files {
						files[p] += "// pushed again\n"
					}
					head = w.srv.Commit("flood", "Again", files)
				}
				before := len(w.srv.Calls())
				out := w.handle(pr)
				rest := restCalls(w.srv.Calls()[before:])
				t.Logf("round %d: %d REST requests: %s", round, len(rest), out.Done)
				if len(rest) > maxEventRequests {
					t.Errorf("round %d: one pull-request event made %d REST requests, want at most %d:\n%s", round, len(rest), maxEventRequests, strings.Join(rest, "\n"))
				}
				findings := 0
				for _, f := range out.Verdict.Files {
					findings += len(f.Findings)
				}
				if findings != tt.findings {
					t.Errorf("round %d: %d findings, want %d", round, findings, tt.findings)
				}
				runs := w.srv.CheckRuns(head)
				if len(runs) != 1 || len(runs[0].Annotations) != tt.marked {
					t.Fatalf("round %d: check runs on the head: %d, want one with %d annotations", round, len(runs), tt.marked)
				}
				if len(w.botComments(pr)) != 1 {
					t.Errorf("round %d: %d comments of connectbot's, want 1", round, len(w.botComments(pr)))
				}
			}
		})
	}
}

// hoarders is n new applications by mallory with 740 findings each.
func hoarders(n int) func(t *testing.T) map[string]string {
	return func(t *testing.T) map[string]string {
		files := map[string]string{}
		for i := range n {
			files[fmt.Sprintf("applications/hoard-%02d.cue", i)] = hoarder(t, "mallory", 370)
		}
		return files
	}
}

func TestAnApprovalUnderAFloodOfReviewsIsNotMerged(t *testing.T) {
	w := newWorld(t)
	head := w.srv.Commit("newco-apply", "Apply", map[string]string{"applications/newco.cue": newApplication(t)})
	pr := w.srv.OpenPR(forgetest.PRSpec{Author: "newco-dev", Title: "Apply: Newco", Head: "newco-apply"})
	// A change request, then enough reviews by strangers to bury it
	// between the pages connectbot reads, then another reviewer's approval.
	for range 150 {
		w.srv.AddReview(pr, "stranger", "COMMENTED", head)
	}
	w.srv.AddReview(pr, "okafor-pm", "CHANGES_REQUESTED", head)
	for range 400 {
		w.srv.AddReview(pr, "stranger", "COMMENTED", head)
	}
	w.srv.AddReview(pr, "rivera-reviews", "APPROVED", head)
	out := w.handle(pr)
	if w.srv.PR(pr).Merged || out.MergedInto != "" {
		t.Fatalf("merged with a change request among the reviews left unread: %q", out.Done)
	}
	want := "Approved by @rivera-reviews, but this pull request has more reviews than connectbot reads at once, so it cannot tell that no change request stands: a reviewer merges it on GitHub."
	if diff := cmp.Diff(want, out.Verdict.Next[0]); diff != "" {
		t.Errorf("what happens next (-want +got):\n%s", diff)
	}
}

func TestAReconcileAnswersNoMoreCommandsThanItsBudget(t *testing.T) {
	w := newWorld(t)
	acme := sampleFile(t, "acme-sync.cue")
	w.srv.Commit("acme-edit", "Edit", map[string]string{"applications/acme-sync.cue": acme + "\n// edited\n"})
	pr := w.srv.OpenPR(forgetest.PRSpec{Author: "acme-dev", Title: "Edit", Head: "acme-edit"})
	w.handle(pr)
	// Commands nobody answered (their deliveries were lost).
	for i := range 5 {
		w.srv.AddComment(pr, fmt.Sprintf("stranger-%d", i), "/connectbot terminate acme-sync because")
	}
	w.handler.ReconcileBudget = 2
	answers := func() int {
		n := 0
		for _, c := range w.srv.Comments(pr) {
			if c.Author == forgetest.BotLogin && strings.HasPrefix(c.Body, "<!-- connectbot:reply") {
				n++
			}
		}
		return n
	}
	for pass, want := range []int{2, 4, 5} {
		if _, err := w.handler.Reconcile(context.Background(), forgetest.DefaultBranch); err != nil {
			t.Fatal(err)
		}
		if got := answers(); got != want {
			t.Errorf("after pass %d: %d commands answered, want %d (a budget of 2 writes a pass)", pass+1, got, want)
		}
	}
}

// TestOnlyAnApprovalAsksForTheBranchsRules counts the requests for the
// base branch's rules one pull-request event makes: whether the branch is
// behind GitHub's merge queue changes only the verdict on an approval
// connectbot would merge, so no other pull request pays for the question.
func TestOnlyAnApprovalAsksForTheBranchsRules(t *testing.T) {
	tests := []struct {
		name     string
		approver string
		draft    bool
		// wantReads is how often the rules are read: once to judge, and
		// once more just before connectbot's push, so that a queue added
		// in between is never pushed past.
		wantReads  int
		wantMerged bool
	}{
		{"a new application nobody approved", "", false, 0, false},
		{"a new application a stranger approved", "stranger", false, 0, false},
		{"a draft a reviewer approved", "okafor-pm", true, 1, false},
		{"a new application a reviewer approved, merged", "okafor-pm", false, 2, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := newWorld(t)
			head := w.srv.Commit("newco-apply", "Apply", map[string]string{"applications/newco.cue": newApplication(t)})
			pr := w.srv.OpenPR(forgetest.PRSpec{Author: "newco-dev", Title: "Apply: Newco", Head: "newco-apply", Draft: tt.draft})
			if tt.approver != "" {
				w.srv.AddReview(pr, tt.approver, "APPROVED", head)
			}
			before := len(w.srv.Calls())
			out := w.handle(pr)
			rest := restCalls(w.srv.Calls()[before:])
			reads := 0
			for _, c := range rest {
				if strings.Contains(c, "/rules/branches/") {
					reads++
				}
			}
			t.Logf("%d REST requests: %s", len(rest), out.Done)
			if reads != tt.wantReads || w.srv.PR(pr).Merged != tt.wantMerged {
				t.Errorf("%d reads of the branch's rules, merged %v; want %d, %v:\n%s", reads, w.srv.PR(pr).Merged, tt.wantReads, tt.wantMerged, strings.Join(rest, "\n"))
			}
		})
	}
}
