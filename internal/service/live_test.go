package service

import (
	"bufio"
	"context"
	"fmt"
	"net/http"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/object"
	"github.com/google/go-cmp/cmp"

	"github.com/connectbot/connectbot/internal/forge/forgetest"
	"github.com/connectbot/connectbot/internal/metrics"
	"github.com/connectbot/connectbot/internal/report"
	"github.com/connectbot/connectbot/schema"
)

// programRepo seeds a fake GitHub with the schema, a program.cue naming two
// reviewers, and the sample applications named.
func programRepo(t *testing.T, apps ...string) *forgetest.Server {
	t.Helper()
	gh := forgetest.NewServer(t, "acme-program", "connect")
	files := map[string]string{"program.cue": "reviewers: [\"rivera-reviews\", \"okafor-pm\"]\n"}
	entries, err := schema.Files.ReadDir(".")
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		b, _ := schema.Files.ReadFile(e.Name())
		files["schema/"+e.Name()] = string(b)
	}
	for _, a := range apps {
		files["applications/"+a] = sample(t, a)
	}
	gh.Commit(forgetest.DefaultBranch, "program", files)
	return gh
}

func sample(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile("../../applications/" + name)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// newco is a valid new application by newco-dev.
func newco(t *testing.T) string {
	return strings.Replace(sample(t, "northwind-notes.cue"), `maintainers: ["nwn-platform", "priya-castellano"]`, `maintainers: ["newco-dev"]`, 1)
}

// live is a Config with a token on the fake GitHub gh, on a loopback
// listener, as holder, dated now (as gh's clock is), logging to log.
func live(t *testing.T, gh *forgetest.Server, holder string, now time.Time, log *syncBuffer) Config {
	t.Helper()
	cfg := dryRun(t, log)
	cfg.Credentials = Credentials{Token: gh.Token()}
	cfg.GitHub = GitHub{Repo: gh.FullName(), Owner: "acme-program", Name: "connect", APIURL: gh.URL(), ServerURL: gh.URL(),
		BotLogin: forgetest.BotLogin, Base: forgetest.DefaultBranch}
	cfg.Schedule, cfg.Budget, cfg.ReconcileBudget, cfg.Holder = "@yearly", 50, 100, holder
	cfg.Workers, cfg.Grace = 2, 20*time.Second
	cfg.Now = func() time.Time { return now }
	// GitHub's clock is the service's: an approval given on the day is
	// dated that day.
	gh.SetClock(cfg.Now)
	return cfg
}

// scrape reads the service's metrics at url: each series' value by its
// name and labels, as Prometheus writes them.
func scrape(t *testing.T, url string) map[string]float64 {
	t.Helper()
	resp, err := http.Get(url + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	out := map[string]float64{}
	sc := bufio.NewScanner(resp.Body)
	for sc.Scan() {
		line := sc.Text()
		if strings.HasPrefix(line, "#") || !strings.HasPrefix(line, "connectbot_") {
			continue
		}
		i := strings.LastIndexByte(line, ' ')
		v, err := strconv.ParseFloat(line[i+1:], 64)
		if err != nil {
			t.Fatalf("metrics line %q: %v", line, err)
		}
		out[line[:i]] = v
	}
	return out
}

// waitLong waits for cond as waitFor does, for longer: a service working
// through GitHub and git under the race detector, on a busy machine, takes
// its time, and the tests wait for what it does, never time it.
func waitLong(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(3 * time.Minute)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// ready waits for the service to be ready and its start-up reconcile to
// have finished.
func ready(t *testing.T, url string) {
	t.Helper()
	waitLong(t, "ready, and the first reconcile done", func() bool {
		resp, err := http.Get(url + "/readyz")
		if err != nil {
			return false
		}
		resp.Body.Close()
		return resp.StatusCode == http.StatusOK && reconciles(t, url) >= 1
	})
}

// reconciles is how many reconciles the service at url has finished, as
// its metrics count them.
func reconciles(t *testing.T, url string) float64 {
	t.Helper()
	m := scrape(t, url)
	return m[metrics.ReconcileRuns+`{outcome="ok"}`] + m[metrics.ReconcileRuns+`{outcome="failed"}`]
}

// botComments are the bot's sticky comments on pull request n.
func botComments(gh *forgetest.Server, n int) int {
	c := 0
	for _, x := range gh.Comments(n) {
		if x.Author == forgetest.BotLogin && strings.HasPrefix(x.Body, report.CommentMarker) {
			c++
		}
	}
	return c
}

func TestWithEveryDeliveryLostAPullRequestIsAnsweredWithinOneReconcile(t *testing.T) {
	gh := programRepo(t, "acme-sync.cue")
	// No webhook at all: GitHub delivers nothing; only the reconciles
	// between ticks (the schedule's next tick is a year away) can see it.
	url, cancel, wait := reconciling(t, gh)

	runs := func() float64 { return reconciles(t, url) }
	head := gh.Commit("newco", "Apply", map[string]string{"applications/newco.cue": newco(t)})
	pr := gh.OpenPR(forgetest.PRSpec{Author: "newco-dev", Title: "Apply: Newco", Head: "newco"})
	// Counted once it is open: the pass under way then may have listed the
	// pull requests before it; the one after cannot miss it.
	before := runs()
	waitLong(t, "two reconciles after the pull request was opened", func() bool { return runs() >= before+2 })
	if n, c := len(gh.CheckRuns(head)), botComments(gh, pr); n != 1 || c != 1 {
		t.Errorf("within one reconcile: %d checks and %d comments, want one of each", n, c)
	}
	if d := gh.Deliveries(); len(d) != 0 {
		t.Errorf("deliveries %+v, want none", d)
	}
	// Idle reconciles since write nothing more.
	waitLong(t, "two more reconciles", func() bool { return runs() >= before+4 })
	if n, c := len(gh.CheckRuns(head)), botComments(gh, pr); n != 1 || c != 1 {
		t.Errorf("after more reconciles: %d checks and %d comments, want one of each", n, c)
	}
	cancel()
	if err := wait(); err != nil {
		t.Errorf("Run: %v", err)
	}
}

func TestAnApprovalGivenWhileServeWasDownIsActedOnAtStartUp(t *testing.T) {
	gh := programRepo(t, "acme-sync.cue")
	head := gh.Commit("newco", "Apply", map[string]string{"applications/newco.cue": newco(t)})
	pr := gh.OpenPR(forgetest.PRSpec{Author: "newco-dev", Title: "Apply: Newco", Head: "newco"})
	gh.AddReview(pr, "rivera-reviews", "APPROVED", head)

	var log syncBuffer
	cfg := live(t, gh, "solo", time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC), &log)
	url := "http://" + cfg.Listener.Addr().String()
	cancel, wait := start(t, cfg)
	ready(t, url)
	if !gh.PR(pr).Merged {
		t.Fatalf("the approval was not acted on at start-up")
	}
	app, _ := gh.ReadFile(forgetest.DefaultBranch, "applications/newco.cue")
	if !strings.Contains(app, `stage:`) || !strings.Contains(app, `"beta"`) || !strings.Contains(app, `acceptedAt:`) {
		t.Errorf("the transition is not committed on main:\n%s", app)
	}
	if got := mainSubjects(t, gh)[:2]; !cmp.Equal(got, []string{"connectbot: record #1 approved by @rivera-reviews", "Merge pull request #1 from newco"}) {
		t.Errorf("main's last commits %q, want the merge and its record", got)
	}
	m := scrape(t, url)
	for series, want := range map[string]float64{
		metrics.ReconcileRuns + `{outcome="ok"}`:             1,
		metrics.ReconcilePRs + `{result="examined"}`:         1,
		metrics.ReconcilePRs + `{result="repaired"}`:         1,
		metrics.ReconcilePRs + `{result="skipped"}`:          0,
		metrics.ReconcilePRs + `{result="failed"}`:           0,
		metrics.OldestUnreconciled:                           0,
		metrics.Actions + `{kind="reconcile",status="done"}`: 1,
	} {
		if got, ok := m[series]; !ok || got != want {
			t.Errorf("%s = %v (present %v), want %v", series, got, ok, want)
		}
	}
	cancel()
	if err := wait(); err != nil {
		t.Errorf("Run: %v", err)
	}
}

// mainSubjects are the subjects of main's commits, newest first.
func mainSubjects(t *testing.T, gh *forgetest.Server) []string {
	return subjects(t, gh, forgetest.DefaultBranch)
}

func subjects(t *testing.T, gh *forgetest.Server, branch string) []string {
	t.Helper()
	c, err := gh.Repo().CommitObject(plumbing.NewHash(gh.Branch(branch)))
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	object.NewCommitPreorderIter(c, nil, nil).ForEach(func(c *object.Commit) error {
		s, _, _ := strings.Cut(c.Message, "\n")
		out = append(out, s)
		return nil
	})
	return out
}

func TestTwoServesGivenEveryDeliveryWithTicksAtOnceWriteEverythingOnce(t *testing.T) {
	// On 2026-12-03 a tick removes tidewater-payroll (its install window
	// lapsed) and reminds brightpath-forms (its listing is due in 7 days).
	gh := programRepo(t, "acme-sync.cue", "tidewater-payroll.cue", "brightpath-forms.cue")
	now := time.Date(2026, 12, 3, 12, 0, 0, 0, time.UTC)
	var logs [2]syncBuffer
	var urls []string
	var waits []func() error
	var cancels []context.CancelFunc
	for i := range 2 {
		cfg := live(t, gh, fmt.Sprintf("replica-%d", i), now, &logs[i])
		// Ticks every second on both, at once: start-up ticks together,
		// then whichever holds the tick lease.
		cfg.Schedule, cfg.ReconcileEvery = "@every 1s", 300*time.Millisecond
		url := "http://" + cfg.Listener.Addr().String()
		gh.AddWebhook(url+"/webhook", "s3cret")
		cancel, wait := start(t, cfg)
		urls, waits, cancels = append(urls, url), append(waits, wait), append(cancels, cancel)
	}
	for _, u := range urls {
		ready(t, u)
	}

	// Deliveries to both: an application opened, a change, an approval, a
	// stranger's and a reviewer's termination.
	head := gh.Commit("newco", "Apply", map[string]string{"applications/newco.cue": newco(t)})
	pr := gh.OpenPR(forgetest.PRSpec{Author: "newco-dev", Title: "Apply: Newco", Head: "newco"})
	gh.Commit("acme-edit", "Edit", map[string]string{"applications/acme-sync.cue": sample(t, "acme-sync.cue") + "\n"})
	other := gh.OpenPR(forgetest.PRSpec{Author: "acme-dev", Title: "Edit", Head: "acme-edit"})
	gh.AddReview(pr, "rivera-reviews", "APPROVED", head)
	gh.AddComment(other, "random-friend", "/connectbot terminate acme-sync I do not like them")
	gh.AddComment(other, "okafor-pm", "/connectbot terminate acme-sync the integration stopped working")

	removal := func(slug string) (int, bool) {
		for _, p := range gh.PRs() {
			if p.Head == "connectbot/remove/"+slug {
				return p.Number, true
			}
		}
		return 0, false
	}
	waitLong(t, "everything done", func() bool {
		_, acme := removal("acme-sync")
		_, tide := removal("tidewater-payroll")
		return gh.PR(pr).Merged && acme && tide && len(gh.Issues()) > 0
	})
	gh.WaitDeliveries()
	// A few more rounds of ticks and reconciles on both, with nothing
	// left to do.
	for _, u := range urls {
		n := scrape(t, u)[metrics.ReconcileRuns+`{outcome="ok"}`]
		waitLong(t, "two more reconciles", func() bool { return scrape(t, u)[metrics.ReconcileRuns+`{outcome="ok"}`] >= n+2 })
	}
	// /metrics: each delivery by its event and outcome, and the
	// reconciles' counters, on both.
	for _, u := range urls {
		m := scrape(t, u)
		answered := map[string]float64{}
		for _, d := range gh.Deliveries() {
			if d.URL == u+"/webhook" && d.Status != 0 {
				answered[fmt.Sprintf(`%s{event=%q}`, metrics.EventsReceived, d.Event)]++
			}
		}
		if answered[metrics.EventsReceived+`{event="pull_request"}`] == 0 || answered[metrics.EventsReceived+`{event="issue_comment"}`] == 0 {
			t.Errorf("%s: the fake delivered %v, want pull requests and comments among them", u, answered)
		}
		for series, n := range answered {
			if m[series] != n {
				t.Errorf("%s: %s = %v, want %v (the deliveries the fake made)", u, series, m[series], n)
			}
		}
		for _, series := range []string{
			metrics.EventsRejected + `{reason="duplicate"}`, metrics.EventsRejected + `{reason="stopping"}`,
			metrics.EventsRejected + `{reason="signature"}`,
			metrics.Actions + `{kind="judge-pull-request",status="done"}`,
			metrics.ReconcileRuns + `{outcome="ok"}`, metrics.ReconcileRuns + `{outcome="failed"}`,
			metrics.ReconcilePRs + `{result="examined"}`, metrics.ReconcilePRs + `{result="repaired"}`,
			metrics.ReconcilePRs + `{result="skipped"}`, metrics.ReconcilePRs + `{result="failed"}`,
			metrics.OldestUnreconciled,
		} {
			if _, ok := m[series]; !ok {
				t.Errorf("%s: /metrics lacks %s", u, series)
			}
		}
	}
	for i := range 2 {
		cancels[i]()
		if err := waits[i](); err != nil {
			t.Errorf("replica %d: %v", i, err)
		}
	}

	got := map[string]int{}
	for _, p := range gh.PRs() {
		got["pull request on "+p.Head]++
		got[fmt.Sprintf("sticky comments on %s", p.Head)] += botComments(gh, p.Number)
		seen := map[string]bool{}
		for _, r := range gh.CheckRuns(p.HeadSHA) {
			key := r.ExternalID + " " + r.Conclusion + " " + r.Summary
			if seen[key] {
				got["repeated checks on "+p.Head]++
			}
			seen[key] = true
		}
		for _, c := range gh.Comments(p.Number) {
			if c.Author == forgetest.BotLogin && strings.Contains(c.Body, "connectbot:reply") {
				got["answers on "+p.Head]++
			}
		}
	}
	for _, is := range gh.Issues() {
		got["issue "+is.Title]++
		for _, c := range gh.Comments(is.Number) {
			if strings.Contains(c.Body, "connectbot:remind") {
				got["reminders on "+is.Title]++
			}
		}
	}
	for _, s := range mainSubjects(t, gh) {
		if strings.HasPrefix(s, "connectbot:") || strings.HasPrefix(s, "Merge pull request") {
			got["on main: "+s]++
		}
	}
	for _, slug := range []string{"acme-sync", "tidewater-payroll"} {
		n, _ := removal(slug)
		for _, s := range subjects(t, gh, gh.PR(n).Head) {
			if strings.HasPrefix(s, "connectbot: remove ") {
				got["commits of the removal of "+slug]++
			}
		}
	}
	want := map[string]int{
		"pull request on newco":                                                        1,
		"pull request on acme-edit":                                                    1,
		"pull request on connectbot/remove/acme-sync":                                  1,
		"pull request on connectbot/remove/tidewater-payroll":                          1,
		"sticky comments on newco":                                                     1,
		"sticky comments on acme-edit":                                                 1,
		"sticky comments on connectbot/remove/acme-sync":                               1,
		"sticky comments on connectbot/remove/tidewater-payroll":                       1,
		"answers on acme-edit":                                                         2,
		"issue BrightPath Forms: program deadlines":                                    1,
		"reminders on BrightPath Forms: program deadlines":                             1,
		"issue Northwind Notes: program deadlines":                                     1,
		fmt.Sprintf("on main: Merge pull request #%d from newco", pr):                  1,
		fmt.Sprintf("on main: connectbot: record #%d approved by @rivera-reviews", pr): 1,
		"commits of the removal of acme-sync":                                          1,
		"commits of the removal of tidewater-payroll":                                  1,
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("two serves, every delivery to both, ticks at once (-want +got):\n%s", diff)
	}
}

// TestAReconcileRunsSoonAfterTheWebhookShedsDeliveries has the webhook
// turn every delivery away for lack of room (a memory smaller than any
// body), with reconciles between ticks off: a pull request opened
// meanwhile is answered all the same, by one reconcile soon after, for
// however many deliveries were turned away before it ran.
func TestAReconcileRunsSoonAfterTheWebhookShedsDeliveries(t *testing.T) {
	gh := programRepo(t, "acme-sync.cue")
	var log syncBuffer
	cfg := live(t, gh, "solo", time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC), &log)
	cfg.ReconcileEvery, cfg.ReconcileAfterShed = 0, 2*time.Second
	cfg.BodyMemory = 4 << 10 // a body's first chunk: every delivery is larger
	url := "http://" + cfg.Listener.Addr().String()
	cancel, wait := start(t, cfg)
	ready(t, url)
	runs := func() float64 { return reconciles(t, url) }
	afterShed := func() int {
		return len(slices.DeleteFunc(log.lines(t), func(l string) bool {
			return l != "reconciling: the webhook turned deliveries away for lack of room"
		}))
	}
	if runs() != 1 || afterShed() != 0 {
		t.Fatalf("before any delivery: %v reconciles, %d after shedding; want the start-up one alone", runs(), afterShed())
	}

	gh.AddWebhook(url+"/webhook", "s3cret") // its ping is turned away
	head := gh.Commit("newco", "Apply", map[string]string{"applications/newco.cue": newco(t)})
	pr := gh.OpenPR(forgetest.PRSpec{Author: "newco-dev", Title: "Apply: Newco", Head: "newco"})
	gh.WaitDeliveries()
	var statuses []string
	for _, d := range gh.Deliveries() {
		statuses = append(statuses, fmt.Sprintf("%s %d", d.Event, d.Status))
	}
	if diff := cmp.Diff([]string{"ping 503", "push 503", "pull_request 503"}, statuses); diff != "" {
		t.Fatalf("deliveries (-want +got):\n%s", diff)
	}
	waitLong(t, "the reconcile after shedding", func() bool { return runs() == 2 })
	if n, c := len(gh.CheckRuns(head)), botComments(gh, pr); n != 1 || c != 1 {
		t.Errorf("after the deliveries were turned away: %d checks and %d comments, want one of each", n, c)
	}

	// What that reconcile wrote is delivered, and turned away, as is a
	// comment made meanwhile: one more reconcile. Had each delivery asked
	// for its own, more would have run by then.
	gh.AddComment(pr, "newco-dev", "Thanks!")
	gh.WaitDeliveries()
	waitLong(t, "the reconcile after the next deliveries were turned away", func() bool { return runs() == 3 })
	if got := afterShed(); got != 2 {
		t.Errorf("%d reconciles after shedding, want 2", got)
	}
	turnedAway := 0
	for _, d := range gh.Deliveries() {
		if d.Status == http.StatusServiceUnavailable {
			turnedAway++
		}
	}
	if got := scrape(t, url)[metrics.EventsRejected+`{reason="busy"}`]; got != float64(turnedAway) {
		t.Errorf("busy rejections counted %v, want %d, the deliveries answered 503", got, turnedAway)
	}
	cancel()
	if err := wait(); err != nil {
		t.Errorf("Run: %v", err)
	}
}
