package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/connectbot/connectbot/internal/forge/forgetest"
	"github.com/connectbot/connectbot/internal/gitrepo"
	"github.com/connectbot/connectbot/internal/golden"
)

func TestTickDryRunPrintsWhatPlanPrints(t *testing.T) {
	for _, day := range []string{"2026-11-23", "2026-12-11", "2026-12-15"} {
		var tickOut, planOut, errOut bytes.Buffer
		t.Setenv("GITHUB_TOKEN", "")
		if code := Main([]string{"tick", "--dry-run", "--now", day, "--repo", "../.."}, &tickOut, &errOut, fixedNow); code != 0 {
			t.Fatalf("tick: exit %d: %s", code, errOut.String())
		}
		if code := Main([]string{"plan", "--now", day, "--repo", "../.."}, &planOut, &errOut, fixedNow); code != 0 {
			t.Fatalf("plan: exit %d: %s", code, errOut.String())
		}
		want := planOut.String() + "Dry run: nothing was changed.\n"
		if tickOut.String() != want {
			t.Errorf("%s: tick --dry-run printed\n%s\nplan printed\n%s", day, tickOut.String(), planOut.String())
		}
	}
}

func TestTickWithoutCredentialsOnlyDryRuns(t *testing.T) {
	t.Setenv("GITHUB_TOKEN", "")
	var out, errOut bytes.Buffer
	code := Main([]string{"tick", "--repo", "../.."}, &out, &errOut, fixedNow)
	if code != exitCantRun || !strings.Contains(errOut.String(), "needs GitHub credentials") || strings.Count(errOut.String(), "\n") != 1 {
		t.Errorf("exit %d, stderr %q", code, errOut.String())
	}
}

func TestTickActsThroughGitHub(t *testing.T) {
	srv := seed(t)
	onFake(t, srv)
	run := func() string {
		var out, errOut bytes.Buffer
		if code := Main([]string{"tick", "--now", "2027-01-29"}, &out, &errOut, fixedNow); code != 0 {
			t.Fatalf("tick: exit %d: %s", code, errOut.String())
		}
		return out.String()
	}
	first := run()
	if !strings.Contains(first, "Run summary: 1 done, 0 already done, 0 skipped, 0 failed.") {
		t.Fatalf("first tick:\n%s", first)
	}
	prs := srv.PRs()
	if len(prs) != 1 || prs[0].Head != "connectbot/remove/acme-sync" {
		t.Fatalf("pull requests %+v", prs)
	}
	src, _ := srv.ReadFile(prs[0].Head, "applications/acme-sync.cue")
	if !strings.Contains(src, `reason: "installs-window-lapsed"`) || !strings.Contains(src, `at:     "2027-01-29"`) {
		t.Errorf("proposed file:\n%s", src)
	}
	// The tick reconciles the open pull requests: its own removal gets its
	// comment and check.
	if !strings.Contains(first, "Reconciled 1 open pull requests: 1 repaired, 0 as GitHub shows them.\n  #1: check success") {
		t.Errorf("the first tick did not reconcile the removal:\n%s", first)
	}
	if runs := srv.CheckRuns(prs[0].HeadSHA); len(runs) != 1 || runs[0].Conclusion != "success" {
		t.Errorf("the removal's check runs: %+v", runs)
	}
	// The open pull request already carries it: the engine plans nothing,
	// and GitHub shows what the rules say; connectbot's own writes are
	// not news, so it is not judged again.
	if second := run(); !strings.Contains(second, "Plan for 2027-01-29: 0 actions") || len(srv.PRs()) != 1 ||
		!strings.Contains(second, "Reconciled 1 open pull requests: 0 repaired, 1 as GitHub shows them (1 with nothing new, not judged again).") {
		t.Errorf("second tick:\n%s", second)
	}
	// main moves: the third tick judges the removal again.
	srv.Commit("main", "Docs", map[string]string{"docs/README.md": "# The program\n"})
	if third := run(); !strings.Contains(third, "#1: check success (check-run) with 0 annotations; comment") {
		t.Errorf("third tick:\n%s", third)
	}
}

func TestATickWithAFailedActionSaysSoAndTheNextTakesItUp(t *testing.T) {
	for _, format := range []string{"text", "json"} {
		t.Run(format, func(t *testing.T) {
			srv := seed(t)
			onFake(t, srv)
			srv.FailNext("POST", "/repos/acme-program/connect/pulls", http.StatusUnprocessableEntity, nil)
			var out, errOut bytes.Buffer
			code := Main([]string{"tick", "--now", "2027-01-29", "--format", format}, &out, &errOut, fixedNow)
			if code != exitFound {
				t.Errorf("exit %d, want %d", code, exitFound)
			}
			if want := "connectbot: tick: 1 action failed; the next run tries again\n"; errOut.String() != want {
				t.Errorf("stderr %q, want %q", errOut.String(), want)
			}
			golden.Check(t, filepath.Join("testdata", "golden", "tick-failed."+format+".golden"), out.Bytes())
			if n := len(srv.PRs()); n != 0 {
				t.Fatalf("%d pull requests after the refused create", n)
			}

			out.Reset()
			errOut.Reset()
			if code := Main([]string{"tick", "--now", "2027-01-29", "--format", "text"}, &out, &errOut, fixedNow); code != exitOK {
				t.Errorf("next tick: exit %d: %s", code, errOut.String())
			}
			if prs := srv.PRs(); len(prs) != 1 || prs[0].Head != "connectbot/remove/acme-sync" {
				t.Errorf("after the next tick: %+v\n%s", prs, out.String())
			}
			if !strings.Contains(out.String(), "Run summary: 1 done, 0 already done, 0 skipped, 0 failed.") {
				t.Errorf("next tick:\n%s", out.String())
			}
		})
	}
}

func TestReconcileRepairsOpenPullRequests(t *testing.T) {
	srv := seed(t)
	onFake(t, srv)
	t.Setenv("CONNECTBOT_BOT_LOGIN", forgetest.BotLogin)
	acme, _ := os.ReadFile("../../applications/acme-sync.cue")
	head := srv.Commit("acme-edit", "Edit", map[string]string{"applications/acme-sync.cue": string(acme) + "\n"})
	pr := srv.OpenPR(forgetest.PRSpec{Author: "acme-dev", Title: "Edit", Head: "acme-edit"})
	run := func(args ...string) (string, string) {
		var out, errOut bytes.Buffer
		if code := Main(append([]string{"reconcile"}, args...), &out, &errOut, fixedNow); code != 0 {
			t.Fatalf("reconcile %q: exit %d: %s", args, code, errOut.String())
		}
		return out.String(), errOut.String()
	}
	if out, _ := run("--dry-run"); !strings.Contains(out, "would post the check") || len(srv.CheckRuns(head)) != 0 {
		t.Errorf("a dry run wrote, or did not say what it would do:\n%s", out)
	}
	if out, _ := run(); !strings.Contains(out, fmt.Sprintf("Reconciled 1 open pull requests: 1 repaired, 0 as GitHub shows them.\n  #%d: check success", pr)) {
		t.Errorf("first reconcile:\n%s", out)
	}
	// connectbot's own writes are not news: the next reconcile judges
	// nothing.
	out, _ := run("--format", "json")
	if want := fmt.Sprintf(`{"reconciled":[{"number":%d,"repaired":[],"unchanged":true}]}`+"\n", pr); out != want {
		t.Errorf("an idle reconcile in JSON: %s, want %s", out, want)
	}
	if runs := srv.CheckRuns(head); len(runs) != 1 {
		t.Errorf("%d check runs, want 1", len(runs))
	}
}

func TestATickPostsAReminderAsTheBot(t *testing.T) {
	srv := seed(t)
	onFake(t, srv)
	t.Setenv("CONNECTBOT_BOT_LOGIN", "")
	t.Setenv("GITHUB_ACTIONS", "")
	for i, want := range []string{"1 done, 0 already done", "0 done, 1 already done"} {
		var out, errOut bytes.Buffer
		if code := Main([]string{"tick", "--now", "2027-01-21"}, &out, &errOut, fixedNow); code != 0 {
			t.Fatalf("tick %d: exit %d: %s%s", i+1, code, errOut.String(), out.String())
		}
		if !strings.Contains(out.String(), "Run summary: "+want) {
			t.Errorf("tick %d:\n%s", i+1, out.String())
		}
	}
}

// TestPlanAndTickDryRunJudgeByTheCheckoutsSchema runs plan and tick
// --dry-run on a checkout whose schema/ differs from the binary's: its
// certificationInstalls default is 45, not 40. Both judge by the one
// rule (internal/loader.Catalog), the checkout's schema, so a beta with
// 44 installs is promoted by neither, and both print the same plan.
func TestPlanAndTickDryRunJudgeByTheCheckoutsSchema(t *testing.T) {
	dir := checkoutWithSchema(t, "45")
	writeFile(t, filepath.Join(dir, "applications", "beta-app.cue"), betaWith44Installs)
	t.Setenv("GITHUB_TOKEN", "")
	var tickOut, planOut, errOut bytes.Buffer
	if code := Main([]string{"plan", "--now", "2026-11-25", "--repo", dir}, &planOut, &errOut, fixedNow); code != 0 {
		t.Fatalf("plan: exit %d: %s", code, errOut.String())
	}
	if code := Main([]string{"tick", "--dry-run", "--now", "2026-11-25", "--repo", dir}, &tickOut, &errOut, fixedNow); code != 0 {
		t.Fatalf("tick: exit %d: %s", code, errOut.String())
	}
	if diff := cmp.Diff(planOut.String()+"Dry run: nothing was changed.\n", tickOut.String()); diff != "" {
		t.Errorf("tick --dry-run does not print what plan prints (-plan +tick):\n%s", diff)
	}
	if want := "Plan for 2026-11-25: 0 actions\n"; !strings.HasPrefix(planOut.String(), want) {
		t.Errorf("plan judged by another schema than the checkout's (45 installs to certify):\n%s", planOut.String())
	}
}

// betaWith44Installs is a beta application with 44 recorded installs,
// inside its install window on 2026-11-25.
const betaWith44Installs = `company: {name: "Beta Co", website: "https://beta.example"}
maintainers: ["beta-dev"]
integration: {
	name: "Beta Sync", builtInHouse: true, auth: "oauth2"
	scopes: [{name: "tickets", reason: "Opens a ticket when a sync fails."}]
}
support: {channels: ["ticket"], firstResponseHours: 4, url: "https://beta.example/help", email: "help@beta.example"}
privacy: {policyUrl: "https://beta.example/p", dataRequestsUrl: "https://beta.example/r", securityContact: "sec@beta.example", sensitiveData: false}
security: {authentication: true, loginAuditing: true}
attestations: {
	developerTerms:       true
	noSaleOfCustomerData: true
	lawfulBasis:          true
	credentialHandling:   true
	customerConsent:      true
}
listing: {tagline: "Sync", description: "Syncs.", setupInstructionsUrl: "https://beta.example/docs", supportUrl: "https://beta.example/help"}
program: {stage: "beta", installs: {count: 44, asOf: "2026-11-18"}, acceptedAt: "2026-09-15", listingPublishedAt: "2026-10-05"}
`

// TestATickWithNoBaseBranchWorksOnTheRepositorysDefaultBranch: a program
// kept on trunk, with CONNECTBOT_BASE_BRANCH unset, is ticked and
// reconciled against trunk, the repository's default branch: the removal
// is proposed into trunk, and a pull request into trunk is judged.
func TestATickWithNoBaseBranchWorksOnTheRepositorysDefaultBranch(t *testing.T) {
	srv := seedOn(t, "trunk")
	onFake(t, srv)
	t.Setenv("CONNECTBOT_BASE_BRANCH", "")
	acme, _ := srv.ReadFile("trunk", "applications/acme-sync.cue")
	head := srv.Commit("acme-edit", "Edit", map[string]string{"applications/acme-sync.cue": acme + "\n// an edit\n"})
	edit := srv.OpenPR(forgetest.PRSpec{Author: "acme-dev", Title: "Edit", Head: "acme-edit"})

	var out, errOut bytes.Buffer
	if code := Main([]string{"tick", "--now", "2027-01-29"}, &out, &errOut, fixedNow); code != exitOK {
		t.Fatalf("tick: exit %d: %s\n%s", code, errOut.String(), out.String())
	}
	var removal *forgetest.PR
	for _, pr := range srv.PRs() {
		if pr.Head == "connectbot/remove/acme-sync" {
			removal = &pr
		}
	}
	if removal == nil || removal.Base != "trunk" {
		t.Fatalf("the removal %+v, want one into trunk\n%s", removal, out.String())
	}
	if !strings.Contains(out.String(), "Reconciled 2 open pull requests: 2 repaired") {
		t.Errorf("the tick did not reconcile the pull requests into trunk:\n%s", out.String())
	}
	if runs := srv.CheckRuns(head); len(runs) != 1 {
		t.Errorf("pull request #%d's check runs %+v, want connectbot's", edit, runs)
	}
}

// TestATickWhoseLeaseAnotherHoldsOnlyReconciles: while another connectbot
// holds the tick lease, a tick leaves the plan to it and reconciles the
// open pull requests all the same, as serve's tick does.
func TestATickWhoseLeaseAnotherHoldsOnlyReconciles(t *testing.T) {
	srv := seed(t)
	onFake(t, srv)
	acme, _ := srv.ReadFile(forgetest.DefaultBranch, "applications/acme-sync.cue")
	head := srv.Commit("acme-edit", "Edit", map[string]string{"applications/acme-sync.cue": acme + "\n// an edit\n"})
	srv.OpenPR(forgetest.PRSpec{Author: "acme-dev", Title: "Edit", Head: "acme-edit"})
	other, err := gitrepo.Clone(context.Background(), srv.GitURL(), gitrepo.CloneOptions{Token: srv.Token()})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := other.AcquireLease(context.Background(), "tick", "the other connectbot", time.Hour, time.Now()); err != nil {
		t.Fatal(err)
	}

	var out, errOut bytes.Buffer
	if code := Main([]string{"tick", "--now", "2027-01-29"}, &out, &errOut, fixedNow); code != exitOK {
		t.Fatalf("tick: exit %d: %s\n%s", code, errOut.String(), out.String())
	}
	if !strings.Contains(out.String(), "Another connectbot is running a tick") || !strings.Contains(out.String(), "the other connectbot") {
		t.Errorf("the tick did not say who holds the lease:\n%s", out.String())
	}
	if len(srv.PRs()) != 1 {
		t.Errorf("pull requests %+v: the plan was carried out under another's lease", srv.PRs())
	}
	if runs := srv.CheckRuns(head); len(runs) != 1 || !strings.Contains(out.String(), "Reconciled 1 open pull requests: 1 repaired") {
		t.Errorf("the open pull request was not reconciled (%d checks):\n%s", len(runs), out.String())
	}
}

// onFake points the environment at srv, with its token, as a workflow
// points connectbot at GitHub.
func onFake(t *testing.T, srv *forgetest.Server) {
	t.Helper()
	t.Setenv("GITHUB_TOKEN", srv.Token())
	t.Setenv("CONNECTBOT_REPOSITORY", "acme-program/connect")
	t.Setenv("GITHUB_API_URL", srv.URL())
	t.Setenv("GITHUB_SERVER_URL", srv.URL())
}

// TestTickDryRunJSONListsAreArrays: every list of the run summary is a
// JSON array, never null, in a dry run on the checkout (no reconcile ran)
// as in a live run, so a script may take its length.
func TestTickDryRunJSONListsAreArrays(t *testing.T) {
	t.Setenv("GITHUB_TOKEN", "")
	var out, errOut bytes.Buffer
	if code := Main([]string{"tick", "--dry-run", "--format", "json", "--now", "2026-11-25", "--repo", "../.."}, &out, &errOut, fixedNow); code != exitOK {
		t.Fatalf("tick: exit %d: %s", code, errOut.String())
	}
	var got map[string]json.RawMessage
	if err := json.Unmarshal(out.Bytes(), &got); err != nil {
		t.Fatalf("decode %s: %v", out.String(), err)
	}
	for _, name := range []string{"actions", "results", "failed", "reconciled", "skipped", "held"} {
		if v, ok := got[name]; !ok || !bytes.HasPrefix(v, []byte("[")) {
			t.Errorf("%q is %s, want a JSON array", name, v)
		}
	}
}
