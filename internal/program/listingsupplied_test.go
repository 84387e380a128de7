package program_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/connectbot/connectbot/internal/application"
	"github.com/connectbot/connectbot/internal/program"
)

// TestTheListingClockAsksWhetherTheListingWasSupplied holds the listing
// clock to Connect beta-2, "If you fail to supply the required site page
// within the first 30 days of acceptance, you will be removed": a listing
// supplied in time — published by its due date, or complete in a commit
// on the program's branch by then — and damaged later is not overdue;
// one never supplied in time is, and without git history a listing not
// published in time and incomplete today counts as not supplied.
func TestTheListingClockAsksWhetherTheListingWasSupplied(t *testing.T) {
	damaged := func(published string) application.File {
		f := acmeListingMissing() // accepted 2026-01-01: due 2026-01-31
		f.App.Listing = completeListing()
		f.App.Listing.Description = ""
		if published != "" {
			f.App.Program.ListingPublishedAt = dayPtr(published)
			f.App.Program.Installs = recorded(20, "2026-02-01")
		}
		return f
	}
	overdue := []act{removal("acme", program.ReasonListingOverdue, "2026-01-31")}
	tests := []struct {
		name     string
		file     application.File
		supplied map[string]application.Date
		want     []act
		wantMet  bool
	}{
		{"published in time and damaged later is not removed", damaged("2026-01-20"), nil, nil, true},
		{"complete in a commit on the due date and damaged later is not removed", damaged(""),
			map[string]application.Date{"acme": day("2026-01-31")}, nil, true},
		{"complete in a commit only after the due date is removed", damaged(""),
			map[string]application.Date{"acme": day("2026-02-01")}, overdue, false},
		{"never complete in the history read is removed", damaged(""), map[string]application.Date{}, overdue, false},
		{"without git history, incomplete and unpublished is removed", damaged(""), nil, overdue, false},
		{"published only after the due date, and never complete in time, is removed", damaged("2026-02-05"),
			map[string]application.Date{}, overdue, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			statuses, plan := program.Decide(program.Input{Files: []application.File{tt.file}, Config: seedConfig(),
				ListingSuppliedOn: tt.supplied, Now: day("2026-02-10")})
			if diff := cmp.Diff(tt.want, acts(plan)); diff != "" {
				t.Errorf("plan (-want +got):\n%s", diff)
			}
			dl := statusOf(t, statuses, "acme").Deadlines
			if len(dl) == 0 || dl[0].Kind != program.DeadlineListingInfo || dl[0].Met != tt.wantMet {
				t.Errorf("deadlines %+v, want the listing clock met %v", dl, tt.wantMet)
			}
		})
	}
}

// TestListingAskedNamesOnlyWhatHistoryCanAnswer: history is read only for
// a beta whose listing is incomplete today, was not published by its due
// date, and whose due date has passed.
func TestListingAskedNamesOnlyWhatHistoryCanAnswer(t *testing.T) {
	incomplete := acmeListingMissing()
	incomplete.Slug = "incomplete"
	complete := acmePublished(recorded(20, "2026-03-01"))
	complete.Slug = "complete"
	publishedInTime := acmePublished(recorded(20, "2026-03-01"))
	publishedInTime.Slug = "published"
	publishedInTime.App.Program.ListingPublishedAt = dayPtr("2026-02-20") // due 2026-03-03
	publishedInTime.App.Listing.Tagline = ""
	got := program.ListingAsked([]application.File{incomplete, complete, publishedInTime}, seedConfig(), day("2026-03-10"))
	if diff := cmp.Diff([]string{"incomplete"}, got); diff != "" {
		t.Errorf("asked (-want +got):\n%s", diff)
	}
	if got := program.ListingAsked([]application.File{incomplete}, seedConfig(), day("2026-01-31")); len(got) != 0 {
		t.Errorf("asked on the due date %v, want none", got)
	}
}

// TestARemovalForAListingSuppliedInTimeIsClosed: a listing-overdue removal
// opened for a listing that, it turns out, was supplied in time (published
// by its due date, or complete in a commit by then) has lost its ground
// and is closed; one for a listing that came only after the due date
// stays open.
func TestARemovalForAListingSuppliedInTimeIsClosed(t *testing.T) {
	damaged := acmeListingMissing() // accepted 2026-01-01: due 2026-01-31
	damaged.App.Listing = completeListing()
	damaged.App.Listing.Description = ""
	open := []program.OpenPR{{Number: 7, Kind: program.KindOpenRemovalPR, Slug: "acme", Reason: program.ReasonListingOverdue}}
	tests := []struct {
		name     string
		supplied map[string]application.Date
		want     []act
	}{
		{"complete in a commit on the due date: closed", map[string]application.Date{"acme": day("2026-01-31")},
			[]act{closePR("acme", 7, "2026-02-10")}},
		{"complete only after the due date: stays open", map[string]application.Date{"acme": day("2026-02-01")}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, plan := program.Decide(program.Input{Files: []application.File{damaged}, Config: seedConfig(), Open: open,
				ListingSuppliedOn: tt.supplied, Now: day("2026-02-10")})
			if diff := cmp.Diff(tt.want, acts(plan)); diff != "" {
				t.Errorf("plan (-want +got):\n%s", diff)
			}
		})
	}
}
