package forgetest_test

import (
	"encoding/json"
	"net/http"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/connectbot/connectbot/internal/forge/forgetest"
)

// TestAGivenClockDatesWhatHappensOnTheTestsDays: with SetClock, a review
// and a comment are dated by the test's clock, in the order they were
// made even when the clock stands still; without it, by the fixed clock
// from 2026-01-01.
func TestAGivenClockDatesWhatHappensOnTheTestsDays(t *testing.T) {
	var day atomic.Pointer[time.Time]
	set := func(s string) { d, _ := time.Parse(time.DateOnly, s); d = d.Add(9 * time.Hour); day.Store(&d) }
	srv := forgetest.NewServer(t, "octo-org", "hello-world")
	head := srv.Commit("feature", "Add acme", map[string]string{"applications/acme.cue": "v1\n"})
	n := srv.OpenPR(forgetest.PRSpec{Author: "integrator", Title: "Add acme", Head: "feature"})
	srv.AddReview(n, "early", "COMMENTED", head)

	srv.SetClock(func() time.Time { return *day.Load() })
	set("2026-11-25")
	srv.AddReview(n, "first", "APPROVED", head)
	srv.AddReview(n, "second", "APPROVED", head)
	set("2026-12-03")
	srv.AddReview(n, "third", "APPROVED", head)
	srv.AddComment(n, "third", "thanks")

	var got []string
	for _, r := range clockGet[[]struct {
		User        struct{ Login string } `json:"user"`
		SubmittedAt string                 `json:"submitted_at"`
	}](t, srv, testRepo+"/pulls/1/reviews") {
		got = append(got, r.User.Login+" "+r.SubmittedAt)
	}
	for _, c := range clockGet[[]struct {
		CreatedAt string `json:"created_at"`
	}](t, srv, testRepo+"/issues/1/comments") {
		got = append(got, "comment "+c.CreatedAt)
	}
	want := []string{
		"early 2026-01-01T00:00:04Z",
		"first 2026-11-25T09:00:00Z", "second 2026-11-25T09:00:01Z", "third 2026-12-03T09:00:00Z",
		"comment 2026-12-03T09:00:01Z",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("timestamps (-want +got):\n%s", diff)
	}
}

// clockGet GETs path from srv as its bot and decodes the answer.
func clockGet[T any](t *testing.T, srv *forgetest.Server, path string) T {
	t.Helper()
	req, _ := http.NewRequest("GET", srv.URL()+path, nil)
	req.Header.Set("Authorization", "token "+srv.Token())
	resp, err := srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var v T
	if err := json.NewDecoder(resp.Body).Decode(&v); err != nil {
		t.Fatalf("GET %s: %v", path, err)
	}
	return v
}
