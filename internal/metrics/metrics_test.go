package metrics_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"runtime"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"

	"github.com/connectbot/connectbot/internal/buildinfo"
	"github.com/connectbot/connectbot/internal/metrics"
)

// scrape reads h's text exposition into "name{label="value",...}" → value,
// keeping only connectbot's own series (histograms by _count and _sum)
// that count something: connectbot_build_info is read by
// TestBuildInfoSaysWhichConnectbotRuns.
func scrape(t *testing.T, h http.Handler) map[string]float64 {
	t.Helper()
	all := scrapeAll(t, h)
	for k := range all {
		if strings.HasPrefix(k, metrics.BuildInfo+"{") {
			delete(all, k)
		}
	}
	return all
}

// scrapeAll is scrape with every connectbot series.
func scrapeAll(t *testing.T, h http.Handler) map[string]float64 {
	t.Helper()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
	if rec.Code != http.StatusOK {
		t.Fatalf("GET /metrics: %d", rec.Code)
	}
	if ct := rec.Header().Get("Content-Type"); !strings.HasPrefix(ct, "text/plain") {
		t.Errorf("Content-Type %q, want the text format", ct)
	}
	p := expfmt.NewTextParser(model.UTF8Validation)
	families, err := p.TextToMetricFamilies(rec.Body)
	if err != nil {
		t.Fatalf("parse /metrics: %v", err)
	}
	out := map[string]float64{}
	for name, f := range families {
		if !strings.HasPrefix(name, "connectbot_") {
			continue
		}
		for _, m := range f.Metric {
			key := name + labels(m)
			switch {
			case m.Counter != nil:
				out[key] = m.Counter.GetValue()
			case m.Gauge != nil:
				out[key] = m.Gauge.GetValue()
			case m.Histogram != nil:
				out[name+"_count"+labels(m)] = float64(m.Histogram.GetSampleCount())
				out[name+"_sum"+labels(m)] = m.Histogram.GetSampleSum()
			}
		}
	}
	return out
}

func labels(m *dto.Metric) string {
	var ls []string
	for _, l := range m.Label {
		ls = append(ls, fmt.Sprintf("%s=%q", l.GetName(), l.GetValue()))
	}
	sort.Strings(ls)
	if len(ls) == 0 {
		return ""
	}
	return "{" + strings.Join(ls, ",") + "}"
}

// TestBuildInfoSaysWhichConnectbotRuns: one series, always 1, whose labels
// are what `connectbot version` prints (a test binary has no commit).
func TestBuildInfoSaysWhichConnectbotRuns(t *testing.T) {
	info := buildinfo.Read()
	key := fmt.Sprintf("%s{commit=%q,date=%q,goversion=%q,version=%q}", metrics.BuildInfo, info.Commit, info.Date, runtime.Version(), info.Version)
	got := map[string]float64{}
	for k, v := range scrapeAll(t, metrics.New(metrics.Options{}).Handler()) {
		if strings.HasPrefix(k, metrics.BuildInfo) {
			got[k] = v
		}
	}
	if diff := cmp.Diff(map[string]float64{key: 1}, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

func TestCountersMove(t *testing.T) {
	m := metrics.New(metrics.Options{EventKinds: []string{"pull_request", "ping"}, RejectReasons: []string{"signature", "size"}})
	before := scrape(t, m.Handler())
	wantZero := map[string]float64{
		`connectbot_webhook_events_received_total{event="ping"}`:         0,
		`connectbot_webhook_events_received_total{event="pull_request"}`: 0,
		`connectbot_webhook_events_rejected_total{reason="signature"}`:   0,
		`connectbot_webhook_events_rejected_total{reason="size"}`:        0,
		`connectbot_tick_duration_seconds_count`:                         0,
		`connectbot_tick_duration_seconds_sum`:                           0,
		`connectbot_reconcile_runs_total{outcome="ok"}`:                  0,
		`connectbot_reconcile_runs_total{outcome="failed"}`:              0,
		`connectbot_reconcile_pull_requests_total{result="examined"}`:    0,
		`connectbot_reconcile_pull_requests_total{result="repaired"}`:    0,
		`connectbot_reconcile_pull_requests_total{result="skipped"}`:     0,
		`connectbot_reconcile_pull_requests_total{result="failed"}`:      0,
		`connectbot_reconcile_oldest_unreconciled_seconds`:               0,
	}
	if diff := cmp.Diff(wantZero, before); diff != "" {
		t.Errorf("before anything happened (-want +got):\n%s", diff)
	}

	m.EventReceived("pull_request")
	m.EventReceived("pull_request")
	m.EventRejected("size")
	m.ActionDone("remind", metrics.StatusDryRun)
	m.ActionDone("open-removal-pr", metrics.StatusFailed)
	m.ObserveTick(1500 * time.Millisecond)
	m.Reconciled(3, 1, 2, 1, 90*time.Second)

	want := map[string]float64{
		`connectbot_webhook_events_received_total{event="ping"}`:           0,
		`connectbot_webhook_events_received_total{event="pull_request"}`:   2,
		`connectbot_webhook_events_rejected_total{reason="signature"}`:     0,
		`connectbot_webhook_events_rejected_total{reason="size"}`:          1,
		`connectbot_actions_total{kind="remind",status="dry-run"}`:         1,
		`connectbot_actions_total{kind="open-removal-pr",status="failed"}`: 1,
		`connectbot_tick_duration_seconds_count`:                           1,
		`connectbot_tick_duration_seconds_sum`:                             1.5,
		`connectbot_reconcile_runs_total{outcome="ok"}`:                    0,
		`connectbot_reconcile_runs_total{outcome="failed"}`:                1,
		`connectbot_reconcile_pull_requests_total{result="examined"}`:      3,
		`connectbot_reconcile_pull_requests_total{result="repaired"}`:      1,
		`connectbot_reconcile_pull_requests_total{result="skipped"}`:       2,
		`connectbot_reconcile_pull_requests_total{result="failed"}`:        1,
		`connectbot_reconcile_oldest_unreconciled_seconds`:                 90,
	}
	if diff := cmp.Diff(want, scrape(t, m.Handler())); diff != "" {
		t.Errorf("after (-want +got):\n%s", diff)
	}

	// A second set is independent: nothing is registered globally.
	if got := scrape(t, metrics.New(metrics.Options{}).Handler()); got[`connectbot_webhook_events_received_total{event="pull_request"}`] != 0 {
		t.Errorf("a new Metrics shares counters with another: %v", got)
	}
}

func TestTransportCountsRequestsAndKeepsTheRateLimit(t *testing.T) {
	remaining := []string{"4999", "4998", ""}
	calls := 0
	gh := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r := remaining[calls%len(remaining)]; r != "" {
			w.Header().Set("X-RateLimit-Remaining", r)
			w.Header().Set("X-RateLimit-Resource", "core")
		}
		calls++
		switch r.URL.Path {
		case "/missing":
			http.NotFound(w, r)
		case "/search":
			w.Header().Set("X-RateLimit-Remaining", "29")
			w.Header().Set("X-RateLimit-Resource", "search")
		case "/weird":
			w.Header().Set("X-RateLimit-Remaining", "7")
			w.Header().Set("X-RateLimit-Resource", `Bad"Resource`)
		}
	}))
	defer gh.Close()

	m := metrics.New(metrics.Options{})
	client := &http.Client{Transport: m.Transport(nil)}
	do := func(method, path string) {
		req, _ := http.NewRequest(method, gh.URL+path, nil)
		resp, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
	}
	do("GET", "/a")       // 4999
	do("POST", "/b")      // 4998
	do("GET", "/missing") // no header: the last value stays
	do("GET", "/search")
	do("PURGE", "/weird")

	// A request that gets no answer at all.
	closed := httptest.NewServer(http.NotFoundHandler())
	closed.Close()
	if _, err := client.Get(closed.URL); err == nil {
		t.Fatal("a closed server answered")
	}

	want := map[string]float64{
		`connectbot_github_requests_total{code="2xx",method="GET"}`:   2,
		`connectbot_github_requests_total{code="2xx",method="POST"}`:  1,
		`connectbot_github_requests_total{code="4xx",method="GET"}`:   1,
		`connectbot_github_requests_total{code="2xx",method="other"}`: 1,
		`connectbot_github_requests_total{code="error",method="GET"}`: 1,
		`connectbot_github_rate_limit_remaining{resource="core"}`:     4998,
		`connectbot_github_rate_limit_remaining{resource="search"}`:   29,
		`connectbot_github_rate_limit_remaining{resource="other"}`:    7,
		`connectbot_tick_duration_seconds_count`:                      0,
		`connectbot_tick_duration_seconds_sum`:                        0,
		`connectbot_reconcile_runs_total{outcome="ok"}`:               0,
		`connectbot_reconcile_runs_total{outcome="failed"}`:           0,
		`connectbot_reconcile_pull_requests_total{result="examined"}`: 0,
		`connectbot_reconcile_pull_requests_total{result="repaired"}`: 0,
		`connectbot_reconcile_pull_requests_total{result="skipped"}`:  0,
		`connectbot_reconcile_pull_requests_total{result="failed"}`:   0,
		`connectbot_reconcile_oldest_unreconciled_seconds`:            0,
	}
	if diff := cmp.Diff(want, scrape(t, m.Handler())); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

func TestBodyBytesShowWhatTheWebhookHoldsWhenScraped(t *testing.T) {
	m := metrics.New(metrics.Options{})
	var held int64 = 4096
	m.WatchBodyBytes(func() int64 { return held })
	if got := scrape(t, m.Handler())[metrics.BodyBytes]; got != 4096 {
		t.Errorf("%s = %v, want 4096", metrics.BodyBytes, got)
	}
	held = 0
	if got, ok := scrape(t, m.Handler())[metrics.BodyBytes]; !ok || got != 0 {
		t.Errorf("%s = %v (listed %v), want 0 once the bodies are read", metrics.BodyBytes, got, ok)
	}
}

func TestHeldShowsWhatTheServiceHoldsWhenScraped(t *testing.T) {
	m := metrics.New(metrics.Options{})
	held := metrics.Held{ClonePacks: 3, CloneLoose: 120, Loader: map[string]int{"files": 40, "trees": 2},
		RequestCacheEntries: 90, RequestCacheBytes: 1 << 20, Settled: 7}
	m.WatchHeld(func() metrics.Held { return held })
	want := map[string]float64{
		metrics.ClonePacks: 3, metrics.CloneLooseObjects: 120,
		metrics.LoaderCached + `{cache="files"}`: 40, metrics.LoaderCached + `{cache="trees"}`: 2,
		metrics.RequestCacheEntries: 90, metrics.RequestCacheBytes: 1 << 20, metrics.SettledPRs: 7,
	}
	got := scrape(t, m.Handler())
	for k := range got {
		if _, ok := want[k]; !ok {
			delete(got, k)
		}
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("held gauges (-want +got):\n%s", diff)
	}
	held.Settled = 2
	if got := scrape(t, m.Handler())[metrics.SettledPRs]; got != 2 {
		t.Errorf("%s = %v after it fell, want 2: read at each scrape", metrics.SettledPRs, got)
	}
}
