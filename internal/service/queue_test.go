package service

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/connectbot/connectbot/internal/forge/forgetest"
	"github.com/connectbot/connectbot/internal/metrics"
	"github.com/connectbot/connectbot/internal/webhook"
)

// openApplications opens n application pull requests, #1 to #n, on gh.
func openApplications(t *testing.T, gh *forgetest.Server, n int) {
	t.Helper()
	for i := 1; i <= n; i++ {
		app := strings.Replace(newco(t), `maintainers: ["newco-dev"]`, fmt.Sprintf(`maintainers: ["dev-%d"]`, i), 1)
		branch := fmt.Sprintf("apply-%d", i)
		gh.Commit(branch, "Apply", map[string]string{fmt.Sprintf("applications/app-%d.cue", i): app})
		gh.OpenPR(forgetest.PRSpec{Author: fmt.Sprintf("dev-%d", i), Title: fmt.Sprintf("Apply %d", i), Head: branch})
	}
}

// judged is how many of pull requests 1..n carry a check and the sticky
// comment.
func judged(gh *forgetest.Server, n int) int {
	c := 0
	for i := 1; i <= n; i++ {
		if len(gh.CheckRuns(gh.PR(i).HeadSHA)) > 0 && botComments(gh, i) == 1 {
			c++
		}
	}
	return c
}

func TestAStartUpReconcileOverItsBudgetGoesOnInPassesUntilNoneRemain(t *testing.T) {
	gh := programRepo(t, "acme-sync.cue")
	const n = 6
	openApplications(t, gh, n)
	var log syncBuffer
	cfg := live(t, gh, "solo", time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC), &log)
	// No reconcile but the start-up one and those its budget calls for;
	// each pull request costs a few writes (check, comment, labels).
	cfg.ReconcileEvery, cfg.ReconcileBudget, cfg.ReconcileAgain = 0, 4, 100*time.Millisecond
	url := "http://" + cfg.Listener.Addr().String()
	cancel, wait := start(t, cfg)
	waitLong(t, "every pull request judged", func() bool { return judged(gh, n) == n })
	var remaining []float64
	waitLong(t, "a pass with none remaining", func() bool {
		remaining = nil
		for _, l := range log.lines(t, "remaining") {
			if r, ok := strings.CutPrefix(l, "reconcile done remaining="); ok {
				var v float64
				fmt.Sscan(r, &v)
				remaining = append(remaining, v)
			}
		}
		return len(remaining) > 0 && remaining[len(remaining)-1] == 0
	})
	if len(remaining) < 2 || remaining[0] == 0 || !slices.IsSortedFunc(remaining, func(a, b float64) int { return int(b - a) }) {
		t.Errorf("pull requests remaining after each pass %v: want several passes, fewer remaining after each, none after the last", remaining)
	}
	if got := scrape(t, url)[metrics.ReconcileRuns+`{outcome="ok"}`]; got != float64(len(remaining)) {
		t.Errorf("%v reconciles counted, %d logged", got, len(remaining))
	}
	cancel()
	if err := wait(); err != nil {
		t.Errorf("Run: %v", err)
	}
}

func TestADeliveryGoesAheadOfTheKeysAReconcileQueued(t *testing.T) {
	gh := programRepo(t, "acme-sync.cue")
	const n = 5
	openApplications(t, gh, n)
	var log syncBuffer
	cfg := live(t, gh, "solo", time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC), &log)
	cfg.ReconcileEvery, cfg.Workers = 0, 1
	// GitHub holds the start-up reconcile's first pull request until a
	// delivery for the last has been taken.
	release, held := make(chan struct{}), make(chan struct{})
	var holding sync.Once
	gh.Before("GET", "/repos/acme-program/connect/pulls/1", func() {
		holding.Do(func() { close(held) })
		<-release
	})
	url := "http://" + cfg.Listener.Addr().String()
	cancel, wait := start(t, cfg)
	waitLong(t, "the reconcile's keys queued", func() bool { return slices.Contains(log.lines(t), "reconcile queued") })
	<-held // the one worker is on #1: the delivery for the last must go before #2

	if status := deliverPullRequest(t, url, n, "d-last"); status != http.StatusAccepted {
		t.Fatalf("delivery during the reconcile: %d, want 202", status)
	}
	close(release)
	waitLong(t, "every pull request judged", func() bool { return judged(gh, n) == n })
	var order []string
	for _, c := range gh.Calls() {
		if rest, ok := strings.CutPrefix(c, "GET /repos/acme-program/connect/pulls/"); ok && !strings.Contains(rest, "/") && !slices.Contains(order, rest) {
			order = append(order, rest)
		}
	}
	if len(order) < 3 || order[0] != "1" || order[1] != fmt.Sprint(n) {
		t.Errorf("pull requests read in the order %v: want #1 (held), then #%d (delivered), then the reconcile's others", order, n)
	}
	cancel()
	if err := wait(); err != nil {
		t.Errorf("Run: %v", err)
	}
}

// deliverPullRequest delivers to the service at url, signed, GitHub's
// recorded synchronize of pull request number as delivery id, and answers
// the status.
func deliverPullRequest(t *testing.T, url string, number int, id string) int {
	t.Helper()
	body := pullRequestDelivery(t, number)
	req, _ := http.NewRequest("POST", url+webhook.Path, bytes.NewReader(body))
	req.Header.Set("X-GitHub-Event", "pull_request")
	req.Header.Set("X-GitHub-Delivery", id)
	req.Header.Set("X-Hub-Signature-256", webhook.Sign(body, []byte("s3cret")))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

// pullRequestDelivery is GitHub's recorded synchronize payload, made about
// pull request number of the fake repository.
func pullRequestDelivery(t *testing.T, number int) []byte {
	t.Helper()
	b, err := os.ReadFile("../webhook/testdata/octokit-webhooks/pull_request/synchronize.payload.json")
	if err != nil {
		t.Fatal(err)
	}
	var p map[string]any
	if err := json.Unmarshal(b, &p); err != nil {
		t.Fatal(err)
	}
	p["repository"].(map[string]any)["full_name"] = "acme-program/connect"
	p["pull_request"].(map[string]any)["number"] = number
	out, err := json.Marshal(p)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// get answers GET url with its status and body.
func get(t *testing.T, url string) (int, string) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var b bytes.Buffer
	b.ReadFrom(resp.Body)
	return resp.StatusCode, b.String()
}

func TestLivenessNeverWaitsOnGitHubAndReadinessWaitsForTheClone(t *testing.T) {
	gh := programRepo(t, "acme-sync.cue")
	var log syncBuffer
	cfg := live(t, gh, "solo", time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC), &log)
	release := make(chan struct{})
	gh.Before("", "/acme-program/connect.git", func() { <-release }) // GitHub holds the start-up clone
	url := "http://" + cfg.Listener.Addr().String()
	cancel, wait := start(t, cfg)
	for _, tt := range []struct {
		path string
		code int
	}{
		{"/livez", http.StatusOK},
		{"/readyz", http.StatusServiceUnavailable},
		{"/healthz", http.StatusServiceUnavailable},
	} {
		if code, body := get(t, url+tt.path); code != tt.code {
			t.Errorf("%s while GitHub holds the clone: %d %q, want %d", tt.path, code, body, tt.code)
		}
	}
	close(release)
	waitLong(t, "ready once cloned", func() bool { code, _ := get(t, url+"/readyz"); return code == http.StatusOK })
	if code, _ := get(t, url+"/healthz"); code != http.StatusOK {
		t.Errorf("/healthz, the alias of /readyz: %d", code)
	}
	cancel()
	if err := wait(); err != nil {
		t.Errorf("Run: %v", err)
	}
}

// metricsAddrOf waits for the service logging to log that it serves,
// and returns the metrics address it names.
func metricsAddrOf(t *testing.T, log *syncBuffer) string {
	t.Helper()
	var metricsAddr string
	waitFor(t, "the service to start", func() bool {
		for _, l := range log.lines(t, "metrics_addr") {
			if a, ok := strings.CutPrefix(l, "connectbot serving metrics_addr="); ok {
				metricsAddr = a
			}
		}
		return metricsAddr != ""
	})
	return metricsAddr
}

func TestMetricsAddrServesTheMetricsThereAndNotOnTheWebhooksPort(t *testing.T) {
	var log syncBuffer
	cfg := dryRun(t, &log)
	cfg.MetricsAddr = "127.0.0.1:0"
	url := "http://" + cfg.Listener.Addr().String()
	cancel, wait := start(t, cfg)
	metricsAddr := metricsAddrOf(t, &log)
	if code, body := get(t, "http://"+metricsAddr+"/metrics"); code != http.StatusOK || !strings.Contains(body, metrics.EventsReceived) {
		t.Errorf("/metrics on --metrics-addr: %d, want 200 with connectbot's metrics", code)
	}
	if code, _ := get(t, url+"/metrics"); code != http.StatusNotFound {
		t.Errorf("/metrics on the webhook's port: %d, want 404", code)
	}
	if code, _ := get(t, url+"/livez"); code != http.StatusOK {
		t.Errorf("/livez: %d", code)
	}
	cancel()
	if err := wait(); err != nil {
		t.Errorf("Run: %v", err)
	}
}

func TestPprofServesTheProfilesOnTheMetricsAddrOnly(t *testing.T) {
	for _, tc := range []struct {
		name              string
		pprof             bool
		metrics, webhooks int // what /debug/pprof/cmdline answers on each
	}{
		{name: "without --pprof no profile is served", metrics: http.StatusNotFound, webhooks: http.StatusNotFound},
		{name: "with --pprof the profiles are served on the metrics address alone", pprof: true, metrics: http.StatusOK, webhooks: http.StatusNotFound},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var log syncBuffer
			cfg := dryRun(t, &log)
			cfg.MetricsAddr, cfg.Pprof = "127.0.0.1:0", tc.pprof
			url := "http://" + cfg.Listener.Addr().String()
			cancel, wait := start(t, cfg)
			metricsAddr := metricsAddrOf(t, &log)
			if code, _ := get(t, "http://"+metricsAddr+"/debug/pprof/cmdline"); code != tc.metrics {
				t.Errorf("/debug/pprof/cmdline on --metrics-addr: %d, want %d", code, tc.metrics)
			}
			if code, _ := get(t, url+"/debug/pprof/cmdline"); code != tc.webhooks {
				t.Errorf("/debug/pprof/cmdline on the webhook's port: %d, want %d", code, tc.webhooks)
			}
			cancel()
			if err := wait(); err != nil {
				t.Errorf("Run: %v", err)
			}
		})
	}
}

func TestPprofWithoutAMetricsAddrDoesNotStart(t *testing.T) {
	cfg := dryRun(t, io.Discard)
	cfg.Pprof = true
	err := Run(context.Background(), cfg)
	if err == nil || !strings.Contains(err.Error(), "--pprof needs --metrics-addr") {
		t.Errorf("Run: %v, want it refused: --pprof needs --metrics-addr", err)
	}
}

func TestAReconcileFollowsAStartUpTickThatFailed(t *testing.T) {
	gh := programRepo(t, "acme-sync.cue")
	openApplications(t, gh, 1)
	var log syncBuffer
	cfg := live(t, gh, "solo", time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC), &log)
	cfg.ReconcileEvery = 0
	// The start-up clone is the service's; the next is the tick's, which
	// GitHub refuses.
	const refs = "/acme-program/connect.git/info/refs"
	gh.Before("GET", refs, func() {
		gh.Before("GET", refs, func() { gh.FailNext("GET", refs, http.StatusInternalServerError, nil) })
	})
	url := "http://" + cfg.Listener.Addr().String()
	cancel, wait := start(t, cfg)
	waitLong(t, "the tick, then a reconcile", func() bool {
		return slices.Contains(log.lines(t), "tick failed") && scrape(t, url)[metrics.ReconcileRuns+`{outcome="ok"}`] >= 1
	})
	if judged(gh, 1) != 1 {
		t.Error("the pull request was not judged by the reconcile after the failed tick")
	}
	cancel()
	if err := wait(); err != nil {
		t.Errorf("Run: %v", err)
	}
}
