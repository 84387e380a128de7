package tick_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/connectbot/connectbot/internal/apply"
	engine "github.com/connectbot/connectbot/internal/program"
)

// TestAReminderWhoseDayHadNoTickIsPostedOnceOnALaterTick: brightpath-forms'
// listing is due 2026-12-10, its 7-day reminder on 2026-12-03. No tick ran
// that day; the tick of the next day posts the reminder, saying the days
// left that day, and the ticks after it post nothing more.
func TestAReminderWhoseDayHadNoTickIsPostedOnceOnALaterTick(t *testing.T) {
	srv := program(t, nil)
	r := runner(t, srv)
	ctx := context.Background()
	var done []int
	var rest [][]string
	for _, d := range []string{"2026-12-04", "2026-12-05", "2026-12-06"} {
		srv.ResetCalls()
		s, err := r.Run(ctx, day(d))
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for _, res := range s.Results {
			if res.Kind == engine.KindRemind && res.Status == apply.Done {
				n++
			}
		}
		done = append(done, n)
		rest = append(rest, restCalls(srv.Calls()))
	}
	if diff := cmp.Diff([]int{1, 0, 0}, done); diff != "" {
		t.Errorf("reminders posted by each tick (-want +got):\n%s", diff)
	}
	issues := srv.Issues()
	if len(issues) != 1 {
		t.Fatalf("tracking issues %+v, want brightpath-forms' one", issues)
	}
	// After it is posted: a read of the tracking issue's comments on the
	// catch-up day that plans it again, and past its catch-up days the one
	// request of a tick with nothing due.
	want := [][]string{
		{"GET /repos/acme-program/connect/pulls", "GET /repos/acme-program/connect/issues", fmt.Sprintf("GET /repos/acme-program/connect/issues/%d/comments", issues[0].Number)},
		{"GET /repos/acme-program/connect/pulls"},
	}
	if diff := cmp.Diff(want, rest[1:]); diff != "" {
		t.Errorf("REST requests of the second and third ticks (-want +got):\n%s", diff)
	}
	comments := srv.Comments(issues[0].Number)
	if len(comments) != 1 {
		t.Fatalf("%d reminders, want the 7-day one once: %+v", len(comments), comments)
	}
	body := comments[0].Body
	if !strings.Contains(body, "due 2026-12-10, in 6 days.") || !strings.Contains(body, "<!-- connectbot:remind brightpath-forms listing-info 2026-12-10 7 -->") {
		t.Errorf("reminder, want the 7-day one saying 6 days left:\n%s", body)
	}
}

// restCalls are the REST requests among calls, without git's.
func restCalls(calls []string) []string {
	var out []string
	for _, c := range calls {
		if strings.Contains(c, " /repos/") {
			out = append(out, c)
		}
	}
	return out
}
