package policy

import (
	"fmt"
	"strings"

	"github.com/connectbot/connectbot/internal/application"
)

// SuppliedListings judges again, once git history is read, the listing of
// each beta that is incomplete today and was not published by its due
// date: supplied names the day its listing was complete in a commit of
// the program's branch (see program.Input.ListingSuppliedOn). One supplied
// on or before its due date was not overdue — Connect beta-2 removes who
// fail to supply it — but is damaged since: its overdue finding
// (connect/beta-2, the clock's own, which is not the file's fault) becomes
// an error to fix under connect/beta-1, at the same place.
func SuppliedListings(files []application.File, supplied map[string]application.Date, cfg application.Config) {
	for i := range files {
		f := &files[i]
		on, ok := supplied[f.Slug]
		if !ok || f.App == nil {
			continue
		}
		p := f.App.Program
		due, ok := p.ListingDue(cfg.ListingDueDays)
		if !ok || on > due {
			continue
		}
		for j, x := range f.Findings {
			if x.Rule != RuleBeta2 || x.Path != "listing" {
				continue
			}
			x.Rule = RuleBeta1
			x.Message = fmt.Sprintf("the listing was supplied on %s, within the %s after acceptance, but is now incomplete: add listing.%s again",
				on, application.Plural(cfg.ListingDueDays, "day"), strings.Join(f.App.Listing.Missing(), ", listing."))
			f.Findings[j] = x
		}
	}
}
