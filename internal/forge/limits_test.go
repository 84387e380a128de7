package forge_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"

	"github.com/connectbot/connectbot/internal/forge"
)

// TestHugeCheckRunGoesThrough publishes a check far over every limit
// GitHub sets on one, against the fake that enforces them: the summary and
// text are cut by bytes, titles and messages to their limits, and the
// annotations go 50 a request.
func TestHugeCheckRunGoesThrough(t *testing.T) {
	f := newFixture(t)
	_, sha := f.openPR(t, "acme-dev", "acme", map[string]string{"applications/acme.cue": "x\n"})
	var anns []forge.Annotation
	for i := range 130 {
		anns = append(anns, forge.Annotation{
			Path: "applications/acme.cue", StartLine: i + 1, Level: "failure",
			Title: strings.Repeat("ü", 300), Message: fmt.Sprintf("%d %s", i, strings.Repeat("é", 40_000)),
		})
	}
	f.srv.ResetCalls()
	res, err := f.client.CreateCheckRun(context.Background(), forge.CheckRun{
		Name: "connectbot", HeadSHA: sha, Conclusion: "failure", ExternalID: "base=abc;head=def",
		Title:       "130 errors",
		Summary:     strings.Repeat("é", 40_000), // 40,000 characters, 80,000 bytes
		Text:        strings.Repeat("🙂", 20_000),
		Annotations: anns,
	})
	if err != nil {
		t.Fatal(err)
	}
	var calls []string
	for _, c := range f.srv.Calls() {
		calls = append(calls, strings.TrimRight(c, "0123456789"))
	}
	want := []string{"POST " + api + "/check-runs", "PATCH " + api + "/check-runs/", "PATCH " + api + "/check-runs/"}
	if diff := cmp.Diff(want, calls); diff != "" {
		t.Errorf("calls (-want +got):\n%s", diff)
	}
	runs := f.srv.CheckRuns(sha)
	if len(runs) != 1 || runs[0].ID != res.ID {
		t.Fatalf("check runs %+v, want the one created", runs)
	}
	run := runs[0]
	for name, s := range map[string]string{"summary": run.Summary, "text": run.Text} {
		if len(s) > 65535 || len(s) < 65535-4 || !utf8.ValidString(s) || !strings.HasSuffix(s, "…") {
			t.Errorf("%s has %d bytes, want within 4 of 65535, cut at a character with …", name, len(s))
		}
	}
	if len(run.Annotations) != 130 {
		t.Fatalf("%d annotations stored, want 130", len(run.Annotations))
	}
	for i, a := range run.Annotations {
		if n := utf8.RuneCountInString(a.Title); n != 255 {
			t.Errorf("annotation %d: title of %d characters, want 255", i, n)
		}
		if len(a.Message) > 65536 || !strings.HasPrefix(a.Message, fmt.Sprintf("%d ", i)) || !utf8.ValidString(a.Message) {
			t.Errorf("annotation %d: message of %d bytes, want at most 65536, in order", i, len(a.Message))
		}
	}
	if run.ExternalID != "base=abc;head=def" {
		t.Errorf("external_id %q", run.ExternalID)
	}
}

func TestListCheckRuns(t *testing.T) {
	f := newFixture(t, func(o *forge.Options) { o.PageSize = 2 })
	_, sha := f.openPR(t, "acme-dev", "acme", map[string]string{"applications/acme.cue": "x\n"})
	ctx := context.Background()
	for i, name := range []string{"connectbot", "lint", "connectbot"} {
		if _, err := f.client.CreateCheckRun(ctx, forge.CheckRun{
			Name: name, HeadSHA: sha, Conclusion: "success", Summary: fmt.Sprintf("summary %d", i), ExternalID: fmt.Sprintf("run-%d", i),
		}); err != nil {
			t.Fatal(err)
		}
	}
	got, err := f.client.ListCheckRuns(ctx, sha, "connectbot")
	if err != nil {
		t.Fatal(err)
	}
	all := f.srv.CheckRuns(sha)
	want := []forge.CheckRunInfo{{
		ID: all[2].ID, Name: "connectbot", HeadSHA: sha, ExternalID: "run-2", Status: "completed", Conclusion: "success", Summary: "summary 2",
	}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("check runs (-want +got):\n%s", diff)
	}
	none, err := f.client.ListCheckRuns(ctx, sha, "nothing")
	if err != nil || len(none) != 0 {
		t.Errorf("a name no run has: %v, %v", none, err)
	}
}

// TestASpentRateLimitIsARateLimitError spends the fake's rate limit, which
// counts down as GitHub's does: the call past it returns a
// *RateLimitError for the primary limit, reset when the header says,
// without sleeping past MaxWait; once the window ends, calls go through
// again. The calls are comments: a GET answered 304 from the client's
// cache would cost nothing.
func TestASpentRateLimitIsARateLimitError(t *testing.T) {
	// The client's clock is early in the fake's first window, so the
	// reset is half an hour away: more than MaxWait.
	f := newFixture(t, func(o *forge.Options) {
		o.Now = func() time.Time { return time.Date(2026, 1, 1, 0, 30, 0, 0, time.UTC) }
	})
	n, _ := f.openPR(t, "acme-dev", "acme", map[string]string{"applications/acme.cue": "x\n"})
	f.srv.SetRateLimit(2, time.Hour)
	ctx := context.Background()
	for range 2 {
		if _, err := f.client.CreateComment(ctx, n, "spent"); err != nil {
			t.Fatal(err)
		}
	}
	_, err := f.client.CreateComment(ctx, n, "refused")
	var rle *forge.RateLimitError
	if !errors.As(err, &rle) || rle.Secondary {
		t.Fatalf("err = %v, want a primary *RateLimitError", err)
	}
	if from, to := time.Date(2026, 1, 1, 1, 0, 0, 0, time.UTC), time.Date(2026, 1, 1, 1, 1, 0, 0, time.UTC); rle.Reset.Before(from) || rle.Reset.After(to) {
		t.Errorf("reset %v, want the end of the fake's first hour", rle.Reset)
	}
	if got := f.sleeps.got(); len(got) != 0 {
		t.Errorf("slept %v; a reset past MaxWait is not waited for", got)
	}
	if got := len(f.srv.Comments(n)); got != 2 {
		t.Errorf("%d comments, want the two within the limit", got)
	}
	f.srv.AdvanceClock(time.Hour)
	if _, err := f.client.CreateComment(ctx, n, "after the window"); err != nil {
		t.Errorf("after the window: %v", err)
	}
}
