package tick_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/google/go-cmp/cmp"

	"github.com/connectbot/connectbot/internal/application"
	"github.com/connectbot/connectbot/internal/apply"
	"github.com/connectbot/connectbot/internal/catalog"
	"github.com/connectbot/connectbot/internal/forge"
	"github.com/connectbot/connectbot/internal/forge/forgetest"
	"github.com/connectbot/connectbot/internal/gitrepo"
	"github.com/connectbot/connectbot/internal/installs"
	engine "github.com/connectbot/connectbot/internal/program"
	"github.com/connectbot/connectbot/internal/tick"
)

// program seeds a fake GitHub with the shipped program: schema, program.cue
// and the sample applications.
func program(t testing.TB, extra map[string]string) *forgetest.Server {
	t.Helper()
	srv := forgetest.NewServer(t, "acme-program", "connect")
	files := map[string]string{}
	for _, dir := range []string{"applications", "schema"} {
		entries, err := os.ReadDir("../../" + dir)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range entries {
			if strings.HasSuffix(e.Name(), ".cue") {
				b, _ := os.ReadFile("../../" + dir + "/" + e.Name())
				files[dir+"/"+e.Name()] = string(b)
			}
		}
	}
	b, _ := os.ReadFile("../../program.cue")
	files["program.cue"] = string(b)
	for k, v := range extra {
		files[k] = v
	}
	srv.Commit(forgetest.DefaultBranch, "the program", files)
	return srv
}

func runner(t testing.TB, srv *forgetest.Server) *tick.Runner {
	t.Helper()
	c, err := forge.New(forge.Options{BaseURL: srv.URL(), Token: srv.Token(), Owner: "acme-program", Repo: "connect",
		HTTPClient: srv.Client(), Sleep: func(time.Duration) {}})
	if err != nil {
		t.Fatal(err)
	}
	repo, err := gitrepo.Clone(context.Background(), srv.GitURL(), gitrepo.CloneOptions{Token: srv.Token()})
	if err != nil {
		t.Fatal(err)
	}
	id := gitrepo.Signature{Name: "connectbot", Email: "connectbot@users.noreply.example"}
	return &tick.Runner{Forge: c, Git: repo, Base: forgetest.DefaultBranch,
		Exec: &apply.Executor{Forge: c, Git: repo, Base: forgetest.DefaultBranch, Identity: id, BotLogin: forgetest.BotLogin, Now: func() time.Time { return day("2026-12-11") }}}
}

func day(s string) time.Time {
	d, err := time.Parse("2006-01-02", s)
	if err != nil {
		panic(err)
	}
	return d.Add(6 * time.Hour)
}

func count(s tick.Summary, status string) int {
	n := 0
	for _, r := range s.Results {
		if r.Status == status {
			n++
		}
	}
	return n
}

func heads(srv *forgetest.Server) []string {
	var out []string
	for _, pr := range srv.PRs() {
		out = append(out, pr.Head+" "+pr.State)
	}
	sort.Strings(out)
	return out
}

func TestATickOpensOnePullRequestPerLapsedClockAndThenNothing(t *testing.T) {
	srv := program(t, nil)
	r := runner(t, srv)
	ctx := context.Background()
	s, err := r.Run(ctx, day("2026-12-11"))
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		"connectbot/promote/parcelpost-shipping open",
		"connectbot/remove/brightpath-forms open",
		"connectbot/remove/ledgerly-books open",
		"connectbot/remove/tidewater-payroll open",
	}
	if got := heads(srv); strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("pull requests:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if count(s, apply.Done) != 4 {
		t.Errorf("summary %+v", s.Results)
	}
	cat, _ := catalog.Default()
	for _, pr := range srv.PRs() {
		slug := pr.Head[strings.LastIndex(pr.Head, "/")+1:]
		src, _ := srv.ReadFile(pr.Head, "applications/"+slug+".cue")
		f := cat.Application("applications/"+slug+".cue", []byte(src))
		if f.App == nil {
			t.Fatalf("%s: proposed file does not load", pr.Head)
		}
		wantStage := "removed"
		if strings.Contains(pr.Head, "promote") {
			wantStage = "certification"
		}
		if string(f.App.Program.Stage) != wantStage || !strings.Contains(pr.Title, slug) || !strings.Contains(pr.Body, "—") {
			t.Errorf("%s: stage %s, title %q", pr.Head, f.App.Program.Stage, pr.Title)
		}
	}

	// The same tick again: nothing new.
	srv.ResetCalls()
	s, err = r.Run(ctx, day("2026-12-11"))
	if err != nil {
		t.Fatal(err)
	}
	if count(s, apply.Done) != 0 || len(srv.PRs()) != 4 {
		t.Errorf("second tick did something: %+v", s.Results)
	}
}

func TestTwoTicksAtOnceMakeNoDuplicates(t *testing.T) {
	srv := program(t, nil)
	a, b := runner(t, srv), runner(t, srv)
	var wg sync.WaitGroup
	for _, r := range []*tick.Runner{a, b} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, err := r.Run(context.Background(), day("2026-12-11")); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	if n := len(srv.PRs()); n != 4 {
		t.Errorf("%d pull requests after two concurrent ticks, want 4: %v", n, heads(srv))
	}
}

func TestATickKilledBeforeThePullRequestIsCompletedByTheNext(t *testing.T) {
	srv := program(t, nil)
	r := runner(t, srv)
	// Every pull-request creation fails after the branches are pushed, as
	// when the process dies between the push and the request.
	for range 4 {
		srv.FailNext("POST", "/repos/acme-program/connect/pulls", 502, nil)
	}
	s, _ := r.Run(context.Background(), day("2026-12-11"))
	if len(srv.PRs()) != 0 || srv.Branch("connectbot/remove/brightpath-forms") == "" {
		t.Fatalf("setup: %d PRs, branch %q, results %+v", len(srv.PRs()), srv.Branch("connectbot/remove/brightpath-forms"), s.Results)
	}
	if _, err := r.Run(context.Background(), day("2026-12-11")); err != nil {
		t.Fatal(err)
	}
	if n := len(srv.PRs()); n != 4 {
		t.Errorf("%d pull requests after the next tick, want 4: %v", n, heads(srv))
	}
}

func TestALateListingLeavesItsRemovalOpen(t *testing.T) {
	// Connect beta-2: "If you fail to supply the required site page within
	// the first 30 days of acceptance, you will be removed from the
	// program." A listing supplied after the removal was opened came too
	// late: the removal stays open for a reviewer, and is not made twice.
	srv := program(t, nil)
	r := runner(t, srv)
	ctx := context.Background()
	if _, err := r.Run(ctx, day("2026-12-11")); err != nil {
		t.Fatal(err)
	}
	src, _ := srv.ReadFile(forgetest.DefaultBranch, "applications/brightpath-forms.cue")
	withListing := strings.Replace(src, "program: {", `listing: {
	tagline:              "Forms that fill themselves"
	description:          "Prefills forms from CRM records."
	setupInstructionsUrl: "https://brightpath.example/docs"
	supportUrl:           "https://brightpath.example/help"
}
program: {`, 1)
	srv.Commit(forgetest.DefaultBranch, "Listing information, late", map[string]string{"applications/brightpath-forms.cue": withListing})
	for _, now := range []string{"2026-12-12", "2026-12-13"} {
		s, err := r.Run(ctx, day(now))
		if err != nil {
			t.Fatal(err)
		}
		var removals []forgetest.PR
		for _, pr := range srv.PRs() {
			if pr.Head == "connectbot/remove/brightpath-forms" {
				removals = append(removals, pr)
			}
		}
		if len(removals) != 1 || removals[0].State != "open" || len(srv.Comments(removals[0].Number)) != 0 {
			t.Errorf("on %s, removals of brightpath-forms %+v, want one, open, uncommented; results %+v", now, removals, s.Results)
		}
	}
}

func TestDryRunChangesNothing(t *testing.T) {
	srv := program(t, nil)
	r := runner(t, srv)
	r.DryRun = true
	s, err := r.Run(context.Background(), day("2026-12-11"))
	if err != nil {
		t.Fatal(err)
	}
	if len(s.Actions) != 4 || len(srv.PRs()) != 0 || len(s.Results) != 0 {
		t.Errorf("dry run: %d actions, %d PRs, %d results", len(s.Actions), len(srv.PRs()), len(s.Results))
	}
}

func TestRemindersArePostedOnceOnOneTrackingIssue(t *testing.T) {
	srv := program(t, nil)
	r := runner(t, srv)
	ctx := context.Background()
	for _, d := range []string{"2026-12-03", "2026-12-03", "2026-12-04", "2026-12-09"} {
		if _, err := r.Run(ctx, day(d)); err != nil {
			t.Fatal(err)
		}
	}
	issues := srv.Issues()
	if len(issues) != 1 || !strings.Contains(issues[0].Body, "brightpath-forms") || issues[0].Labels[0] != "connectbot:tracking" {
		t.Fatalf("tracking issues %+v", issues)
	}
	comments := srv.Comments(issues[0].Number)
	if len(comments) != 2 {
		t.Fatalf("%d reminders, want 2 (7 and 1 days before): %+v", len(comments), comments)
	}
	if !strings.Contains(comments[0].Body, "due 2026-12-10, in 7 days") || !strings.Contains(comments[1].Body, "due 2026-12-10, in 1 day") {
		t.Errorf("reminders:\n%s\n%s", comments[0].Body, comments[1].Body)
	}
}

func TestAnIntegrationNameAsLongAsTheSchemaAllowsGetsItsIssueAndItsRemoval(t *testing.T) {
	b, err := os.ReadFile("../../applications/brightpath-forms.cue")
	if err != nil {
		t.Fatal(err)
	}
	name := "BrightPath " + strings.Repeat("Forms ", 10) + "Deluxe!!!"
	if n := utf8.RuneCountInString(name); n != 80 {
		t.Fatalf("name of %d characters, want 80, the schema's bound", n)
	}
	src := strings.Replace(string(b), `name:         "BrightPath Forms"`, `name:         "`+name+`"`, 1)
	cat, _ := catalog.Default()
	if f := cat.Application("applications/brightpath-forms.cue", []byte(src)); f.App == nil || f.App.Integration.Name != name {
		t.Fatalf("the application with the long name does not load: %+v", f.Findings)
	}
	longer := strings.Replace(src, name, name+"!", 1)
	if f := cat.Application("applications/brightpath-forms.cue", []byte(longer)); f.App != nil {
		t.Fatalf("a name of 81 characters loads")
	}
	srv := program(t, map[string]string{"applications/brightpath-forms.cue": src})
	r := runner(t, srv)
	ctx := context.Background()
	for _, d := range []string{"2026-12-03", "2026-12-11"} {
		s, err := r.Run(ctx, day(d))
		if err != nil {
			t.Fatal(err)
		}
		if len(s.Failed) != 0 {
			t.Fatalf("%s: failed %+v", d, s.Failed)
		}
	}
	issues := srv.Issues()
	if len(issues) != 1 || utf8.RuneCountInString(issues[0].Title) > 256 || !strings.Contains(issues[0].Title, name) {
		t.Errorf("tracking issues %+v", issues)
	}
	var removal forgetest.PR
	for _, pr := range srv.PRs() {
		if pr.Head == "connectbot/remove/brightpath-forms" {
			removal = pr
		}
	}
	if removal.Number == 0 {
		t.Fatalf("no removal pull request: %v", heads(srv))
	}
	if want := "Remove " + name + " (brightpath-forms) from the program: listing-overdue"; removal.Title != want {
		t.Errorf("title %q, want %q", removal.Title, want)
	}
	c, err := srv.Repo().CommitObject(plumbing.NewHash(removal.HeadSHA))
	if err != nil {
		t.Fatal(err)
	}
	if subject, _, _ := strings.Cut(c.Message, "\n"); subject != "connectbot: remove brightpath-forms (listing-overdue)" {
		t.Errorf("commit subject %q", subject)
	}
}

func TestAFailedActionIsListedAndTriedAgainByTheNextTick(t *testing.T) {
	srv := program(t, nil)
	r := runner(t, srv)
	ctx := context.Background()
	srv.FailNext("POST", "/repos/acme-program/connect/pulls", http.StatusUnprocessableEntity, nil)
	s, err := r.Run(ctx, day("2026-12-11"))
	if err != nil {
		t.Fatal(err)
	}
	if len(s.Failed) != 1 || count(s, apply.Failed) != 1 || count(s, apply.Done) != 3 || len(srv.PRs()) != 3 {
		t.Fatalf("first tick: failed %+v, results %+v, %d pull requests", s.Failed, s.Results, len(srv.PRs()))
	}
	failed := s.Failed[0]
	branch := engine.Branch(engine.Action{Kind: failed.Kind, Slug: failed.Slug})
	if !strings.HasSuffix(failed.Detail, "GitHub answered 422 Unprocessable Entity") || srv.Branch(branch) == "" {
		t.Errorf("failed %+v, its branch %s at %q", failed, branch, srv.Branch(branch))
	}
	s, err = r.Run(ctx, day("2026-12-11"))
	if err != nil {
		t.Fatal(err)
	}
	if len(s.Failed) != 0 || count(s, apply.Done) != 1 || len(srv.PRs()) != 4 {
		t.Errorf("next tick: failed %+v, results %+v, %v", s.Failed, s.Results, heads(srv))
	}
}

// installsServer answers as an install source with body, counting the
// requests it gets.
func installsServer(t *testing.T, body string) (*httptest.Server, *atomic.Int32) {
	t.Helper()
	var asked atomic.Int32
	ts := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		asked.Add(1)
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, body)
	}))
	t.Cleanup(ts.Close)
	return ts, &asked
}

// tls reads install sources with the test server's client, as the real
// tick reads them over HTTP.
func tls(ts *httptest.Server) installs.Reader {
	return func(ctx context.Context, url string, files []application.File, now application.Date) (map[string]engine.Installs, error) {
		return installs.Source{URL: url, Client: ts.Client()}.Fetch(ctx, files, now)
	}
}

// planned is the action of kind for slug in a tick's plan, or nil.
func planned(s tick.Summary, kind, slug string) *engine.Action {
	for i, a := range s.Actions {
		if string(a.Kind) == kind && a.Slug == slug {
			return &s.Actions[i]
		}
	}
	return nil
}

func TestATickDecidesOnTheLiveInstallsOfTheSourceProgramCueNames(t *testing.T) {
	// acme-sync records 23 installs; the source program.cue names says 45,
	// which promotes it (Connect beta-6). ledgerly-books' 41 came after its
	// window closed on 2026-11-30: it is removed all the same (beta-7).
	ts, asked := installsServer(t, `{"asOf": "2026-12-10", "installs": [{"slug": "acme-sync", "count": 45}, {"slug": "ledgerly-books", "count": 41}]}`)
	cue, _ := os.ReadFile("../../program.cue")
	srv := program(t, map[string]string{"program.cue": string(cue) + "\ninstallsSource: url: \"" + ts.URL + "/counts\"\n"})
	r := runner(t, srv)
	r.DryRun = true
	r.Installs = tls(ts)
	s, err := r.Run(context.Background(), day("2026-12-11"))
	if err != nil {
		t.Fatal(err)
	}
	if asked.Load() != 1 {
		t.Errorf("the source was asked %d times, want once", asked.Load())
	}
	promote := planned(s, "promote", "acme-sync")
	if promote == nil || !strings.Contains(promote.Evidence, "installs 45 as of 2026-12-10 (live:127.0.0.1:") {
		t.Errorf("acme-sync with 45 live installs is not promoted on their evidence: %+v", promote)
	}
	if planned(s, "open-removal-pr", "ledgerly-books") == nil {
		t.Errorf("ledgerly-books, 41 installs after its window closed, is not removed: %+v", s.Actions)
	}
}

func TestATickWithoutAnInstallSourceUsesTheRecordedCounts(t *testing.T) {
	ts, asked := installsServer(t, `{"asOf": "2026-12-10", "installs": [{"slug": "acme-sync", "count": 45}]}`)
	r := runner(t, program(t, nil))
	r.DryRun = true
	r.Installs = tls(ts)
	s, err := r.Run(context.Background(), day("2026-12-11"))
	if err != nil {
		t.Fatal(err)
	}
	if asked.Load() != 0 || planned(s, "promote", "acme-sync") != nil {
		t.Errorf("with no installsSource in program.cue the source was asked %d times; actions %+v", asked.Load(), s.Actions)
	}
}

func TestATickWhoseInstallSourceFailsActsOnNothing(t *testing.T) {
	// A count dated after today is garbage: no action rests on the recorded
	// counts instead, and nothing is written.
	ts, _ := installsServer(t, `{"asOf": "2026-12-30", "installs": [{"slug": "acme-sync", "count": 45}]}`)
	cue, _ := os.ReadFile("../../program.cue")
	srv := program(t, map[string]string{"program.cue": string(cue) + "\ninstallsSource: url: \"" + ts.URL + "\"\n"})
	r := runner(t, srv)
	r.Installs = tls(ts)
	_, err := r.Run(context.Background(), day("2026-12-11"))
	if err == nil || !strings.Contains(err.Error(), "after today") {
		t.Fatalf("err = %v, want the source's answer refused as dated after today", err)
	}
	if len(srv.PRs()) != 0 {
		t.Errorf("a tick on a failed source opened %d pull requests", len(srv.PRs()))
	}
}

func TestATickAsksTheInstallSourceItselfWhenGivenNoReader(t *testing.T) {
	// As tick and serve run it: no reader set, the source asked over HTTP.
	// Nothing listens on port 1, so the tick fails rather than fall back
	// to the recorded counts.
	cue, _ := os.ReadFile("../../program.cue")
	srv := program(t, map[string]string{"program.cue": string(cue) + "\ninstallsSource: url: \"https://127.0.0.1:1/counts\"\n"})
	r := runner(t, srv)
	_, err := r.Run(context.Background(), day("2026-12-11"))
	if err == nil || !strings.Contains(err.Error(), "installs source") {
		t.Fatalf("err = %v, want the unreachable installs source named", err)
	}
	if len(srv.PRs()) != 0 {
		t.Errorf("a tick on an unreachable source opened %d pull requests", len(srv.PRs()))
	}
}

func TestATickRemovesNoOneTheInstallSourceLeavesOut(t *testing.T) {
	// The source counts acme-sync only: ledgerly-books and tidewater-payroll,
	// whose windows lapsed on their recorded counts, are not removed on
	// them (Connect beta-7 needs the count at the window's end, and the
	// source has none); brightpath-forms' overdue listing needs no count,
	// and parcelpost-shipping's recorded 44, taken inside its window, stays
	// proof of its promotion.
	ts, _ := installsServer(t, `{"asOf": "2026-12-10", "installs": [{"slug": "acme-sync", "count": 12}]}`)
	cue, _ := os.ReadFile("../../program.cue")
	srv := program(t, map[string]string{"program.cue": string(cue) + "\ninstallsSource: url: \"" + ts.URL + "/counts\"\n"})
	r := runner(t, srv)
	r.Installs = tls(ts)
	s, err := r.Run(context.Background(), day("2026-12-11"))
	if err != nil {
		t.Fatal(err)
	}
	var heads []string
	for _, pr := range srv.PRs() {
		heads = append(heads, pr.Head)
	}
	if diff := cmp.Diff([]string{"connectbot/remove/brightpath-forms", "connectbot/promote/parcelpost-shipping"}, heads); diff != "" {
		t.Errorf("pull requests opened (-want +got):\n%s\nactions: %+v", diff, s.Actions)
	}
}

func TestATickDecidesOnTheUTCDayWhateverTheZoneOfItsClock(t *testing.T) {
	srv := program(t, nil)
	r := runner(t, srv)
	r.DryRun = true
	tests := []struct {
		name, at, want string
	}{
		{"late evening in New York is the next day", "2026-12-10T23:30:00-05:00", "2026-12-11"},
		{"early morning at UTC+14 is the day before", "2026-12-12T01:00:00+14:00", "2026-12-11"},
		{"the last second of a UTC day is that day", "2026-12-11T23:59:59Z", "2026-12-11"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			at, err := time.Parse(time.RFC3339, tt.at)
			if err != nil {
				t.Fatal(err)
			}
			s, err := r.Run(context.Background(), at)
			if err != nil {
				t.Fatal(err)
			}
			if got := s.Now.String(); got != tt.want {
				t.Errorf("tick at %s decided on %s, want %s", tt.at, got, tt.want)
			}
		})
	}
}

// TestAForksBranchNamedLikeARemovalIsNotTakenForIt: an integrator due for
// removal opens, from a fork, a pull request whose branch has the name of
// connectbot's removal branch, hoping the tick takes it for the removal
// already proposed.
func TestAForksBranchNamedLikeARemovalIsNotTakenForIt(t *testing.T) {
	srv := program(t, nil)
	srv.Commit("connectbot/remove/tidewater-payroll", "Nothing to see", map[string]string{"applications/tidewater-payroll.cue": "// still here\n"})
	decoy := srv.OpenPR(forgetest.PRSpec{Author: "tidewater-dev", Title: "Remove tidewater-payroll", HeadRepo: "tidewater-dev/connect",
		Head: "connectbot/remove/tidewater-payroll", Body: "<!-- connectbot:action open-removal-pr tidewater-payroll installs-window-lapsed 2026-10-18 -->"})
	// forgetest keeps a fork's branch in the repository itself; on GitHub
	// it is in the fork only, so the repository has no such branch.
	if err := srv.Repo().Storer.RemoveReference(plumbing.NewBranchReferenceName("connectbot/remove/tidewater-payroll")); err != nil {
		t.Fatal(err)
	}
	if _, err := runner(t, srv).Run(context.Background(), day("2026-12-11")); err != nil {
		t.Fatal(err)
	}
	var removals []string
	for _, pr := range srv.PRs() {
		if pr.Number != decoy && pr.Head == "connectbot/remove/tidewater-payroll" {
			removals = append(removals, fmt.Sprintf("#%d by %s from %s, %s", pr.Number, pr.Author, pr.HeadRepo, pr.State))
		}
	}
	want := []string{fmt.Sprintf("#%d by %s from acme-program/connect, open", decoy+1, forgetest.BotLogin)}
	if diff := cmp.Diff(want, removals); diff != "" {
		t.Errorf("connectbot's removal of tidewater-payroll (-want +got):\n%s", diff)
	}
	if got := srv.PR(decoy).State; got != "open" {
		t.Errorf("the integrator's pull request is %s; connectbot leaves it alone", got)
	}
}

// TestAReminderMentionsTheMaintainersOfTheDay: the tracking issue mentions
// the maintainers of the day it was opened; a maintainer added to the file
// since is subscribed to nothing, so each reminder mentions the file's
// maintainers as main holds it that day, or the one added never hears of
// the deadline.
func TestAReminderMentionsTheMaintainersOfTheDay(t *testing.T) {
	srv := program(t, nil)
	r := runner(t, srv)
	const path = "applications/brightpath-forms.cue"
	for _, d := range []string{"2026-12-03", "2026-12-09"} {
		if d == "2026-12-09" {
			old, _ := srv.ReadFile(forgetest.DefaultBranch, path)
			src := strings.Replace(old, `"tomasz-wierzbicki"]`, `"tomasz-wierzbicki", "amara-new"]`, 1)
			if src == old {
				t.Fatal("the sample's maintainers line moved; this test adds one to it")
			}
			srv.Commit(forgetest.DefaultBranch, "brightpath-forms: a new maintainer", map[string]string{path: src})
		}
		if _, err := r.Run(context.Background(), day(d)); err != nil {
			t.Fatal(err)
		}
	}
	issues := srv.Issues()
	if len(issues) != 1 {
		t.Fatalf("tracking issues %+v", issues)
	}
	comments := srv.Comments(issues[0].Number)
	if len(comments) != 2 {
		t.Fatalf("%d reminders, want 2", len(comments))
	}
	for i, want := range []string{"@brightpath-eng, @tomasz-wierzbicki.", "@brightpath-eng, @tomasz-wierzbicki, @amara-new."} {
		if !strings.Contains(comments[i].Body, want) {
			t.Errorf("reminder %d does not mention %q:\n%s", i+1, want, comments[i].Body)
		}
	}
}
