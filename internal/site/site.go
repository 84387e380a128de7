// Package site builds the program's static website from the same files
// the bot validates: the integrations directory (every published listing),
// one listing page per integration, and the program dashboard for
// reviewers with the deadline calendar beside it.
//
// The Connect Program Policies say the program builds each integrator's
// listing page and adds it to the integrations directory, and that a
// certified partner's listing is launched on a coordinated date; this
// package decides which listings are public on a given day and renders
// them. Build is pure: it returns the files of the site, and the caller
// writes them.
//
// Every field of an application is untrusted. Pages are rendered with
// html/template, links are emitted only for https URLs, there are no
// inline event handlers, and each page carries a Content-Security-Policy
// that allows nothing but its own inline style and script, by hash.
package site

import (
	"bytes"
	"cmp"
	"errors"
	"fmt"
	"path"
	"runtime"
	"slices"
	"strings"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/connectbot/connectbot/internal/application"
	"github.com/connectbot/connectbot/internal/calendar"
	"github.com/connectbot/connectbot/internal/policy"
	"github.com/connectbot/connectbot/internal/program"
)

// Paths of the site's pages, relative to its root.
const (
	IndexPath     = "index.html"
	DashboardPath = "program/index.html"
	CalendarPath  = "program/deadlines.ics"
	// MarkerPath is a file that says the directory was written by
	// connectbot site, so a later build may replace it.
	MarkerPath = ".connectbot-site"
	// MarkerText is the marker's content.
	MarkerText = "Written by connectbot site; the whole directory is replaced on every build.\n"
)

// ListingPath is the path of an integration's listing page.
func ListingPath(slug string) string { return "integrations/" + slug + ".html" }

// Input is everything a build depends on, gathered beforehand.
type Input struct {
	// Files are the judged application files.
	Files []application.File
	// Config is the program configuration: the scope catalogue and the
	// reminder offsets that colour the dashboard.
	Config application.Config
	// Statuses and Plan are the engine's decision for Now.
	Statuses []program.Status
	Plan     program.Plan
	// Now is the day the site shows; Stamp is the moment it was built,
	// for the calendar feed.
	Now   application.Date
	Stamp time.Time
}

// File is one file of the site.
type File struct {
	Path string
	Data []byte
}

// Site is every file of a build, in path order.
type Site struct {
	Files []File
}

// Published reports whether an application's listing is public on day
// now, and whether it shows as a certified partner. It follows the
// program's state, not the file's findings: taking a listing down is a
// program decision (a removal, recorded in git), never a side effect of a
// rule or catalogue change that makes a merged file fail. So a file is
// listed when it was read (the schema held), its slug is a valid slug
// (it becomes a path), and its listing is complete, and:
//
//   - a partner from its launch date, with the badge (Connect cert-6); an
//     approved certification application whose launch date has come and
//     whose certification steps are complete is launched that day too,
//     before the bot's stage commit lands;
//   - otherwise an integration in beta, certification or partner from
//     listingPublishedAt: the beta listing stands until the launch, and an
//     integration that skipped beta has no page until then.
//
// Applicants and removed integrators have no page.
func Published(f application.File, now application.Date) (listed, partner bool) {
	app := f.App
	if app == nil || !policy.ValidSlug(f.Slug) || !app.Listing.Complete() {
		return false, false
	}
	p := app.Program
	launched := p.LaunchDate != nil && *p.LaunchDate <= now
	beta := p.ListingPublishedAt != nil && *p.ListingPublishedAt <= now
	switch p.Stage {
	case application.StagePartner:
		return launched || beta, launched
	case application.StageCertification:
		if launch, ok := p.ScheduledLaunch(); ok && launch <= now && app.CertificationStepsComplete() {
			return true, true
		}
		return beta, false
	case application.StageBeta:
		return beta, false
	}
	return false, false
}

// Build renders the whole site.
func Build(in Input) (Site, error) {
	r, err := newRenderer()
	if err != nil {
		return Site{}, err
	}
	var s Site
	add := func(p string, data []byte) { s.Files = append(s.Files, File{Path: p, Data: data}) }

	// The dashboard is one large page; it renders while the listing pages do.
	type rendered struct {
		data []byte
		err  error
	}
	dashboardDone := make(chan rendered, 1)
	go func() {
		data, err := r.render(pageSpec{template: "dashboard.html", path: DashboardPath, script: true}, in.Now, newDashboard(in))
		dashboardDone <- rendered{data, err}
	}()

	var cards []card
	var listed []application.File
	for _, f := range in.Files {
		ok, partner := Published(f, in.Now)
		if !ok {
			continue
		}
		cards = append(cards, newCard(f, partner))
		listed = append(listed, f)
	}
	pages, err := renderListings(r, cards, listed, in)
	if err != nil {
		return Site{}, err
	}
	s.Files = append(s.Files, pages...)
	slices.SortFunc(cards, func(a, b card) int {
		return cmp.Or(strings.Compare(strings.ToLower(a.Name), strings.ToLower(b.Name)), strings.Compare(a.Slug, b.Slug))
	})

	index, err := r.render(pageSpec{template: "index.html", path: IndexPath, script: true,
		description: "Every integration listed in the partner program's directory."},
		in.Now, directory{Now: in.Now, Cards: cards, Partners: countPartners(cards)})
	if err != nil {
		return Site{}, fmt.Errorf("directory: %w", err)
	}
	add(IndexPath, index)

	dash := <-dashboardDone
	if dash.err != nil {
		return Site{}, fmt.Errorf("dashboard: %w", dash.err)
	}
	add(DashboardPath, dash.data)

	var ics bytes.Buffer
	if err := calendar.Program(in.Statuses, in.Files, in.Stamp).WriteICS(&ics); err != nil {
		return Site{}, fmt.Errorf("calendar: %w", err)
	}
	add(CalendarPath, ics.Bytes())
	catalogue, err := r.render(pageSpec{template: "scopes.html", path: policy.CataloguePage,
		description: "Every OAuth scope an integration in the program may request."}, in.Now, newCatalogue(in.Config))
	if err != nil {
		return Site{}, fmt.Errorf("scope catalogue: %w", err)
	}
	add(policy.CataloguePage, catalogue)
	add(MarkerPath, []byte(MarkerText))

	slices.SortFunc(s.Files, func(a, b File) int { return strings.Compare(a.Path, b.Path) })
	return s, nil
}

// renderListings renders the listing pages on every core: html/template
// executes safely in parallel, and a site of ten thousand listings is
// mostly these pages.
func renderListings(r *renderer, cards []card, listed []application.File, in Input) ([]File, error) {
	pages := make([]File, len(cards))
	errs := make([]error, len(cards))
	var g errgroup.Group
	g.SetLimit(runtime.GOMAXPROCS(0))
	for i, c := range cards {
		g.Go(func() error {
			p := ListingPath(c.Slug)
			data, err := r.render(pageSpec{template: "listing.html", path: p, description: c.Tagline}, in.Now, newListing(c, listed[i].App, in.Config, in.Now))
			if err != nil {
				errs[i] = fmt.Errorf("listing page of %s: %w", c.Slug, err)
			}
			pages[i] = File{Path: p, Data: data}
			return nil
		})
	}
	g.Wait()
	if err := cmp.Or(errs...); err != nil {
		return nil, err // the first in the listings' order, whichever failed first
	}
	return pages, nil
}

// depth is how many directories below the root a page is, for the
// relative links that keep the site working from file:// and from a
// GitHub Pages project path alike.
func depth(p string) int { return strings.Count(path.Clean(p), "/") }

func countPartners(cards []card) int {
	n := 0
	for _, c := range cards {
		if c.Partner {
			n++
		}
	}
	return n
}

// ErrNoPreview is the error of a preview of a file that has no listing to
// show: it fails the schema, or has no listing yet.
var ErrNoPreview = errors.New("no listing to preview: the file must pass the schema and have a listing")

// Preview renders the listing page of one application as it will look once
// published, whatever its stage and dates: what an applicant, a beta or a
// reviewer checks before the page is public. Its links are relative to the
// site's root, as the published page's are.
func Preview(f application.File, cfg application.Config, now application.Date) ([]byte, error) {
	if f.App == nil || f.App.Listing == nil || !policy.ValidSlug(f.Slug) {
		return nil, ErrNoPreview
	}
	r, err := newRenderer()
	if err != nil {
		return nil, err
	}
	c := newCard(f, false)
	return r.render(pageSpec{template: "listing.html", path: ListingPath(f.Slug), description: c.Tagline}, now, newListing(c, f.App, cfg, now))
}
