package site

import (
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
	if err != nil || u.Scheme != "https" || u.Host == "" || u.User != nil || u.Opaque != "" {
		return link{Text: raw}
	}
	return link{Text: firstNonEmpty(text, raw), Href: u.String()}
}

// card is an integration as the directory lists it.
type card struct {
	Slug     string
	Name     string
	Company  string
	Tagline  string
	Partner  bool
	Href     string // the listing page, relative to the root
	Search   string // lower-case text the filter matches
	Category string // "partner" or "beta", for the facet filter
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
		Category: "beta",
	}
	if partner {
		c.Category = "partner"
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

// Betas is how many listed integrations are not partners.
func (d directory) Betas() int { return len(d.Cards) - d.Partners }

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
	Privacy     link
	DataRequest link
	DemoVideo   *link
	Scopes      []scopeView
	ListedSince *application.Date
	PartnerFrom *application.Date
}

// scopeView is one requested scope in plain words: what the program's
// catalogue says it grants and why the integration asks for it.
type scopeView struct {
	Name      string
	Grants    string
	Reason    string
	Sensitive bool
}

func newListing(c card, app *application.Application, cfg application.Config, now application.Date) listing {
	l := listing{
		card:        c,
		Now:         now,
		Website:     newNamedLink(app.Company.Name, app.Company.Website),
		Description: paragraphs(app.Listing.Description),
		Setup:       newNamedLink("Setup instructions", app.Listing.SetupInstructionsURL),
		SupportURL:  newLink(firstNonEmpty(app.Listing.SupportURL, app.Support.URL)),
		Support:     app.Support,
		Channels:    strings.Join(app.Support.Channels, ", "),
		Privacy:     newLink(app.Privacy.PolicyURL),
		DataRequest: newLink(app.Privacy.DataRequestsURL),
		ListedSince: app.Program.ListingPublishedAt,
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

// dashboard is the data of program/index.html.
type dashboard struct {
	Now      application.Date
	Rows     []row
	Stages   []stageCount
	DueSoon  []dueItem
	Actions  []program.Action
	Horizon  int
	Errors   int
	Warnings int
}

// row is one application on the dashboard.
type row struct {
	Order     int // position in the status order, the default sort
	Slug      string
	Name      string
	Company   string
	Href      string // listing page, relative to the root; empty if not listed
	Stage     application.Stage
	StageRank int
	Installs  *program.Installs
	Deadlines []deadlineView
	// NearestDays sorts rows by their nearest unmet deadline.
	NearestDays string
	Next        string
	Actions     []program.Action
	Findings    []application.Finding
	Path        string
	Errors      int
	Warnings    int
	Urgency     string
	Rank        int
}

type deadlineView struct {
	program.Deadline
	Class string
}

// Left says the days left in words.
func (d deadlineView) Left() string {
	switch {
	case d.Met:
		return "met"
	case d.DaysLeft == 0:
		return "due today"
	case d.DaysLeft < 0:
		return fmt.Sprintf("lapsed %d days ago", -d.DaysLeft)
	case d.DaysLeft == 1:
		return "1 day left"
	}
	return fmt.Sprintf("%d days left", d.DaysLeft)
}

type stageCount struct {
	Stage application.Stage
	Count int
}

// dueItem is a deadline or launch in the coming week.
type dueItem struct {
	Day   application.Date
	Slug  string
	What  string
	Class string
}

var stageOrder = []application.Stage{
	application.StageApplied, application.StageBeta, application.StageCertification,
	application.StagePartner, application.StageRemoved,
}

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
	counts := map[application.Stage]int{}
	for i, s := range in.Statuses {
		f := files[s.Slug]
		r := row{
			Order: i, Slug: s.Slug, Stage: s.Stage, StageRank: slices.Index(stageOrder, s.Stage),
			Installs: s.Installs, Next: s.Next, Actions: actions[s.Slug],
			Findings: f.Findings, Path: f.Path, Errors: f.Errors(), Warnings: len(f.Findings) - f.Errors(),
		}
		if f.App != nil {
			r.Name, r.Company = f.App.Integration.Name, f.App.Company.Name
			if listed, _ := Published(f, in.Now); listed {
				r.Href = ListingPath(s.Slug)
			}
		}
		nearest := 1 << 20
		for _, dl := range s.Deadlines {
			v := deadlineView{Deadline: dl, Class: deadlineClass(dl, horizon)}
			r.Deadlines = append(r.Deadlines, v)
			if !dl.Met {
				nearest = min(nearest, dl.DaysLeft)
				if dl.DaysLeft >= 0 && dl.DaysLeft <= 7 {
					d.DueSoon = append(d.DueSoon, dueItem{Day: dl.Due, Slug: s.Slug, What: dl.Kind + " due", Class: v.Class})
				}
			}
		}
		r.NearestDays = strconv.Itoa(nearest)
		r.Urgency = urgency(s, r)
		r.Rank = urgencyRank[r.Urgency]
		d.Rows = append(d.Rows, r)
		counts[s.Stage]++
		d.Errors += r.Errors
		d.Warnings += r.Warnings
		if f.App != nil {
			p := f.App.Program
			if p.Stage == application.StageCertification && p.ApprovedAt != nil && p.LaunchDate != nil {
				if left := in.Now.DaysUntil(*p.LaunchDate); left >= 0 && left <= 7 {
					d.DueSoon = append(d.DueSoon, dueItem{Day: *p.LaunchDate, Slug: s.Slug, What: "launch", Class: urgencySoon})
				}
			}
		}
	}
	for _, st := range stageOrder {
		d.Stages = append(d.Stages, stageCount{Stage: st, Count: counts[st]})
	}
	slices.SortStableFunc(d.DueSoon, func(a, b dueItem) int {
		if a.Day != b.Day {
			return int(a.Day - b.Day)
		}
		return strings.Compare(a.Slug, b.Slug)
	})
	return d
}

func deadlineClass(dl program.Deadline, horizon int) string {
	switch {
	case dl.Met:
		return urgencyQuiet
	case dl.DaysLeft < 0:
		return urgencyNow
	case dl.DaysLeft <= horizon:
		return urgencySoon
	}
	return urgencyRunning
}

// urgency is how urgently a row needs a person's attention.
func urgency(s program.Status, r row) string {
	if s.Stage == application.StageRemoved {
		return urgencyClosed
	}
	if r.Errors > 0 || len(r.Actions) > 0 && slices.ContainsFunc(r.Actions, func(a program.Action) bool { return a.Kind != program.KindRemind }) {
		return urgencyNow
	}
	best := urgencyQuiet
	for _, dl := range r.Deadlines {
		if c := dl.Class; urgencyRank[c] < urgencyRank[best] {
			best = c
		}
	}
	if best == urgencyQuiet && len(r.Actions) > 0 {
		return urgencySoon
	}
	return best
}
