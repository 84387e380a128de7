package apply_test

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/connectbot/connectbot/internal/application"
	"github.com/connectbot/connectbot/internal/apply"
	"github.com/connectbot/connectbot/internal/catalog"
	"github.com/connectbot/connectbot/internal/forge"
	"github.com/connectbot/connectbot/internal/forge/forgetest"
	"github.com/connectbot/connectbot/internal/gitrepo"
	"github.com/connectbot/connectbot/internal/golden"
	"github.com/connectbot/connectbot/internal/program"
	"github.com/connectbot/connectbot/internal/snapshot"
	"github.com/connectbot/connectbot/schema"
)

var clock = func() time.Time { return time.Date(2026, 12, 11, 6, 0, 0, 0, time.UTC) }

// setup puts the shipped samples on a fake GitHub and returns an executor
// wired to it over HTTP and git, and the forge client a reviewer would use.
func setup(t *testing.T) (*forgetest.Server, *apply.Executor, *forge.Client) {
	t.Helper()
	srv := forgetest.NewServer(t, "acme-program", "connect")
	files := map[string]string{}
	for _, dir := range []string{"../../applications", "../../schema"} {
		entries, err := os.ReadDir(dir)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range entries {
			if strings.HasSuffix(e.Name(), ".cue") {
				b, _ := os.ReadFile(dir + "/" + e.Name())
				files[strings.TrimPrefix(dir, "../../")+"/"+e.Name()] = string(b)
			}
		}
	}
	b, _ := os.ReadFile("../../program.cue")
	files["program.cue"] = string(b)
	srv.Commit(forgetest.DefaultBranch, "the program", files)
	return srv, executor(t, srv), client(t, srv)
}

func client(t *testing.T, srv *forgetest.Server) *forge.Client {
	c, err := forge.New(forge.Options{BaseURL: srv.URL(), Token: srv.Token(), Owner: "acme-program", Repo: "connect",
		HTTPClient: srv.Client(), Sleep: func(time.Duration) {}})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func executor(t *testing.T, srv *forgetest.Server) *apply.Executor {
	repo, err := gitrepo.Clone(context.Background(), srv.GitURL(), gitrepo.CloneOptions{Token: srv.Token()})
	if err != nil {
		t.Fatal(err)
	}
	return &apply.Executor{Forge: client(t, srv), Git: repo, Base: forgetest.DefaultBranch,
		Identity: gitrepo.Signature{Name: "connectbot", Email: "connectbot@users.noreply.example"}, BotLogin: forgetest.BotLogin, Now: clock}
}

// planOn decides the samples as of day, as the tick would.
func planOn(t *testing.T, day string) program.Plan {
	t.Helper()
	cat, err := catalog.New(schema.Files, catalog.DefaultLimits)
	if err != nil {
		t.Fatal(err)
	}
	now, _ := application.ParseDate(day)
	snap, err := snapshot.Load(cat, os.DirFS("../.."), nil, now)
	if err != nil {
		t.Fatal(err)
	}
	_, plan := program.Decide(program.Input{Files: snap.Files, Config: snap.Config, Now: now})
	return plan
}

func only(plan program.Plan, kind program.ActionKind, slug string) program.Plan {
	out := program.Plan{Now: plan.Now}
	for _, a := range plan.Actions {
		if a.Kind == kind && a.Slug == slug {
			out.Actions = append(out.Actions, a)
		}
	}
	return out
}

func statuses(rs []apply.Result) []string {
	var out []string
	for _, r := range rs {
		out = append(out, string(r.Action.Kind)+" "+r.Action.Slug+": "+r.Status)
	}
	return out
}

func TestARemovalIsOpenedOnceAndNeverAgainAfterAReviewerClosesIt(t *testing.T) {
	srv, x, reviewer := setup(t)
	plan := only(planOn(t, "2026-12-11"), program.KindOpenRemovalPR, "brightpath-forms")
	if len(plan.Actions) != 1 {
		t.Fatalf("plan %+v", plan)
	}
	ctx := context.Background()
	rs, err := x.Apply(ctx, plan)
	if err != nil || len(rs) != 1 || rs[0].Status != apply.Done {
		t.Fatalf("first run: %v %+v", err, rs)
	}
	pr := srv.PR(rs[0].PR)
	if pr.Head != "connectbot/remove/brightpath-forms" || pr.State != "open" {
		t.Fatalf("pull request %+v", pr)
	}
	for _, want := range []string{"BrightPath", "listing-overdue", "If you fail to supply the required site page", "2026-12-10", "@"} {
		if !strings.Contains(pr.Body, want) {
			t.Errorf("body lacks %q:\n%s", want, pr.Body)
		}
	}
	if labels := srv.Labels(pr.Number); len(labels) != 1 || labels[0] != "removal" {
		t.Errorf("labels %v", labels)
	}
	src, _ := srv.ReadFile(pr.Head, "applications/brightpath-forms.cue")
	cat, _ := catalog.Default()
	f := cat.Application("applications/brightpath-forms.cue", []byte(src))
	if f.App == nil || f.App.Program.Stage != "removed" || f.App.Program.Removed == nil || f.App.Program.Removed.Reason != "listing-overdue" {
		t.Fatalf("proposed file: %+v %+v", f.App, f.Findings)
	}

	// Again, and twice at once: nothing new.
	rs, _ = x.Apply(ctx, plan)
	if rs[0].Status != apply.AlreadyDone {
		t.Errorf("second run: %v", statuses(rs))
	}
	var wg sync.WaitGroup
	for range 2 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			executor(t, srv).Apply(ctx, plan)
		}()
	}
	wg.Wait()
	if n := len(srv.PRs()); n != 1 {
		t.Errorf("%d pull requests after concurrent runs, want 1", n)
	}

	// A reviewer closes it: the same deadline never reopens it.
	if err := reviewer.ClosePR(ctx, pr.Number); err != nil {
		t.Fatal(err)
	}
	rs, _ = x.Apply(ctx, plan)
	if rs[0].Status != apply.Skipped || !strings.Contains(rs[0].Detail, "closed") {
		t.Errorf("after a reviewer closed it: %+v", rs)
	}
	if n := len(srv.PRs()); n != 1 {
		t.Errorf("%d pull requests, want 1", n)
	}

	// The state changes — a reviewer moved the due date, and the new one
	// lapsed too: a new deadline, so a new removal; the reviewer's closed
	// one stays closed.
	later := plan
	later.Actions = []program.Action{plan.Actions[0]}
	later.Actions[0].Due = plan.Actions[0].Due.AddDays(14)
	rs, err = x.Apply(ctx, later)
	if err != nil || len(rs) != 1 || rs[0].Status != apply.Done || rs[0].PR == pr.Number {
		t.Fatalf("for a new deadline: %v %+v", err, rs)
	}
	if srv.PR(pr.Number).State != "closed" || srv.PR(rs[0].PR).State != "open" {
		t.Errorf("closed #%d is %s, new #%d is %s", pr.Number, srv.PR(pr.Number).State, rs[0].PR, srv.PR(rs[0].PR).State)
	}
}

func TestClosingAPullRequestWhoseConditionStoppedHolding(t *testing.T) {
	srv, x, _ := setup(t)
	ctx := context.Background()
	rs, _ := x.Apply(ctx, only(planOn(t, "2026-12-11"), program.KindOpenRemovalPR, "brightpath-forms"))
	number := rs[0].PR
	closePlan := program.Plan{Actions: []program.Action{{Kind: program.KindClosePR, Slug: "brightpath-forms", PR: number,
		Reason: "condition-no-longer-holds", Rule: "connect/beta-2", Evidence: "the listing information is now complete"}}}
	rs, err := x.Apply(ctx, closePlan)
	if err != nil || rs[0].Status != apply.Done {
		t.Fatalf("close: %v %+v", err, rs)
	}
	if srv.PR(number).State != "closed" || len(srv.Comments(number)) != 1 {
		t.Errorf("state %s, %d comments", srv.PR(number).State, len(srv.Comments(number)))
	}
	rs, _ = x.Apply(ctx, closePlan)
	if rs[0].Status != apply.AlreadyDone || len(srv.Comments(number)) != 1 {
		t.Errorf("second close: %+v, %d comments", rs, len(srv.Comments(number)))
	}
}

func TestAPersonsPushIsNeverOverwritten(t *testing.T) {
	srv, x, _ := setup(t)
	ctx := context.Background()
	rs, _ := x.Apply(ctx, only(planOn(t, "2026-12-11"), program.KindOpenRemovalPR, "brightpath-forms"))
	number := rs[0].PR
	srv.Commit("connectbot/remove/brightpath-forms", "A reviewer's note", map[string]string{"NOTES.md": "keep\n"})
	rs, err := x.Apply(ctx, program.Plan{Actions: []program.Action{{Kind: program.KindClosePR, Slug: "brightpath-forms", PR: number,
		Rule: "connect/beta-2", Evidence: "the listing information is now complete"}}})
	if err != nil || rs[0].Status != apply.Skipped {
		t.Fatalf("%v %+v", err, rs)
	}
	if srv.PR(number).State != "open" || len(srv.Comments(number)) != 1 {
		t.Errorf("a person's pull request was closed or not commented: %+v", srv.PR(number))
	}
}

func TestTheBudgetLeavesTheRestForTheNextRun(t *testing.T) {
	srv, x, _ := setup(t)
	x.Budget = 1
	plan := planOn(t, "2026-12-15")
	rs, err := x.Apply(context.Background(), plan)
	if err != nil {
		t.Fatal(err)
	}
	done, skipped := 0, 0
	for _, r := range rs {
		switch {
		case r.Status == apply.Done:
			done++
		case r.Status == apply.Skipped && strings.Contains(r.Detail, "budget"):
			skipped++
		}
	}
	if done != 1 || skipped < 2 {
		t.Errorf("done %d, skipped for budget %d: %v", done, skipped, statuses(rs))
	}
	if n := len(srv.PRs()); n != 1 {
		t.Errorf("%d pull requests, want 1", n)
	}
}

func TestAFailedActionSpendsTheBudgetToo(t *testing.T) {
	srv, x, _ := setup(t)
	x.Budget = 1
	srv.FailNext("POST", "/repos/acme-program/connect/pulls", http.StatusUnprocessableEntity, nil)
	rs, err := x.Apply(context.Background(), planOn(t, "2026-12-15"))
	if err != nil {
		t.Fatal(err)
	}
	tried := 0
	for _, r := range rs {
		if r.Status == apply.Done || r.Status == apply.Failed {
			tried++
		}
	}
	if tried != 1 || rs[0].Status != apply.Failed {
		t.Errorf("%d actions tried on a budget of 1, the first %s: %v", tried, rs[0].Status, statuses(rs))
	}
}

func TestTwoRunsAtOnceOpenOnePullRequest(t *testing.T) {
	srv, _, _ := setup(t)
	plan := only(planOn(t, "2026-12-11"), program.KindOpenRemovalPR, "brightpath-forms")
	a, b := executor(t, srv), executor(t, srv)
	var wg sync.WaitGroup
	results := make([][]apply.Result, 2)
	for i, x := range []*apply.Executor{a, b} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			results[i], _ = x.Apply(context.Background(), plan)
		}()
	}
	wg.Wait()
	if n := len(srv.PRs()); n != 1 {
		t.Errorf("%d pull requests, want 1: %v / %v", n, statuses(results[0]), statuses(results[1]))
	}
}

func TestAnActionIsDoneOnlyWhenGitHubShowsIt(t *testing.T) {
	const branch = "connectbot/remove/brightpath-forms"
	const pulls = "/repos/acme-program/connect/pulls"
	tests := []struct {
		name string
		// before arranges what happens on the fake GitHub during the run.
		before     func(t *testing.T, srv *forgetest.Server)
		wantStatus string
		wantDetail string // a part of the detail
		wantPRs    []string
		// wantNext is the status of the run after, with nothing injected.
		wantNext string
	}{
		{
			name: "a pull request another run opened between the look and the create is already done",
			before: func(t *testing.T, srv *forgetest.Server) {
				srv.Before("POST", pulls, func() {
					srv.OpenPR(forgetest.PRSpec{Title: "Remove BrightPath Forms", Body: "opened by the other run", Head: branch})
				})
			},
			wantStatus: apply.AlreadyDone, wantDetail: "#1 was opened by a concurrent run",
			wantPRs: []string{"#1 open [removal]"}, wantNext: apply.AlreadyDone,
		},
		{
			name: "a refusal with nothing opened fails with GitHub's answer, and the next run opens it",
			before: func(t *testing.T, srv *forgetest.Server) {
				srv.FailNext("POST", pulls, http.StatusUnprocessableEntity, nil)
			},
			wantStatus: apply.Failed, wantDetail: "create pull request",
			wantNext: apply.Done,
		},
		{
			name: "a server error after GitHub opened it is done, and labelled",
			before: func(t *testing.T, srv *forgetest.Server) {
				srv.FailNextAfterApplying("POST", pulls, http.StatusBadGateway)
			},
			wantStatus: apply.Done, wantDetail: "opened #1",
			wantPRs: []string{"#1 open [removal]"}, wantNext: apply.AlreadyDone,
		},
		{
			name: "a refused label fails the action, naming the pull request it opened",
			before: func(t *testing.T, srv *forgetest.Server) {
				srv.FailNext("POST", "/repos/acme-program/connect/issues/1/labels", http.StatusForbidden, nil)
			},
			wantStatus: apply.Failed, wantDetail: "opened #1, but labelling #1 \"removal\" failed: add labels",
			wantPRs: []string{"#1 open []"}, wantNext: apply.AlreadyDone,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv, x, _ := setup(t)
			plan := only(planOn(t, "2026-12-11"), program.KindOpenRemovalPR, "brightpath-forms")
			tt.before(t, srv)
			rs, err := x.Apply(context.Background(), plan)
			if err != nil || len(rs) != 1 {
				t.Fatalf("%v %+v", err, rs)
			}
			if rs[0].Status != tt.wantStatus || !strings.Contains(rs[0].Detail, tt.wantDetail) {
				t.Errorf("result %s %q, want %s with %q", rs[0].Status, rs[0].Detail, tt.wantStatus, tt.wantDetail)
			}
			if (rs[0].Status == apply.Failed) != (rs[0].Err != nil) {
				t.Errorf("status %s with error %v", rs[0].Status, rs[0].Err)
			}
			if diff := cmp.Diff(tt.wantPRs, prList(srv)); diff != "" {
				t.Errorf("pull requests (-want +got):\n%s", diff)
			}
			next, err := x.Apply(context.Background(), plan)
			if err != nil || next[0].Status != tt.wantNext {
				t.Errorf("next run: %v %+v, want %s", err, next, tt.wantNext)
			}
			if n := len(srv.PRs()); n != 1 {
				t.Errorf("%d pull requests after the next run, want 1", n)
			}
			if got := srv.Labels(next[0].PR); len(got) != 1 || got[0] != "removal" {
				t.Errorf("labels after the next run: %v", got)
			}
		})
	}
}

func TestAFailedCreateSaysWhatGitHubSaid(t *testing.T) {
	srv, x, _ := setup(t)
	srv.FailNext("POST", "/repos/acme-program/connect/pulls", http.StatusUnprocessableEntity, nil)
	rs, _ := x.Apply(context.Background(), only(planOn(t, "2026-12-11"), program.KindOpenRemovalPR, "brightpath-forms"))
	want := "create pull request from connectbot/remove/brightpath-forms into main: GitHub answered 422 Unprocessable Entity"
	if diff := cmp.Diff(want, rs[0].Detail); diff != "" {
		t.Errorf("detail (-want +got):\n%s", diff)
	}
	if srv.Branch("connectbot/remove/brightpath-forms") == "" {
		t.Error("the branch was not pushed: the test does not exercise a pushed branch without its pull request")
	}
}

func TestAReminderThatFailsIsPostedByTheNextRun(t *testing.T) {
	srv, x, _ := setup(t)
	plan := only(planOn(t, "2026-12-03"), program.KindRemind, "brightpath-forms")
	if len(plan.Actions) != 1 {
		t.Fatalf("plan %+v", plan)
	}
	ctx := context.Background()
	// The tracking issue opens; the reminder on it is refused.
	srv.FailNext("POST", "/repos/acme-program/connect/issues/1/comments", http.StatusUnprocessableEntity, nil)
	rs, _ := x.Apply(ctx, plan)
	if rs[0].Status != apply.Failed || rs[0].PR != 1 || len(srv.Comments(1)) != 0 {
		t.Fatalf("first run: %+v, %d comments", rs, len(srv.Comments(1)))
	}
	rs, _ = x.Apply(ctx, plan)
	if rs[0].Status != apply.Done || rs[0].Detail != "reminded on #1" || len(srv.Comments(1)) != 1 || len(srv.Issues()) != 1 {
		t.Errorf("next run: %+v, %d comments, %d issues", rs, len(srv.Comments(1)), len(srv.Issues()))
	}
}

func TestATrackingIssueRefusedIsReadBack(t *testing.T) {
	srv, x, _ := setup(t)
	plan := only(planOn(t, "2026-12-03"), program.KindRemind, "brightpath-forms")
	srv.FailNextAfterApplying("POST", "/repos/acme-program/connect/issues", http.StatusBadGateway)
	rs, _ := x.Apply(context.Background(), plan)
	if rs[0].Status != apply.Done || len(srv.Issues()) != 1 || len(srv.Comments(rs[0].PR)) != 1 {
		t.Errorf("%+v, %d issues", rs, len(srv.Issues()))
	}
}

func TestASlugThatIsNotOneNamesNoBranch(t *testing.T) {
	srv, x, _ := setup(t)
	plan := only(planOn(t, "2026-12-11"), program.KindOpenRemovalPR, "brightpath-forms")
	for _, slug := range []string{"../main", "a..b", "x.lock", "-x", "a b", "A@{1}", "a/b", "\x7f"} {
		a := plan.Actions[0]
		a.Slug = slug
		rs, err := x.Apply(context.Background(), program.Plan{Now: plan.Now, Actions: []program.Action{a}})
		if err != nil || rs[0].Status != apply.Failed || !strings.Contains(rs[0].Detail, "is not a slug") {
			t.Errorf("slug %q: %v %+v", slug, err, rs)
		}
	}
	if calls := srv.Calls(); slices.ContainsFunc(calls, func(c string) bool { return strings.HasPrefix(c, "POST /repos/") }) {
		t.Errorf("a write for a bad slug: %v", calls)
	}
}

// prList is the pull requests on srv as "#N state [labels]".
func prList(srv *forgetest.Server) []string {
	var out []string
	for _, pr := range srv.PRs() {
		out = append(out, fmt.Sprintf("#%d %s %v", pr.Number, pr.State, srv.Labels(pr.Number)))
	}
	return out
}

func TestAnIntegratorCannotForgeAReminderAlreadyPosted(t *testing.T) {
	srv, x, _ := setup(t)
	plan := only(planOn(t, "2026-12-03"), program.KindRemind, "brightpath-forms")
	if len(plan.Actions) != 1 {
		t.Fatalf("plan %+v", plan)
	}
	ctx := context.Background()
	n, err := x.Track(ctx, "brightpath-forms")
	if err != nil {
		t.Fatal(err)
	}
	a := plan.Actions[0]
	srv.AddComment(n, "brightpath-dev", fmt.Sprintf("<!-- connectbot:remind %s %s %s %d -->\nnoted", a.Slug, a.Reason, a.Due, a.DaysBefore))
	rs, err := x.Apply(ctx, plan)
	if err != nil {
		t.Fatal(err)
	}
	var bot int
	for _, c := range srv.Comments(n) {
		if c.Author == forgetest.BotLogin {
			bot++
		}
	}
	if rs[0].Status != apply.Done || bot != 1 {
		t.Errorf("%+v; %d reminders by connectbot, want 1", rs, bot)
	}
}

// TestAnExecutorThatDoesNotKnowItsLoginPostsNoReminder: without BotLogin
// it cannot tell its own marker from a forged one, so it says so and
// writes nothing rather than trust every comment.
func TestAnExecutorThatDoesNotKnowItsLoginPostsNoReminder(t *testing.T) {
	srv, x, _ := setup(t)
	x.BotLogin = ""
	plan := only(planOn(t, "2026-12-03"), program.KindRemind, "brightpath-forms")
	ctx := context.Background()
	n, err := x.Track(ctx, "brightpath-forms")
	if err != nil {
		t.Fatal(err)
	}
	rs, _ := x.Apply(ctx, plan)
	if len(rs) != 1 || rs[0].Status == apply.Done || !strings.Contains(fmt.Sprint(rs[0].Err), "no BotLogin") {
		t.Errorf("results %+v, want the reminder not done for want of a BotLogin", rs)
	}
	if got := srv.Comments(n); len(got) != 0 {
		t.Errorf("%d comments posted, want none", len(got))
	}
}

// TestAReminderEndsWithItsFormEditLinkAndSnippet: a reminder says how to
// do what it asks — the step's form for the application, the file in
// GitHub's web editor, and the snippet with the file's own values — as
// posted on the tracking issue of the fake GitHub.
func TestAReminderEndsWithItsFormEditLinkAndSnippet(t *testing.T) {
	tests := []struct {
		name, slug, day, golden string
	}{
		{"a listing due in 7 days, with none of it written yet", "brightpath-forms", "2026-12-03", "remind-listing.md.golden"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv, x, _ := setup(t)
			x.Web = "https://github.com/acme-program/connect"
			plan := only(planOn(t, tt.day), program.KindRemind, tt.slug)
			if len(plan.Actions) != 1 {
				t.Fatalf("plan %+v", plan)
			}
			rs, err := x.Apply(context.Background(), plan)
			if err != nil || rs[0].Status != apply.Done {
				t.Fatalf("%+v, %v", rs, err)
			}
			comments := srv.Comments(rs[0].PR)
			if len(comments) != 1 {
				t.Fatalf("%d comments on #%d", len(comments), rs[0].PR)
			}
			golden.Check(t, filepath.Join("testdata", tt.golden), comments[0].Body)
		})
	}
}
