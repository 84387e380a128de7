package main

import (
	"bytes"
	"context"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/connectbot/connectbot/internal/forge"
	"github.com/connectbot/connectbot/internal/forge/forgetest"
	"github.com/connectbot/connectbot/internal/webhook"
)

// terminationWorld is acme-dev's pull request on the fake GitHub with
// okafor-pm's `/connectbot terminate` comment on it, and the comment's
// delivery as GitHub sends it (a recorded payload pointed at it).
func terminationWorld(t *testing.T) (gh *forgetest.Server, pr int, payload []byte) {
	t.Helper()
	gh = seed(t)
	acme, _ := os.ReadFile("../../applications/acme-sync.cue")
	gh.Commit("acme-edit", "Edit", map[string]string{"applications/acme-sync.cue": strings.Replace(string(acme), "Two-way contact sync", "Two-way sync", 1)})
	pr = gh.OpenPR(forgetest.PRSpec{Author: "acme-dev", Title: "Edit", Head: "acme-edit"})
	body := "/connectbot terminate acme-sync collects passwords"
	// The fake GitHub's clock is the payload's: GitHub dates the comment
	// and every answer after it by one clock.
	gh.SetClock(func() time.Time { return time.Date(2026, 11, 25, 10, 0, 0, 0, time.UTC) })
	id := gh.AddComment(pr, "okafor-pm", body)
	payload, err := os.ReadFile(delivery(t, "go-playground-webhooks/pull-request-issue-comment.json", pr, func(p map[string]any) {
		c := p["comment"].(map[string]any)
		c["id"], c["body"], c["created_at"] = id, body, "2026-11-25T10:00:00Z"
		c["user"].(map[string]any)["login"] = "okafor-pm"
	}))
	if err != nil {
		t.Fatal(err)
	}
	return gh, pr, payload
}

// closeRemovals has a reviewer close every open removal of acme-sync and
// returns their numbers.
func closeRemovals(t *testing.T, gh *forgetest.Server) []int {
	t.Helper()
	gh.AddUser("rivera-reviews", "rivera-token")
	reviewer, err := forge.New(forge.Options{BaseURL: gh.URL(), Token: "rivera-token", Owner: "acme-program", Repo: "connect",
		HTTPClient: gh.Client(), Sleep: func(time.Duration) {}})
	if err != nil {
		t.Fatal(err)
	}
	var closed []int
	for _, p := range gh.PRs() {
		if p.Head == "connectbot/remove/acme-sync" && p.State == "open" {
			if err := reviewer.ClosePR(context.Background(), p.Number); err != nil {
				t.Fatal(err)
			}
			closed = append(closed, p.Number)
		}
	}
	return closed
}

// terminationOutcome counts acme-sync's removal pull requests and
// connectbot's answers on pr.
func terminationOutcome(gh *forgetest.Server, pr int) (removals, answers int) {
	for _, p := range gh.PRs() {
		if p.Head == "connectbot/remove/acme-sync" {
			removals++
		}
	}
	for _, c := range gh.Comments(pr) {
		if c.Author == forgetest.BotLogin && strings.HasPrefix(c.Body, "<!-- connectbot:reply ") {
			answers++
		}
	}
	return removals, answers
}

func TestServeCarriesOutATerminationReplayedOnALaterDayOnce(t *testing.T) {
	gh, pr, payload := terminationWorld(t)
	sig := webhook.Sign(payload, []byte("s3cret"))
	deliverOn := func(day time.Time, id string) {
		srv := startServe(t, liveVars(gh), day)
		if code := srv.deliver(t, id, "issue_comment", sig, bytes.NewReader(payload)); code != http.StatusAccepted {
			t.Fatalf("delivery %s: %d", id, code)
		}
		eventually(t, "the comment handled", func() bool {
			m := srv.metrics(t)
			return m[`connectbot_actions_total{kind="judge-pull-request",status="done"}`]+m[`connectbot_actions_total{kind="judge-pull-request",status="failed"}`] == 1
		})
		eventually(t, "the start-up reconcile", func() bool { code, _ := srv.get(t, "/healthz"); return code == http.StatusOK })
		if srv.stop(t) != exitOK {
			t.Error("serve did not stop cleanly")
		}
	}
	deliverOn(time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC), "comment-1")
	if removals, answers := terminationOutcome(gh, pr); removals != 1 || answers != 1 {
		t.Fatalf("after the command: %d removals, %d answers; want one of each", removals, answers)
	}
	closed := closeRemovals(t, gh)
	// The same signed body, under a new delivery id, days later: GitHub's
	// "Redeliver", or anyone who kept a copy.
	deliverOn(time.Date(2026, 12, 3, 12, 0, 0, 0, time.UTC), "comment-1-replayed")
	if removals, answers := terminationOutcome(gh, pr); removals != 1 || answers != 1 || gh.PR(closed[0]).State != "closed" {
		t.Errorf("after the replay: %d removals, %d answers, #%d %s; want the one closed removal and one answer",
			removals, answers, closed[0], gh.PR(closed[0]).State)
	}
}

func TestActionReRunOnALaterDayCarriesOutATerminationOnce(t *testing.T) {
	gh, pr, payload := terminationWorld(t)
	path := t.TempDir() + "/event.json"
	if err := os.WriteFile(path, payload, 0o644); err != nil {
		t.Fatal(err)
	}
	runOn := func(day time.Time) {
		t.Setenv("GITHUB_EVENT_NAME", "issue_comment")
		t.Setenv("GITHUB_EVENT_PATH", path)
		t.Setenv("GITHUB_REPOSITORY", "acme-program/connect")
		t.Setenv("GITHUB_TOKEN", gh.Token())
		t.Setenv("GITHUB_API_URL", gh.URL())
		t.Setenv("GITHUB_SERVER_URL", gh.URL())
		t.Setenv("CONNECTBOT_BOT_LOGIN", forgetest.BotLogin)
		var stdout, stderr bytes.Buffer
		if code := Main([]string{"action"}, &stdout, &stderr, func() time.Time { return day }); code != 0 {
			t.Fatalf("action on %s: exit %d\n%s%s", day.Format(time.DateOnly), code, stdout.String(), stderr.String())
		}
	}
	runOn(time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC))
	if removals, answers := terminationOutcome(gh, pr); removals != 1 || answers != 1 {
		t.Fatalf("after the command: %d removals, %d answers; want one of each", removals, answers)
	}
	closeRemovals(t, gh)
	// The job re-run from the Actions page a week later.
	runOn(time.Date(2026, 12, 2, 12, 0, 0, 0, time.UTC))
	if removals, answers := terminationOutcome(gh, pr); removals != 1 || answers != 1 {
		t.Errorf("after the re-run: %d removals, %d answers; want the one closed removal and one answer", removals, answers)
	}
	src, _ := gh.ReadFile("connectbot/remove/acme-sync", "applications/acme-sync.cue")
	if !strings.Contains(src, `at:     "2026-11-25"`) {
		t.Errorf("the removal does not record 2026-11-25, the day the command was posted:\n%s", src)
	}
}
