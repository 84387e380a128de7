package service

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/connectbot/connectbot/internal/forge/forgetest"
	"github.com/connectbot/connectbot/internal/metrics"
)

// judging lists the pull requests GitHub was asked about one by one
// (GET /pulls/N, the first read of judging one) among calls, in order,
// each once.
func judging(calls []string) []string {
	var out []string
	for _, c := range calls {
		if rest, ok := strings.CutPrefix(c, "GET /repos/acme-program/connect/pulls/"); ok && !strings.Contains(rest, "/") && !slices.Contains(out, "#"+rest) {
			out = append(out, "#"+rest)
		}
	}
	return out
}

// reconciling starts serve on gh, with no delivery but its own reconciles
// every 50 ms, and waits for it to be ready with its start-up reconcile
// done: its address, and how to stop it and wait for it.
func reconciling(t *testing.T, gh *forgetest.Server) (url string, cancel context.CancelFunc, wait func() error) {
	t.Helper()
	var log syncBuffer
	cfg := live(t, gh, "solo", time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC), &log)
	cfg.ReconcileEvery = 50 * time.Millisecond
	url = "http://" + cfg.Listener.Addr().String()
	cancel, wait = start(t, cfg)
	ready(t, url)
	return url, cancel, wait
}

// TestServesReconcilesJudgeNoPullRequestWithNothingNewButADeliveryIsNews:
// after the start-up reconcile wrote to every pull request, serve's
// periodic reconciles judge none of them (connectbot's own writes are not
// news); a delivery about one is judged all the same, as a delivery is
// news.
func TestServesReconcilesJudgeNoPullRequestWithNothingNewButADeliveryIsNews(t *testing.T) {
	gh := programRepo(t, "acme-sync.cue")
	const n = 3
	openApplications(t, gh, n)
	url, cancel, wait := reconciling(t, gh)
	runs := func() float64 { return reconciles(t, url) }
	if got := judged(gh, n); got != n {
		t.Fatalf("after the start-up reconcile %d pull requests judged, want %d", got, n)
	}

	// Counted from a pass that began after the reset: the one under way
	// may have read before it.
	gh.ResetCalls()
	before := runs()
	waitLong(t, "two reconciles after the start-up one", func() bool { return runs() >= before+3 })
	if got := judging(gh.Calls()); len(got) != 0 {
		t.Errorf("periodic reconciles with nothing new judged %v, want none", got)
	}

	gh.ResetCalls()
	if status := deliverPullRequest(t, url, 2, "d-2"); status != http.StatusAccepted {
		t.Fatalf("the delivery: %d, want 202", status)
	}
	waitLong(t, "the delivered pull request judged", func() bool { return slices.Contains(judging(gh.Calls()), "#2") })
	before = runs()
	waitLong(t, "two reconciles after the delivery", func() bool { return runs() >= before+3 })
	if diff := fmt.Sprint(judging(gh.Calls())); diff != "[#2]" {
		t.Errorf("after a delivery about #2 judged %s, want [#2]", diff)
	}
	cancel()
	if err := wait(); err != nil {
		t.Errorf("Run: %v", err)
	}
}

// TestServeForgetsTheSettledPullRequestsThatClosed: serve remembers the
// pull requests its reconciles found settled, and forgets one once it is
// closed, at the next reconcile, so that what it remembers is bounded by
// the open pull requests, not by every one it has ever seen.
func TestServeForgetsTheSettledPullRequestsThatClosed(t *testing.T) {
	gh := programRepo(t, "acme-sync.cue")
	const n = 3
	openApplications(t, gh, n)
	url, cancel, wait := reconciling(t, gh)
	settled := func() float64 { return scrape(t, url)[metrics.SettledPRs] }
	waitLong(t, "every pull request settled", func() bool { return settled() == n })
	gh.ClosePR(2, "dev-2")
	before := reconciles(t, url)
	waitLong(t, "two reconciles after the close", func() bool { return reconciles(t, url) >= before+2 })
	if got := settled(); got != n-1 {
		t.Errorf("%s = %v after #2 closed, want %d", metrics.SettledPRs, got, n-1)
	}
	cancel()
	if err := wait(); err != nil {
		t.Errorf("Run: %v", err)
	}
}
