package service

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/connectbot/connectbot/internal/application"
	"github.com/connectbot/connectbot/internal/program"
	"github.com/connectbot/connectbot/internal/webhook"
)

// syncBuffer is a log the service's goroutines write while a test reads.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

// lines returns each JSON log line's message and the attributes named in
// keys that it has, as "msg key=value ...".
func (s *syncBuffer) lines(t *testing.T, keys ...string) []string {
	t.Helper()
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []string
	for _, l := range strings.Split(strings.TrimSpace(s.b.String()), "\n") {
		if l == "" {
			continue
		}
		var m map[string]any
		if err := json.Unmarshal([]byte(l), &m); err != nil {
			t.Fatalf("log line is not JSON: %q", l)
		}
		line := m["msg"].(string)
		for _, k := range keys {
			if v, ok := m[k]; ok {
				line += " " + k + "=" + toString(v)
			}
		}
		out = append(out, line)
	}
	return out
}

func toString(v any) string {
	b, _ := json.Marshal(v)
	return strings.Trim(string(b), `"`)
}

// dryRun is a Config without credentials, on a loopback listener, logging
// to log, whose tick plans one removal.
func dryRun(t *testing.T, log io.Writer) Config {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	due, _ := application.ParseDate("2026-12-10")
	plan := program.Plan{Now: due + 1, Actions: []program.Action{
		{Kind: "open-removal-pr", Slug: "acme-sync", Reason: "listing-overdue", Due: due, Rule: "connect/beta-2"},
	}}
	return Config{
		Listener: ln, Secrets: [][]byte{[]byte("s3cret")}, Schedule: "@hourly",
		Budget: 5, Workers: 1, Grace: 5 * time.Second, RepoDir: "checkout",
		Plan:   func() (program.Plan, error) { return plan, nil },
		Holder: "test", Logger: slog.New(slog.NewJSONHandler(log, nil)),
		Now: func() time.Time { return time.Date(2026, 12, 11, 9, 0, 0, 0, time.UTC) },
	}
}

// start runs cfg until the test cancels it; wait returns what Run
// returned.
func start(t *testing.T, cfg Config) (cancel context.CancelFunc, wait func() error) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- Run(ctx, cfg) }()
	t.Cleanup(cancel)
	return cancel, func() error {
		select {
		case err := <-done:
			return err
		case <-time.After(30 * time.Second):
			t.Fatal("Run did not return")
			return nil
		}
	}
}

// readyAnswer asks url until it answers 200, for at most 30 seconds, and
// returns its last answer.
func readyAnswer(t *testing.T, url string) (int, string) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		resp, err := http.Get(url)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode == http.StatusOK || time.Now().After(deadline) {
			return resp.StatusCode, string(body)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func TestRunInDryRunLogsWhatADeliveryAndATickWouldDoThenStops(t *testing.T) {
	var log syncBuffer
	cfg := dryRun(t, &log)
	url := "http://" + cfg.Listener.Addr().String()
	cancel, wait := start(t, cfg)

	// The service listens before it is ready (/livez answers from the
	// start); a dry run, without credentials or a clone, becomes ready
	// at once after.
	code, body := readyAnswer(t, url+"/healthz")
	if code != http.StatusOK || body != "ok\n" {
		t.Errorf("/healthz without credentials: %d %q, want 200 \"ok\\n\"", code, body)
	}

	payload, err := os.ReadFile("../webhook/testdata/octokit-webhooks/pull_request/opened.payload.json")
	if err != nil {
		t.Fatal(err)
	}
	req, _ := http.NewRequest("POST", url+webhook.Path, bytes.NewReader(payload))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-GitHub-Event", "pull_request")
	req.Header.Set("X-GitHub-Delivery", "d-1")
	req.Header.Set("X-Hub-Signature-256", webhook.Sign(payload, []byte("s3cret")))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusAccepted {
		t.Errorf("signed delivery: %d, want 202", resp.StatusCode)
	}
	waitFor(t, "the delivery and the start-up tick", func() bool {
		n := 0
		for _, l := range log.lines(t) {
			if l == "would do" || l == "tick done" {
				n++
			}
		}
		return n == 3
	})
	cancel()
	if err := wait(); err != nil {
		t.Errorf("Run returned %v on cancel, want nil", err)
	}

	// The delivery and the tick run concurrently: compare in a fixed order,
	// without robfig/cron's own lines, which it logs when it gets to them.
	got := slices.DeleteFunc(log.lines(t, "credentials", "repository", "repo", "schedule", "delivery", "kind", "slug", "reason", "due", "rule", "actions"),
		func(l string) bool { return strings.HasPrefix(l, "scheduler: ") })
	want := []string{
		"connectbot serving credentials=none (dry run) repository= repo=checkout schedule=@hourly",
		"connectbot stopped",
		"stopping: no new deliveries; finishing the work under way and the queue",
		"tick done",
		"tick planned actions=1",
		"webhook accepted repo=Codertocat/Hello-World delivery=d-1",
		"would do kind=judge-pull-request",
		"would do kind=open-removal-pr slug=acme-sync reason=listing-overdue due=2026-12-10 rule=connect/beta-2",
	}
	slices.Sort(got)
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("log (-want +got):\n%s", diff)
	}
}

func TestRunReturnsErrServerStoppedWhenServingFails(t *testing.T) {
	var log syncBuffer
	cfg := dryRun(t, &log)
	_, wait := start(t, cfg)
	waitFor(t, "the service to start", func() bool { return len(log.lines(t)) > 0 })
	cfg.Listener.Close() // the server's Accept fails

	err := wait()
	if !errors.Is(err, ErrServerStopped) {
		t.Errorf("Run returned %v, want ErrServerStopped", err)
	}
	got := log.lines(t)
	if i := slices.Index(got, "the server stopped"); i < 0 || !slices.Contains(got[i:], "connectbot stopped") {
		t.Errorf("log %q: want \"the server stopped\", then a graceful stop", got)
	}
}

func TestRunRefusesToStartWhatCannotRun(t *testing.T) {
	// A port nobody listens on: whatever reaches it is refused.
	nobody, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	unserved := "http://" + nobody.Addr().String()
	nobody.Close()
	tests := []struct {
		name string
		edit func(*Config)
		want string
	}{
		{
			name: "a schedule the scheduler refuses",
			edit: func(c *Config) { c.Schedule = "every now and then" },
			want: "every now and then",
		},
		{
			name: "a GitHub App whose private key is no key",
			edit: func(c *Config) {
				c.Credentials = Credentials{AppID: 1, InstallationID: 2, Key: []byte("not a key")}
				c.GitHub = GitHub{Repo: "o/r", Owner: "o", Name: "r", APIURL: unserved, ServerURL: unserved, Base: "main"}
			},
			want: "GitHub App: ",
		},
		{
			name: "a token for a repository that cannot be cloned",
			edit: func(c *Config) {
				c.Credentials = Credentials{Token: "not-a-real-token"}
				c.GitHub = GitHub{Repo: "o/r", Owner: "o", Name: "r", APIURL: unserved, ServerURL: unserved, Base: "main"}
			},
			want: "connection refused",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var log syncBuffer
			cfg := dryRun(t, &log)
			tt.edit(&cfg)
			err := Run(context.Background(), cfg)
			if err == nil || !strings.Contains(err.Error(), tt.want) || errors.Is(err, ErrServerStopped) {
				t.Errorf("Run returned %v, want an error saying %q", err, tt.want)
			}
			// Open, Accept would time out; closed, it fails at once.
			cfg.Listener.(*net.TCPListener).SetDeadline(time.Now().Add(time.Second))
			if _, err := cfg.Listener.Accept(); !errors.Is(err, net.ErrClosed) {
				t.Errorf("the listener is still open after Run refused to start (Accept: %v)", err)
			}
		})
	}
}
