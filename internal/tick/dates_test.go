package tick_test

import (
	"context"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/connectbot/connectbot/internal/catalog"
)

// TestALateTickDatesEachChangeByItsClockNotByTheRun: a tick that runs
// days after clocks lapsed (the scheduler was down, say) proposes each
// removal dated its first lapsed day — the day after its due date — and
// a promotion dated the day its count was taken, not the day of the run.
func TestALateTickDatesEachChangeByItsClockNotByTheRun(t *testing.T) {
	srv := program(t, nil)
	if _, err := runner(t, srv).Run(context.Background(), day("2026-12-11")); err != nil {
		t.Fatal(err)
	}
	cat, _ := catalog.Default()
	got := map[string]string{}
	for _, pr := range srv.PRs() {
		slug := pr.Head[strings.LastIndex(pr.Head, "/")+1:]
		src, _ := srv.ReadFile(pr.Head, "applications/"+slug+".cue")
		f := cat.Application("applications/"+slug+".cue", []byte(src))
		if f.App == nil {
			t.Fatalf("%s: proposed file does not load", pr.Head)
		}
		p := f.App.Program
		row := p.History[len(p.History)-1]
		got[pr.Head] = "history " + row.Date.String() + " " + string(row.Stage)
		if p.Removed != nil {
			got[pr.Head] += ", removed " + p.Removed.At.String() + " " + p.Removed.Reason
		}
	}
	want := map[string]string{
		// The install window ended on 2026-10-18 with 31 installs.
		"connectbot/remove/tidewater-payroll": "history 2026-10-19 removed, removed 2026-10-19 installs-window-lapsed",
		// It ended on 2026-11-30.
		"connectbot/remove/ledgerly-books": "history 2026-12-01 removed, removed 2026-12-01 installs-window-lapsed",
		// The listing was due on 2026-12-10.
		"connectbot/remove/brightpath-forms": "history 2026-12-11 removed, removed 2026-12-11 listing-overdue",
		// 44 installs as of 2026-11-18 reached the 40 needed.
		"connectbot/promote/parcelpost-shipping": "history 2026-11-18 certification",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("what each pull request records (-want +got):\n%s", diff)
	}
}
