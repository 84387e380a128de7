package program_test

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/connectbot/connectbot/internal/application"
	"github.com/connectbot/connectbot/internal/program"
)

// When program.cue names an install source, a removal for installs rests
// on the source's count taken on or after the window's last day: an
// answer that leaves an application out, or that is older than the
// window's end, proves nothing about it, and removes no one.
func TestAnInstallSourceWithoutTheCountRemovesNoOne(t *testing.T) {
	live := func(count int, asOf string) *program.Installs {
		return &program.Installs{Count: count, AsOf: day(asOf), Source: "live:installs.example"}
	}
	lapsedOn := func(c *program.Installs) act {
		return act{Kind: program.KindOpenRemovalPR, Slug: "acme", Reason: program.ReasonInstallWindowLapsed, Due: day("2026-05-30"), Installs: c}
	}
	openRemoval := []program.OpenPR{{Number: 7, Kind: program.KindOpenRemovalPR, Slug: "acme", Reason: program.ReasonInstallWindowLapsed}}
	tests := []struct {
		name     string
		file     application.File
		live     map[string]program.Installs
		open     []program.OpenPR
		now      string
		want     []act
		wantNext string
	}{
		{
			name: "the source counts other applications only, no removal on the recorded count",
			file: acmePublished(recorded(25, "2026-05-01")),
			live: map[string]program.Installs{"globex": *live(99, "2026-05-31")},
			now:  "2026-05-31", wantNext: "install-window lapsed on 2026-05-30: removal waits for the install source to count acme on or after 2026-05-30",
		},
		{
			name: "the source answers no count at all, no removal",
			file: acmePublished(recorded(25, "2026-05-01")),
			live: map[string]program.Installs{},
			now:  "2026-06-15", wantNext: "removal waits for the install source",
		},
		{
			name: "the source's count is older than the window's end, no removal yet",
			file: acmePublished(recorded(25, "2026-05-01")),
			live: map[string]program.Installs{"acme": *live(38, "2026-05-29")},
			now:  "2026-05-31", wantNext: "removal waits for the install source",
		},
		{
			name: "a recorded count after the window's end is not the source's, no removal",
			file: acmePublished(recorded(25, "2026-05-31")),
			live: map[string]program.Installs{},
			now:  "2026-05-31", wantNext: "removal waits for the install source",
		},
		{
			name: "the source's count on the window's last day, removal on it",
			file: acmePublished(recorded(25, "2026-05-01")),
			live: map[string]program.Installs{"acme": *live(38, "2026-05-30")},
			now:  "2026-05-31", want: []act{lapsedOn(live(38, "2026-05-30"))},
			wantNext: "install-window lapsed on 2026-05-30: removal",
		},
		{
			name: "no source named, removal on the recorded count as before",
			file: acmePublished(recorded(25, "2026-05-01")),
			now:  "2026-05-31", want: []act{lapsedOn(&program.Installs{Count: 25, AsOf: day("2026-05-01"), Source: program.SourceRecorded})},
			wantNext: "install-window lapsed on 2026-05-30: removal",
		},
		{
			name: "a removal open, the source leaves the application out: the pull request stays open",
			file: acmePublished(recorded(25, "2026-05-01")),
			live: map[string]program.Installs{},
			open: openRemoval,
			now:  "2026-06-02", wantNext: "open-removal-pr pull request #7 is open",
		},
		{
			name: "a removal open, the source counts 45 inside the window: close it",
			file: acmePublished(recorded(25, "2026-05-01")),
			live: map[string]program.Installs{"acme": *live(45, "2026-05-20")},
			open: openRemoval,
			now:  "2026-06-02", want: []act{
				{Kind: program.KindClosePR, Slug: "acme", Reason: "condition-no-longer-holds", Due: day("2026-06-02"), PR: 7, Installs: live(45, "2026-05-20")},
				{Kind: program.KindPromote, Slug: "acme", Reason: "installs-reached", Due: day("2026-05-20"), Installs: live(45, "2026-05-20")},
			},
			wantNext: "open-removal-pr pull request #7 is open",
		},
		{
			// Accepted on 2026-01-15, the listing was due on 2026-02-14 and
			// published only on 2026-03-01: it was not supplied in time.
			name: "the listing lapsed as well, removal for the listing, which needs no count",
			file: func() application.File {
				f := acmePublished(recorded(25, "2026-05-01"))
				f.App.Listing = nil
				f.App.Program.AcceptedAt = dayPtr("2026-01-15")
				return f
			}(),
			live: map[string]program.Installs{},
			now:  "2026-05-31", want: []act{removal("acme", program.ReasonListingOverdue, "2026-02-14")},
			wantNext: "listing-info lapsed on 2026-02-14: removal",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			statuses, plan := program.Decide(program.Input{
				Files: []application.File{tt.file}, Config: seedConfig(), Installs: tt.live, Open: tt.open, Now: day(tt.now),
			})
			got := actsWithInstalls(plan)
			for i := range got {
				if got[i].Kind == program.KindOpenRemovalPR && got[i].Reason == program.ReasonListingOverdue {
					got[i].Installs = nil
				}
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("plan (-want +got):\n%s", diff)
			}
			if next := statusOf(t, statuses, "acme").Next; !strings.HasPrefix(next, tt.wantNext) && !strings.Contains(next, tt.wantNext) {
				t.Errorf("next = %q, want it to say %q", next, tt.wantNext)
			}
		})
	}
}
