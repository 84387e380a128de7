// Package metrics owns connectbot's Prometheus collectors: deliveries
// received and turned away, actions carried out, how long ticks take, and
// the requests made to GitHub with the rate limit they leave. Everything is
// registered on a registry of its own, never the global one, so two
// instances (two tests) never share a counter.
package metrics

import (
	"net/http"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/connectbot/connectbot/internal/buildinfo"
)

// Statuses of an action, for ActionDone.
const (
	StatusDone        = "done"         // carried out
	StatusAlreadyDone = "already-done" // found done already (an earlier run did it)
	StatusSkipped     = "skipped"      // not carried out: over budget, or a person's work in the way
	StatusDryRun      = "dry-run"      // decided and logged, not carried out
	StatusFailed      = "failed"       // tried, and it failed
)

// Metric names, for tests and dashboards.
const (
	EventsReceived     = "connectbot_webhook_events_received_total"
	EventsRejected     = "connectbot_webhook_events_rejected_total"
	BodyBytes          = "connectbot_webhook_body_bytes"
	QueueKeys          = "connectbot_queue_keys"
	Actions            = "connectbot_actions_total"
	TickDuration       = "connectbot_tick_duration_seconds"
	GitHubRequests     = "connectbot_github_requests_total"
	RateLimitRemaining = "connectbot_github_rate_limit_remaining"
	ReconcileRuns      = "connectbot_reconcile_runs_total"
	ReconcilePRs       = "connectbot_reconcile_pull_requests_total"
	OldestUnreconciled = "connectbot_reconcile_oldest_unreconciled_seconds"
	BuildInfo          = "connectbot_build_info"
)

// Outcomes of a reconcile, for Reconciled.
const (
	ReconcileOK     = "ok"     // every open pull request shows what the rules say
	ReconcileFailed = "failed" // at least one could not be brought in line
)

// Metrics is connectbot's set of collectors and the registry they live in.
// Its methods are safe for concurrent use.
type Metrics struct {
	reg            *prometheus.Registry
	eventsReceived *prometheus.CounterVec
	eventsRejected *prometheus.CounterVec
	actions        *prometheus.CounterVec
	tickDuration   prometheus.Histogram
	githubRequests *prometheus.CounterVec
	rateLimit      *prometheus.GaugeVec
	reconcileRuns  *prometheus.CounterVec
	reconcilePRs   *prometheus.CounterVec
	oldest         prometheus.Gauge
}

// Options are the label values to show at zero before anything happens,
// so that dashboards and alerts see the series from the start.
type Options struct {
	EventKinds    []string
	RejectReasons []string
}

// New returns a fresh set of collectors on a registry of their own, with
// the Go runtime and process collectors beside them.
func New(opts Options) *Metrics {
	m := &Metrics{
		reg: prometheus.NewRegistry(),
		eventsReceived: counters(EventsReceived, "Webhook deliveries whose signature checked out, by event kind.",
			"event"),
		eventsRejected: counters(EventsRejected, "Webhook deliveries turned away or dropped, by reason (signature, size, parse, duplicate, stopping, busy, slow, source, per-source).",
			"reason"),
		actions: counters(Actions, "Actions decided by connectbot, by kind and status (done, already-done, skipped, dry-run, failed).",
			"kind", "status"),
		tickDuration: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name:    TickDuration,
			Help:    "How long a scheduled tick took, in seconds.",
			Buckets: []float64{0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600},
		}),
		githubRequests: counters(GitHubRequests, "Requests sent to GitHub, by method and status class (2xx, 3xx, 4xx, 5xx, or error when no answer came).",
			"method", "code"),
		rateLimit: gauges(RateLimitRemaining, "The X-RateLimit-Remaining GitHub sent last, by X-RateLimit-Resource.",
			"resource"),
		reconcileRuns: counters(ReconcileRuns, "Reconciles of the open pull requests, by outcome (ok, failed).",
			"outcome"),
		reconcilePRs: counters(ReconcilePRs, "Open pull requests reconciled: examined, repaired (something was missing on GitHub and is now done), skipped (over the reconcile's budget), failed.",
			"result"),
		oldest: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: OldestUnreconciled,
			Help: "How long the oldest open pull request a reconcile could not bring in line has been failing, in seconds; 0 when every one shows what the rules say.",
		}),
	}
	m.reg.MustRegister(
		m.eventsReceived, m.eventsRejected, m.actions, m.tickDuration, m.githubRequests, m.rateLimit,
		m.reconcileRuns, m.reconcilePRs, m.oldest,
		buildInfo(buildinfo.Read()),
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
	)
	for _, k := range opts.EventKinds {
		m.eventsReceived.WithLabelValues(k)
	}
	for _, r := range opts.RejectReasons {
		m.eventsRejected.WithLabelValues(r)
	}
	for _, o := range []string{ReconcileOK, ReconcileFailed} {
		m.reconcileRuns.WithLabelValues(o)
	}
	for _, r := range []string{"examined", "repaired", "skipped", "failed"} {
		m.reconcilePRs.WithLabelValues(r)
	}
	return m
}

// counters is a counter vector of name, help and labels.
func counters(name, help string, labels ...string) *prometheus.CounterVec {
	return prometheus.NewCounterVec(prometheus.CounterOpts{Name: name, Help: help}, labels)
}

// gauges is a gauge vector of name, help and labels.
func gauges(name, help string, labels ...string) *prometheus.GaugeVec {
	return prometheus.NewGaugeVec(prometheus.GaugeOpts{Name: name, Help: help}, labels)
}

// buildInfo is the gauge connectbot_build_info: always 1, its labels
// saying which connectbot runs, so a dashboard can tell replicas of two
// versions apart during a rollout.
func buildInfo(info buildinfo.Info) prometheus.Collector {
	g := gauges(BuildInfo, "Which connectbot this is: its module version, commit, commit date and Go version; always 1.",
		"version", "commit", "date", "goversion")
	g.WithLabelValues(info.Version, info.Commit, info.Date, info.GoVersion).Set(1)
	return g
}

// Reconciled records one reconcile: how many open pull requests it
// examined, repaired and failed on, how many it skipped (its budget was
// spent before it took them up), and how long the oldest still failing has
// been failing (0 for none).
func (m *Metrics) Reconciled(examined, repaired, skipped, failed int, oldest time.Duration) {
	outcome := ReconcileOK
	if failed > 0 {
		outcome = ReconcileFailed
	}
	m.reconcileRuns.WithLabelValues(outcome).Inc()
	m.reconcilePRs.WithLabelValues("examined").Add(float64(examined))
	m.reconcilePRs.WithLabelValues("repaired").Add(float64(repaired))
	m.reconcilePRs.WithLabelValues("skipped").Add(float64(skipped))
	m.reconcilePRs.WithLabelValues("failed").Add(float64(failed))
	m.oldest.Set(oldest.Seconds())
}

// Registry returns the registry the collectors are on.
func (m *Metrics) Registry() *prometheus.Registry { return m.reg }

// Handler serves the collectors in the Prometheus text format.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{Registry: m.reg})
}

// EventReceived counts a delivery whose signature checked out.
func (m *Metrics) EventReceived(kind string) { m.eventsReceived.WithLabelValues(kind).Inc() }

// EventRejected counts a delivery turned away or dropped.
func (m *Metrics) EventRejected(reason string) { m.eventsRejected.WithLabelValues(reason).Inc() }

// WatchBodyBytes shows what held reports, the bytes the webhook bodies
// being read hold now, as a gauge. Call it once.
func (m *Metrics) WatchBodyBytes(held func() int64) {
	m.watch(BodyBytes, "Bytes held by the webhook bodies being read, before their signatures can be checked.",
		func() float64 { return float64(held()) })
}

// WatchQueue shows what keys reports, the work keys waiting in the queue
// or being worked on, as a gauge. Call it once.
func (m *Metrics) WatchQueue(keys func() int) {
	m.watch(QueueKeys, "Work keys (a pull request, a moved branch, the tick, a reconcile) waiting or being worked on; a key waits once however many deliveries ask for it.",
		func() float64 { return float64(keys()) })
}

// watch registers a gauge of name and help whose value f reads when
// scraped.
func (m *Metrics) watch(name, help string, f func() float64) {
	m.reg.MustRegister(prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: name, Help: help}, f))
}

// ActionDone counts an action of kind ending with status.
func (m *Metrics) ActionDone(kind, status string) { m.actions.WithLabelValues(kind, status).Inc() }

// ObserveTick records how long a tick took.
func (m *Metrics) ObserveTick(d time.Duration) { m.tickDuration.Observe(d.Seconds()) }

// Transport wraps next (http.DefaultTransport when nil) so that every
// request to GitHub is counted, and the rate limit each answer reports is
// kept. Put it under the authenticating and retrying layers, so that every
// attempt, token refreshes included, is seen.
func (m *Metrics) Transport(next http.RoundTripper) http.RoundTripper {
	if next == nil {
		next = http.DefaultTransport
	}
	return &transport{next: next, m: m}
}

type transport struct {
	next http.RoundTripper
	m    *Metrics
}

func (t *transport) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := t.next.RoundTrip(req)
	if err != nil {
		t.m.githubRequests.WithLabelValues(method(req.Method), "error").Inc()
		return resp, err
	}
	t.m.githubRequests.WithLabelValues(method(req.Method), codeClass(resp.StatusCode)).Inc()
	if v := resp.Header.Get("X-RateLimit-Remaining"); v != "" {
		if n, err := strconv.ParseFloat(v, 64); err == nil && n >= 0 {
			t.m.rateLimit.WithLabelValues(resource(resp.Header.Get("X-RateLimit-Resource"))).Set(n)
		}
	}
	return resp, nil
}

// method keeps the method label to the standard methods.
func method(m string) string {
	switch m {
	case "":
		return http.MethodGet
	case http.MethodGet, http.MethodHead, http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete, http.MethodOptions:
		return m
	}
	return "other"
}

func codeClass(code int) string {
	if code < 100 || code > 599 {
		return "other"
	}
	return strconv.Itoa(code/100) + "xx"
}

// resource keeps the resource label to short lowercase names, as GitHub
// sends them (core, search, graphql, ...).
func resource(r string) string {
	if r == "" {
		return "core"
	}
	if len(r) > 32 {
		return "other"
	}
	for _, c := range r {
		if (c < 'a' || c > 'z') && c != '_' {
			return "other"
		}
	}
	return r
}
