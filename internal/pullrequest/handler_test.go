package pullrequest_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/google/go-cmp/cmp"

	"github.com/connectbot/connectbot/internal/application"
	"github.com/connectbot/connectbot/internal/apply"
	"github.com/connectbot/connectbot/internal/catalog"
	"github.com/connectbot/connectbot/internal/forge"
	"github.com/connectbot/connectbot/internal/forge/forgetest"
	"github.com/connectbot/connectbot/internal/gitrepo"
	"github.com/connectbot/connectbot/internal/pullrequest"
	"github.com/connectbot/connectbot/internal/report"
	"github.com/connectbot/connectbot/schema"
)

// world is a program repository on a fake GitHub, and the handler wired
// to it exactly as in production: go-github over HTTP, go-git over smart
// HTTP.
type world struct {
	t       *testing.T
	srv     *forgetest.Server
	handler *pullrequest.Handler
	// clock is the bot's and the fake GitHub's: reviews and comments are
	// dated on the day the bot reads.
	clock *testClock
}

// testClock is a clock a test moves, safe to read from the fake GitHub's
// goroutines.
type testClock struct{ at atomic.Int64 }

// newTestClock returns a clock standing at t.
func newTestClock(t time.Time) *testClock {
	c := &testClock{}
	c.Set(t)
	return c
}

// Now reads the clock.
func (c *testClock) Now() time.Time { return time.Unix(0, c.at.Load()).UTC() }

// Set moves the clock to t.
func (c *testClock) Set(t time.Time) { c.at.Store(t.UnixNano()) }

// programCue is the program of the test world; its companies are
// fictional, on domains kept for documentation.
const programCue = "reviewers: [\"rivera-reviews\", \"okafor-pm\"]\ndocumentationDomains: \"allow\"\n"

func newWorld(t *testing.T) *world {
	t.Helper()
	srv := forgetest.NewServer(t, "acme-program", "connect")
	files := map[string]string{"program.cue": programCue}
	entries, err := schema.Files.ReadDir(".")
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		b, _ := schema.Files.ReadFile(e.Name())
		files["schema/"+e.Name()] = string(b)
	}
	files["applications/acme-sync.cue"] = sampleFile(t, "acme-sync.cue")
	srv.Commit(forgetest.DefaultBranch, "program", files)

	ctx := context.Background()
	repo, err := gitrepo.Clone(ctx, srv.GitURL(), gitrepo.CloneOptions{Token: srv.Token()})
	if err != nil {
		t.Fatal(err)
	}
	client, err := forge.New(forge.Options{BaseURL: srv.URL(), Token: srv.Token(), Owner: "acme-program", Repo: "connect",
		HTTPClient: srv.Client(), Sleep: func(time.Duration) {}})
	if err != nil {
		t.Fatal(err)
	}
	clock := newTestClock(time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC))
	srv.SetClock(clock.Now)
	h := &pullrequest.Handler{
		Forge: client, Git: repo, BotLogin: forgetest.BotLogin,
		Identity: gitrepo.Signature{Name: "connectbot", Email: "connectbot@users.noreply.example"},
		Now:      clock.Now,
	}
	exRepo, err := gitrepo.Clone(ctx, srv.GitURL(), gitrepo.CloneOptions{Token: srv.Token()})
	if err != nil {
		t.Fatal(err)
	}
	h.Apply = &apply.Executor{Forge: client, Git: exRepo, Base: forgetest.DefaultBranch, Identity: h.Identity, BotLogin: forgetest.BotLogin, Now: h.Now}
	return &world{t: t, srv: srv, handler: h, clock: clock}
}

func sampleFile(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("../../applications", name))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// newApplication is a valid new application by newco-dev.
func newApplication(t *testing.T) string {
	src := sampleFile(t, "northwind-notes.cue")
	src = strings.Replace(src, `maintainers: ["nwn-platform", "priya-castellano"]`, `maintainers: ["newco-dev"]`, 1)
	return src
}

func (w *world) handle(n int) pullrequest.Outcome {
	w.t.Helper()
	out, err := w.handler.Handle(context.Background(), n)
	if err != nil {
		w.t.Fatalf("handle #%d: %v", n, err)
	}
	return out
}

func (w *world) botComments(n int) []forgetest.Comment {
	var out []forgetest.Comment
	for _, c := range w.srv.Comments(n) {
		if c.Author == forgetest.BotLogin && strings.HasPrefix(c.Body, report.CommentMarker) {
			out = append(out, c)
		}
	}
	return out
}

func TestANewApplicationFromCommentToAcceptance(t *testing.T) {
	w := newWorld(t)
	broken := strings.Replace(newApplication(t), `auth:         "oauth2"`, `auth:         "api_key"`, 1)
	if broken == newApplication(t) {
		t.Fatal("fixture did not change")
	}
	head := w.srv.Commit("newco-apply", "Apply", map[string]string{"applications/newco.cue": broken})
	pr := w.srv.OpenPR(forgetest.PRSpec{Author: "newco-dev", Title: "Apply: Newco", Head: "newco-apply"})

	// An invalid application: a red check with the annotation on its line.
	w.handle(pr)
	runs := w.srv.CheckRuns(head)
	if len(runs) != 1 || runs[0].Conclusion != "failure" {
		t.Fatalf("check runs on the head: %+v", runs)
	}
	line := lineOf(t, broken, `"api_key"`)
	if !slices.ContainsFunc(runs[0].Annotations, func(a forgetest.Annotation) bool {
		return a.Path == "applications/newco.cue" && a.StartLine == line && strings.HasPrefix(a.Title, "connect/req-2")
	}) {
		t.Errorf("no connect/req-2 annotation on line %d: %+v", line, runs[0].Annotations)
	}
	if got := w.srv.Labels(pr); !slices.Contains(got, "invalid") || !slices.Contains(got, "application:new") {
		t.Errorf("labels %v", got)
	}
	first := w.botComments(pr)
	if len(first) != 1 || !strings.Contains(first[0].Body, head) {
		t.Fatalf("want one comment naming the head, got %+v", first)
	}

	// Handling the same event again changes nothing.
	w.handle(pr)
	if n := len(w.srv.CheckRuns(head)); n != 1 {
		t.Errorf("a second identical run posted another check: %d", n)
	}

	// The integrator pushes a fix: the same comment is edited, the check is green.
	fixed := w.srv.Commit("newco-apply", "Fix auth", map[string]string{"applications/newco.cue": newApplication(t)})
	w.handle(pr)
	after := w.botComments(pr)
	if len(after) != 1 || after[0].ID != first[0].ID || !strings.Contains(after[0].Body, fixed) {
		t.Fatalf("want the first comment edited for %s, got %+v", fixed, after)
	}
	if runs := w.srv.CheckRuns(fixed); len(runs) != 1 || runs[0].Conclusion != "success" {
		t.Fatalf("check on the fix: %+v", runs)
	}
	if got := w.srv.Labels(pr); slices.Contains(got, "invalid") || !slices.Contains(got, "needs-review") {
		t.Errorf("labels after the fix %v", got)
	}

	// The author approving their own pull request does nothing.
	w.srv.AddReview(pr, "newco-dev", "APPROVED", fixed)
	w.handle(pr)
	if w.srv.PR(pr).Merged {
		t.Fatal("merged on the author's own approval")
	}
	// A reviewer's approval of an older commit does nothing.
	w.srv.AddReview(pr, "okafor-pm", "APPROVED", head)
	w.handle(pr)
	if w.srv.PR(pr).Merged {
		t.Fatal("merged on an approval of an older commit")
	}

	// A reviewer approves the head: merged, and the acceptance recorded in git.
	w.srv.AddReview(pr, "okafor-pm", "APPROVED", fixed)
	out := w.handle(pr)
	if !w.srv.PR(pr).Merged {
		t.Fatalf("not merged: %v", out.Done)
	}
	src, ok := w.srv.ReadFile(forgetest.DefaultBranch, "applications/newco.cue")
	if !ok {
		t.Fatal("application not on main")
	}
	cat, _ := catalog.Default()
	f := cat.Application("applications/newco.cue", []byte(src))
	if f.App == nil {
		t.Fatalf("recorded file does not load: %+v", f.Findings)
	}
	p := f.App.Program
	if p.Stage != "beta" || p.AcceptedAt == nil || p.AcceptedAt.String() != "2026-11-25" {
		t.Errorf("program after acceptance: %+v", p)
	}
	if last := p.History[len(p.History)-1]; last.By != "okafor-pm" || last.Ref != "#1" || last.Stage != "beta" || last.Checklist != fixed {
		t.Errorf("history row %+v; want the checklist recorded as shown at %s", last, fixed)
	}
	// The comment the approval was given on showed the checklist at that commit.
	if c := w.srv.Comments(pr); len(c) == 0 || !strings.Contains(c[0].Body, "#### Reviewer checklist") || !strings.Contains(c[0].Body, "Before approving commit `"+fixed+"`") {
		t.Errorf("the comment did not show the checklist at %s", fixed)
	}
	if issues := w.srv.Issues(); len(issues) != 1 || !strings.Contains(issues[0].Body, "connectbot:tracking newco") {
		t.Errorf("tracking issue on acceptance: %+v (%v)", issues, out.Done)
	}
}

func TestIntegratorsCannotTouchWhatIsNotTheirs(t *testing.T) {
	w := newWorld(t)
	acme := sampleFile(t, "acme-sync.cue")
	promoted := strings.Replace(acme, `stage:              "beta"`, `stage:              "partner"`, 1)
	if promoted == acme {
		t.Fatal("fixture did not change")
	}
	head := w.srv.Commit("acme-promote", "Promote us", map[string]string{"applications/acme-sync.cue": promoted})
	pr := w.srv.OpenPR(forgetest.PRSpec{Author: "acme-dev", Title: "Promote", Head: "acme-promote"})
	w.handle(pr)
	run := w.srv.CheckRuns(head)[0]
	if run.Conclusion != "failure" || !strings.Contains(run.Summary, "error") {
		t.Fatalf("check %+v", run)
	}
	if !slices.ContainsFunc(run.Annotations, func(a forgetest.Annotation) bool {
		return strings.HasPrefix(a.Title, "ownership/program-owned") && strings.Contains(a.Message, "program.stage")
	}) {
		t.Errorf("no annotation naming program.stage: %+v", run.Annotations)
	}

	// Another integrator editing acme's file is refused too.
	edited := strings.Replace(acme, "Two-way contact sync", "Now maintained by us", 1)
	head2 := w.srv.Commit("hijack", "Edit", map[string]string{"applications/acme-sync.cue": edited})
	pr2 := w.srv.OpenPR(forgetest.PRSpec{Author: "mallory", Title: "Edit", Head: "hijack"})
	w.srv.AddReview(pr2, "okafor-pm", "APPROVED", head2)
	w.handle(pr2)
	run2 := w.srv.CheckRuns(head2)[0]
	if run2.Conclusion != "failure" || !slices.ContainsFunc(run2.Annotations, func(a forgetest.Annotation) bool {
		return strings.HasPrefix(a.Title, "ownership/maintainer")
	}) {
		t.Errorf("check %+v", run2)
	}
	if w.srv.PR(pr2).Merged {
		t.Error("a red pull request was merged on approval")
	}
}

func TestFaultsEndInTheRightStateWithoutDuplicates(t *testing.T) {
	w := newWorld(t)
	w.srv.Commit("newco-apply", "Apply", map[string]string{"applications/newco.cue": newApplication(t)})
	pr := w.srv.OpenPR(forgetest.PRSpec{Author: "newco-dev", Title: "Apply", Head: "newco-apply"})

	// A 502 after GitHub created the comment: the retry must not post a second one.
	w.srv.FailNextAfterApplying("POST", "/repos/acme-program/connect/issues/1/comments", 502)
	if _, err := w.handler.Handle(context.Background(), pr); err != nil {
		t.Logf("first run: %v", err)
	}
	w.handle(pr)
	if n := len(w.botComments(pr)); n != 1 {
		t.Errorf("%d comments after a 502, want 1", n)
	}

	// A secondary rate limit on the check is waited out.
	w.srv.FailNext("POST", "/repos/acme-program/connect/check-runs", 403, map[string]string{"Retry-After": "3"})
	fixed := w.srv.Commit("newco-apply", "Touch", map[string]string{"applications/newco.cue": newApplication(t) + "\n"})
	w.handle(pr)
	if runs := w.srv.CheckRuns(fixed); len(runs) != 1 {
		t.Errorf("check runs after a secondary rate limit: %d", len(runs))
	}

	// The head moves after the approval was read: the merge is refused and
	// the pull request stays open for the new commit's own approval.
	w.srv.AddReview(pr, "rivera-reviews", "APPROVED", fixed)
	w.srv.Before("GET", "/repos/acme-program/connect/pulls/1/reviews", func() {
		// The next read of the pull request is the one just before merging.
		w.srv.Before("GET", "/repos/acme-program/connect/pulls/1", func() {
			w.srv.Commit("newco-apply", "Again", map[string]string{"applications/newco.cue": newApplication(t) + "\n\n"})
		})
	})
	out := w.handle(pr)
	if w.srv.PR(pr).Merged || !slices.ContainsFunc(out.Done, func(s string) bool { return strings.HasPrefix(s, "merge refused") }) {
		t.Errorf("merge after a conflict: merged=%v done=%v", w.srv.PR(pr).Merged, out.Done)
	}
	if n := len(w.botComments(pr)); n != 1 {
		t.Errorf("%d comments at the end, want 1", n)
	}
}

func lineOf(t *testing.T, src, needle string) int {
	t.Helper()
	for i, l := range strings.Split(src, "\n") {
		if strings.Contains(l, needle) {
			return i + 1
		}
	}
	t.Fatalf("%q not in source", needle)
	return 0
}

func TestCommentCommands(t *testing.T) {
	w := newWorld(t)
	acme := sampleFile(t, "acme-sync.cue")
	w.srv.Commit("acme-edit", "Edit", map[string]string{"applications/acme-sync.cue": strings.Replace(acme, "Two-way contact sync", "Two-way sync", 1)})
	pr := w.srv.OpenPR(forgetest.PRSpec{Author: "acme-dev", Title: "Edit", Head: "acme-edit"})
	ctx := context.Background()

	// A stranger's terminate is refused politely, once, and nothing happens.
	id := w.srv.AddComment(pr, "stranger", "/connectbot terminate they are rude")
	for range 2 {
		if _, err := w.handler.Comment(ctx, pr, forge.Comment{ID: id, Author: "stranger", Body: "/connectbot terminate they are rude"}); err != nil {
			t.Fatal(err)
		}
	}
	var replies []string
	for _, c := range w.srv.Comments(pr) {
		if c.Author == forgetest.BotLogin {
			replies = append(replies, c.Body)
		}
	}
	if len(replies) != 1 || !strings.Contains(replies[0], "only the program's reviewers") || !strings.Contains(replies[0], "@stranger") {
		t.Errorf("replies %q", replies)
	}
	if n := len(w.srv.PRs()); n != 1 {
		t.Errorf("%d pull requests after a refused termination", n)
	}

	// recheck judges the pull request.
	done, err := w.handler.Comment(ctx, pr, forge.Comment{ID: w.srv.AddComment(pr, "acme-dev", "/connectbot recheck"), Author: "acme-dev", Body: "/connectbot recheck"})
	if err != nil || len(w.botComments(pr)) != 1 {
		t.Fatalf("recheck: %v %v", done, err)
	}

	// A reviewer's terminate opens a removal pull request citing the clause.
	body := "/connectbot terminate acme-sync collects passwords against policy"
	if _, err := w.handler.Comment(ctx, pr, forge.Comment{ID: w.srv.AddComment(pr, "okafor-pm", body), Author: "okafor-pm", Body: body}); err != nil {
		t.Fatal(err)
	}
	prs := w.srv.PRs()
	if len(prs) != 2 || prs[1].Head != "connectbot/remove/acme-sync" || !strings.Contains(prs[1].Body, "reserve the right to terminate") ||
		!strings.Contains(prs[1].Body, "terminated by @<!-- -->okafor-pm: collects passwords against policy") {
		t.Fatalf("removal pull request: %+v", prs)
	}
}

func TestARecheckWritesTheCheckEvenWhenNothingChanged(t *testing.T) {
	w := newWorld(t)
	head := w.srv.Commit("newco-apply", "Apply", map[string]string{"applications/newco.cue": newApplication(t)})
	pr := w.srv.OpenPR(forgetest.PRSpec{Author: "newco-dev", Title: "Apply: Newco", Head: "newco-apply"})
	w.handle(pr)
	w.handle(pr)
	if n := len(w.srv.CheckRuns(head)); n != 1 {
		t.Fatalf("%d check runs after the same verdict twice, want 1", n)
	}
	if _, err := w.handler.Recheck(context.Background(), pr); err != nil {
		t.Fatal(err)
	}
	runs := w.srv.CheckRuns(head)
	if len(runs) != 2 || runs[1].Conclusion != "success" {
		t.Errorf("a re-run wrote no new check: %+v", runs)
	}
	if n := len(w.botComments(pr)); n != 1 {
		t.Errorf("%d comments, want 1", n)
	}
}

func TestAHeadAlreadyMergedIsNeverMergedTwice(t *testing.T) {
	w := newWorld(t)
	head := w.srv.Commit("newco-apply", "Apply", map[string]string{"applications/newco.cue": newApplication(t)})
	pr := w.srv.OpenPR(forgetest.PRSpec{Author: "newco-dev", Title: "Apply: Newco", Head: "newco-apply"})
	w.srv.AddReview(pr, "rivera-reviews", "APPROVED", head)
	w.srv.LagMerged(true) // GitHub has not marked it merged yet
	w.handle(pr)
	merged := w.srv.Branch(forgetest.DefaultBranch)
	out := w.handle(pr) // a second delivery of the approval
	if got := w.srv.Branch(forgetest.DefaultBranch); got != merged {
		t.Errorf("main moved from %s to %s: the head was merged twice (%q)", merged, got, out.Done)
	}
	if !slices.Contains(out.Done, "not merged: the head is on the base branch already") {
		t.Errorf("done %q", out.Done)
	}
}

func TestAReconcileRepairsWhatLostDeliveriesLeftUndone(t *testing.T) {
	w := newWorld(t)
	ctx := context.Background()
	// Every delivery is lost: a pull request opened, then approved, and a
	// reviewer's termination of another integrator, all while the bot heard
	// nothing.
	head := w.srv.Commit("newco-apply", "Apply", map[string]string{"applications/newco.cue": newApplication(t)})
	pr := w.srv.OpenPR(forgetest.PRSpec{Author: "newco-dev", Title: "Apply: Newco", Head: "newco-apply"})
	w.srv.Commit("acme-edit", "Edit", map[string]string{"applications/acme-sync.cue": sampleFile(t, "acme-sync.cue") + "\n"})
	other := w.srv.OpenPR(forgetest.PRSpec{Author: "acme-dev", Title: "Edit", Head: "acme-edit"})
	w.srv.AddComment(other, "okafor-pm", "/connectbot terminate acme-sync the integration no longer works")

	done, err := w.handler.Reconcile(ctx, forgetest.DefaultBranch)
	if err != nil {
		t.Fatal(err)
	}
	if len(done) != 2 {
		t.Fatalf("reconciled %+v, want both pull requests", done)
	}
	if runs := w.srv.CheckRuns(head); len(runs) != 1 || len(w.botComments(pr)) != 1 {
		t.Errorf("after one reconcile: %d checks, %d comments; want one of each", len(runs), len(w.botComments(pr)))
	}
	if !slices.ContainsFunc(w.srv.PRs(), func(p forgetest.PR) bool { return p.Head == "connectbot/remove/acme-sync" }) {
		t.Errorf("the termination was not carried out: %+v", w.srv.PRs())
	}

	// The approval given while the bot was down is acted on by the next
	// reconcile (as at start-up).
	w.srv.AddReview(pr, "rivera-reviews", "APPROVED", head)
	if _, err := w.handler.Reconcile(ctx, forgetest.DefaultBranch); err != nil {
		t.Fatal(err)
	}
	if !w.srv.PR(pr).Merged {
		t.Errorf("the approval was not acted on")
	}

	// Nothing left to repair, and nothing is written. The first look after
	// the writes reads what changed in full; from then on an idle reconcile
	// costs the list of pull requests (itself 304 when unchanged) and
	// requests answered 304 Not Modified.
	for round := range 2 {
		done, err = w.handler.Reconcile(ctx, forgetest.DefaultBranch)
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range done {
			if len(r.Repaired) > 0 {
				t.Errorf("round %d: #%d repaired again: %q", round, r.Number, r.Repaired)
			}
		}
	}
	calls, notModified := len(w.srv.Calls()), w.srv.NotModified()
	if done, err = w.handler.Reconcile(ctx, forgetest.DefaultBranch); err != nil {
		t.Fatal(err)
	}
	rest := 0
	for _, c := range w.srv.Calls()[calls:] {
		if !strings.HasPrefix(c, "GET ") {
			t.Errorf("an idle reconcile wrote: %s", c)
		}
		if strings.HasPrefix(c, "GET /repos/") {
			rest++
		}
	}
	if full := rest - (w.srv.NotModified() - notModified); full > 1 {
		t.Errorf("an idle reconcile of %d pull requests made %d REST requests, %d of them answered in full; want at most 1", len(done), rest, full)
	}
}

// replica is a second connectbot on the same repository, with a clone and
// a GitHub client of its own, as another serve process would have.
func (w *world) replica(holder string) *pullrequest.Handler {
	w.t.Helper()
	ctx := context.Background()
	repo, err := gitrepo.Clone(ctx, w.srv.GitURL(), gitrepo.CloneOptions{Token: w.srv.Token()})
	if err != nil {
		w.t.Fatal(err)
	}
	client, err := forge.New(forge.Options{BaseURL: w.srv.URL(), Token: w.srv.Token(), Owner: "acme-program", Repo: "connect",
		HTTPClient: w.srv.Client(), Sleep: func(time.Duration) {}})
	if err != nil {
		w.t.Fatal(err)
	}
	exRepo, err := gitrepo.Clone(ctx, w.srv.GitURL(), gitrepo.CloneOptions{Token: w.srv.Token()})
	if err != nil {
		w.t.Fatal(err)
	}
	h := *w.handler
	h.Forge, h.Git, h.Holder = client, repo, holder
	h.Apply = &apply.Executor{Forge: client, Git: exRepo, Base: forgetest.DefaultBranch, Identity: h.Identity, BotLogin: forgetest.BotLogin, Now: h.Now}
	return &h
}

func TestTwoConnectbotsAnsweringEveryDeliveryWriteEverythingOnce(t *testing.T) {
	w := newWorld(t)
	a, b := w.replica("replica-a"), w.replica("replica-b")
	ctx := context.Background()
	both := func(name string, do func(h *pullrequest.Handler) error) {
		t.Helper()
		var wg sync.WaitGroup
		for _, h := range []*pullrequest.Handler{a, b, a, b} {
			wg.Go(func() {
				if err := do(h); err != nil {
					t.Errorf("%s (%s): %v", name, h.Holder, err)
				}
			})
		}
		wg.Wait()
	}
	head := w.srv.Commit("newco-apply", "Apply", map[string]string{"applications/newco.cue": newApplication(t)})
	pr := w.srv.OpenPR(forgetest.PRSpec{Author: "newco-dev", Title: "Apply: Newco", Head: "newco-apply"})
	w.srv.Commit("acme-edit", "Edit", map[string]string{"applications/acme-sync.cue": sampleFile(t, "acme-sync.cue") + "\n"})
	other := w.srv.OpenPR(forgetest.PRSpec{Author: "acme-dev", Title: "Edit", Head: "acme-edit"})

	both("opened", func(h *pullrequest.Handler) error { _, err := h.Handle(ctx, pr); return err })
	if runs, n := w.srv.CheckRuns(head), len(w.botComments(pr)); len(runs) != 1 || n != 1 {
		t.Errorf("after the same delivery four times at once: %d checks, %d comments; want one of each", len(runs), n)
	}

	id := w.srv.AddComment(other, "okafor-pm", "/connectbot terminate acme-sync the integration no longer works")
	both("terminate", func(h *pullrequest.Handler) error {
		_, err := h.Comment(ctx, other, forge.Comment{ID: id, Author: "okafor-pm", Body: "/connectbot terminate acme-sync the integration no longer works"})
		return err
	})
	removals, answers := 0, 0
	for _, p := range w.srv.PRs() {
		if p.Head == "connectbot/remove/acme-sync" {
			removals++
		}
	}
	for _, c := range w.srv.Comments(other) {
		if c.Author == forgetest.BotLogin && strings.Contains(c.Body, fmt.Sprintf("connectbot:reply %d", id)) {
			answers++
		}
	}
	if removals != 1 || answers != 1 {
		t.Errorf("a termination four times at once: %d removal pull requests, %d answers; want one of each", removals, answers)
	}

	w.srv.AddReview(pr, "rivera-reviews", "APPROVED", head)
	before := w.srv.Branch(forgetest.DefaultBranch)
	both("approved", func(h *pullrequest.Handler) error { _, err := h.Handle(ctx, pr); return err })
	both("reconcile", func(h *pullrequest.Handler) error { _, err := h.Reconcile(ctx, forgetest.DefaultBranch); return err })
	if !w.srv.PR(pr).Merged {
		t.Fatal("the approval was not acted on")
	}
	// Exactly two commits on main: the merge and the recorded acceptance.
	repo := w.srv.Repo()
	tip, err := repo.CommitObject(plumbing.NewHash(w.srv.Branch(forgetest.DefaultBranch)))
	if err != nil {
		t.Fatal(err)
	}
	merge, err := tip.Parent(0)
	if err != nil {
		t.Fatal(err)
	}
	if merge.NumParents() != 2 || merge.ParentHashes[0].String() != before || merge.ParentHashes[1].String() != head {
		t.Errorf("main is not one merge and one record on top of %s: %s", before, tip.Hash)
	}
	for _, n := range []int{pr, other} {
		if c := len(w.botComments(n)); c != 1 {
			t.Errorf("#%d has %d sticky comments, want 1", n, c)
		}
	}
}

// TestAnApprovedLaunchRecordsTheChecklistItWasGivenOn: connectbot's own
// pull request changing a stage shows the reviewer checklist, and the
// reviewer's approval, merged, adds a history row naming the reviewer and
// the commit the checklist was shown at.
func TestAnApprovedLaunchRecordsTheChecklistItWasGivenOn(t *testing.T) {
	w := newWorld(t)
	src := sampleFile(t, "harborview-analytics.cue")
	w.srv.Commit(forgetest.DefaultBranch, "Harborview", map[string]string{"applications/harborview-analytics.cue": src})
	launched := strings.Replace(src, `stage:              "certification"`, `stage:              "partner"`, 1)
	launched = strings.Replace(launched, `		{date: "2026-07-28", stage: "certification", by: "connectbot", ref: "#29"},`,
		`		{date: "2026-07-28", stage: "certification", by: "connectbot", ref: "#29"},
		{date: "2026-11-25", stage: "partner", by: "connectbot", ref: "connect/cert-6 launch-date"},`, 1)
	if launched == src {
		t.Fatal("the sample changed: nothing to launch")
	}
	head := w.srv.Commit("connectbot/launch/harborview-analytics", "Launch", map[string]string{"applications/harborview-analytics.cue": launched})
	pr := w.srv.OpenPR(forgetest.PRSpec{Author: forgetest.BotLogin, Title: "Launch harborview-analytics", Head: "connectbot/launch/harborview-analytics"})
	w.handle(pr)
	if c := w.botComments(pr); len(c) != 1 || !strings.Contains(c[0].Body, "Before approving commit `"+head+"`") {
		t.Fatalf("the launch's comment does not show the checklist at %s: %+v", head, c)
	}

	w.srv.AddReview(pr, "okafor-pm", "APPROVED", head)
	out := w.handle(pr)
	if !w.srv.PR(pr).Merged {
		t.Fatalf("not merged: %v", out.Done)
	}
	got, _ := w.srv.ReadFile(forgetest.DefaultBranch, "applications/harborview-analytics.cue")
	cat, _ := catalog.Default()
	f := cat.Application("applications/harborview-analytics.cue", []byte(got))
	if f.App == nil {
		t.Fatalf("recorded file does not load: %+v", f.Findings)
	}
	h := f.App.Program.History
	want := application.HistoryRow{Date: application.MustParseDate("2026-11-25"), Stage: application.StagePartner, By: "okafor-pm", Ref: fmt.Sprintf("#%d", pr), Checklist: head}
	if diff := cmp.Diff(want, h[len(h)-1]); diff != "" {
		t.Errorf("the approval's history row (-want +got):\n%s", diff)
	}
}

// TestTheReplyToAnUnknownCommandWordIsInert is issue 14's "one escaper":
// the word a commenter writes after /connectbot comes back in the reply as
// text, never as a mention, an HTML element, a link or a table.
func TestTheReplyToAnUnknownCommandWordIsInert(t *testing.T) {
	tests := []struct {
		name    string
		word    string
		want    string
		mustNot []string
	}{
		{"a mention does not notify", "@okafor-pm", "unknown command \"@<!-- -->okafor-pm\"", []string{"@okafor-pm"}},
		{"a team mention does not notify", "@acme-program/reviewers", "unknown command \"@<!-- -->acme-program/reviewers\"", []string{"@acme-program/reviewers"}},
		{"a mention inside a word after a bracket does not notify", "(@okafor-pm)", "unknown command \"(@<!-- -->okafor-pm)\"", []string{"@okafor-pm"}},
		{"an escaped HTML element is shown as text", `\<details>`, `unknown command "&lt;details&gt;"`, []string{"<details>"}},
		{"an escaped link is shown as text", `\[x](https://evil.example)`, `unknown command "\[x\](https:<!-- -->//evil.example)"`, []string{"[x](https://evil.example)"}},
		{"escaped backticks and bars do not make code or a table", "\\`a\\`|b", "unknown command \"\\`a\\`\\|b\"", []string{"`a`|b"}},
		// Markup in a command line is refused without echoing it.
		{"an HTML element is refused and not echoed", "<details><summary>x</summary>", "write the command in plain words", []string{"<details>", "<summary>"}},
		{"a link is refused and not echoed", "[x](https://evil.example)", "write the command in plain words", []string{"evil.example"}},
		{"code is refused and not echoed", "`a`|b", "write the command in plain words", []string{"`a`"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := newWorld(t)
			acme := sampleFile(t, "acme-sync.cue")
			w.srv.Commit("acme-edit", "Edit", map[string]string{"applications/acme-sync.cue": strings.Replace(acme, "Two-way contact sync", "Two-way sync", 1)})
			pr := w.srv.OpenPR(forgetest.PRSpec{Author: "acme-dev", Title: "Edit", Head: "acme-edit"})
			body := "/connectbot " + tt.word
			if _, err := w.handler.Comment(context.Background(), pr, forge.Comment{ID: w.srv.AddComment(pr, "acme-dev", body), Author: "acme-dev", Body: body}); err != nil {
				t.Fatal(err)
			}
			var replies []string
			for _, c := range w.srv.Comments(pr) {
				if c.Author == forgetest.BotLogin {
					replies = append(replies, c.Body)
				}
			}
			if len(replies) != 1 || !strings.Contains(replies[0], tt.want) {
				t.Fatalf("replies %q; want one naming %q", replies, tt.want)
			}
			for _, bad := range tt.mustNot {
				if strings.Contains(replies[0], bad) {
					t.Errorf("the reply %q holds %q as written", replies[0], bad)
				}
			}
		})
	}
}
