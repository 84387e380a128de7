package site

import (
	"cmp"
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/connectbot/connectbot/internal/application"
	"github.com/connectbot/connectbot/internal/program"
)

// link is an untrusted URL that may be shown as a link: Href is empty
// unless the URL is an absolute https URL with a host and no credentials,
// in which case the page links it; otherwise the page shows Text only.
type link struct {
	Text string
	Href string
}

// newLink vets an untrusted URL and shows the URL itself as the text.
func newLink(raw string) link { return newNamedLink("", raw) }

// newNamedLink vets an untrusted URL. A vetted link reads text (or the
// URL, if text is empty); a refused one shows the raw URL, unlinked, so a
// reader sees what the file says. html/template would already neutralise
// javascript: and friends; the directory goes further and links nothing
// but https, so a listing cannot send a reader over plain http, to a
// data: URL or to a mail client.
func newNamedLink(text, raw string) link {
	u, err := url.Parse(raw)
	if err != nil || u.Scheme != "https" || u.Hostname() == "" || u.User != nil || u.Opaque != "" || !validPort(u.Port()) {
		return link{Text: raw}
	}
	return link{Text: firstNonEmpty(text, raw), Href: u.String()}
}

// validPort accepts no port, or a TCP port number.
func validPort(p string) bool {
	if p == "" {
		return true
	}
	n, err := strconv.Atoi(p)
	return err == nil && n >= 1 && n <= 65535
}

// The directory's facets: certified partners, and every other listing (in
// beta, or in certification with its beta listing).
const (
	categoryPartner = "partner"
	categoryListed  = "listed"
)

// card is an integration as the directory lists it.
type card struct {
	Slug     string
	Name     string
	Company  string
	Tagline  string
	Partner  bool
	Href     string // the listing page, relative to the root
	Search   string // lower-case text the filter matches
	Category string // categoryPartner or categoryListed, for the facet filter
}

func newCard(f application.File, partner bool) card {
	app := f.App
	c := card{
		Slug:     f.Slug,
		Name:     app.Integration.Name,
		Company:  app.Company.Name,
		Tagline:  app.Listing.Tagline,
		Partner:  partner,
		Href:     ListingPath(f.Slug),
		Category: categoryListed,
	}
	if partner {
		c.Category = categoryPartner
	}
	c.Search = strings.ToLower(strings.Join([]string{c.Name, c.Company, c.Tagline, c.Slug}, " "))
	return c
}

// directory is the data of index.html.
type directory struct {
	Now      application.Date
	Cards    []card
	Partners int
}

// Others is how many listed integrations are not certified partners.
func (d directory) Others() int { return len(d.Cards) - d.Partners }

// listing is the data of one integration's page.
type listing struct {
	card
	Now         application.Date
	Website     link
	Description []string // paragraphs
	Setup       link
	SupportURL  link
	Support     application.Support
	Channels    string
	// FirstResponse is the support promise in words ("within 4 hours");
	// empty when the file makes none.
	FirstResponse string
	Privacy       link
	DataRequest   link
	DemoVideo     *link
	Scopes        []scopeView
	ListedSince   *application.Date
	PartnerFrom   *application.Date
}

// scopeView is one requested scope in plain words: what the program's
// catalogue says it grants and why the integration asks for it.
type scopeView struct {
	Name      string
	Grants    string
	Reason    string
	Sensitive bool
}

// catalogue is the scope catalogue page: every scope, by name.
type catalogue struct {
	Scopes []scopeView
}

func newCatalogue(cfg application.Config) catalogue {
	var c catalogue
	for name, info := range cfg.Scopes {
		c.Scopes = append(c.Scopes, scopeView{Name: name, Grants: info.Description, Sensitive: info.Sensitive})
	}
	slices.SortFunc(c.Scopes, func(a, b scopeView) int { return strings.Compare(a.Name, b.Name) })
	return c
}

// firstResponse says a first-response promise of hours in words: 0 is a
// promise to answer at once, within the hour.
func firstResponse(hours *int) string {
	switch {
	case hours == nil:
		return ""
	case *hours == 0:
		return "at once, within the hour"
	case *hours == 1:
		return "within 1 hour"
	}
	return fmt.Sprintf("within %d hours", *hours)
}

func newListing(c card, app *application.Application, cfg application.Config, now application.Date) listing {
	l := listing{
		card:          c,
		Now:           now,
		Website:       newNamedLink(app.Company.Name, app.Company.Website),
		Description:   paragraphs(app.Listing.Description),
		Setup:         newNamedLink("Setup instructions", app.Listing.SetupInstructionsURL),
		SupportURL:    newLink(firstNonEmpty(app.Listing.SupportURL, app.Support.URL)),
		Support:       app.Support,
		Channels:      strings.Join(app.Support.Channels, ", "),
		FirstResponse: firstResponse(app.Support.FirstResponseHours),
		Privacy:       newLink(app.Privacy.PolicyURL),
		DataRequest:   newLink(app.Privacy.DataRequestsURL),
		ListedSince:   app.Program.ListingPublishedAt,
	}
	if c.Partner {
		l.PartnerFrom = app.Program.LaunchDate
		if app.Certification != nil && app.Certification.DemoVideoURL != "" {
			v := newNamedLink("Watch the demo video", app.Certification.DemoVideoURL)
			l.DemoVideo = &v
		}
	}
	for _, s := range app.Integration.Scopes {
		info, known := cfg.Scopes[s.Name]
		v := scopeView{Name: s.Name, Reason: s.Reason, Sensitive: info.Sensitive}
		if known {
			v.Grants = info.Description
		}
		l.Scopes = append(l.Scopes, v)
	}
	return l
}

// firstNonEmpty returns the first non-empty string.
func firstNonEmpty(ss ...string) string {
	for _, s := range ss {
		if s != "" {
			return s
		}
	}
	return ""
}

// paragraphs splits a description on blank lines.
func paragraphs(s string) []string {
	var out []string
	for _, p := range strings.Split(strings.ReplaceAll(s, "\r\n", "\n"), "\n\n") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// Urgency classes of a dashboard row, most urgent first. The class names
// are the CSS classes that colour the row.
const (
	urgencyNow     = "act-now" // a clock lapsed, an action is planned, or the file is invalid
	urgencySoon    = "soon"    // an unmet deadline within the reminder horizon
	urgencyRunning = "running" // a clock runs, with time left
	urgencyQuiet   = "quiet"   // no clock runs
	urgencyClosed  = "closed"  // removed
)

var urgencyRank = map[string]int{urgencyNow: 0, urgencySoon: 1, urgencyRunning: 2, urgencyQuiet: 3, urgencyClosed: 4}

var urgencyWords = map[string]string{
	urgencyNow: "act now", urgencySoon: "soon", urgencyRunning: "clock running",
	urgencyQuiet: "no clock", urgencyClosed: "removed",
}

// dashboard is the data of program/index.html.
type dashboard struct {
	Now     application.Date
	Rows    []row
	Stages  []stageCount
	DueSoon []dueItem
	Actions []program.Action
	// Skipped are the rows the plan skips because their clock inputs
	// cannot be read or are invalid: a person must fix them on main.
	Skipped  []row
	Horizon  int // days ahead that count as soon: the largest reminder offset, at least a week
	Errors   int
	Warnings int
}

// row is one application on the dashboard.
type row struct {
	Order     int // position in the engine's status order
	Slug      string
	Name      string
	Company   string
	Href      string // listing page, relative to the root; empty if not listed
	Stage     application.Stage
	StageRank int
	Installs  *program.Installs
	Deadlines []deadlineView
	// NearestDays sorts rows by their nearest unmet deadline or launch.
	NearestDays int
	Next        string
	Actions     []program.Action
	Findings    []application.Finding
	Errors      int
	Warnings    int
	Urgency     string
	Rank        int
}

// StageName is the stage, or "unreadable" for a file that could not be
// read (it has findings, and no stage).
func (r row) StageName() string {
	if r.Stage == "" {
		return stageUnreadable
	}
	return string(r.Stage)
}

// UrgencyText says the row's urgency in words, so colour is never the
// only signal.
func (r row) UrgencyText() string { return urgencyWords[r.Urgency] }

// InstallsKey sorts rows by install count; rows without a count first.
func (r row) InstallsKey() int {
	if r.Installs == nil {
		return -1
	}
	return r.Installs.Count
}

// FindingsKey sorts rows by errors, then warnings: "errors.warnings"
// with the warnings zero-padded, so that it compares as a number.
func (r row) FindingsKey() string { return fmt.Sprintf("%d.%06d", r.Errors, r.Warnings) }

// noClock is NearestDays for a row without a running clock: it sorts last.
const noClock = 1 << 20

// stageUnreadable stands for the stage of a file that could not be read.
const stageUnreadable = "unreadable"

// deadlineView is one clock on the dashboard: a deadline from the engine,
// or an approved certification's launch date.
type deadlineView struct {
	program.Deadline
	Class string
}

// kindLaunch is the dashboard's name for the launch-date clock.
const kindLaunch = "launch"

// Left says the days left in words.
func (d deadlineView) Left() string {
	switch {
	case d.Met:
		return "met"
	case d.DaysLeft == 0 && d.Kind == kindLaunch:
		return "today"
	case d.DaysLeft == 0:
		return "due today"
	case d.DaysLeft < 0 && d.Kind == kindLaunch:
		return fmt.Sprintf("%s ago", application.Plural(-d.DaysLeft, "day"))
	case d.DaysLeft < 0:
		return fmt.Sprintf("lapsed %s ago", application.Plural(-d.DaysLeft, "day"))
	}
	return fmt.Sprintf("%s left", application.Plural(d.DaysLeft, "day"))
}

type stageCount struct {
	Stage string
	Count int
}

// dueItem is a deadline or launch within the horizon.
type dueItem struct {
	Day   application.Date
	Slug  string
	What  string
	Class string
}

// newDashboard lays out the engine's statuses and plan: the same rows as
// connectbot status, most urgent first — by urgency (a planned action or
// an error before a clock that merely runs), then by the nearest clock,
// launch dates included, then in the engine's order — with the plan's
// actions and the file's findings beside each.
func newDashboard(in Input) dashboard {
	files := make(map[string]application.File, len(in.Files))
	for _, f := range in.Files {
		files[f.Slug] = f
	}
	actions := map[string][]program.Action{}
	for _, a := range in.Plan.Actions {
		actions[a.Slug] = append(actions[a.Slug], a)
	}
	horizon := slices.Max(append([]int{7}, in.Config.ReminderDays...))
	d := dashboard{Now: in.Now, Actions: in.Plan.Actions, Horizon: horizon}
	counts := map[string]int{}
	for i, s := range in.Statuses {
		f := files[s.Slug]
		r := row{
			Order: i, Slug: s.Slug, Stage: s.Stage, StageRank: slices.Index(application.Stages, s.Stage),
			Installs: s.Installs, Next: s.Next, Actions: actions[s.Slug],
			Findings: f.Findings, Errors: f.Errors(), Warnings: len(f.Findings) - f.Errors(),
			NearestDays: noClock,
		}
		for _, dl := range s.Deadlines {
			r.Deadlines = append(r.Deadlines, deadlineView{Deadline: dl, Class: deadlineClass(dl, horizon)})
		}
		if f.App != nil {
			r.Name, r.Company = f.App.Integration.Name, f.App.Company.Name
			if listed, _ := Published(f, in.Now); listed {
				r.Href = ListingPath(s.Slug)
			}
		}
		// A file that fails the schema elsewhere keeps its launch date: its
		// program part is read alone.
		if c := f.ClockInputs(); c != nil {
			if launch, ok := launchClock(c.Program, in.Now); ok {
				r.Deadlines = append(r.Deadlines, deadlineView{Deadline: launch, Class: deadlineClass(launch, horizon)})
			}
		}
		for _, dl := range r.Deadlines {
			if dl.Met {
				continue
			}
			r.NearestDays = min(r.NearestDays, dl.DaysLeft)
			if dl.DaysLeft >= 0 && dl.DaysLeft <= horizon {
				what := dl.Kind + " due"
				if dl.Kind == kindLaunch {
					what = "launch"
				}
				d.DueSoon = append(d.DueSoon, dueItem{Day: dl.Due, Slug: s.Slug, What: what, Class: dl.Class})
			}
		}
		r.Urgency = urgency(s, r)
		r.Rank = urgencyRank[r.Urgency]
		d.Rows = append(d.Rows, r)
		if s.Skipped {
			d.Skipped = append(d.Skipped, r)
		}
		counts[r.StageName()]++
		d.Errors += r.Errors
		d.Warnings += r.Warnings
	}
	for _, st := range application.Stages {
		d.Stages = append(d.Stages, stageCount{Stage: string(st), Count: counts[string(st)]})
	}
	if n := counts[stageUnreadable]; n > 0 {
		d.Stages = append(d.Stages, stageCount{Stage: stageUnreadable, Count: n})
	}
	slices.SortStableFunc(d.Rows, func(a, b row) int { return cmp.Or(a.Rank-b.Rank, a.NearestDays-b.NearestDays) })
	slices.SortStableFunc(d.DueSoon, func(a, b dueItem) int {
		if a.Day != b.Day {
			return int(a.Day - b.Day)
		}
		return strings.Compare(a.Slug, b.Slug)
	})
	return d
}

// launchClock is the launch date of an approved certification
// application, as a clock; a partner's launch is behind it.
func launchClock(p application.ProgramState, now application.Date) (program.Deadline, bool) {
	launch, ok := p.ScheduledLaunch()
	if !ok {
		return program.Deadline{}, false
	}
	return program.Deadline{Kind: kindLaunch, Due: launch, DaysLeft: now.DaysUntil(launch)}, true
}

// deadlineClass colours one clock. A launch date that has come is due
// now (the plan launches it), not lapsed.
func deadlineClass(dl program.Deadline, horizon int) string {
	switch {
	case dl.Met:
		return urgencyQuiet
	case dl.DaysLeft < 0 || dl.Kind == kindLaunch && dl.DaysLeft == 0:
		return urgencyNow
	case dl.DaysLeft <= horizon:
		return urgencySoon
	}
	return urgencyRunning
}

// urgency is how urgently a row needs a person's attention: now when the
// plan acts on it (beyond a reminder), or its file has errors; else by its
// most urgent clock; soon if only a reminder is planned.
func urgency(s program.Status, r row) string {
	if s.Stage == application.StageRemoved {
		return urgencyClosed
	}
	acts := slices.ContainsFunc(r.Actions, func(a program.Action) bool { return a.Kind != program.KindRemind })
	if r.Errors > 0 || acts {
		return urgencyNow
	}
	best := urgencyQuiet
	for _, dl := range r.Deadlines {
		if urgencyRank[dl.Class] < urgencyRank[best] {
			best = dl.Class
		}
	}
	if best == urgencyQuiet && len(r.Actions) > 0 {
		return urgencySoon
	}
	return best
}
