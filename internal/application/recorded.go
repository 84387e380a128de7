package application

// RecordedDay is one day an application's program part records as having
// happened, with the path of the field that holds it.
type RecordedDay struct {
	Path string
	Day  Date
	// Stage is the stage a history row records; empty for the other
	// fields.
	Stage Stage
}

// Recorded lists the days the program part records as events that have
// happened — acceptance, listing publication, approval, removal and each
// history row — in that order. The launch date, a day planned ahead, and
// the install count's day (Installs.AsOf, evidence rather than an event)
// are not among them.
func (p ProgramState) Recorded() []RecordedDay {
	var out []RecordedDay
	for _, f := range []struct {
		path string
		day  *Date
	}{
		{"program.acceptedAt", p.AcceptedAt},
		{"program.listingPublishedAt", p.ListingPublishedAt},
		{"program.approvedAt", p.ApprovedAt},
	} {
		if f.day != nil {
			out = append(out, RecordedDay{Path: f.path, Day: *f.day})
		}
	}
	if p.Removed != nil {
		out = append(out, RecordedDay{Path: "program.removed.at", Day: p.Removed.At})
	}
	for i, h := range p.History {
		out = append(out, RecordedDay{Path: IndexPath("program.history", i) + ".date", Day: h.Date, Stage: h.Stage})
	}
	return out
}
