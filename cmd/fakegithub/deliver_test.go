package main

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/connectbot/connectbot/internal/webhook"
)

// hooks is a webhook endpoint that checks each delivery with connectbot's
// own signature check and parser, and keeps a line for each.
type hooks struct {
	url   string
	mu    sync.Mutex
	lines []string
}

func newHooks(t *testing.T, secret string) *hooks {
	h := &hooks{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(r.Body)
		line := r.Header.Get("X-GitHub-Event")
		if err != nil {
			// A delivery cut off by the fake stopping is a lost delivery,
			// as on github.com; a test that counts lines sees it.
			line += ": cut off: " + err.Error()
		} else if err := webhook.Verify(r.Header.Get("X-Hub-Signature-256"), body, [][]byte{[]byte(secret)}); err != nil {
			line += ": " + err.Error()
		} else if ev, err := webhook.Parse(line, body); err != nil {
			line += ": " + err.Error()
		} else {
			if ev.Action != "" {
				line += " " + ev.Action
			}
			if ev.Number != 0 {
				line += fmt.Sprintf(" #%d", ev.Number)
			}
			if ev.Ref != "" {
				line += " " + ev.Ref
			}
			if ev.Sender != "" {
				line += " by " + ev.Sender
			}
		}
		h.mu.Lock()
		h.lines = append(h.lines, line)
		h.mu.Unlock()
		w.WriteHeader(http.StatusAccepted)
	}))
	t.Cleanup(srv.Close)
	h.url = srv.URL + "/webhook"
	return h
}

// waitFor polls until the endpoint has n deliveries, for 10s at most, and
// returns them.
func (h *hooks) waitFor(t *testing.T, n int) []string {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		h.mu.Lock()
		got := append([]string(nil), h.lines...)
		h.mu.Unlock()
		if len(got) >= n || time.Now().After(deadline) {
			return got
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// TestPushToAPullRequestBranchIsDelivered runs the command with a webhook:
// alice pushes a branch with the real git, opens a pull request with the
// REST API and pushes again, and the endpoint gets each event, signed with
// --secret and read by connectbot's webhook.Parse: the second push is a
// pull_request synchronize.
func TestPushToAPullRequestBranchIsDelivered(t *testing.T) {
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git is not on PATH: the end-to-end test needs the real git client")
	}
	const secret = "hook-secret"
	h := newHooks(t, secret)
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "README.md"), []byte("program\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	f := startFake(t, "--repo", dir, "--repository", "octo/program", "--user", "alice:alice-secret", "--webhook", h.url, "--secret", secret)
	work := t.TempDir()
	remote := strings.Replace(f.url, "http://", "http://alice:alice-secret@", 1) + "/octo/program.git"
	gitCmd(t, work, "clone", "-q", remote, "clone")
	clone := filepath.Join(work, "clone")
	gitCmd(t, clone, "checkout", "-q", "-b", "acme")
	for i, content := range []string{"v1\n", "v2\n"} {
		if err := os.WriteFile(filepath.Join(clone, "acme.cue"), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
		gitCmd(t, clone, "add", "acme.cue")
		gitCmd(t, clone, "commit", "-q", "-m", "acme "+content)
		gitCmd(t, clone, "push", "-q", "origin", "acme")
		if i == 0 {
			var opened struct{}
			f.api(t, "alice-secret", "POST", "/repos/octo/program/pulls", `{"title":"Add acme","head":"acme","base":"main"}`, http.StatusCreated, &opened)
		}
	}
	want := []string{
		"ping",
		"push refs/heads/acme by alice",
		"pull_request opened #1 by alice",
		"push refs/heads/acme by alice",
		"pull_request synchronize #1 by alice",
	}
	if diff := cmp.Diff(want, h.waitFor(t, len(want))); diff != "" {
		t.Errorf("deliveries (-want +got):\n%s", diff)
	}
	f.stop(t)
}

// faultedRun starts the command with --faults seed, makes 30 requests that
// each open an issue (some fail, as faults make them), stops it and
// returns its last line on stderr.
func faultedRun(t *testing.T, seed string) string {
	t.Helper()
	h := newHooks(t, "s")
	dir := t.TempDir()
	f := startFake(t, "--repo", dir, "--faults", seed, "--webhook", h.url, "--secret", "s")
	client := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}}
	for i := 0; i < 30; i++ {
		req, err := http.NewRequest("POST", f.url+"/repos/connectbot/program/issues", strings.NewReader(fmt.Sprintf(`{"title":"issue %d"}`, i)))
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Authorization", "token bot")
		if resp, err := client.Do(req); err == nil {
			resp.Body.Close()
		}
	}
	f.stop(t)
	lines := strings.Split(strings.TrimSpace(f.stderr.String()), "\n")
	return lines[len(lines)-1]
}

// TestFaultsComeFromTheSeedAndAreCounted runs the same requests twice
// under one seed and once under another: the counts printed on stop are
// the same for the same seed.
func TestFaultsComeFromTheSeedAndAreCounted(t *testing.T) {
	first, second, other := faultedRun(t, "12"), faultedRun(t, "12"), faultedRun(t, "11")
	if !strings.HasPrefix(first, "fakegithub: faults injected: ") {
		t.Fatalf("last line on stderr = %q, want the fault counts", first)
	}
	if first != second {
		t.Errorf("seed 12 twice: %q, then %q", first, second)
	}
	if first == other {
		t.Errorf("seeds 12 and 11 both gave %q", first)
	}
	t.Log(first)
	t.Log(other)
}
