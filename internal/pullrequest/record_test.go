package pullrequest_test

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/google/go-cmp/cmp"

	"github.com/connectbot/connectbot/internal/forge/forgetest"
	"github.com/connectbot/connectbot/internal/pullrequest"
)

// TestAChangeLandedAfterTheQueuesMergeSurvivesTheRecord merges newco's
// approved application through the queue, then lands another change to
// its file on main before connectbot records the acceptance: the record
// applies the acceptance to the file as main holds it, keeping the later
// change, or — where the file is gone or no longer at the stage the queue
// merged — records nothing for it, says so in the outcome and once on the
// pull request, and leaves main's file as the later change left it.
func TestAChangeLandedAfterTheQueuesMergeSurvivesTheRecord(t *testing.T) {
	const path = "applications/newco.cue"
	tests := []struct {
		name string
		// later edits newco's file as it stands after the queue's merge;
		// "" deletes it.
		later    func(string) string
		recorded bool
		// why is, when it is not, the reason the outcome gives.
		why string
		// kept is what main's file holds once recorded: the later change
		// and the acceptance.
		kept []string
	}{
		{
			name: "a name edited after the queue's merge is kept beside the acceptance",
			later: func(s string) string {
				return strings.Replace(s, `name:         "Northwind Notes"`, `name:         "Newco Notes"`, 1)
			},
			recorded: true,
			kept:     []string{`name:         "Newco Notes"`, `acceptedAt: "2026-11-25"`, `stage: "beta"`},
		},
		{
			name: "a feedback item added to the program part after the queue's merge is kept beside the acceptance",
			later: func(s string) string {
				return strings.Replace(s, `installs: {count: 14, asOf: "2026-11-20"}`,
					`installs: {count: 14, asOf: "2026-11-20"}`+"\n\tfeedback: [{id: \"scopes\", text: \"Say why timeline is needed.\", status: \"open\"}]", 1)
			},
			recorded: true,
			kept:     []string{`"Say why timeline is needed."`, `acceptedAt: "2026-11-25"`},
		},
		{
			name: "an application removed after the queue's merge stays removed",
			later: func(s string) string {
				return strings.Replace(s, `stage:    "applied"`,
					`stage:    "removed"`+"\n\tremoved: {at: \"2026-11-24\", reason: \"Withdrawn by the applicant.\", by: \"okafor-pm\"}", 1)
			},
			why: "its stage is removed now, not applied",
		},
		{
			name: "an application moved to another stage than the acceptance's after the queue's merge stays there",
			later: func(s string) string {
				return strings.Replace(s, `stage:    "applied"`, `stage:    "certification"`+"\n\tacceptedAt: \"2026-11-24\"", 1)
			},
			why: "its stage is certification now, not applied",
		},
		{
			name: "a history row added after the queue's merge is not written over",
			later: func(s string) string {
				return strings.Replace(s, `installs: {count: 14, asOf: "2026-11-20"}`,
					`installs: {count: 14, asOf: "2026-11-20"}`+"\n\thistory: [{date: \"2026-11-24\", stage: \"applied\", by: \"okafor-pm\"}]", 1)
			},
			why: "its history changed",
		},
		{
			name:  "an application deleted after the queue's merge stays deleted",
			later: func(string) string { return "" },
			why:   "it is gone",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx := context.Background()
			w, pr, _ := queuedWorld(t, queueRuleset(appBypasses))
			merged, _ := w.srv.ReadFile(forgetest.DefaultBranch, path)
			if edited := tt.later(merged); edited == "" {
				w.srv.Commit(forgetest.DefaultBranch, "Delete newco", nil, path)
			} else {
				w.srv.Commit(forgetest.DefaultBranch, "Edit newco", map[string]string{path: edited})
			}
			later := w.srv.Branch(forgetest.DefaultBranch)
			laterFile, _ := w.srv.ReadFile(forgetest.DefaultBranch, path)

			var said []string
			for range 2 {
				out, err := w.handler.RecordMerged(ctx, forgetest.DefaultBranch)
				if err != nil {
					t.Fatal(err)
				}
				for _, r := range out {
					said = append(said, r.Done...)
				}
			}
			got, _ := w.srv.ReadFile(forgetest.DefaultBranch, path)
			recs := w.records(pr)
			if tt.recorded {
				if len(recs) != 1 {
					t.Fatalf("%d commits record #%d, want 1", len(recs), pr)
				}
				for _, s := range tt.kept {
					if !strings.Contains(got, s) {
						t.Errorf("main's %s lacks %q:\n%s", path, s, got)
					}
				}
				return
			}
			if len(recs) != 0 || w.srv.Branch(forgetest.DefaultBranch) != later {
				t.Errorf("%d commits record #%d, main at %s, want none, main at %s", len(recs), pr, w.srv.Branch(forgetest.DefaultBranch), later)
			}
			if diff := cmp.Diff(laterFile, got); diff != "" {
				t.Errorf("main's %s (-after the later change +after the record):\n%s", path, diff)
			}
			if notRecorded := strings.Join(said, "\n"); !strings.Contains(notRecorded, "not recorded: newco (applied → beta): "+path+" changed since: "+tt.why) {
				t.Errorf("the record's outcome does not say newco is not recorded:\n%s", notRecorded)
			}
			comments := w.botCommentsSaying(pr, "could not record")
			if len(comments) != 1 || !strings.Contains(comments[0], "newco") {
				t.Errorf("want one comment saying newco's stage change is not recorded, got %q", comments)
			}
		})
	}
}

// withHistoryRow adds a history row to an applied application's program
// part: a change a record may not write over.
func withHistoryRow(s string) string {
	return strings.Replace(s, `installs: {count: 14, asOf: "2026-11-20"}`,
		`installs: {count: 14, asOf: "2026-11-20"}`+"\n\thistory: [{date: \"2026-11-24\", stage: \"applied\", by: \"okafor-pm\"}]", 1)
}

// TestADryRunLeavesTheRefusedRecordForTheLiveRunToSay: a dry run only
// prints that it would say a stage change is not recorded, so it may not
// note the branch recorded through its tip: the live run after it, with
// the same settled state, still comments once.
func TestADryRunLeavesTheRefusedRecordForTheLiveRunToSay(t *testing.T) {
	ctx := context.Background()
	const path = "applications/newco.cue"
	w, pr, _ := queuedWorld(t, queueRuleset(appBypasses))
	merged, _ := w.srv.ReadFile(forgetest.DefaultBranch, path)
	w.srv.Commit(forgetest.DefaultBranch, "Edit newco", map[string]string{path: withHistoryRow(merged)})
	w.handler.Settled = pullrequest.NewSettled()
	var dry bytes.Buffer
	w.handler.DryRun, w.handler.Out = true, &dry
	if _, err := w.handler.RecordMerged(ctx, forgetest.DefaultBranch); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(dry.String(), "would comment that newco") {
		t.Errorf("the dry run does not say it would comment:\n%s", dry.String())
	}
	if c := w.botCommentsSaying(pr, "could not record"); len(c) != 0 {
		t.Fatalf("the dry run posted %d comments, want none", len(c))
	}
	w.handler.DryRun = false
	if _, err := w.handler.RecordMerged(ctx, forgetest.DefaultBranch); err != nil {
		t.Fatal(err)
	}
	if c := w.botCommentsSaying(pr, "could not record"); len(c) != 1 {
		t.Errorf("after a dry run the live run posted %d comments saying the stage change is not recorded, want 1", len(c))
	}
}

// TestARefusedRecordIsSaidEvenWhenItsCommentFailsOnce: one queue merge
// holds two applications; one is recorded, the other's file changed since.
// The comment saying so fails once, and the next run — which walks back
// no further than the record — still says it, once.
func TestARefusedRecordIsSaidEvenWhenItsCommentFailsOnce(t *testing.T) {
	ctx := context.Background()
	const path = "applications/newco.cue"
	w := newWorld(t)
	w.srv.CreateRuleset("owner-token", queueRuleset(appBypasses))
	other := strings.ReplaceAll(strings.ReplaceAll(newApplication(t), "Northwind Notes", "Southwind Memo"), "northwind-notes", "southwind-memo")
	head := w.srv.Commit("newco-apply", "Apply", map[string]string{path: newApplication(t), "applications/southwind.cue": other})
	pr := w.srv.OpenPR(forgetest.PRSpec{Author: "newco-dev", Title: "Apply: Newco", Head: "newco-apply"})
	w.srv.AddReview(pr, "okafor-pm", "APPROVED", head)
	w.srv.MergeQueued(w.srv.QueueMergeGroups(pr)[0])
	if !w.srv.PR(pr).Merged {
		t.Fatalf("the queue did not merge #%d", pr)
	}
	merged, _ := w.srv.ReadFile(forgetest.DefaultBranch, path)
	w.srv.Commit(forgetest.DefaultBranch, "Edit newco", map[string]string{path: withHistoryRow(merged)})
	w.srv.FailNext("POST", "/repos/acme-program/connect/issues/", 422, nil)
	if _, err := w.handler.RecordMerged(ctx, forgetest.DefaultBranch); err == nil {
		t.Error("the first run's comment failed, but it returned no error")
	}
	if _, err := w.handler.RecordMerged(ctx, forgetest.DefaultBranch); err != nil {
		t.Fatal(err)
	}
	if recs := w.records(pr); len(recs) != 1 {
		t.Errorf("%d commits record #%d, want 1 (southwind's)", len(recs), pr)
	}
	if c := w.botCommentsSaying(pr, "could not record"); len(c) != 1 || !strings.Contains(c[0], "newco") {
		t.Errorf("want one comment saying newco's stage change is not recorded, got %q", c)
	}
}

// TestARecordOfAFileThatBecameADirectoryIsRefusedNotFailed: an
// application's path that is a directory on main by the time of the
// record refuses that one record, said in the outcome, and stops no
// other.
func TestARecordOfAFileThatBecameADirectoryIsRefusedNotFailed(t *testing.T) {
	ctx := context.Background()
	const path = "applications/newco.cue"
	w, pr, _ := queuedWorld(t, queueRuleset(appBypasses))
	w.srv.Commit(forgetest.DefaultBranch, "Make newco a directory", map[string]string{path + "/README": "moved\n"}, path)
	out, err := w.handler.RecordMerged(ctx, forgetest.DefaultBranch)
	if err != nil {
		t.Fatalf("the record failed, where it should refuse newco's: %v", err)
	}
	var said []string
	for _, r := range out {
		said = append(said, r.Done...)
	}
	if !strings.Contains(strings.Join(said, "\n"), path+" changed since: it is no longer a file connectbot reads") {
		t.Errorf("the outcome does not say why newco is not recorded:\n%s", strings.Join(said, "\n"))
	}
	if recs := w.records(pr); len(recs) != 0 {
		t.Errorf("%d commits record #%d, want none", len(recs), pr)
	}
}

// TestTwoApprovalsOfOneStageChangeMergedInOneBatchAreRecordedOnce: two
// pull requests each edit an application whose approval records the
// same date — a beta's listing published, a certification approved —
// and GitHub's queue merges both in one batch before connectbot records
// either (the second branch is stacked on the first, so that each merges
// into the one before it, path by path, as connectbot merges). The first approval's record makes the stage change the second
// makes too: the second is said already recorded, with no commit of its
// own and no comment asking for a record by hand, and the next run finds
// nothing left to do.
func TestTwoApprovalsOfOneStageChangeMergedInOneBatchAreRecordedOnce(t *testing.T) {
	tests := []struct {
		name, file, author string
		// unrecorded are the lines main's file loses, so that an
		// approval records them.
		unrecorded []string
		// edits are each pull request's edit of main's file.
		edits [2][2]string
		// recorded is what the first record writes.
		recorded string
	}{
		{
			name: "a beta's listing published by two approvals", file: "acme-sync.cue", author: "acme-dev",
			unrecorded: []string{"\tlistingPublishedAt: \"2026-10-30\"\n"},
			edits: [2][2]string{
				{`"Two-way contact sync"`, `"Contacts, in step"`},
				{`every five minutes.`, `every five minutes, day and night.`},
			},
			recorded: `listingPublishedAt: "2026-11-25"`,
		},
		{
			name: "a certification approved by two approvals", file: "harborview-analytics.cue", author: "harborview-oss",
			unrecorded: []string{"\tapprovedAt: \"2026-11-16\"\n", "\tlaunchDate: \"2026-12-15\"\n"},
			edits: [2][2]string{
				{`"Pipeline and revenue dashboards, ready in minutes"`, `"Pipeline dashboards, ready in minutes"`},
				{`respect each user's CRM permissions.`, `respect each user's CRM permissions, always.`},
			},
			recorded: `approvedAt: "2026-11-25"`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx := context.Background()
			path := "applications/" + tt.file
			w := newWorld(t)
			w.srv.CreateRuleset("owner-token", queueRuleset(appBypasses))
			src := sampleFile(t, tt.file)
			for _, line := range tt.unrecorded {
				src = strings.Replace(src, line, "", 1)
			}
			w.srv.Commit(forgetest.DefaultBranch, "Unrecord", map[string]string{path: src})
			var prs []int
			head := w.srv.Branch(forgetest.DefaultBranch)
			for i, e := range tt.edits {
				// The second branch is stacked on the first: merged
				// path by path, as connectbot's merge is, it holds both.
				branch := fmt.Sprint("edit-", i)
				ref := plumbing.NewHashReference(plumbing.NewBranchReferenceName(branch), plumbing.NewHash(head))
				if err := w.srv.Repo().Storer.SetReference(ref); err != nil {
					t.Fatal(err)
				}
				src = strings.Replace(src, e[0], e[1], 1)
				head = w.srv.Commit(branch, "Edit", map[string]string{path: src})
				prs = append(prs, w.srv.OpenPR(forgetest.PRSpec{Author: tt.author, Title: "Edit", Head: branch}))
				w.srv.AddReview(prs[i], "okafor-pm", "APPROVED", head)
			}
			groups := w.srv.QueueMergeGroups(prs...)
			w.srv.MergeQueued(groups[len(groups)-1])
			merged := w.srv.Branch(forgetest.DefaultBranch)

			said := map[int][]string{}
			for range 2 {
				out, err := w.handler.RecordMerged(ctx, forgetest.DefaultBranch)
				if err != nil {
					t.Fatal(err)
				}
				for _, r := range out {
					said[r.Number] = append(said[r.Number], r.Done...)
				}
			}
			if n := len(w.records(prs[0])); n != 1 {
				t.Errorf("%d commits record #%d, want 1", n, prs[0])
			}
			if n := len(w.records(prs[1])); n != 0 {
				t.Errorf("%d commits record #%d, whose stage change the first record made, want none", n, prs[1])
			}
			tip, _ := w.srv.Repo().CommitObject(plumbing.NewHash(w.srv.Branch(forgetest.DefaultBranch)))
			if tip == nil || tip.NumParents() != 1 || tip.ParentHashes[0].String() != merged {
				t.Errorf("main is not the queue's merge and one record on it")
			}
			got, _ := w.srv.ReadFile(forgetest.DefaultBranch, path)
			for _, s := range []string{tt.recorded, tt.edits[0][1], tt.edits[1][1]} {
				if !strings.Contains(got, s) {
					t.Errorf("main's %s lacks %q:\n%s", path, s, got)
				}
			}
			if second := strings.Join(said[prs[1]], "\n"); !strings.Contains(second, "already recorded") || strings.Contains(second, "not recorded") {
				t.Errorf("the outcome of #%d does not say its stage change is already recorded:\n%s", prs[1], second)
			}
			for _, pr := range prs {
				if c := w.botCommentsSaying(pr, "could not record"); len(c) != 0 {
					t.Errorf("#%d: connectbot says the stage change is not recorded: %q", pr, c)
				}
			}
		})
	}
}

// TestAnAcceptanceRecordedByHandAfterTheQueuesMergeIsNotRecordedAgain: a
// person records newco's acceptance on main after the queue merged it and
// before connectbot records it. The acceptance stands: connectbot says it
// is recorded already, commits and comments nothing, and with what it
// learnt kept (Settled) does not read the pull request again.
func TestAnAcceptanceRecordedByHandAfterTheQueuesMergeIsNotRecordedAgain(t *testing.T) {
	ctx := context.Background()
	const path = "applications/newco.cue"
	w, pr, _ := queuedWorld(t, queueRuleset(appBypasses))
	w.handler.Settled = pullrequest.NewSettled()
	merged, _ := w.srv.ReadFile(forgetest.DefaultBranch, path)
	w.srv.Commit(forgetest.DefaultBranch, "Record newco's acceptance", map[string]string{
		path: strings.Replace(merged, `stage:    "applied"`, `stage:    "beta"`+"\n\tacceptedAt: \"2026-11-24\"", 1),
	})
	byHand := w.srv.Branch(forgetest.DefaultBranch)
	out, err := w.handler.RecordMerged(ctx, forgetest.DefaultBranch)
	if err != nil {
		t.Fatal(err)
	}
	var said []string
	for _, r := range out {
		said = append(said, r.Done...)
	}
	want := "already recorded: newco (applied → beta): " + path + " holds it"
	if diff := cmp.Diff([]string{want}, said); diff != "" {
		t.Errorf("the record's outcome (-want +got):\n%s", diff)
	}
	if got := w.srv.Branch(forgetest.DefaultBranch); got != byHand {
		t.Errorf("main moved from the acceptance recorded by hand to %s", got)
	}
	if c := w.botCommentsSaying(pr, "could not record"); len(c) != 0 {
		t.Errorf("connectbot says the stage change is not recorded: %q", c)
	}
	w.srv.ResetCalls()
	if _, err := w.handler.RecordMerged(ctx, forgetest.DefaultBranch); err != nil {
		t.Fatal(err)
	}
	if rest := restCalls(w.srv.Calls()); len(rest) != 0 {
		t.Errorf("the next run, on the same tip, asked GitHub %q, want nothing", rest)
	}
}

// TestARefusalIsSaidOnceUnderALongThread: the record of newco's
// acceptance is refused — its push declined by the branch's rules, or
// its file changed after the queue's merge — on a pull request a hundred
// comments long, and connectbot says so; two hundred comments later, its
// comment is in the middle of the thread, where the ends it reads for a
// pull request's event do not reach, and the next run, refused again,
// still finds it and does not say it twice.
func TestARefusalIsSaidOnceUnderALongThread(t *testing.T) {
	const path = "applications/newco.cue"
	tests := []struct {
		name, ruleset string
		// later, when set, lands on main after the queue's merge.
		later    func(string) string
		declined bool
	}{
		{name: "a push declined by the branch's rules", ruleset: queueRuleset(""), declined: true},
		{name: "a file changed after the queue's merge", ruleset: queueRuleset(appBypasses), later: withHistoryRow},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx := context.Background()
			w, pr, _ := queuedWorld(t, tt.ruleset)
			if tt.later != nil {
				merged, _ := w.srv.ReadFile(forgetest.DefaultBranch, path)
				w.srv.Commit(forgetest.DefaultBranch, "Edit newco", map[string]string{path: tt.later(merged)})
			}
			for _, comments := range []int{100, 200} {
				for i := range comments {
					w.srv.AddComment(pr, "stranger", fmt.Sprintf("comment %d", i))
				}
				_, err := w.handler.RecordMerged(ctx, forgetest.DefaultBranch)
				if (err != nil) != tt.declined {
					t.Fatalf("record: %v, want an error %v", err, tt.declined)
				}
			}
			if c := w.botCommentsSaying(pr, "could not record"); len(c) != 1 {
				t.Errorf("%d comments of connectbot's say the stage change is not recorded, want 1", len(c))
			}
		})
	}
}

// maxSayPages is the most pages of a merged pull request's comments one
// run of the record reads to tell whether it said its refusal before.
const maxSayPages = 10

// TestARefusalUnderAFloodReadsABoundedThread: a stranger floods with
// 2,000 comments the pull request whose record's push GitHub declines;
// each run reads at most maxSayPages pages of them.
func TestARefusalUnderAFloodReadsABoundedThread(t *testing.T) {
	ctx := context.Background()
	w, pr, _ := queuedWorld(t, queueRuleset(""))
	for i := range 2000 {
		w.srv.AddComment(pr, "stranger", fmt.Sprintf("comment %d", i))
	}
	for range 2 {
		w.srv.ResetCalls()
		if _, err := w.handler.RecordMerged(ctx, forgetest.DefaultBranch); err == nil {
			t.Fatal("the push was declined, but the record returned no error")
		}
		var pages int
		for _, c := range w.srv.Calls() {
			if c == fmt.Sprintf("GET /repos/acme-program/connect/issues/%d/comments", pr) {
				pages++
			}
		}
		if pages == 0 || pages > maxSayPages {
			t.Errorf("one run read %d pages of #%d's comments, want 1 to %d", pages, pr, maxSayPages)
		}
	}
	if c := w.botCommentsSaying(pr, "could not record"); len(c) != 1 {
		t.Errorf("%d comments of connectbot's say the stage change is not recorded, want 1", len(c))
	}
}
