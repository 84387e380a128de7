package webhook_test

import (
	"bytes"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"

	"github.com/connectbot/connectbot/internal/metrics"
	"github.com/connectbot/connectbot/internal/webhook"
)

var secret = []byte("It's a Secret to Everybody")

// delivery is one real recorded payload and the event kind GitHub sends it
// as (see testdata/SOURCES.md).
type delivery struct {
	file, kind string
	body       []byte
}

// corpus returns every payload in testdata. The kind is the parent
// folder's name for octokit-webhooks; SOURCES.md names it for the two
// go-playground-webhooks files.
func corpus(t *testing.T) []delivery {
	t.Helper()
	playground := map[string]string{
		"pull-request-review.json":        webhook.KindReview,
		"pull-request-issue-comment.json": webhook.KindComment,
	}
	var out []delivery
	err := filepath.WalkDir("testdata", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(p, ".json") {
			return err
		}
		rel, _ := filepath.Rel("testdata", p)
		rel = filepath.ToSlash(rel)
		kind := path.Base(path.Dir(rel))
		if strings.HasPrefix(rel, "go-playground-webhooks/") {
			kind = playground[path.Base(rel)]
		}
		if kind == "" {
			t.Fatalf("%s: no event kind known; add it to corpus()", rel)
		}
		out = append(out, delivery{file: rel, kind: kind, body: payload(t, rel)})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(out) < 14 {
		t.Fatalf("found %d payloads, SOURCES.md lists 14", len(out))
	}
	return out
}

// recorder is an Enqueue function that remembers what it was given.
type recorder struct {
	mu   sync.Mutex
	seen []string // "delivery kind repo"
}

func (r *recorder) enqueue(id string, ev webhook.Event) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.seen = append(r.seen, fmt.Sprintf("%s %s %s", id, ev.Kind, ev.Repo))
	return true
}

func (r *recorder) got() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := slices.Clone(r.seen)
	sort.Strings(out)
	return out
}

// syncBuffer is a log sink safe to read while workers write.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func newServer(t testing.TB, opts webhook.ServerOptions) *webhook.Server {
	t.Helper()
	if opts.Secrets == nil {
		opts.Secrets = [][]byte{secret}
	}
	srv, err := webhook.NewServer(opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	return srv
}

// post sends a delivery straight to h; sig "" sends no signature header.
func post(h http.Handler, id, kind, sig string, body []byte) *httptest.ResponseRecorder {
	req := httptest.NewRequest("POST", webhook.Path, bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	if id != "" {
		req.Header.Set("X-GitHub-Delivery", id)
	}
	if kind != "" {
		req.Header.Set("X-GitHub-Event", kind)
	}
	if sig != "" {
		req.Header.Set("X-Hub-Signature-256", sig)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec
}

func TestServerAcceptsEveryRealDelivery(t *testing.T) {
	rec := &recorder{}
	m := metrics.New(metrics.Options{EventKinds: slices.Concat(webhook.Kinds, []string{webhook.KindOther}), RejectReasons: webhook.RejectReasons})
	srv := newServer(t, webhook.ServerOptions{Enqueue: rec.enqueue, Observer: m})
	var want []string
	for i, d := range corpus(t) {
		t.Run(d.file, func(t *testing.T) {
			id := fmt.Sprintf("delivery-%02d", i)
			got := post(srv, id, d.kind, webhook.Sign(d.body, secret), d.body)
			if got.Code != http.StatusAccepted {
				t.Fatalf("status %d %q, want 202", got.Code, got.Body)
			}
			ev, err := webhook.Parse(d.kind, d.body)
			if err != nil {
				t.Fatal(err)
			}
			want = append(want, fmt.Sprintf("%s %s %s", id, ev.Kind, ev.Repo))
		})
	}
	srv.Close()
	sort.Strings(want)
	if diff := cmp.Diff(want, rec.got()); diff != "" {
		t.Errorf("processed (-want +got):\n%s", diff)
	}
	// Every signed delivery is counted by its kind, and none is refused:
	// the check_run whose app.created_at is "2018-04-25 20:42:10" (not
	// RFC 3339; SOURCES.md, "Known quirk") is read too, since Parse does
	// not read that field.
	wantCounts := map[string]float64{
		`connectbot_webhook_events_rejected_total{reason="parse"}`:     0,
		`connectbot_webhook_events_rejected_total{reason="signature"}`: 0,
	}
	for _, d := range corpus(t) {
		wantCounts[fmt.Sprintf("connectbot_webhook_events_received_total{event=%q}", d.kind)]++
	}
	got := scrape(t, m.Handler())
	for key, n := range wantCounts {
		if got[key] != n {
			t.Errorf("%s = %v, want %v", key, got[key], n)
		}
	}
}

func TestServerRefusesWhatIsNotSignedRight(t *testing.T) {
	rec := &recorder{}
	var logs syncBuffer
	m := metrics.New(metrics.Options{RejectReasons: webhook.RejectReasons})
	srv := newServer(t, webhook.ServerOptions{Enqueue: rec.enqueue, Observer: m, Logger: slog.New(slog.NewJSONHandler(&logs, nil))})
	n := 0
	for _, d := range corpus(t) {
		good := webhook.Sign(d.body, secret)
		for name, sig := range map[string]string{
			"wrong secret":       webhook.Sign(d.body, []byte("not the secret")),
			"missing":            "",
			"truncated":          good[:len(good)-2],
			"empty digest":       "sha256=",
			"sha1 instead":       "sha1=" + strings.TrimPrefix(good, "sha256="),
			"for another body":   webhook.Sign(append(slices.Clone(d.body), ' '), secret),
			"twice in one value": good + good[len("sha256="):],
		} {
			n++
			id := fmt.Sprintf("bad-%d", n)
			if got := post(srv, id, d.kind, sig, d.body); got.Code != http.StatusUnauthorized {
				t.Errorf("%s, %s signature: status %d, want 401", d.file, name, got.Code)
			}
		}
	}
	srv.Close()
	if got := rec.got(); len(got) != 0 {
		t.Errorf("processed unsigned deliveries: %v", got)
	}
	if got := scrape(t, m.Handler())[`connectbot_webhook_events_rejected_total{reason="signature"}`]; got != float64(n) {
		t.Errorf("signature rejections counted %v, want %d", got, n)
	}
	// Rejections are logged with the delivery and event, never the payload.
	out := logs.String()
	if !strings.Contains(out, `"delivery":"bad-1"`) || !strings.Contains(out, `"reason":"signature"`) {
		t.Errorf("rejections not logged with their delivery id:\n%.500s", out)
	}
	for _, leak := range []string{"Hello-World", "html_url", "Codertocat"} {
		if strings.Contains(out, leak) {
			t.Errorf("the log of unsigned deliveries shows the payload (%q)", leak)
		}
	}
}

func TestServerAcceptsEverySecretDuringRotation(t *testing.T) {
	rec := &recorder{}
	srv := newServer(t, webhook.ServerOptions{Enqueue: rec.enqueue, Secrets: [][]byte{[]byte("new"), nil, []byte("old")}})
	body := payload(t, "octokit-webhooks/ping/payload.json")
	for i, s := range []string{"new", "old"} {
		if got := post(srv, fmt.Sprint(i), "ping", webhook.Sign(body, []byte(s)), body); got.Code != http.StatusAccepted {
			t.Errorf("signed with the %s secret: %d", s, got.Code)
		}
	}
	if got := post(srv, "2", "ping", webhook.Sign(body, nil), body); got.Code != http.StatusUnauthorized {
		t.Errorf("signed with the empty secret: %d, want 401", got.Code)
	}
}

func TestNewServerRefusesToRunWithoutASecret(t *testing.T) {
	rec := &recorder{}
	for name, secrets := range map[string][][]byte{"none": nil, "only empty ones": {nil, []byte("")}} {
		if _, err := webhook.NewServer(webhook.ServerOptions{Secrets: secrets, Enqueue: rec.enqueue}); err == nil {
			t.Errorf("%s: built a server", name)
		}
	}
	if _, err := webhook.NewServer(webhook.ServerOptions{Secrets: [][]byte{secret}}); err == nil {
		t.Error("built a server with nothing to process deliveries")
	}
}

func TestServerTakesADeliveryOnce(t *testing.T) {
	var calls atomic.Int32
	m := metrics.New(metrics.Options{})
	srv := newServer(t, webhook.ServerOptions{Observer: m, Enqueue: func(string, webhook.Event) bool {
		calls.Add(1)
		return true
	}})
	body := payload(t, "octokit-webhooks/pull_request/opened.payload.json")
	sig := webhook.Sign(body, secret)
	if got := post(srv, "72d3162e-cc78-11e3-81ab-4c9367dc0958", "pull_request", sig, body); got.Code != http.StatusAccepted {
		t.Fatalf("first: %d", got.Code)
	}
	got := post(srv, "72d3162e-cc78-11e3-81ab-4c9367dc0958", "pull_request", sig, body)
	if got.Code != http.StatusOK || !strings.Contains(got.Body.String(), "duplicate") {
		t.Errorf("second: %d %q, want 200 duplicate", got.Code, got.Body)
	}
	if calls.Load() != 1 {
		t.Errorf("Enqueue called %d times, want 1", calls.Load())
	}
	if got := scrape(t, m.Handler())[`connectbot_webhook_events_rejected_total{reason="duplicate"}`]; got < 1 {
		t.Errorf("duplicates counted %v", got)
	}
}

func TestServerRemembersABoundedNumberOfIDs(t *testing.T) {
	var calls atomic.Int32
	srv := newServer(t, webhook.ServerOptions{RecentIDs: 2, Enqueue: func(string, webhook.Event) bool {
		calls.Add(1)
		return true
	}})
	body := payload(t, "octokit-webhooks/ping/payload.json")
	sig := webhook.Sign(body, secret)
	for _, id := range []string{"a", "b", "a", "c", "a"} {
		post(srv, id, "ping", sig, body)
	}
	// "a" is a duplicate while remembered, and new again once "b" and "c"
	// have pushed it out.
	if calls.Load() != 4 {
		t.Errorf("taken %d, want 4", calls.Load())
	}
}

func TestServerRefusesOversizedBodies(t *testing.T) {
	rec := &recorder{}
	m := metrics.New(metrics.Options{})
	srv := newServer(t, webhook.ServerOptions{Enqueue: rec.enqueue, Observer: m})
	ts := httptest.NewServer(srv)
	defer ts.Close()
	big := bytes.Repeat([]byte(" "), 10<<20)
	copy(big, `{"zen":"Keep it logically awesome.","hook_id":1}`)
	sig := webhook.Sign(big, secret)
	for name, body := range map[string]io.Reader{
		"with its length announced": bytes.NewReader(big),
		"streamed, length unknown":  io.MultiReader(bytes.NewReader(big)),
	} {
		req, _ := http.NewRequest("POST", ts.URL+webhook.Path, body)
		req.Header.Set("X-GitHub-Delivery", name)
		req.Header.Set("X-GitHub-Event", "ping")
		req.Header.Set("X-Hub-Signature-256", sig)
		resp, err := ts.Client().Do(req)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusRequestEntityTooLarge {
			t.Errorf("%s: status %d, want 413", name, resp.StatusCode)
		}
	}
	srv.Close()
	if got := rec.got(); len(got) != 0 {
		t.Errorf("processed %v", got)
	}
	if got := scrape(t, m.Handler())[`connectbot_webhook_events_rejected_total{reason="size"}`]; got != 2 {
		t.Errorf("size rejections counted %v, want 2", got)
	}
}

func TestServerAnswers503OnlyWhenStopping(t *testing.T) {
	var stopping atomic.Bool
	var taken atomic.Int32
	m := metrics.New(metrics.Options{})
	srv := newServer(t, webhook.ServerOptions{RetryAfter: 90 * time.Second, Observer: m,
		Enqueue: func(string, webhook.Event) bool {
			if stopping.Load() {
				return false
			}
			taken.Add(1)
			return true
		}})
	body := payload(t, "octokit-webhooks/ping/payload.json")
	sig := webhook.Sign(body, secret)
	for i := range 1000 {
		if got := post(srv, fmt.Sprint(i), "ping", sig, body); got.Code != http.StatusAccepted {
			t.Fatalf("delivery %d of a burst: %d, want 202", i, got.Code)
		}
	}
	stopping.Store(true) // the queue stops taking keys
	got := post(srv, "late", "ping", sig, body)
	if got.Code != http.StatusServiceUnavailable || got.Header().Get("Retry-After") != "90" {
		t.Fatalf("while the queue stops: %d Retry-After %q, want 503 and 90", got.Code, got.Header().Get("Retry-After"))
	}
	// Its redelivery is taken: the refusal did not mark it as seen.
	stopping.Store(false)
	if got := post(srv, "late", "ping", sig, body); got.Code != http.StatusAccepted {
		t.Errorf("redelivered: %d, want 202", got.Code)
	}
	srv.Close()
	if got := post(srv, "after-close", "ping", sig, body); got.Code != http.StatusServiceUnavailable {
		t.Errorf("after Close: %d, want 503", got.Code)
	}
	if taken.Load() != 1001 {
		t.Errorf("taken %d, want 1001", taken.Load())
	}
	if got := scrape(t, m.Handler())[`connectbot_webhook_events_rejected_total{reason="stopping"}`]; got != 2 {
		t.Errorf("stopping counted %v, want 2", got)
	}
}

func TestServerRoutes(t *testing.T) {
	srv := newServer(t, webhook.ServerOptions{Enqueue: (&recorder{}).enqueue})
	for _, tt := range []struct {
		method, path string
		want         int
	}{
		{"GET", "/webhook", http.StatusMethodNotAllowed},
		{"PUT", "/webhook", http.StatusMethodNotAllowed},
		{"POST", "/webhooks", http.StatusNotFound},
		{"POST", "/", http.StatusNotFound},
	} {
		rec := httptest.NewRecorder()
		srv.ServeHTTP(rec, httptest.NewRequest(tt.method, tt.path, nil))
		if rec.Code != tt.want {
			t.Errorf("%s %s: %d, want %d", tt.method, tt.path, rec.Code, tt.want)
		}
		if tt.want == http.StatusMethodNotAllowed && rec.Header().Get("Allow") != "POST" {
			t.Errorf("%s %s: Allow %q", tt.method, tt.path, rec.Header().Get("Allow"))
		}
	}
}

func TestServerAsksForWhatItNeeds(t *testing.T) {
	srv := newServer(t, webhook.ServerOptions{Enqueue: (&recorder{}).enqueue})
	body := payload(t, "octokit-webhooks/ping/payload.json")
	prBody := payload(t, "octokit-webhooks/pull_request/opened.payload.json")
	sig := webhook.Sign(body, secret)
	for name, got := range map[string]*httptest.ResponseRecorder{
		"no delivery id":             post(srv, "", "ping", sig, body),
		"no event":                   post(srv, "x", "", sig, body),
		"a delivery id too long":     post(srv, strings.Repeat("x", 129), "ping", sig, body),
		"a payload that is not JSON": post(srv, "y", "pull_request", webhook.Sign([]byte("{not json"), secret), []byte("{not json")),
	} {
		if got.Code != http.StatusBadRequest {
			t.Errorf("%s: %d, want 400", name, got.Code)
		}
	}
	// A pull_request payload sent as check_run has no check_run object: it
	// parses to an event that names no pull request, which does nothing.
	if got := post(srv, "w", "check_run", webhook.Sign(prBody, secret), prBody); got.Code != http.StatusAccepted {
		t.Errorf("a payload of another kind: %d, want 202", got.Code)
	}
	if got := post(srv, "z", "deployment", sig, body); got.Code != http.StatusOK || !strings.Contains(got.Body.String(), "ignored") {
		t.Errorf("an event connectbot ignores: %d %q, want 200 ignored", got.Code, got.Body)
	}
}

func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatal("timed out waiting")
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// ackTimes sends n signed deliveries from senders goroutines to a real
// server on loopback and returns every acknowledgement time, sorted.
func ackTimes(tb testing.TB, n, senders int) ([]time.Duration, int) {
	var processed atomic.Int32
	srv := newServer(tb, webhook.ServerOptions{Enqueue: func(string, webhook.Event) bool {
		processed.Add(1)
		return true
	}})
	ts := httptest.NewServer(srv)
	defer ts.Close()
	client := ts.Client()
	client.Transport.(*http.Transport).MaxIdleConnsPerHost = senders
	body, err := fsReadFile("octokit-webhooks/pull_request/opened.payload.json")
	if err != nil {
		tb.Fatal(err)
	}
	sig := webhook.Sign(body, secret)

	var (
		mu    sync.Mutex
		times = make([]time.Duration, 0, n)
		errs  []string
		next  atomic.Int64
		wg    sync.WaitGroup
	)
	for range senders {
		wg.Go(func() {
			for {
				i := next.Add(1)
				if i > int64(n) {
					return
				}
				req, _ := http.NewRequest("POST", ts.URL+webhook.Path, bytes.NewReader(body))
				req.Header.Set("X-GitHub-Delivery", fmt.Sprintf("load-%d", i))
				req.Header.Set("X-GitHub-Event", "pull_request")
				req.Header.Set("X-Hub-Signature-256", sig)
				start := time.Now()
				resp, err := client.Do(req)
				took := time.Since(start)
				mu.Lock()
				switch {
				case err != nil:
					errs = append(errs, err.Error())
				case resp.StatusCode != http.StatusAccepted:
					errs = append(errs, resp.Status)
				default:
					times = append(times, took)
				}
				mu.Unlock()
				if resp != nil {
					io.Copy(io.Discard, resp.Body)
					resp.Body.Close()
				}
			}
		})
	}
	wg.Wait()
	if len(errs) > 0 {
		tb.Errorf("%d of %d deliveries failed; first: %s", len(errs), n, errs[0])
	}
	srv.Close()
	slices.Sort(times)
	return times, int(processed.Load())
}

func fsReadFile(p string) ([]byte, error) {
	return os.ReadFile(filepath.Join("testdata", p))
}

func p99(times []time.Duration) time.Duration {
	if len(times) == 0 {
		return 0
	}
	return times[(len(times)*99+99)/100-1]
}

func TestServerUnderLoad(t *testing.T) {
	const n, senders = 2000, 20
	times, processed := ackTimes(t, n, senders)
	if len(times) != n || processed != n {
		t.Fatalf("%d acknowledged, %d processed, want %d of each", len(times), processed, n)
	}
	t.Logf("%d deliveries from %d goroutines on loopback: p50 %v, p99 %v, max %v",
		n, senders, times[n/2], p99(times), times[n-1])
}

// BenchmarkWebhookAck measures how long a signed delivery takes to be
// acknowledged on loopback, 20 senders at once; it reports the 99th
// percentile beside the mean.
func BenchmarkWebhookAck(b *testing.B) {
	times, _ := ackTimes(b, b.N, 20)
	b.ReportMetric(float64(p99(times).Microseconds()), "p99-µs")
}

// scrape reads a metrics handler's text exposition into
// "name{label="value",...}" → value for connectbot's counters and gauges.
func scrape(t *testing.T, h http.Handler) map[string]float64 {
	t.Helper()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
	parser := expfmt.NewTextParser(model.UTF8Validation)
	families, err := parser.TextToMetricFamilies(rec.Body)
	if err != nil {
		t.Fatalf("parse /metrics: %v", err)
	}
	out := map[string]float64{}
	for name, f := range families {
		for _, m := range f.Metric {
			var ls []string
			for _, l := range m.Label {
				ls = append(ls, fmt.Sprintf("%s=%q", l.GetName(), l.GetValue()))
			}
			sort.Strings(ls)
			key := name
			if len(ls) > 0 {
				key += "{" + strings.Join(ls, ",") + "}"
			}
			out[key] = value(m)
		}
	}
	return out
}

func value(m *dto.Metric) float64 {
	switch {
	case m.Counter != nil:
		return m.Counter.GetValue()
	case m.Gauge != nil:
		return m.Gauge.GetValue()
	}
	return 0
}

// FuzzServer sends arbitrary signed and unsigned deliveries: whatever
// arrives, the answer is one of the documented statuses and nothing
// panics.
func FuzzServer(f *testing.F) {
	for _, name := range []string{"octokit-webhooks/pull_request/opened.payload.json", "go-playground-webhooks/pull-request-issue-comment.json", "octokit-webhooks/check_run/rerequested.payload.json"} {
		b, err := fsReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add("pull_request", b, true)
		f.Add("issue_comment", b, false)
		f.Add("check_run", b, true)
	}
	f.Add("ping", []byte(`{"zen":"x"}`), true)
	var n atomic.Int64
	srv := newServer(f, webhook.ServerOptions{Enqueue: func(string, webhook.Event) bool { return true }})
	f.Fuzz(func(t *testing.T, kind string, body []byte, signed bool) {
		sig := "sha256=00"
		if signed {
			sig = webhook.Sign(body, secret)
		}
		got := post(srv, fmt.Sprint(n.Add(1)), kind, sig, body)
		switch got.Code {
		case http.StatusOK, http.StatusAccepted, http.StatusBadRequest, http.StatusUnauthorized, http.StatusServiceUnavailable:
		default:
			t.Errorf("status %d", got.Code)
		}
		if !signed && got.Code != http.StatusUnauthorized {
			t.Errorf("unsigned: %d, want 401", got.Code)
		}
	})
}
