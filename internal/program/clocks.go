package program

import (
	"sort"

	"github.com/connectbot/connectbot/internal/application"
)

// The clocks of a beta: the install counts they read, the deadlines they
// run, and whether the listing came in time.

// installCounts returns the count to show — the live one when there is
// one, else the recorded — and every known count, live first. A count
// dated after the day of the decision is not evidence and is left out;
// with none left, both are nil.
func (d *decision) installCounts() (*Installs, []*Installs) {
	var counts []*Installs
	if live, ok := d.in.Installs[d.file.Slug]; ok && live.AsOf <= d.in.Now {
		counts = append(counts, &live)
	}
	rec := d.app.Program.Installs
	if rec.AsOf <= d.in.Now {
		counts = append(counts, &Installs{Count: rec.Count, AsOf: rec.AsOf, Source: SourceRecorded})
	}
	if len(counts) == 0 {
		return nil, nil
	}
	return counts[0], counts
}

// endCount returns the count a removal for a lapsed install window ending
// on end rests on. With an install source (in.Installs not nil) it is the
// source's count for the application taken on or after end, or nil while
// there is none: a source that leaves an application out, or that lags,
// has not shown it below the threshold. Without one it is the count the
// application is shown with (nil when it has none), the file being the
// program's record. ok is false while the removal must wait.
func (d *decision) endCount(end application.Date) (*Installs, bool) {
	if d.in.Installs == nil {
		return d.installs, true
	}
	if live, ok := d.in.Installs[d.file.Slug]; ok && live.AsOf >= end && live.AsOf <= d.in.Now {
		return &live, true
	}
	return nil, false
}

// proof returns a count that reached the certification threshold on or
// before end (any day, when end is nil), or nil.
func (d *decision) proof(end *application.Date) *Installs {
	for _, c := range d.counts {
		if m := d.measure(c, end); m.reached && m.inTime {
			return c
		}
	}
	return nil
}

// measured is a count held against the certification threshold and the
// end of a window: the one comparison both the decision and its evidence
// sentence read.
type measured struct {
	reached bool // the count is at least the threshold
	inTime  bool // it was taken on or before the end (always, with no end)
}

// measure compares c with the certification threshold and with end (nil
// for no end).
func (d *decision) measure(c *Installs, end *application.Date) measured {
	return measured{
		reached: c.Count >= d.in.Config.CertificationInstalls,
		inTime:  end == nil || c.AsOf <= *end,
	}
}

// deadlines returns the clocks running for the application, in due order.
func (d *decision) deadlines() []Deadline {
	p := d.app.Program
	cfg := d.in.Config
	out := []Deadline{}
	if p.Stage != application.StageBeta {
		return out
	}
	if due, ok := p.ListingDue(cfg.ListingDueDays); ok {
		out = append(out, Deadline{
			Kind: DeadlineListingInfo, Due: due, DaysLeft: d.in.Now.DaysUntil(due),
			Met: application.ListingSupplied(d.app.Listing, p, due, d.suppliedOn()),
		})
	}
	if p.ListingPublishedAt != nil {
		due := p.ListingPublishedAt.AddDays(cfg.InstallWindowDays)
		out = append(out, Deadline{
			Kind: DeadlineInstallWindow, Due: due, DaysLeft: d.in.Now.DaysUntil(due),
			Met: d.proof(&due) != nil,
		})
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Due < out[j].Due })
	return out
}

// suppliedOn is the first day the application's listing was complete in
// the history read, or nil.
func (d *decision) suppliedOn() *application.Date {
	if on, ok := d.in.ListingSuppliedOn[d.file.Slug]; ok {
		return &on
	}
	return nil
}

// ListingAsked names, in file order, the applications whose listing clock
// needs git history to decide: betas past their listing due date whose
// listing is incomplete today and was not published by then. Only they
// are looked up in ListingSuppliedOn; a run reads history for them alone.
func ListingAsked(files []application.File, cfg application.Config, now application.Date) []string {
	var out []string
	for i := range files {
		c := files[i].ClockInputs()
		if c == nil || c.Program.Stage != application.StageBeta {
			continue
		}
		due, ok := c.Program.ListingDue(cfg.ListingDueDays)
		if ok && now > due && !application.ListingSupplied(c.Listing, c.Program, due, nil) {
			out = append(out, files[i].Slug)
		}
	}
	return out
}

// listingDue returns the running listing clock, or nil.
func (d *decision) listingDue() *Deadline {
	for i := range d.clocks {
		if d.clocks[i].Kind == DeadlineListingInfo {
			return &d.clocks[i]
		}
	}
	return nil
}

// suppliedInTime reports whether the listing is known to have been
// supplied by its due date: published by then, or complete in a commit
// of the program's branch by then.
func (d *decision) suppliedInTime() bool {
	dl := d.listingDue()
	return dl != nil && application.ListingSuppliedInTime(d.app.Program, dl.Due, d.suppliedOn())
}

// listingLapsed reports whether the listing clock runs and its due date
// has passed, whether or not the listing has come since.
func (d *decision) listingLapsed() bool {
	dl := d.listingDue()
	return dl != nil && dl.DaysLeft < 0
}
