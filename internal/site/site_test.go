package site

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"net/url"
	"path"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"golang.org/x/net/html"

	"github.com/connectbot/connectbot/internal/application"
	"github.com/connectbot/connectbot/internal/policy"
	"github.com/connectbot/connectbot/internal/program"
)

func day(s string) application.Date { return application.MustParseDate(s) }

func dayPtr(s string) *application.Date {
	d := day(s)
	return &d
}

// app is a complete, valid application in beta, listed since 2026-10-30.
func app(slug string, edit ...func(*application.File)) application.File {
	f := application.File{
		Path: "applications/" + slug + ".cue",
		Slug: slug,
		App: &application.Application{
			Company:     application.Company{Name: "Acme Software Ltd", Website: "https://acme.example"},
			Maintainers: []string{"acme-dev"},
			Integration: application.Integration{
				Name: "Acme Sync", BuiltInHouse: true, Auth: "oauth2",
				Scopes: []application.Scope{{Name: "crm.objects.contacts.read", Reason: "Reads contacts to keep the address book in sync."}},
			},
			Support: application.Support{Channels: []string{"ticket"}, FirstResponseHours: new(24), URL: "https://acme.example/help"},
			Privacy: application.Privacy{PolicyURL: "https://acme.example/privacy", DataRequestsURL: "https://acme.example/privacy/requests", SecurityContact: "security@acme.example"},
			Listing: &application.Listing{
				Tagline: "Two-way contact sync", Description: "Keeps contacts in step.\n\nBoth ways.",
				SetupInstructionsURL: "https://acme.example/docs/connect", SupportURL: "https://acme.example/help",
			},
			Certification: &application.Certification{DemoVideoURL: "https://video.example/acme"},
			Program: application.ProgramState{
				Stage: application.StageBeta, Installs: application.Installs{Count: 23, AsOf: day("2026-11-20")},
				AcceptedAt: dayPtr("2026-10-12"), ListingPublishedAt: dayPtr("2026-10-30"),
			},
		},
	}
	for _, e := range edit {
		e(&f)
	}
	return f
}

func stage(s application.Stage) func(*application.File) {
	return func(f *application.File) { f.App.Program.Stage = s }
}

func launched(approved, launch string) func(*application.File) {
	return func(f *application.File) {
		if approved != "" {
			f.App.Program.ApprovedAt = dayPtr(approved)
		}
		f.App.Program.LaunchDate = dayPtr(launch)
	}
}

// stepsComplete completes the certification steps of a file: an App ID,
// a demo video and sales assets.
func stepsComplete(f *application.File) {
	f.App.Integration.AppID = "1234567"
	f.App.Certification = &application.Certification{DemoVideoURL: "https://video.example/acme", SalesAssets: []string{"https://acme.example/one-pager.pdf"}}
}

func TestPublished(t *testing.T) {
	now := day("2027-01-15")
	tests := []struct {
		name          string
		file          application.File
		listed, badge bool
	}{
		{"a beta listing published before today is listed", app("a"), true, false},
		{"a beta listing published today is listed", app("a", func(f *application.File) { f.App.Program.ListingPublishedAt = dayPtr("2027-01-15") }), true, false},
		{"a beta listing published tomorrow is not listed yet", app("a", func(f *application.File) { f.App.Program.ListingPublishedAt = dayPtr("2027-01-16") }), false, false},
		{"a beta without a publication date is not listed", app("a", func(f *application.File) { f.App.Program.ListingPublishedAt = nil }), false, false},
		{"an incomplete listing is not listed", app("a", func(f *application.File) { f.App.Listing.SetupInstructionsURL = "" }), false, false},
		{"a file with an error stays listed: taking a listing down is a program decision", app("a", func(f *application.File) {
			f.Findings = []application.Finding{{Rule: "developer/B6", Severity: application.SeverityError}}
		}), true, false},
		{"a file that could not be read is not listed", app("a", func(f *application.File) { f.App = nil }), false, false},
		{"a file whose name is not a slug is not listed", app("Bad Name", func(f *application.File) {}), false, false},
		{"a file with only warnings is listed", app("a", func(f *application.File) {
			f.Findings = []application.Finding{{Rule: "developer/B6", Severity: application.SeverityWarning}}
		}), true, false},
		{"an application still being reviewed is not listed", app("a", stage(application.StageApplied)), false, false},
		{"a removed integration is not listed", app("a", stage(application.StageRemoved)), false, false},
		{"a certification applicant keeps its beta listing", app("a", stage(application.StageCertification)), true, false},
		{"an approved certification is launched on its launch date", app("a", stage(application.StageCertification), launched("2026-12-01", "2027-01-15"), stepsComplete), true, true},
		{"an approved certification whose steps are incomplete is not launched on its launch date", app("a", stage(application.StageCertification), launched("2026-12-01", "2027-01-15")), true, false},
		{"an approved certification before its launch date keeps its beta listing", app("a", stage(application.StageCertification), launched("2026-12-01", "2027-01-16")), true, false},
		{"a launch date without approval launches nothing", app("a", stage(application.StageCertification), launched("", "2027-01-01")), true, false},
		{"a partner after its launch date is listed as a partner", app("a", stage(application.StagePartner), launched("2026-06-02", "2026-07-01")), true, true},
		{"a partner before its launch date shows only its beta listing", app("a", stage(application.StagePartner), launched("2026-12-01", "2027-02-01")), true, false},
		{"a partner that skipped beta does not appear before its launch date", app("a", stage(application.StagePartner), launched("2026-12-01", "2027-02-01"), func(f *application.File) {
			f.App.Program.ListingPublishedAt = nil
		}), false, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			listed, badge := Published(tt.file, now)
			if listed != tt.listed || badge != tt.badge {
				t.Errorf("Published = (listed %v, partner %v), want (%v, %v)", listed, badge, tt.listed, tt.badge)
			}
		})
	}
}

func TestNewLinkOnlyLinksHTTPS(t *testing.T) {
	tests := []struct {
		name, raw, wantHref string
	}{
		{"an https address is linked", "https://acme.example/docs?a=1#b", "https://acme.example/docs?a=1#b"},
		{"plain http is not linked", "http://acme.example/docs", ""},
		{"javascript is not linked", "javascript:alert(1)", ""},
		{"a data URL is not linked", "data:text/html,<script>alert(1)</script>", ""},
		{"mailto is not linked", "mailto:help@acme.example", ""},
		{"a relative path is not linked", "/docs", ""},
		{"a protocol-relative address is not linked", "//evil.example/x", ""},
		{"credentials in the address are not linked", "https://user:pass@acme.example/", ""},
		{"https without a host is not linked", "https:///path", ""},
		{"an unparsable address is not linked", "https://acme.example/%zz", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l := newNamedLink("Setup", tt.raw)
			if l.Href != tt.wantHref {
				t.Errorf("Href = %q, want %q", l.Href, tt.wantHref)
			}
			if l.Href == "" && l.Text != tt.raw {
				t.Errorf("an unlinked address shows %q, want the address itself %q", l.Text, tt.raw)
			}
		})
	}
}

// hostile is an application whose every text field tries to break out.
func hostile() application.File {
	return app("hostile-app", func(f *application.File) {
		a := f.App
		a.Integration.Name = `Evil <img src=x onerror=alert(1)>`
		a.Company.Name = `"><script>alert("company")</script>`
		a.Company.Website = "javascript:alert(1)"
		a.Listing.Tagline = `<script>alert("tagline")</script>`
		a.Listing.Description = `</p><a href="javascript:alert(1)" onclick="alert(2)">click</a>`
		a.Listing.SetupInstructionsURL = `http://insecure.example/" onmouseover="alert(3)`
		a.Listing.SupportURL = "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg=="
		a.Privacy.PolicyURL = "//evil.example/privacy"
		a.Support.Email = `<style>body{display:none}</style>`
		a.Integration.Scopes[0].Reason = `<iframe src="https://evil.example"></iframe>`
	})
}

func buildSite(t *testing.T, files ...application.File) map[string][]byte {
	t.Helper()
	now := day("2027-01-15")
	cfg := application.Config{ReminderDays: []int{7, 1}, CertificationInstalls: 40, ListingDueDays: 30, InstallWindowDays: 90,
		Scopes: map[string]application.ScopeInfo{"crm.objects.contacts.read": {Description: "Read contacts."}}}
	statuses, plan := program.Decide(program.Input{Files: files, Config: cfg, Now: now})
	s, err := Build(Input{Files: files, Config: cfg, Statuses: statuses, Plan: plan, Now: now, Stamp: now.Time()})
	if err != nil {
		t.Fatal(err)
	}
	out := map[string][]byte{}
	for _, f := range s.Files {
		out[f.Path] = f.Data
	}
	return out
}

// TestHostileTextStaysText builds a site with an application whose fields
// are all attacks and checks every page at the level of parsed HTML: the
// only elements are the site's own, no attribute is an event handler,
// every link is relative or https, and the only style and script are the
// site's, allowed by hash in the page's policy.
func TestHostileTextStaysText(t *testing.T) {
	pages := buildSite(t, app("acme-sync"), hostile())
	for _, p := range []string{IndexPath, ListingPath("hostile-app"), DashboardPath} {
		t.Run(p, func(t *testing.T) {
			data, ok := pages[p]
			if !ok {
				t.Fatalf("%s was not built", p)
			}
			checkSafeHTML(t, data)
			if !bytes.Contains(data, []byte(`&lt;script&gt;alert(&#34;tagline&#34;)&lt;/script&gt;`)) && p != DashboardPath {
				t.Errorf("the hostile tagline is not shown as escaped text")
			}
		})
	}
}

// siteElements are the elements the templates write; anything else in a
// page came from data.
var siteElements = map[string]bool{}

func init() {
	for _, e := range strings.Fields(`html head meta title style body header nav a main footer script
		h1 h2 p div label input output fieldset legend ul li span article section table thead tbody tr th td
		code dl dt dd small strong time details summary br bdi`) {
		siteElements[e] = true
	}
}

// checkSafeHTML walks a page token by token.
func checkSafeHTML(t *testing.T, data []byte) {
	t.Helper()
	z := html.NewTokenizer(bytes.NewReader(data))
	var csp string
	var inline []string // "style:<sha>" and "script:<sha>"
	var in string
	for {
		tt := z.Next()
		if tt == html.ErrorToken {
			break
		}
		tok := z.Token()
		switch tt {
		case html.StartTagToken, html.SelfClosingTagToken:
			if !siteElements[tok.Data] {
				t.Errorf("<%s> is not an element the site's templates write: %s", tok.Data, tok.String())
			}
			if tok.Data == "style" || tok.Data == "script" {
				in = tok.Data
			}
			for _, a := range tok.Attr {
				if strings.HasPrefix(strings.ToLower(a.Key), "on") {
					t.Errorf("inline event handler %s on <%s>", a.Key, tok.Data)
				}
				if a.Key == "src" {
					t.Errorf("<%s> loads %q", tok.Data, a.Val)
				}
				if a.Key == "href" {
					u, err := url.Parse(a.Val)
					if err != nil || (u.Scheme != "" && u.Scheme != "https") || strings.HasPrefix(a.Val, "//") {
						t.Errorf("link to %q: only relative and https links may appear", a.Val)
					}
				}
				if tok.Data == "meta" && a.Key == "http-equiv" && a.Val == "Content-Security-Policy" {
					for _, b := range tok.Attr {
						if b.Key == "content" {
							csp = b.Val
						}
					}
				}
			}
		case html.TextToken:
			if in != "" {
				sum := sha256.Sum256([]byte(tok.Data))
				inline = append(inline, fmt.Sprintf("%s-src 'sha256-%s'", in, base64.StdEncoding.EncodeToString(sum[:])))
			}
		case html.EndTagToken:
			in = ""
		}
	}
	if !strings.Contains(csp, "default-src 'none'") {
		t.Fatalf("no strict Content-Security-Policy meta tag; got %q", csp)
	}
	for _, src := range inline {
		if !strings.Contains(csp, src) {
			t.Errorf("inline %s is not allowed by the page's policy %q", src, csp)
		}
	}
	if n := len(inline); n < 1 || n > 2 {
		t.Errorf("%d inline style/script blocks, want the site's stylesheet and at most its script", n)
	}
}

func TestBuildListsWhatIsPublished(t *testing.T) {
	files := []application.File{
		app("acme-sync"),
		app("gone", stage(application.StageRemoved)),
		app("future-partner", stage(application.StagePartner), launched("2026-12-01", "2027-02-01"), func(f *application.File) {
			f.App.Program.ListingPublishedAt = nil
		}),
		app("partner", stage(application.StagePartner), launched("2026-06-01", "2026-07-01"), func(f *application.File) {
			f.App.Integration.Name = "Partner Sync"
		}),
		app("applicant", stage(application.StageApplied)),
	}
	pages := buildSite(t, files...)
	var got []string
	for p := range pages {
		got = append(got, p)
	}
	slices.Sort(got)
	want := []string{MarkerPath, "index.html", ListingPath("acme-sync"), ListingPath("partner"), CalendarPath, DashboardPath, policy.CataloguePage}
	slices.Sort(want)
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("site files (-want +got):\n%s", diff)
	}
	partner := string(pages[ListingPath("partner")])
	if !strings.Contains(partner, "Certified partner since 2026-07-01") || !strings.Contains(partner, "https://video.example/acme") {
		t.Errorf("the partner's page lacks its badge or demo video")
	}
	if beta := string(pages[ListingPath("acme-sync")]); strings.Contains(beta, "video.example") || strings.Contains(beta, "Certified partner since") {
		t.Errorf("a beta listing shows a partner's badge or demo video")
	}
	dash := string(pages[DashboardPath])
	for _, slug := range []string{"gone", "future-partner", "applicant", "acme-sync", "partner"} {
		if !strings.Contains(dash, ">"+slug+"<") {
			t.Errorf("the dashboard does not show %s", slug)
		}
	}
}

func TestBuildIsDeterministic(t *testing.T) {
	files := []application.File{app("b-app"), app("a-app"), app("c-app", stage(application.StagePartner), launched("2026-01-01", "2026-02-01"))}
	first := buildSite(t, files...)
	slices.Reverse(files)
	second := buildSite(t, files...)
	if diff := cmp.Diff(first, second); diff != "" {
		t.Errorf("two builds differ (-first +second):\n%s", diff)
	}
}

func TestContentSecurityPolicyAllowsNoScriptWhereNoneRuns(t *testing.T) {
	if got := ContentSecurityPolicy(false); !strings.Contains(got, "script-src 'none'") {
		t.Errorf("a page without script allows scripts: %q", got)
	}
	pages := buildSite(t, app("acme-sync"))
	if bytes.Contains(pages[ListingPath("acme-sync")], []byte("<script")) {
		t.Errorf("a listing page carries a script it does not need")
	}
}

// TestLinksStayInsideTheSite resolves every link that is not https against
// the page it is on: each must name a file of the site, so the site works
// from file:// and from a GitHub Pages project path alike.
func TestLinksStayInsideTheSite(t *testing.T) {
	pages := buildSite(t, app("acme-sync"), app("partner", stage(application.StagePartner), launched("2026-06-01", "2026-07-01")))
	checked := 0
	for p, data := range pages {
		if !strings.HasSuffix(p, ".html") {
			continue
		}
		z := html.NewTokenizer(bytes.NewReader(data))
		for tt := z.Next(); tt != html.ErrorToken; tt = z.Next() {
			tok := z.Token()
			for _, a := range tok.Attr {
				if a.Key != "href" || strings.HasPrefix(a.Val, "https://") {
					continue
				}
				u, err := url.Parse(a.Val)
				if err != nil {
					t.Errorf("%s: unparsable link %q", p, a.Val)
					continue
				}
				target := path.Join(path.Dir(p), u.Path)
				if _, ok := pages[target]; !ok {
					t.Errorf("%s links %q, which resolves to %s: not a file of the site", p, a.Val, target)
				}
				checked++
			}
		}
	}
	if checked < 10 {
		t.Errorf("only %d internal links checked", checked)
	}
}

func TestAnEmptyProgramStillBuildsEveryPage(t *testing.T) {
	pages := buildSite(t)
	for p, want := range map[string]string{
		IndexPath:     "No integrations are listed yet.",
		DashboardPath: "Nothing is planned for today.",
	} {
		if !bytes.Contains(pages[p], []byte(want)) {
			t.Errorf("%s does not say %q", p, want)
		}
		checkSafeHTML(t, pages[p])
	}
}

func TestTheDashboardPutsWhatNeedsActionFirst(t *testing.T) {
	files := []application.File{
		// Its install window closes in 40 days: a clock running.
		app("running", func(f *application.File) { f.App.Program.ListingPublishedAt = dayPtr("2026-11-25") }),
		// Approved, launching in 30 days: its launch date is a clock.
		app("launching", stage(application.StageCertification), launched("2027-01-10", "2027-02-14")),
		// 44 installs recorded inside its window: promotion is planned.
		app("promoted", func(f *application.File) { f.App.Program.Installs.Count = 44 }),
		app("gone", stage(application.StageRemoved)),
	}
	d := newDashboard(func() Input {
		now := day("2027-01-15")
		cfg := application.Config{ReminderDays: []int{7, 1}, CertificationInstalls: 40, ListingDueDays: 30, InstallWindowDays: 90}
		statuses, plan := program.Decide(program.Input{Files: files, Config: cfg, Now: now})
		return Input{Files: files, Config: cfg, Statuses: statuses, Plan: plan, Now: now}
	}())
	var got []string
	for _, r := range d.Rows {
		got = append(got, r.Slug+" "+r.Urgency)
	}
	want := []string{"promoted act-now", "launching running", "running running", "gone closed"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("rows (-want +got):\n%s", diff)
	}
	for _, r := range d.Rows {
		if r.Slug != "launching" {
			continue
		}
		var clocks []string
		for _, dl := range r.Deadlines {
			clocks = append(clocks, dl.Kind+" "+dl.Due.String()+" "+dl.Left())
		}
		if diff := cmp.Diff([]string{"launch 2027-02-14 30 days left"}, clocks); diff != "" {
			t.Errorf("the approved application's clocks (-want +got):\n%s", diff)
		}
	}
}

// TestTheDashboardKeepsTheLaunchDateOfAFileThatFailsTheSchema: an approved
// certification whose file fails the schema elsewhere (a changed
// program.cue, a new required field) keeps its clocks, the launch date
// among them, on the dashboard as in the status, which says why it waits.
func TestTheDashboardKeepsTheLaunchDateOfAFileThatFailsTheSchema(t *testing.T) {
	whole := app("launching", stage(application.StageCertification), launched("2027-01-10", "2027-01-20"), stepsComplete)
	partial := application.File{Path: whole.Path, Slug: whole.Slug, Clock: &application.Clock{Program: whole.App.Program}}
	now := day("2027-01-15")
	cfg := application.Config{ReminderDays: []int{7, 1}, CertificationInstalls: 40, ListingDueDays: 30, InstallWindowDays: 90}
	statuses, plan := program.Decide(program.Input{Files: []application.File{partial}, Config: cfg, Now: now})
	d := newDashboard(Input{Files: []application.File{partial}, Config: cfg, Statuses: statuses, Plan: plan, Now: now})
	var clocks, soon []string
	for _, dl := range d.Rows[0].Deadlines {
		clocks = append(clocks, dl.Kind+" "+dl.Due.String()+" "+dl.Left())
	}
	for _, it := range d.DueSoon {
		soon = append(soon, it.Slug+" "+it.What+" "+it.Day.String())
	}
	if diff := cmp.Diff([]string{"launch 2027-01-20 5 days left"}, clocks); diff != "" {
		t.Errorf("the row's clocks (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"launching launch 2027-01-20"}, soon); diff != "" {
		t.Errorf("due soon (-want +got):\n%s", diff)
	}
}

// TestTheDashboardSaysToFixAFileWhoseClocksCannotRun is issue 14's
// "status, plan and the dashboard show such a file as 'act now: fix this
// file on main'": a file whose clock inputs are invalid is listed under
// the plan as skipped, while one with an unrelated error keeps its clocks
// and its planned removal.
func TestTheDashboardSaysToFixAFileWhoseClocksCannotRun(t *testing.T) {
	// Both were accepted on 2026-09-01; on 2027-01-15 a window opened on
	// 2026-09-10 has lapsed.
	invalidDates := app("published-early", func(f *application.File) {
		f.App.Program.AcceptedAt, f.App.Program.ListingPublishedAt = dayPtr("2026-09-01"), dayPtr("2026-08-01")
		f.Findings = []application.Finding{{Rule: "connect/beta-5", Severity: application.SeverityError, Path: "program.listingPublishedAt",
			Message: "the listing cannot be published (2026-08-01) before the application was accepted (2026-09-01)", Line: 9, Column: 3}}
	})
	unrelated := app("slow-support", func(f *application.File) {
		f.App.Program.AcceptedAt, f.App.Program.ListingPublishedAt = dayPtr("2026-09-01"), dayPtr("2026-09-10")
		f.Findings = []application.Finding{{Rule: "connect/req-3", Severity: application.SeverityError, Path: "support.firstResponseHours",
			Message: "first response within 48 hours is too slow", Line: 6, Column: 3}}
	})
	dash := string(buildSite(t, invalidDates, unrelated)[DashboardPath])
	for _, want := range []string{
		"<li class=\"act-now\"><strong>published-early</strong>: act now: fix this file on main: program.listingPublishedAt:",
		"<strong>open-removal-pr</strong> slow-support (installs-window-lapsed)",
	} {
		if !strings.Contains(dash, want) {
			t.Errorf("the dashboard lacks %q", want)
		}
	}
	if strings.Contains(dash, "<strong>slow-support</strong>: act now") {
		t.Errorf("the dashboard lists a file whose clocks run as skipped")
	}
}

func TestAListingSaysItsFirstResponsePromiseInWords(t *testing.T) {
	hours := func(h *int) func(*application.File) {
		return func(f *application.File) { f.App.Support.FirstResponseHours = h }
	}
	tests := []struct {
		name  string
		hours *int
		want  string // "" for no first-response line at all
	}{
		{"a promise of 0 hours (Connect req-3 lets it be kept) is an answer at once", new(0), "<dt>First response</dt><dd>at once, within the hour</dd>"},
		{"a promise of 1 hour is singular", new(1), "<dt>First response</dt><dd>within 1 hour</dd>"},
		{"a promise of 24 hours is in hours", new(24), "<dt>First response</dt><dd>within 24 hours</dd>"},
		{"no promise shows no line", nil, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			page := string(buildSite(t, app("acme-sync", hours(tt.hours)))[ListingPath("acme-sync")])
			if tt.want == "" {
				if strings.Contains(page, "First response") {
					t.Errorf("a file without a promise shows a first-response line")
				}
				return
			}
			if !strings.Contains(page, tt.want) {
				t.Errorf("the page lacks %q", tt.want)
			}
		})
	}
}

// TestPreviewShowsTheListingAtAnyStage renders the listing page of an
// application that has no public page yet — an applicant, a beta before
// its listing is published — as it will look once published; a file with
// no listing, or that failed the schema, has nothing to preview.
func TestPreviewShowsTheListingAtAnyStage(t *testing.T) {
	now := day("2026-11-25")
	unpublished := func(f *application.File) { f.App.Program.ListingPublishedAt = nil }
	tests := []struct {
		name string
		file application.File
		want error
	}{
		{"an applicant's listing", app("acme-sync", stage(application.StageApplied), unpublished), nil},
		{"a beta's listing before it is published", app("acme-sync", unpublished), nil},
		{"a listed partner", app("acme-sync", stage(application.StagePartner), launched("2026-11-01", "2026-11-10")), nil},
		{"a file with no listing", app("acme-sync", func(f *application.File) { f.App.Listing = nil }), ErrNoPreview},
		{"a file that failed the schema", app("acme-sync", func(f *application.File) { f.App = nil }), ErrNoPreview},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if listed, _ := Published(tt.file, now); listed && tt.want == nil && tt.file.App.Program.Stage != application.StagePartner {
				t.Fatal("the case is published already; a preview is for pages that are not")
			}
			page, err := Preview(tt.file, application.Config{}, now)
			if err != tt.want {
				t.Fatalf("error %v, want %v", err, tt.want)
			}
			if tt.want != nil {
				return
			}
			for _, want := range []string{"Two-way contact sync", "Keeps contacts in step.", "https://acme.example/docs/connect"} {
				if !bytes.Contains(page, []byte(want)) {
					t.Errorf("the preview does not show %q", want)
				}
			}
		})
	}
}

// TestTheCatalogueListsEveryScope builds the scope catalogue page, which
// an unknown scope's finding links: every scope of the configuration, by
// name, with what it allows and whether it is sensitive.
func TestTheCatalogueListsEveryScope(t *testing.T) {
	pages := buildSite(t)
	page := string(pages[policy.CataloguePage])
	for _, want := range []string{`<tr id="crm.objects.contacts.read">`, "<code>crm.objects.contacts.read</code>", "Read contacts."} {
		if !strings.Contains(page, want) {
			t.Errorf("the catalogue page does not hold %q:\n%s", want, page)
		}
	}
	checkSafeHTML(t, pages[policy.CataloguePage])
}
