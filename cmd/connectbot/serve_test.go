package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"

	"github.com/connectbot/connectbot/internal/forge/forgetest"
	"github.com/connectbot/connectbot/internal/issueform"
	"github.com/connectbot/connectbot/internal/program"
	"github.com/connectbot/connectbot/internal/webhook"
)

// lockedBuffer is stderr for a server whose goroutines log while the test
// reads.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// logLines decodes the JSON log lines, failing on any that is not JSON.
func (l *lockedBuffer) logLines(t *testing.T) []map[string]any {
	t.Helper()
	var out []map[string]any
	for _, line := range strings.Split(strings.TrimSpace(l.String()), "\n") {
		var m map[string]any
		if err := json.Unmarshal([]byte(line), &m); err != nil {
			t.Fatalf("log line is not JSON: %q", line)
		}
		out = append(out, m)
	}
	return out
}

// countLogs counts log lines with msg whose attributes include attrs.
func (l *lockedBuffer) countLogs(t *testing.T, msg string, attrs map[string]any) int {
	t.Helper()
	n := 0
next:
	for _, m := range l.logLines(t) {
		if m["msg"] != msg {
			continue
		}
		for k, v := range attrs {
			if fmt.Sprint(m[k]) != fmt.Sprint(v) {
				continue next
			}
		}
		n++
	}
	return n
}

// running is a serve started on loopback.
type running struct {
	url    string
	stderr *lockedBuffer
	cancel context.CancelFunc
	code   chan int
}

// startServe runs serve on 127.0.0.1:0 with exactly the environment vars
// given, as of now.
func startServe(t *testing.T, vars map[string]string, now time.Time, args ...string) *running {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	r := &running{url: "http://" + ln.Addr().String(), stderr: &lockedBuffer{}, code: make(chan int, 1)}
	e := &env{stdout: io.Discard, stderr: r.stderr, now: func() time.Time { return now }, getenv: func(k string) string { return vars[k] }}
	ctx, cancel := context.WithCancel(context.Background())
	r.cancel = cancel
	args = append([]string{"--log-format", "json"}, args...)
	go func() { r.code <- serve(ctx, e, args, ln) }()
	t.Cleanup(func() {
		cancel()
		select {
		case <-r.code:
		case <-time.After(30 * time.Second):
			t.Error("serve did not stop")
		}
	})
	return r
}

// stop cancels the context, as SIGTERM does, and returns the exit code.
func (r *running) stop(t *testing.T) int {
	t.Helper()
	r.cancel()
	select {
	case code := <-r.code:
		r.code <- code // for the cleanup
		return code
	case <-time.After(30 * time.Second):
		t.Fatal("serve did not stop within 30s of its context ending")
		return -1
	}
}

func (r *running) get(t *testing.T, path string) (int, string) {
	t.Helper()
	resp, err := http.Get(r.url + path)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// deliver posts a delivery; sig "" sends none.
func (r *running) deliver(t *testing.T, id, kind, sig string, body io.Reader) int {
	t.Helper()
	req, _ := http.NewRequest("POST", r.url+"/webhook", body)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-GitHub-Delivery", id)
	req.Header.Set("X-GitHub-Event", kind)
	if sig != "" {
		req.Header.Set("X-Hub-Signature-256", sig)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp.StatusCode
}

// metrics scrapes /metrics into "name{label="value",...}" → value for
// connectbot's series.
func (r *running) metrics(t *testing.T) map[string]float64 {
	t.Helper()
	code, body := r.get(t, "/metrics")
	if code != http.StatusOK {
		t.Fatalf("GET /metrics: %d", code)
	}
	parser := expfmt.NewTextParser(model.UTF8Validation)
	families, err := parser.TextToMetricFamilies(strings.NewReader(body))
	if err != nil {
		t.Fatalf("parse /metrics: %v", err)
	}
	out := map[string]float64{}
	for name, f := range families {
		if !strings.HasPrefix(name, "connectbot_") {
			continue
		}
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
			switch {
			case m.Counter != nil:
				out[key] = m.Counter.GetValue()
			case m.Gauge != nil:
				out[key] = m.Gauge.GetValue()
			case m.Histogram != nil:
				out[name+"_count"] = float64(m.Histogram.GetSampleCount())
			}
		}
	}
	return out
}

func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func corpusPayload(t *testing.T, file string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("../../internal/webhook/testdata", file))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

var dec11 = time.Date(2026, 12, 11, 9, 0, 0, 0, time.UTC)

func TestServeLogsTextUnlessAskedForJSON(t *testing.T) {
	tests := []struct {
		name, format, want string
	}{
		{"text by default, for a person reading a terminal", "", `level=INFO msg="connectbot stopped"`},
		{"JSON lines on request, for a log collector", "json", `"level":"INFO","msg":"connectbot stopped"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ln, err := net.Listen("tcp", "127.0.0.1:0")
			if err != nil {
				t.Fatal(err)
			}
			args := []string{"--repo", "../.."}
			if tt.format != "" {
				args = append(args, "--log-format", tt.format)
			}
			var stderr lockedBuffer
			e := &env{stdout: io.Discard, stderr: &stderr, now: func() time.Time { return dec11 }, getenv: func(k string) string {
				return map[string]string{"CONNECTBOT_WEBHOOK_SECRET": "s3cret"}[k]
			}}
			ctx, cancel := context.WithCancel(context.Background())
			cancel() // stopped as soon as it has started
			if code := serve(ctx, e, args, ln); code != exitOK {
				t.Fatalf("exit %d: %s", code, stderr.String())
			}
			if !strings.Contains(stderr.String(), tt.want) {
				t.Errorf("the log lacks %q:\n%s", tt.want, stderr.String())
			}
		})
	}
}

func TestServeInDryRunWithOnlyASecret(t *testing.T) {
	// Two secrets, as while rotating; nothing else: no GitHub credentials.
	srv := startServe(t, map[string]string{"CONNECTBOT_WEBHOOK_SECRET": "old-secret, new-secret"}, dec11, "--repo", "../..")

	eventually(t, "ready", func() bool { code, _ := srv.get(t, "/readyz"); return code == http.StatusOK })
	for _, probe := range []string{"/livez", "/readyz", "/healthz"} {
		if code, body := srv.get(t, probe); code != http.StatusOK || strings.TrimSpace(body) != "ok" {
			t.Errorf("%s: %d %q", probe, code, body)
		}
	}
	// Before any delivery, the counters are listed at zero.
	before := srv.metrics(t)
	for _, key := range []string{
		`connectbot_webhook_events_received_total{event="pull_request"}`,
		`connectbot_webhook_events_rejected_total{reason="signature"}`,
		`connectbot_webhook_events_rejected_total{reason="size"}`,
		`connectbot_webhook_events_rejected_total{reason="stopping"}`,
	} {
		if v, ok := before[key]; !ok || v != 0 {
			t.Errorf("/metrics before any delivery: %s = %v (listed: %v)", key, v, ok)
		}
	}

	body := corpusPayload(t, "octokit-webhooks/pull_request/opened.payload.json")
	if code := srv.deliver(t, "d-signed", "pull_request", webhook.Sign(body, []byte("new-secret")), bytes.NewReader(body)); code != http.StatusAccepted {
		t.Errorf("signed delivery: %d, want 202", code)
	}
	if code := srv.deliver(t, "d-unsigned", "pull_request", "", bytes.NewReader(body)); code != http.StatusUnauthorized {
		t.Errorf("unsigned delivery: %d, want 401", code)
	}
	big := bytes.Repeat([]byte{' '}, 6<<20)
	if code := srv.deliver(t, "d-big", "pull_request", webhook.Sign(big, []byte("new-secret")), bytes.NewReader(big)); code != http.StatusRequestEntityTooLarge {
		t.Errorf("oversized delivery: %d, want 413", code)
	}
	if code, _ := srv.get(t, "/webhook"); code != http.StatusMethodNotAllowed {
		t.Errorf("GET /webhook: %d, want 405", code)
	}
	if code, _ := srv.get(t, "/elsewhere"); code != http.StatusNotFound {
		t.Errorf("GET /elsewhere: %d, want 404", code)
	}

	// The delivery is accepted, with its id, and its work key worked on:
	// it logs what it would do.
	eventually(t, "the delivery's dry-run log", func() bool {
		return srv.stderr.countLogs(t, "webhook accepted", map[string]any{"delivery": "d-signed", "event": "pull_request", "repo": "Codertocat/Hello-World"}) == 1 &&
			srv.stderr.countLogs(t, "would do", map[string]any{"key": "judge-pull-request #2", "kind": "judge-pull-request"}) == 1
	})
	// The tick at start-up logs the plan of 2026-12-11 (the golden plan:
	// three removals and a promotion), action by action.
	eventually(t, "the start-up tick", func() bool { return srv.stderr.countLogs(t, "tick done", nil) == 1 })
	if n := srv.stderr.countLogs(t, "would do", map[string]any{"kind": "open-removal-pr"}); n != 3 {
		t.Errorf("logged %d removals the tick would open, want 3", n)
	}
	if n := srv.stderr.countLogs(t, "would do", map[string]any{"kind": "promote", "slug": "parcelpost-shipping"}); n != 1 {
		t.Errorf("logged %d promotions of parcelpost-shipping, want 1", n)
	}
	if n := srv.stderr.countLogs(t, "webhook rejected", map[string]any{"delivery": "d-unsigned", "reason": "signature"}); n != 1 {
		t.Errorf("the unsigned delivery is logged %d times, want once", n)
	}
	if strings.Contains(srv.stderr.String(), "Codertocat/Hello-World/pull/2") {
		t.Error("a payload reached the log")
	}

	// Only the signed delivery counts as received: the unsigned one is
	// turned away before its kind is believed, the oversized one before
	// its signature can be checked.
	got := srv.metrics(t)
	for key, want := range map[string]float64{
		`connectbot_webhook_events_received_total{event="pull_request"}`:       1,
		`connectbot_webhook_events_received_total{event="issue_comment"}`:      0,
		`connectbot_webhook_events_rejected_total{reason="signature"}`:         1,
		`connectbot_webhook_events_rejected_total{reason="size"}`:              1,
		`connectbot_webhook_events_rejected_total{reason="duplicate"}`:         0,
		`connectbot_actions_total{kind="judge-pull-request",status="dry-run"}`: 1,
		`connectbot_actions_total{kind="open-removal-pr",status="dry-run"}`:    3,
		`connectbot_actions_total{kind="promote",status="dry-run"}`:            1,
		`connectbot_tick_duration_seconds_count`:                               1,
	} {
		if got[key] != want {
			t.Errorf("%s = %v, want %v", key, got[key], want)
		}
	}
	if _, ok := got[`connectbot_github_requests_total{code="2xx",method="GET"}`]; ok {
		t.Error("a dry run called GitHub")
	}

	if code := srv.stop(t); code != exitOK {
		t.Errorf("exit %d after the context ended, want 0", code)
	}
	if srv.stderr.countLogs(t, "connectbot stopped", nil) != 1 {
		t.Errorf("no clean stop in the log:\n%s", srv.stderr.String())
	}
}

func TestServeRefusesToStartWithoutASecret(t *testing.T) {
	for _, v := range []string{"CONNECTBOT_WEBHOOK_SECRET", "GITHUB_TOKEN", "CONNECTBOT_APP_ID", "CONNECTBOT_APP_PRIVATE_KEY_FILE", "CONNECTBOT_INSTALLATION_ID", "CONNECTBOT_REPOSITORY"} {
		t.Setenv(v, "")
	}
	var stdout, stderr bytes.Buffer
	code := Main([]string{"serve", "--addr", "127.0.0.1:0"}, &stdout, &stderr, time.Now)
	if code != exitCantRun || strings.Count(stderr.String(), "\n") != 1 || !strings.Contains(stderr.String(), "CONNECTBOT_WEBHOOK_SECRET is not set") {
		t.Errorf("exit %d, stderr %q: want 2 and one line naming CONNECTBOT_WEBHOOK_SECRET", code, stderr.String())
	}
}

func TestServeRefusesWhatItCannotRun(t *testing.T) {
	key := filepath.Join(t.TempDir(), "key.pem")
	os.WriteFile(key, []byte("not a key"), 0o600)
	empty := filepath.Join(t.TempDir(), "empty")
	os.WriteFile(empty, []byte(" \n"), 0o600)
	badAllow := filepath.Join(t.TempDir(), "hooks.txt")
	os.WriteFile(badAllow, []byte("# GitHub's hook ranges\n192.30.252.0/22\n192.30.252.0/33\n"), 0o644)
	tests := []struct {
		name string
		vars map[string]string
		args []string
		want string
	}{
		{"secrets that are only commas and spaces", map[string]string{"CONNECTBOT_WEBHOOK_SECRET": " , ,"}, nil, "CONNECTBOT_WEBHOOK_SECRET is not set"},
		{"a secret given both ways", map[string]string{"CONNECTBOT_WEBHOOK_SECRET": "s", "CONNECTBOT_WEBHOOK_SECRET_FILE": empty}, nil, "CONNECTBOT_WEBHOOK_SECRET and CONNECTBOT_WEBHOOK_SECRET_FILE are both set: give the secret one way"},
		{"a secret file that is not there", map[string]string{"CONNECTBOT_WEBHOOK_SECRET_FILE": "/nonexistent/secret"}, nil, "CONNECTBOT_WEBHOOK_SECRET_FILE: open /nonexistent/secret: no such file or directory"},
		{"a secret file that cannot be read (a directory)", map[string]string{"CONNECTBOT_WEBHOOK_SECRET_FILE": t.TempDir()}, nil, "CONNECTBOT_WEBHOOK_SECRET_FILE: read "},
		{"a secret file of white space", map[string]string{"CONNECTBOT_WEBHOOK_SECRET_FILE": empty}, nil, "CONNECTBOT_WEBHOOK_SECRET_FILE: " + empty + " is empty"},
		{"a private key given both ways", map[string]string{"CONNECTBOT_WEBHOOK_SECRET": "s", "CONNECTBOT_APP_PRIVATE_KEY": "k", "CONNECTBOT_APP_PRIVATE_KEY_FILE": key}, nil, "CONNECTBOT_APP_PRIVATE_KEY and CONNECTBOT_APP_PRIVATE_KEY_FILE are both set"},
		{"an empty private key file", map[string]string{"CONNECTBOT_WEBHOOK_SECRET": "s", "CONNECTBOT_APP_PRIVATE_KEY_FILE": empty}, nil, "CONNECTBOT_APP_PRIVATE_KEY_FILE: " + empty + " is empty"},
		{"a private key in the environment that is not a key", map[string]string{"CONNECTBOT_WEBHOOK_SECRET": "s", "CONNECTBOT_APP_ID": "12", "CONNECTBOT_INSTALLATION_ID": "3", "CONNECTBOT_APP_PRIVATE_KEY": "not a key", "CONNECTBOT_REPOSITORY": "o/r"}, nil, "GitHub App"},
		{"a log format it does not write", map[string]string{"CONNECTBOT_WEBHOOK_SECRET": "s"}, []string{"--log-format", "logfmt"}, `invalid value "logfmt" for flag -log-format: must be one of text, json`},
		{"a schedule cron cannot read", map[string]string{"CONNECTBOT_WEBHOOK_SECRET": "s"}, []string{"--schedule", "CRON_TZ=UTC"}, "--schedule"},
		{"a token without the repository", map[string]string{"CONNECTBOT_WEBHOOK_SECRET": "s", "GITHUB_TOKEN": "t"}, nil, "CONNECTBOT_REPOSITORY is not set"},
		{"a repository that is not owner/name", map[string]string{"CONNECTBOT_WEBHOOK_SECRET": "s", "CONNECTBOT_REPOSITORY": "just-a-name"}, nil, "not owner/name"},
		{"half a GitHub App", map[string]string{"CONNECTBOT_WEBHOOK_SECRET": "s", "CONNECTBOT_APP_ID": "12", "CONNECTBOT_REPOSITORY": "o/r"}, nil, "CONNECTBOT_INSTALLATION_ID"},
		{"an App id that is not a number", map[string]string{"CONNECTBOT_WEBHOOK_SECRET": "s", "CONNECTBOT_APP_ID": "twelve", "CONNECTBOT_INSTALLATION_ID": "3", "CONNECTBOT_APP_PRIVATE_KEY_FILE": key, "CONNECTBOT_REPOSITORY": "o/r"}, nil, "CONNECTBOT_APP_ID"},
		{"an App key that is not a key", map[string]string{"CONNECTBOT_WEBHOOK_SECRET": "s", "CONNECTBOT_APP_ID": "12", "CONNECTBOT_INSTALLATION_ID": "3", "CONNECTBOT_APP_PRIVATE_KEY_FILE": key, "CONNECTBOT_REPOSITORY": "o/r"}, nil, "GitHub App"},
		{"an address that cannot be listened on", map[string]string{"CONNECTBOT_WEBHOOK_SECRET": "s"}, []string{"--addr", "256.0.0.1:1"}, "serve:"},
		{"a bad flag", map[string]string{"CONNECTBOT_WEBHOOK_SECRET": "s"}, []string{"--workers", "0"}, "--workers"},
		{"a reconcile budget of nothing", map[string]string{"CONNECTBOT_WEBHOOK_SECRET": "s"}, []string{"--reconcile-budget", "0"}, "--reconcile-budget must be at least 1"},
		{"reconciles at a negative interval", map[string]string{"CONNECTBOT_WEBHOOK_SECRET": "s"}, []string{"--reconcile-every", "-1m"}, "--reconcile-every must not be negative"},
		{"an allow-list line that is no range", map[string]string{"CONNECTBOT_WEBHOOK_SECRET": "s"}, []string{"--allow-from", badAllow}, `--allow-from: ` + badAllow + `:3: "192.30.252.0/33" is not a CIDR range`},
		{"an allow-list from the environment with a line that is no range", map[string]string{"CONNECTBOT_WEBHOOK_SECRET": "s", "CONNECTBOT_ALLOW_FROM": badAllow}, nil, `CONNECTBOT_ALLOW_FROM: ` + badAllow + `:3: `},
		{"an allow-list that is not there", map[string]string{"CONNECTBOT_WEBHOOK_SECRET": "s"}, []string{"--allow-from", "/nonexistent/hooks.txt"}, "--allow-from: open /nonexistent/hooks.txt"},
		{"a trusted proxy that is no range", map[string]string{"CONNECTBOT_WEBHOOK_SECRET": "s"}, []string{"--trusted-proxy", "the-load-balancer"}, `-trusted-proxy: "the-load-balancer" is not a CIDR range`},
		{"a body memory of nothing", map[string]string{"CONNECTBOT_WEBHOOK_SECRET": "s"}, []string{"--body-memory", "0"}, "--body-memory must be between 6 (a body of the largest size taken fits)"},
		{"a body memory smaller than the largest body", map[string]string{"CONNECTBOT_WEBHOOK_SECRET": "s"}, []string{"--body-memory", "5"}, "--body-memory must be between 6"},
		{"no time for a body", map[string]string{"CONNECTBOT_WEBHOOK_SECRET": "s"}, []string{"--body-timeout", "0s"}, "--body-timeout and --reconcile-after-shed must be positive"},
		{"a reconcile after shedding at once", map[string]string{"CONNECTBOT_WEBHOOK_SECRET": "s"}, []string{"--reconcile-after-shed", "0s"}, "must be positive"},
		{"a negative bound per source", map[string]string{"CONNECTBOT_WEBHOOK_SECRET": "s"}, []string{"--per-source", "-1"}, "--per-source must not be negative"},
		{"profiles without a metrics address", map[string]string{"CONNECTBOT_WEBHOOK_SECRET": "s"}, []string{"--pprof"}, "--pprof needs --metrics-addr"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stderr bytes.Buffer
			e := &env{stdout: io.Discard, stderr: &stderr, now: time.Now, getenv: func(k string) string { return tt.vars[k] }}
			code := serve(context.Background(), e, append([]string{"--repo", "../..", "--addr", "127.0.0.1:0"}, tt.args...), nil)
			if code != exitCantRun || strings.Count(stderr.String(), "\n") != 1 || !strings.Contains(stderr.String(), tt.want) {
				t.Errorf("exit %d, stderr %q: want 2 and one line with %q", code, stderr.String(), tt.want)
			}
		})
	}
}

// liveWorld is a program on the fake GitHub with one pull request that
// breaks a rule, and its recorded "opened" delivery pointed at it.
func liveWorld(t *testing.T) (srv *forgetest.Server, pr int, head string, body []byte) {
	srv = seed(t)
	acme, _ := os.ReadFile("../../applications/acme-sync.cue")
	bad := strings.Replace(string(acme), `auth:         "oauth2"`, `auth:         "api_key"`, 1)
	head = srv.Commit("acme-edit", "Edit", map[string]string{"applications/acme-sync.cue": bad})
	pr = srv.OpenPR(forgetest.PRSpec{Author: "acme-dev", Title: "Edit", Head: "acme-edit"})
	body, err := os.ReadFile(delivery(t, "octokit-webhooks/pull_request/opened.payload.json", pr, nil))
	if err != nil {
		t.Fatal(err)
	}
	return srv, pr, head, body
}

func TestServeWithATokenActsOnGitHub(t *testing.T) {
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp) // where serve keeps its clones
	clones := func() []string { c, _ := filepath.Glob(filepath.Join(tmp, "connectbot-git-*")); return c }
	gh, pr, head, body := liveWorld(t)
	srv := startServe(t, liveVars(gh), time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC))

	if code := srv.deliver(t, "live-1", "pull_request", webhook.Sign(body, []byte("s3cret")), bytes.NewReader(body)); code != http.StatusAccepted {
		t.Fatalf("signed delivery: %d", code)
	}
	eventually(t, "the check run", func() bool { return len(gh.CheckRuns(head)) == 1 })
	if runs := gh.CheckRuns(head); runs[0].Conclusion != "failure" {
		t.Errorf("check %+v, want a failure", runs[0])
	}
	// The same delivery again changes nothing.
	if code := srv.deliver(t, "live-1", "pull_request", webhook.Sign(body, []byte("s3cret")), bytes.NewReader(body)); code != http.StatusOK {
		t.Errorf("redelivery: %d, want 200", code)
	}
	eventually(t, "the start-up tick", func() bool { return srv.stderr.countLogs(t, "tick done", nil) == 1 })
	eventually(t, "the event's metrics", func() bool {
		return srv.metrics(t)[`connectbot_actions_total{kind="judge-pull-request",status="done"}`] == 1
	})
	m := srv.metrics(t)
	// The fake counts its rate limit down from 5,000 an hour, as GitHub
	// does.
	if remaining := m[`connectbot_github_rate_limit_remaining{resource="core"}`]; m[`connectbot_github_requests_total{code="2xx",method="GET"}`] == 0 || remaining <= 0 || remaining >= 5000 {
		t.Errorf("GitHub requests are not metered: %v", m)
	}
	if n := len(gh.Comments(pr)); n != 1 {
		t.Errorf("%d comments, want 1", n)
	}
	if n := len(clones()); n != 1 {
		t.Errorf("%d clones on disk while serving, want the handler's one", n)
	}
	if srv.stop(t) != exitOK {
		t.Error("did not stop cleanly")
	}
	if c := clones(); len(c) > 0 {
		t.Errorf("clones left on disk after serve stopped: %v", c)
	}
}

func TestServeAsAGitHubAppActsOnGitHub(t *testing.T) {
	gh, _, head, body := liveWorld(t)
	// The App's key: the fake mints installation tokens for a JWT it
	// signs, at GitHub's token endpoint.
	// Both secrets are files, as a Kubernetes Secret mounts them (the
	// webhook secret with the newline an editor leaves).
	vars := appVars(gh, appKeyFile(t, gh))
	delete(vars, "CONNECTBOT_WEBHOOK_SECRET")
	vars["CONNECTBOT_WEBHOOK_SECRET_FILE"] = filepath.Join(t.TempDir(), "webhook-secret")
	if err := os.WriteFile(vars["CONNECTBOT_WEBHOOK_SECRET_FILE"], []byte("s3cret\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	srv := startServe(t, vars, time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC))
	if code := srv.deliver(t, "app-1", "pull_request", webhook.Sign(body, []byte("s3cret")), bytes.NewReader(body)); code != http.StatusAccepted {
		t.Fatalf("signed delivery: %d", code)
	}
	eventually(t, "the check run", func() bool { return len(gh.CheckRuns(head)) == 1 })
	eventually(t, "the start-up tick", func() bool { return srv.stderr.countLogs(t, "tick done", nil) == 1 })
	minted := 0
	for _, c := range gh.Calls() {
		if c == fmt.Sprintf("POST /app/installations/%d/access_tokens", forgetest.InstallationID) {
			minted++
		}
	}
	if minted != 1 {
		t.Errorf("installation tokens minted: %d, want 1 (cached until it expires)", minted)
	}
	// The token request went through the metered transport too.
	if m := srv.metrics(t); m[`connectbot_github_requests_total{code="2xx",method="POST"}`] == 0 {
		t.Errorf("the token request is not metered: %v", m)
	}
	if strings.Contains(srv.stderr.String(), "ghs_") {
		t.Error("the installation token reached the log")
	}
	if srv.stop(t) != exitOK {
		t.Error("did not stop cleanly")
	}
}

// appKeyFile makes a key for the App, registers it with gh and returns
// the file holding it, as GitHub's "Generate a private key" downloads it.
func appKeyFile(t *testing.T, gh *forgetest.Server) string {
	t.Helper()
	_, pemKey := testAppKey(t)
	if err := gh.SetAppKey(pemKey); err != nil {
		t.Fatal(err)
	}
	keyFile := filepath.Join(t.TempDir(), "app.pem")
	if err := os.WriteFile(keyFile, pemKey, 0o600); err != nil {
		t.Fatal(err)
	}
	return keyFile
}

// testAppKey makes an App's private key, and its PEM as GitHub's
// "Generate a private key" downloads it.
func testAppKey(t *testing.T) (*rsa.PrivateKey, []byte) {
	t.Helper()
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	return key, pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(key)})
}

// appVars is serve's environment as the fake's App, whose key is in
// keyFile, with the webhook secret "s3cret".
func appVars(gh *forgetest.Server, keyFile string) map[string]string {
	return map[string]string{
		"CONNECTBOT_WEBHOOK_SECRET":       "s3cret",
		"CONNECTBOT_APP_ID":               fmt.Sprint(forgetest.AppID),
		"CONNECTBOT_INSTALLATION_ID":      fmt.Sprint(forgetest.InstallationID),
		"CONNECTBOT_APP_PRIVATE_KEY_FILE": keyFile,
		"GITHUB_TOKEN":                    "ignored when an App is configured",
		"CONNECTBOT_REPOSITORY":           gh.FullName(),
		"GITHUB_API_URL":                  gh.URL(),
		"GITHUB_SERVER_URL":               gh.URL(),
		"CONNECTBOT_BOT_LOGIN":            forgetest.BotLogin,
	}
}

// TestServeAsAnAppRejudgesAForkWhoseChecksAreReRun runs serve as the
// fake's App, with the fake's own deliveries: a reviewer re-runs the
// checks of a fork's pull request, GitHub's check_suite rerequested
// names no pull request (as for every fork's), and serve finds it by its
// head and judges it again.
func TestServeAsAnAppRejudgesAForkWhoseChecksAreReRun(t *testing.T) {
	gh := seed(t)
	acme, _ := os.ReadFile("../../applications/acme-sync.cue")
	bad := strings.Replace(string(acme), `auth:         "oauth2"`, `auth:         "api_key"`, 1)
	head := gh.Commit("patch-1", "Edit", map[string]string{"applications/acme-sync.cue": bad})
	pr := gh.OpenPR(forgetest.PRSpec{Author: "acme-dev", Title: "Edit", Head: "patch-1", HeadRepo: "acme-dev/connect"})
	gh.AddUser("rivera-reviews", "rivera-token")
	srv := startServe(t, appVars(gh, appKeyFile(t, gh)), time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC))
	gh.AddWebhook(srv.url+"/webhook", "s3cret")
	// The start-up reconcile judges the fork's pull request.
	eventually(t, "the check run", func() bool { return len(gh.CheckRuns(head)) == 1 })
	run := gh.CheckRuns(head)[0]

	req, _ := http.NewRequest("POST", fmt.Sprintf("%s/repos/%s/check-suites/%d/rerequest", gh.URL(), gh.FullName(), run.ID+1_000_000), nil)
	req.Header.Set("Authorization", "token rivera-token")
	resp, err := gh.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusCreated {
		t.Fatalf("re-run all checks: %d", resp.StatusCode)
	}
	gh.WaitDeliveries()
	var suite forgetest.Delivery
	for _, d := range gh.Deliveries() {
		if d.Event == "check_suite" {
			suite = d
		}
	}
	if suite.Status != http.StatusAccepted {
		t.Fatalf("the check_suite delivery: %+v, want answered 202", suite)
	}
	eventually(t, "the re-run judged", func() bool {
		return srv.metrics(t)[`connectbot_actions_total{kind="judge-pull-requests-at-head",status="done"}`] == 1
	})
	if n := len(gh.Comments(pr)); n != 1 {
		t.Errorf("%d comments, want connectbot's one", n)
	}
	if srv.stop(t) != exitOK {
		t.Error("did not stop cleanly")
	}
}

func TestServeCountsATickActionThatFailed(t *testing.T) {
	gh := seed(t)
	gh.FailNext("POST", "/repos/acme-program/connect/pulls", http.StatusUnprocessableEntity, nil)
	srv := startServe(t, liveVars(gh), time.Date(2027, 1, 29, 12, 0, 0, 0, time.UTC))
	eventually(t, "the start-up tick's end", func() bool {
		logs := srv.stderr.String()
		return strings.Contains(logs, `"msg":"tick failed"`) || strings.Contains(logs, `"msg":"tick done"`)
	})
	if n := srv.stderr.countLogs(t, "tick failed", map[string]any{"err": "1 action failed; the next tick tries again"}); n != 1 {
		t.Errorf("%d failed ticks logged, want 1:\n%s", n, srv.stderr.String())
	}
	if n := srv.stderr.countLogs(t, "tick action", map[string]any{"slug": "acme-sync", "status": "failed"}); n != 1 {
		t.Errorf("%d failed tick actions logged, want 1:\n%s", n, srv.stderr.String())
	}
	m := srv.metrics(t)
	if got := m[`connectbot_actions_total{kind="open-removal-pr",status="failed"}`]; got != 1 {
		t.Errorf("failed open-removal-pr actions counted %v, want 1", got)
	}
	if got := m[`connectbot_actions_total{kind="open-removal-pr",status="done"}`]; got != 0 {
		t.Errorf("done open-removal-pr actions counted %v, want 0", got)
	}
	if len(gh.PRs()) != 0 {
		t.Errorf("pull requests %+v", gh.PRs())
	}
}

func TestServeRejudgesAForkPullRequestWhoseCheckIsReRun(t *testing.T) {
	gh := seed(t)
	acme, _ := os.ReadFile("../../applications/acme-sync.cue")
	bad := strings.Replace(string(acme), `auth:         "oauth2"`, `auth:         "api_key"`, 1)
	head := gh.Commit("patch-1", "Edit", map[string]string{"applications/acme-sync.cue": bad})
	pr := gh.OpenPR(forgetest.PRSpec{Author: "acme-dev", Title: "Edit", Head: "patch-1", HeadRepo: "acme-dev/connect"})
	srv := startServe(t, liveVars(gh), time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC))

	// The recorded check_run "rerequested" delivery (its pull_requests
	// list is empty, as for a fork's), pointed at the fork's head.
	rerun, err := os.ReadFile(delivery(t, "octokit-webhooks/check_run/rerequested.payload.json", 0, func(p map[string]any) {
		run := p["check_run"].(map[string]any)
		run["name"], run["head_sha"] = "connectbot", head
	}))
	if err != nil {
		t.Fatal(err)
	}
	if code := srv.deliver(t, "rerun-1", "check_run", webhook.Sign(rerun, []byte("s3cret")), bytes.NewReader(rerun)); code != http.StatusAccepted {
		t.Fatalf("re-run delivery: %d", code)
	}
	eventually(t, "the check run", func() bool { return len(gh.CheckRuns(head)) == 1 })
	eventually(t, "the event's metrics", func() bool {
		return srv.metrics(t)[`connectbot_actions_total{kind="judge-pull-requests-at-head",status="done"}`] == 1
	})
	if n := len(gh.Comments(pr)); n != 1 {
		t.Errorf("%d comments, want 1", n)
	}
	if srv.stop(t) != exitOK {
		t.Error("did not stop cleanly")
	}
}

func TestServeMakesGoodAtStartUpWhatItMissedWhileDown(t *testing.T) {
	gh := seed(t)
	// While serve was down — every delivery lost — an application was
	// opened and a reviewer approved it.
	src, _ := os.ReadFile("../../applications/northwind-notes.cue")
	newco := strings.Replace(string(src), `maintainers: ["nwn-platform", "priya-castellano"]`, `maintainers: ["newco-dev"]`, 1)
	head := gh.Commit("newco", "Apply", map[string]string{"applications/newco.cue": newco})
	pr := gh.OpenPR(forgetest.PRSpec{Author: "newco-dev", Title: "Apply: Newco", Head: "newco"})
	gh.AddReview(pr, "rivera-reviews", "APPROVED", head)
	release := make(chan struct{})
	gh.Before("GET", "/repos/acme-program/connect/pulls", func() { <-release }) // holds the start-up tick

	srv := startServe(t, liveVars(gh), time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC))
	// Ready means taking and working on deliveries: the reconcile GitHub
	// holds up does not hold readiness up, nor liveness.
	for _, probe := range []string{"/livez", "/readyz", "/healthz"} {
		eventually(t, probe+" while the start-up reconcile is held", func() bool { code, _ := srv.get(t, probe); return code == http.StatusOK })
	}
	if runs := srv.metrics(t)[`connectbot_reconcile_runs_total{outcome="ok"}`]; runs != 0 {
		t.Fatalf("%v reconciles while GitHub holds the list of pull requests", runs)
	}
	close(release)
	eventually(t, "the first reconcile", func() bool { return srv.metrics(t)[`connectbot_reconcile_runs_total{outcome="ok"}`] == 1 })
	if !gh.PR(pr).Merged {
		t.Errorf("the approval given while serve was down was not acted on")
	}
	if runs, n := gh.CheckRuns(head), len(gh.Comments(pr)); len(runs) != 1 || n != 1 {
		t.Errorf("%d checks and %d comments, want one of each", len(runs), n)
	}
	m := srv.metrics(t)
	for series, want := range map[string]float64{
		`connectbot_actions_total{kind="reconcile",status="done"}`:    1,
		`connectbot_reconcile_runs_total{outcome="ok"}`:               1,
		`connectbot_reconcile_pull_requests_total{result="examined"}`: 1,
		`connectbot_reconcile_pull_requests_total{result="repaired"}`: 1,
		`connectbot_reconcile_pull_requests_total{result="failed"}`:   0,
		`connectbot_reconcile_oldest_unreconciled_seconds`:            0,
	} {
		if got, ok := m[series]; !ok || got != want {
			t.Errorf("%s = %v (present %v), want %v", series, got, ok, want)
		}
	}
}

func TestTwoServeReplicasReceivingEveryDeliveryWriteEverythingOnce(t *testing.T) {
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp)
	gh, pr, head, body := liveWorld(t)
	// A lapsed install window, so that both start-up ticks want the same
	// removal at once.
	vars := liveVars(gh)
	when := time.Date(2027, 1, 29, 12, 0, 0, 0, time.UTC)
	replicas := []*running{startServe(t, vars, when), startServe(t, vars, when)}
	var wg sync.WaitGroup
	for i, r := range replicas {
		for n := range 2 {
			wg.Go(func() {
				id := fmt.Sprintf("replica-%d-%d", i, n) // each replica sees the delivery, once or twice
				if code := r.deliver(t, id, "pull_request", webhook.Sign(body, []byte("s3cret")), bytes.NewReader(body)); code != http.StatusAccepted {
					t.Errorf("delivery %s: %d", id, code)
				}
			})
		}
	}
	wg.Wait()
	for _, r := range replicas {
		eventually(t, "ready", func() bool { code, _ := r.get(t, "/healthz"); return code == http.StatusOK })
		// Two deliveries about one pull request are one or two pieces of
		// work, as they come before or while it is worked on.
		eventually(t, "the deliveries handled", func() bool {
			m := r.metrics(t)
			return m[`connectbot_actions_total{kind="judge-pull-request",status="done"}`]+
				m[`connectbot_actions_total{kind="judge-pull-request",status="failed"}`] >= 1 && m[`connectbot_queue_keys`] == 0
		})
	}
	bot := 0
	for _, c := range gh.Comments(pr) {
		if c.Author == forgetest.BotLogin {
			bot++
		}
	}
	if runs := gh.CheckRuns(head); len(runs) != 1 || bot != 1 {
		t.Errorf("two replicas, each given the delivery twice: %d checks and %d comments, want one of each", len(runs), bot)
	}
	removals := 0
	for _, p := range gh.PRs() {
		if p.Head == "connectbot/remove/acme-sync" {
			removals++
		}
	}
	if removals != 1 {
		t.Errorf("%d removal pull requests from two start-up ticks, want 1", removals)
	}
}

// liveVars is serve's environment for a token on the fake GitHub gh, with
// the webhook secret "s3cret".
func liveVars(gh *forgetest.Server) map[string]string {
	return map[string]string{
		"CONNECTBOT_WEBHOOK_SECRET": "s3cret",
		"GITHUB_TOKEN":              gh.Token(),
		"CONNECTBOT_REPOSITORY":     gh.FullName(),
		"GITHUB_API_URL":            gh.URL(),
		"GITHUB_SERVER_URL":         gh.URL(),
		"CONNECTBOT_BOT_LOGIN":      forgetest.BotLogin,
	}
}

func TestServeTurnsTheApplicationFormIntoOnePullRequestAsActionDoes(t *testing.T) {
	gh := seed(t)
	srv := startServe(t, liveVars(gh), time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC))
	deliver := func(id, author, body string) int {
		issue, path := openIssue(t, gh, author, body)
		payload, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		if code := srv.deliver(t, id, "issues", webhook.Sign(payload, []byte("s3cret")), bytes.NewReader(payload)); code != http.StatusAccepted {
			t.Fatalf("signed issues delivery: %d", code)
		}
		return issue
	}

	// A stranger naming a company of the program: refused on the issue.
	refused := deliver("form-1", "mallory", companyForm("Acme Software Ltd", "acme-dev"))
	eventually(t, "the refusal", func() bool { return len(gh.Comments(refused)) == 1 })
	if body := gh.Comments(refused)[0].Body; !strings.Contains(body, "only its maintainers may apply for it") || len(gh.PRs()) != 0 {
		t.Errorf("answer %q, pull requests %+v", body, gh.PRs())
	}

	// A new company's form: one pull request, judged at once and green.
	opened := deliver("form-2", "tidy-dev", formBody)
	eventually(t, "the pull request's check", func() bool {
		prs := gh.PRs()
		return len(prs) == 1 && len(gh.CheckRuns(prs[0].HeadSHA)) > 0
	})
	pr := gh.PRs()[0]
	if runs := gh.CheckRuns(pr.HeadSHA); runs[len(runs)-1].Conclusion != "success" || pr.Head != "connectbot/apply/tidy-ledger" {
		t.Errorf("pull request %+v, checks %+v", pr, runs)
	}
	eventually(t, "the answer", func() bool { return len(gh.Comments(opened)) == 1 })
	eventually(t, "the events' metrics", func() bool {
		return srv.metrics(t)[`connectbot_actions_total{kind="application-form",status="done"}`] == 2
	})
}

func TestServeOpensAStepFormsPullRequestAndUpdatesItWhenTheIssueIsEdited(t *testing.T) {
	gh := seed(t)
	srv := startServe(t, liveVars(gh), time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC))
	send := func(id, path string) {
		payload, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		if code := srv.deliver(t, id, "issues", webhook.Sign(payload, []byte("s3cret")), bytes.NewReader(payload)); code != http.StatusAccepted {
			t.Fatalf("signed issues delivery: %d", code)
		}
	}
	first := stepBody(t, program.StepContact, map[string]string{issueform.FieldSlug: "acme-sync", issueform.FieldSupportPhone: "+44 20 7946 0000"})
	issue, opened := openIssue(t, gh, "acme-dev", first)
	send("step-1", opened)
	eventually(t, "the pull request's check", func() bool {
		prs := gh.PRs()
		return len(prs) == 1 && len(gh.CheckRuns(prs[0].HeadSHA)) > 0
	})
	pr := gh.PRs()[0]
	if runs := gh.CheckRuns(pr.HeadSHA); runs[len(runs)-1].Conclusion != "success" || pr.Head != "connectbot/contact/acme-sync" {
		t.Errorf("pull request %+v, checks %+v", pr, runs)
	}

	second := strings.Replace(first, "+44 20 7946 0000", "+44 20 7946 0001", 1)
	gh.EditIssue(issue, second) // GitHub holds the edit the delivery tells of
	send("step-2", editedIssue(t, issue, "acme-dev", first, second))
	eventually(t, "the updated pull request's check", func() bool {
		prs := gh.PRs()
		return len(prs) == 1 && prs[0].HeadSHA != pr.HeadSHA && len(gh.CheckRuns(prs[0].HeadSHA)) > 0
	})
	if _, app := loadHead(t, gh, gh.PRs()[0].HeadSHA, "applications/acme-sync.cue"); app.Support.Phone != "+44 20 7946 0001" {
		t.Errorf("support phone at the new head: %q", app.Support.Phone)
	}
}

// TestServeWithNoBaseBranchWorksOnTheRepositorysDefaultBranch: a program
// kept on trunk, with CONNECTBOT_BASE_BRANCH unset: serve's start-up
// reconcile judges the pull request into trunk, the repository's default
// branch.
func TestServeWithNoBaseBranchWorksOnTheRepositorysDefaultBranch(t *testing.T) {
	gh := seedOn(t, "trunk")
	acme, _ := gh.ReadFile("trunk", "applications/acme-sync.cue")
	head := gh.Commit("acme-edit", "Edit", map[string]string{"applications/acme-sync.cue": acme + "\n// an edit\n"})
	pr := gh.OpenPR(forgetest.PRSpec{Author: "acme-dev", Title: "Edit", Head: "acme-edit"})

	srv := startServe(t, liveVars(gh), time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC))
	eventually(t, "the start-up reconcile", func() bool { return srv.metrics(t)[`connectbot_reconcile_runs_total{outcome="ok"}`] >= 1 })
	if runs, n := gh.CheckRuns(head), len(gh.Comments(pr)); len(runs) != 1 || n != 1 {
		t.Errorf("%d checks and %d comments on the pull request into trunk, want one of each\n%s", len(runs), n, srv.stderr.String())
	}
}
