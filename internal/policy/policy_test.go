package policy_test

import (
	"maps"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/connectbot/connectbot/internal/application"
	"github.com/connectbot/connectbot/internal/policy"
)

// result is the part of a finding each case pins down: which rule, how bad
// and where. Messages are for people and are covered by golden files.
type result struct {
	Rule     string
	Severity application.Severity
	Path     string
	// Flagged is true for a warning the reviewer checklist lists.
	Flagged bool
}

func failing(rule, path string) result {
	return result{Rule: rule, Severity: application.SeverityError, Path: path}
}

func warning(rule, path string) result {
	return result{Rule: rule, Severity: application.SeverityWarning, Path: path}
}

// day reads a "YYYY-MM-DD" date written in a test.
func day(s string) application.Date { return application.MustParseDate(s) }

func dayPtr(s string) *application.Date {
	d := day(s)
	return &d
}

// defaultNow is the day every case is checked on unless it says otherwise:
// two weeks into the base application's 30 days to supply its listing.
const defaultNow = "2026-01-15"

// testConfig is the program configuration with the seed's numbers.
func testConfig() application.Config {
	return application.Config{
		MinInstalls:           10,
		CertificationInstalls: 40,
		ListingDueDays:        30,
		InstallWindowDays:     90,
		SupportResponseHours:  24,
		ReminderDays:          []int{7, 1},
		BrandTerms:            []string{"HubSpot"},
		ProtectedNames:        []string{"Globex"},
		VulgarTerms:           []string{"crap"},
		BrandAliases:          defaults().BrandAliases,
		ClaimWords:            defaults().ClaimWords,
		Certifiers:            defaults().Certifiers,
		ObjectNames:           defaults().ObjectNames,
		WeakReasons:           []string{"n/a", "TBD", "none", "same as above", "not used yet", "siehe oben", "pas encore utilisé", "aún no se usa", "igual acima", "未使用"},
		Scopes: map[string]application.ScopeInfo{
			"crm.objects.contacts.read":   {Description: "read contacts"},
			"crm.objects.contacts.write":  {Description: "create and update contacts"},
			"crm.objects.deals.write":     {Description: "create and update deals"},
			"crm.objects.companies.write": {Description: "create and update companies"},
			"payments.read":               {Description: "read payment records", Sensitive: true},
		},
	}
}

// validApp returns, afresh on every call, a beta application with every
// field filled that produces no finding at all on defaultNow. ApprovedAt,
// LaunchDate and Removed stay empty: a beta application may not have them.
func validApp() application.Application {
	return application.Application{
		Company:     application.Company{Name: "Acme Software Ltd", Website: "https://acme.example"},
		Maintainers: []string{"acme-dev", "acme-ops"},
		Integration: application.Integration{
			Name:         "Acme Sync for HubSpot",
			BuiltInHouse: true,
			Auth:         "oauth2",
			AppID:        "1234567",
			Scopes: []application.Scope{
				{Name: "crm.objects.contacts.read", Reason: "Reads contacts to keep Acme's address book in sync."},
				{Name: "crm.objects.contacts.write", Reason: "Writes back contacts edited in Acme so both sides match."},
			},
		},
		Support: application.Support{
			Channels:           []string{"ticket", "email"},
			FirstResponseHours: new(24),
			URL:                "https://acme.example/help",
			Email:              "help@acme.example",
			Phone:              "+44 20 7946 0000",
		},
		Privacy: application.Privacy{
			PolicyURL:       "https://acme.example/privacy",
			DataRequestsURL: "https://acme.example/privacy/requests",
			SecurityContact: "security@acme.example",
			SensitiveData:   new(false),
		},
		Security: application.Security{Authentication: true, LoginAuditing: true},
		Attestations: application.Attestations{DeveloperTerms: true, NoSaleOfCustomerData: true, LawfulBasis: true,
			CredentialHandling: true, CustomerConsent: true},
		Listing: &application.Listing{
			Tagline:              "Two-way contact sync",
			Description:          "Keeps contacts in step between Acme and the CRM, both ways, every five minutes.",
			SetupInstructionsURL: "https://acme.example/docs/connect",
			SupportURL:           "https://acme.example/help",
		},
		Certification: &application.Certification{
			DemoVideoURL: "https://video.example/acme",
			SalesAssets:  []string{"https://acme.example/one-pager.pdf", "https://acme.example/deck.pdf"},
		},
		Program: application.ProgramState{
			Stage:              application.StageBeta,
			Installs:           application.Installs{Count: 23, AsOf: day("2026-01-14")},
			AcceptedAt:         dayPtr("2026-01-01"),
			ListingPublishedAt: dayPtr("2026-01-10"),
			Feedback: []application.Feedback{
				{ID: "FB-1", Text: "Show the sync status on the settings page.", Status: application.FeedbackAddressed},
			},
			History: []application.HistoryRow{
				{Date: day("2025-12-20"), Stage: application.StageApplied, By: "acme-dev", Ref: "#3"},
				{Date: day("2026-01-01"), Stage: application.StageBeta, By: "rivera-reviews", Ref: "#12"},
			},
		},
	}
}

// testPositions says where a few fields of the base application are
// written; the rest are found through their nearest written ancestor, or
// fall back to 1:1 (nothing under privacy is written here).
func testPositions() application.Positions {
	return application.Positions{
		"company":                    {Line: 2, Column: 1},
		"maintainers":                {Line: 3, Column: 1},
		"integration":                {Line: 4, Column: 1},
		"integration.name":           {Line: 5, Column: 2},
		"integration.appId":          {Line: 8, Column: 2},
		"integration.scopes":         {Line: 9, Column: 2},
		"integration.scopes[0]":      {Line: 10, Column: 3},
		"integration.scopes[1]":      {Line: 11, Column: 3},
		"integration.scopes[1].name": {Line: 11, Column: 4},
		"support":                    {Line: 14, Column: 1},
		"listing":                    {Line: 22, Column: 1},
		"program":                    {Line: 28, Column: 1},
		"program.installs":           {Line: 30, Column: 2},
	}
}

// newFile wraps an application as the loader would hand it over.
func newFile(slug string, app application.Application) application.File {
	return application.File{
		Path:      "applications/" + slug + ".cue",
		Slug:      slug,
		App:       &app,
		Positions: testPositions(),
	}
}

// Stage changes used by many cases; each leaves the base otherwise valid.

func toApplied(a *application.Application) {
	a.Program.Stage = application.StageApplied
	a.Program.AcceptedAt = nil
	a.Program.ListingPublishedAt = nil
}

func toCertification(a *application.Application) {
	a.Program.Stage = application.StageCertification
}

func toApproved(a *application.Application) {
	toCertification(a)
	a.Program.ApprovedAt = dayPtr("2026-01-10")
}

func toPartner(a *application.Application) {
	a.Program.Stage = application.StagePartner
	a.Program.ApprovedAt = dayPtr("2026-01-10")
	a.Program.LaunchDate = dayPtr("2026-01-12")
}

func toRemoved(a *application.Application) {
	a.Program.Stage = application.StageRemoved
	a.Program.Removed = &application.Removal{At: day("2026-01-14"), Reason: "listing-overdue", By: "connectbot"}
}

// withoutListing drops the listing before it was ever published.
func withoutListing(a *application.Application) {
	a.Listing = nil
	a.Program.ListingPublishedAt = nil
}

// vulgar sets the program's vulgar word list.
func vulgar(terms ...string) func(*application.Config) {
	return func(c *application.Config) { c.VulgarTerms = terms }
}

func setScopes(scopes ...application.Scope) func(*application.Application) {
	return func(a *application.Application) { a.Integration.Scopes = scopes }
}

func scope(name, reason string) application.Scope {
	return application.Scope{Name: name, Reason: reason}
}

// checkCase is one application checked alone.
type checkCase struct {
	name string
	// config changes the program configuration; nil keeps testConfig.
	config func(*application.Config)
	// now is the day of the check; "" means defaultNow.
	now string
	// mutate turns the valid base into the case; nil keeps it.
	mutate func(*application.Application)
	// want is every finding expected, in any order; nil means none.
	want []result
	// skip, when set, is why the case is known to fail (a bug in the
	// rules, reported rather than fixed here).
	skip string
}

// ruleTable is the cases of one rule: at least one passes it and one fails it.
type ruleTable struct {
	rule  string
	cases []checkCase
}

func singleFileTables() []ruleTable {
	return append(attestationTables(), []ruleTable{
		{"connect/req-1", []checkCase{
			{name: "integration built in house passes"},
			{name: "integration not built in house is refused",
				mutate: func(a *application.Application) { a.Integration.BuiltInHouse = false },
				want:   []result{failing("connect/req-1", "integration.builtInHouse")}},
		}},
		{"connect/req-2", []checkCase{
			{name: "oauth2 passes"},
			{name: "auth api_key is refused",
				mutate: func(a *application.Application) { a.Integration.Auth = "api_key" },
				want:   []result{failing("connect/req-2", "integration.auth")}},
			{name: "auth OAuth2 in capitals is refused",
				mutate: func(a *application.Application) { a.Integration.Auth = "OAuth2" },
				want:   []result{failing("connect/req-2", "integration.auth")}},
			{name: "missing auth is refused",
				mutate: func(a *application.Application) { a.Integration.Auth = "" },
				want:   []result{failing("connect/req-2", "integration.auth")}},
		}},
		{"connect/req-3", []checkCase{
			{name: "ticket support answered within 24 hours passes"},
			{name: "phone support alone passes",
				mutate: func(a *application.Application) { a.Support.Channels = []string{"phone"} }},
			{name: "a first response in 1 hour passes",
				mutate: func(a *application.Application) { a.Support.FirstResponseHours = new(1) }},
			{name: "email and chat support without ticket or phone is refused",
				mutate: func(a *application.Application) { a.Support.Channels = []string{"email", "chat"} },
				want:   []result{failing("connect/req-3", "support.channels")}},
			{name: "no support channel at all is refused",
				mutate: func(a *application.Application) { a.Support.Channels = nil },
				want:   []result{failing("connect/req-3", "support.channels")}},
			{name: "a first response in 25 hours is refused",
				mutate: func(a *application.Application) { a.Support.FirstResponseHours = new(25) },
				want:   []result{failing("connect/req-3", "support.firstResponseHours")}},
			{name: "a first response in 48 hours is refused with the seed's 24-hour SLA",
				mutate: func(a *application.Application) { a.Support.FirstResponseHours = new(48) },
				want:   []result{failing("connect/req-3", "support.firstResponseHours")}},
			{name: "a 48-hour SLA in the configuration accepts a first response in 48 hours",
				config: func(c *application.Config) { c.SupportResponseHours = 48 },
				mutate: func(a *application.Application) { a.Support.FirstResponseHours = new(48) }},
			{name: "a first response in 0 hours is a promise that can be kept",
				mutate: func(a *application.Application) { a.Support.FirstResponseHours = new(0) }},
			{name: "a missing first-response time is refused",
				mutate: func(a *application.Application) { a.Support.FirstResponseHours = nil },
				want:   []result{failing("connect/req-3", "support.firstResponseHours")}},
			{name: "a phone channel without a phone number is refused",
				mutate: func(a *application.Application) { a.Support.Channels = []string{"phone"}; a.Support.Phone = "" },
				want:   []result{failing("connect/req-3", "support.phone")}},
			{name: "a ticket channel with an email but no support page is refused only for the missing page",
				mutate: func(a *application.Application) { a.Support.URL = "" },
				want:   []result{failing("developer/F3", "support.url")}},
			{name: "a ticket channel with neither a support page nor an email is refused",
				mutate: func(a *application.Application) { a.Support.URL = ""; a.Support.Email = "" },
				want: []result{
					failing("connect/req-3", "support.url"),
					failing("developer/F3", "support.url"),
				}},
			{name: "a phone number with brackets, dashes and dots passes",
				mutate: func(a *application.Application) { a.Support.Phone = "+1 (650) 253-0000" }},
			{name: "a phone number with dots passes",
				mutate: func(a *application.Application) { a.Support.Phone = "+44 20.7946.0000" }},
			{name: "a phone number with an extension written ext. passes",
				mutate: func(a *application.Application) { a.Support.Phone = "+44 20 7946 0000 ext. 12" }},
			{name: "a phone number with an extension written x passes",
				mutate: func(a *application.Application) { a.Support.Phone = "+1 650-253-0000 x123" }},
			{name: "a phone number without a country code is refused",
				mutate: func(a *application.Application) { a.Support.Phone = "020 7946 0000" },
				want:   []result{failing("connect/req-3", "support.phone")}},
			{name: "a phone number with a country code that does not exist is refused",
				mutate: func(a *application.Application) { a.Support.Phone = "+999 1234 5678" },
				want:   []result{failing("connect/req-3", "support.phone")}},
			{name: "a phone number too short to call is refused",
				mutate: func(a *application.Application) { a.Support.Phone = "+44 20 79" },
				want:   []result{failing("connect/req-3", "support.phone")}},
		}},
		{"connect/req-4", []checkCase{
			{name: "applied with exactly 10 installs passes",
				mutate: func(a *application.Application) { toApplied(a); a.Program.Installs.Count = 10 }},
			{name: "applied with 9 installs is refused",
				mutate: func(a *application.Application) { toApplied(a); a.Program.Installs.Count = 9 },
				want:   []result{failing("connect/req-4", "program.installs.count")}},
			{name: "applied with no installs is refused",
				mutate: func(a *application.Application) { toApplied(a); a.Program.Installs.Count = 0 },
				want:   []result{failing("connect/req-4", "program.installs.count")}},
			{name: "a minimum of 20 in the configuration refuses 15 installs in stage applied",
				config: func(c *application.Config) { c.MinInstalls = 20 },
				mutate: func(a *application.Application) { toApplied(a); a.Program.Installs.Count = 15 },
				want:   []result{failing("connect/req-4", "program.installs.count")}},
			{name: "a minimum of 20 in the configuration accepts 20 installs in stage applied",
				config: func(c *application.Config) { c.MinInstalls = 20 },
				mutate: func(a *application.Application) { toApplied(a); a.Program.Installs.Count = 20 }},
			{name: "applied with installs counted today passes",
				mutate: func(a *application.Application) { toApplied(a); a.Program.Installs.AsOf = day(defaultNow) }},
			{name: "applied with installs counted tomorrow is refused: a count not yet taken is no evidence",
				mutate: func(a *application.Application) { toApplied(a); a.Program.Installs.AsOf = day("2026-01-16") },
				want:   []result{failing("connect/req-4", "program.installs.asOf")}},
			{name: "a beta with installs counted after today is refused under beta-6, whose promotion it would claim",
				mutate: func(a *application.Application) {
					a.Program.Installs = application.Installs{Count: 45, AsOf: day("2026-02-01")}
				},
				want: []result{failing("connect/beta-6", "program.installs.asOf")}},
			{name: "a removed application's record is not judged for its count's date",
				mutate: func(a *application.Application) { toRemoved(a); a.Program.Installs.AsOf = day("2026-02-01") }},
			{name: "a beta integrator below the entry minimum is not held to it",
				mutate: func(a *application.Application) { a.Program.Installs.Count = 3 }},
		}},
		{"connect/beta-1", []checkCase{
			{name: "a complete listing on beta passes"},
			{name: "listing missing on beta before the due date is a warning",
				mutate: withoutListing,
				want:   []result{warning("connect/beta-1", "listing")}},
			{name: "listing missing on beta on the due date itself is still a warning",
				now:    "2026-01-31",
				mutate: withoutListing,
				want:   []result{warning("connect/beta-1", "listing")}},
			{name: "a listing lacking only its tagline before the due date is a warning",
				mutate: func(a *application.Application) { a.Program.ListingPublishedAt = nil; a.Listing.Tagline = "" },
				want:   []result{warning("connect/beta-1", "listing")}},
			{name: "a 60-day listing period in the configuration still warns 45 days after acceptance",
				config: func(c *application.Config) { c.ListingDueDays = 60 },
				now:    "2026-02-15",
				mutate: withoutListing,
				want:   []result{warning("connect/beta-1", "listing")}},
			{name: "listing missing on an application not yet accepted passes",
				mutate: func(a *application.Application) { toApplied(a); a.Listing = nil }},
			{name: "a published listing lacking its description is refused",
				mutate: func(a *application.Application) { a.Listing.Description = "" },
				want:   []result{failing("connect/beta-1", "listing")}},
			{name: "a published listing with no listing information is refused even before the due date, its setup link apart",
				mutate: func(a *application.Application) { a.Listing = nil },
				want: []result{
					failing("connect/beta-1", "listing"),
					failing("connect/beta-3", "listing.setupInstructionsUrl"),
				}},
			{name: "beta without acceptedAt is refused",
				mutate: func(a *application.Application) { a.Program.AcceptedAt = nil },
				want:   []result{failing("connect/beta-1", "program.acceptedAt")}},
			{name: "certification without acceptedAt is refused",
				mutate: func(a *application.Application) { toCertification(a); a.Program.AcceptedAt = nil },
				want:   []result{failing("connect/beta-1", "program.acceptedAt")}},
			{name: "partner without acceptedAt is refused",
				mutate: func(a *application.Application) { toPartner(a); a.Program.AcceptedAt = nil },
				want:   []result{failing("connect/beta-1", "program.acceptedAt")}},
		}},
		{"connect/beta-2", []checkCase{
			{name: "a complete listing after the due date passes", now: "2026-03-01"},
			{name: "listing missing on beta the day after the due date is an error",
				now:    "2026-02-01",
				mutate: withoutListing,
				want:   []result{failing("connect/beta-2", "listing")}},
			{name: "a listing lacking its setup instructions long after the due date is an error",
				now: "2026-06-01",
				mutate: func(a *application.Application) {
					a.Program.ListingPublishedAt = nil
					a.Listing.SetupInstructionsURL = ""
				},
				want: []result{failing("connect/beta-2", "listing")}},
			{name: "a 60-day listing period in the configuration errs from its 61st day",
				config: func(c *application.Config) { c.ListingDueDays = 60 },
				now:    "2026-03-03",
				mutate: withoutListing,
				want:   []result{failing("connect/beta-2", "listing")}},
		}},
		{"connect/beta-3", []checkCase{
			{name: "https setup instructions pass"},
			{name: "http setup instructions are refused",
				mutate: func(a *application.Application) { a.Listing.SetupInstructionsURL = "http://acme.example/docs/connect" },
				want:   []result{failing("connect/beta-3", "listing.setupInstructionsUrl")}},
			{name: "a published beta listing without setup instructions is refused even before the due date",
				mutate: func(a *application.Application) { a.Listing.SetupInstructionsURL = "" },
				want:   []result{failing("connect/beta-3", "listing.setupInstructionsUrl")}},
			{name: "an unpublished beta listing without setup instructions before the due date is only the listing clock's warning",
				mutate: func(a *application.Application) {
					a.Program.ListingPublishedAt = nil
					a.Listing.SetupInstructionsURL = ""
				},
				want: []result{warning("connect/beta-1", "listing")}},
			{name: "an applied file without setup instructions passes, since no listing is owed before acceptance",
				mutate: func(a *application.Application) { toApplied(a); a.Listing.SetupInstructionsURL = "" }},
		}},
		{"connect/beta-4", []checkCase{
			{name: "a listing published after acceptance passes"},
			{name: "a publication date on an application not yet accepted is refused",
				mutate: func(a *application.Application) { toApplied(a); a.Program.ListingPublishedAt = dayPtr("2026-01-10") },
				want:   []result{failing("connect/beta-4", "program.listingPublishedAt")}},
		}},
		{"connect/beta-5", []checkCase{
			{name: "a listing published on the day of acceptance passes",
				mutate: func(a *application.Application) { a.Program.ListingPublishedAt = dayPtr("2026-01-01") }},
			{name: "a listing published before acceptance is refused",
				mutate: func(a *application.Application) { a.Program.ListingPublishedAt = dayPtr("2025-12-31") },
				want:   []result{failing("connect/beta-5", "program.listingPublishedAt")}},
		}},
		{"connect/beta-8", []checkCase{
			{name: "a removed application with its removal record passes", mutate: toRemoved},
			{name: "a removed application skips every integrator rule",
				now: "2026-06-01",
				mutate: func(a *application.Application) {
					toRemoved(a)
					a.Integration.BuiltInHouse = false
					a.Integration.Auth = "api_key"
					a.Integration.Name = "HubSpot Globex Bridge"
					a.Integration.Scopes = []application.Scope{scope("crm.unknown", ""), scope("payments.read", "x")}
					a.Support = application.Support{}
					a.Privacy = application.Privacy{SensitiveData: new(true)}
					a.Security = application.Security{}
					a.Listing = nil
					a.Program.ListingPublishedAt = nil
					a.Program.Installs.Count = 0
				}},
			{name: "a removed application still has its program record checked",
				mutate: func(a *application.Application) {
					toRemoved(a)
					a.Program.ListingPublishedAt = dayPtr("2025-12-01")
				},
				want: []result{failing("connect/beta-5", "program.listingPublishedAt")}},
			{name: "stage removed without a removal record is refused",
				mutate: func(a *application.Application) { toRemoved(a); a.Program.Removed = nil },
				want:   []result{failing("connect/beta-8", "program.removed")}},
			{name: "a removal record on a beta application is refused",
				mutate: func(a *application.Application) {
					a.Program.Removed = &application.Removal{At: day("2026-01-10"), Reason: "terminated", By: "rivera-reviews"}
				},
				want: []result{failing("connect/beta-8", "program.removed")}},
		}},
		{"connect/cert-1", []checkCase{
			{name: "certification with an App ID passes", mutate: toCertification},
			{name: "beta without an App ID passes",
				mutate: func(a *application.Application) { a.Integration.AppID = "" }},
			{name: "certification without an App ID is refused",
				mutate: func(a *application.Application) { toCertification(a); a.Integration.AppID = "" },
				want:   []result{failing("connect/cert-1", "integration.appId")}},
			{name: "partner without an App ID is refused",
				mutate: func(a *application.Application) { toPartner(a); a.Integration.AppID = "" },
				want:   []result{failing("connect/cert-1", "integration.appId")}},
		}},
		{"connect/cert-2", []checkCase{
			{name: "certification with an https demo video passes", mutate: toCertification},
			{name: "beta without certification materials passes",
				mutate: func(a *application.Application) { a.Certification = nil }},
			{name: "certification without a demo video is refused",
				mutate: func(a *application.Application) { toCertification(a); a.Certification.DemoVideoURL = "" },
				want:   []result{failing("connect/cert-2", "certification.demoVideoUrl")}},
			{name: "certification with an http demo video is refused",
				mutate: func(a *application.Application) {
					toCertification(a)
					a.Certification.DemoVideoURL = "http://video.example/acme"
				},
				want: []result{failing("connect/cert-2", "certification.demoVideoUrl")}},
			{name: "certification with no certification materials at all is refused twice",
				mutate: func(a *application.Application) { toCertification(a); a.Certification = nil },
				want: []result{
					failing("connect/cert-2", "certification.demoVideoUrl"),
					failing("connect/cert-3", "certification.salesAssets"),
				}},
		}},
		{"connect/cert-3", []checkCase{
			{name: "certification with https sales assets passes", mutate: toCertification},
			{name: "certification without sales assets is refused",
				mutate: func(a *application.Application) { toCertification(a); a.Certification.SalesAssets = nil },
				want:   []result{failing("connect/cert-3", "certification.salesAssets")}},
			{name: "certification with an http sales asset is refused at that asset",
				mutate: func(a *application.Application) {
					toCertification(a)
					a.Certification.SalesAssets[1] = "http://acme.example/deck.pdf"
				},
				want: []result{failing("connect/cert-3", "certification.salesAssets[1]")}},
		}},
		{"connect/cert-4", []checkCase{
			{name: "certification with all feedback addressed passes", mutate: toCertification},
			{name: "approval with all feedback addressed passes", mutate: toApproved},
			{name: "open feedback in certification is a warning",
				mutate: func(a *application.Application) {
					toCertification(a)
					a.Program.Feedback = append(a.Program.Feedback,
						application.Feedback{ID: "FB-2", Text: "Handle rate limits.", Status: application.FeedbackOpen})
				},
				want: []result{warning("connect/cert-4", "program.feedback")}},
			{name: "approval while feedback is open is refused",
				mutate: func(a *application.Application) {
					toApproved(a)
					a.Program.Feedback[0].Status = application.FeedbackOpen
				},
				want: []result{failing("connect/cert-4", "program.approvedAt")}},
			{name: "approval of a beta application is refused",
				mutate: func(a *application.Application) { a.Program.ApprovedAt = dayPtr("2026-01-12") },
				want:   []result{failing("connect/cert-4", "program.approvedAt")}},
			{name: "approval before acceptance is refused",
				mutate: func(a *application.Application) { toApproved(a); a.Program.ApprovedAt = dayPtr("2025-12-31") },
				want:   []result{failing("connect/cert-4", "program.approvedAt")}},
		}},
		{"connect/cert-5", []checkCase{
			{name: "a partner with a complete listing passes", mutate: toPartner},
			{name: "certification before approval with only its setup instructions in the listing passes",
				mutate: func(a *application.Application) {
					toCertification(a)
					withoutListing(a)
					a.Listing = &application.Listing{SetupInstructionsURL: "https://acme.example/docs/connect"}
				}},
			{name: "an approved certification without a listing is refused, the setup link under developer/F3",
				mutate: func(a *application.Application) { toApproved(a); withoutListing(a) },
				want: []result{
					failing("connect/cert-5", "listing"),
					failing("developer/F3", "listing.setupInstructionsUrl"),
				}},
			{name: "a partner whose listing lacks its support link is refused",
				mutate: func(a *application.Application) {
					toPartner(a)
					a.Program.ListingPublishedAt = nil
					a.Listing.SupportURL = ""
				},
				want: []result{failing("connect/cert-5", "listing")}},
		}},
		{"connect/cert-6", []checkCase{
			{name: "a partner approved and launched passes", mutate: toPartner},
			{name: "an approved certification with a launch date passes",
				mutate: func(a *application.Application) { toApproved(a); a.Program.LaunchDate = dayPtr("2026-01-10") }},
			{name: "a launch date without approval is refused",
				mutate: func(a *application.Application) { toCertification(a); a.Program.LaunchDate = dayPtr("2026-01-12") },
				want:   []result{failing("connect/cert-6", "program.launchDate")}},
			{name: "a launch date before approval is refused",
				mutate: func(a *application.Application) { toPartner(a); a.Program.LaunchDate = dayPtr("2026-01-09") },
				want:   []result{failing("connect/cert-6", "program.launchDate")}},
			{name: "a partner without approval or launch date is refused twice",
				mutate: func(a *application.Application) {
					toPartner(a)
					a.Program.ApprovedAt = nil
					a.Program.LaunchDate = nil
				},
				want: []result{
					failing("connect/cert-6", "program.approvedAt"),
					failing("connect/cert-6", "program.launchDate"),
				}},
		}},
		{"developer/A5", []checkCase{
			{name: "an https privacy policy passes"},
			{name: "a missing privacy policy is refused",
				mutate: func(a *application.Application) { a.Privacy.PolicyURL = "" },
				want:   []result{failing("developer/A5", "privacy.policyUrl")}},
			{name: "an http privacy policy is refused",
				mutate: func(a *application.Application) { a.Privacy.PolicyURL = "http://acme.example/privacy" },
				want:   []result{failing("developer/A5", "privacy.policyUrl")}},
			{name: "a privacy policy whose scheme is written HTTPS:// in capitals is https and passes",
				mutate: func(a *application.Application) { a.Privacy.PolicyURL = "HTTPS://acme.example/privacy" }},
			{name: "a privacy policy whose scheme is written Http:// is http and is refused",
				mutate: func(a *application.Application) { a.Privacy.PolicyURL = "Http://acme.example/privacy" },
				want:   []result{failing("developer/A5", "privacy.policyUrl")}},
		}},
		{"developer/A7", []checkCase{
			{name: "an https data-requests page passes"},
			{name: "a missing data-requests page is refused",
				mutate: func(a *application.Application) { a.Privacy.DataRequestsURL = "" },
				want:   []result{failing("developer/A7", "privacy.dataRequestsUrl")}},
			{name: "an http data-requests page is refused",
				mutate: func(a *application.Application) { a.Privacy.DataRequestsURL = "http://acme.example/privacy/requests" },
				want:   []result{failing("developer/A7", "privacy.dataRequestsUrl")}},
		}},
		{"developer/A9", []checkCase{
			{name: "a security contact email passes"},
			{name: "an https security contact page passes",
				mutate: func(a *application.Application) { a.Privacy.SecurityContact = "https://acme.example/security" }},
			{name: "a missing security contact is refused",
				mutate: func(a *application.Application) { a.Privacy.SecurityContact = "" },
				want:   []result{failing("developer/A9", "privacy.securityContact")}},
			{name: "an http security contact page is refused",
				mutate: func(a *application.Application) { a.Privacy.SecurityContact = "http://acme.example/security" },
				want:   []result{failing("developer/A9", "privacy.securityContact")}},
			{name: "a security contact page written HTTP:// in capitals is refused",
				mutate: func(a *application.Application) { a.Privacy.SecurityContact = "HTTP://acme.example/security" },
				want:   []result{failing("developer/A9", "privacy.securityContact")}},
		}},
		{"developer/B1", []checkCase{
			{name: "authentication and login auditing attested passes"},
			{name: "no authentication is refused",
				mutate: func(a *application.Application) { a.Security.Authentication = false },
				want:   []result{failing("developer/B1", "security.authentication")}},
			{name: "no login auditing is refused",
				mutate: func(a *application.Application) { a.Security.LoginAuditing = false },
				want:   []result{failing("developer/B1", "security.loginAuditing")}},
		}},
		{"developer/B6", []checkCase{
			{name: "catalogue scopes each with its own reason pass"},
			{name: "a reason of exactly three words passes",
				mutate: setScopes(scope("crm.objects.contacts.read", "Syncs contacts nightly"))},
			{name: "a sensitive scope gives a warning",
				mutate: setScopes(
					scope("crm.objects.contacts.read", "Reads contacts to keep Acme's address book in sync."),
					scope("payments.read", "Shows each contact's last payment in Acme."),
				),
				want: []result{warning("developer/B6", "integration.scopes[1].name")}},
			{name: "a scope not in the catalogue is refused",
				mutate: setScopes(
					scope("crm.objects.contacts.read", "Reads contacts to keep Acme's address book in sync."),
					scope("crm.objects.everything", "Reads everything there is to read."),
				),
				want: []result{failing("developer/B6", "integration.scopes[1].name")}},
			{name: "an empty reason is refused",
				mutate: setScopes(scope("crm.objects.contacts.read", "")),
				want:   []result{failing("developer/B6", "integration.scopes[0].reason")}},
			{name: "a reason of only spaces is refused",
				mutate: setScopes(scope("crm.objects.contacts.read", "   \t ")),
				want:   []result{failing("developer/B6", "integration.scopes[0].reason")}},
			{name: "a reason under three words is refused",
				mutate: setScopes(scope("crm.objects.contacts.read", "  contact   sync ")),
				want:   []result{failing("developer/B6", "integration.scopes[0].reason")}},
			{name: "one sentence may justify the read and write scopes of the same object",
				mutate: setScopes(
					scope("crm.objects.contacts.read", "Keeps contacts in sync both ways."),
					scope("crm.objects.contacts.write", "keeps  contacts in sync BOTH ways."),
				)},
			{name: "a reason repeated for a scope of another object it does not name is flagged, ignoring case and spacing",
				mutate: setScopes(
					scope("crm.objects.contacts.write", "Keeps contacts in sync both ways."),
					scope("crm.objects.deals.write", "keeps  contacts in sync BOTH ways."),
				),
				want: []result{flagged("developer/B6", "integration.scopes[1].reason")}},
			{name: "one sentence naming the read and write scopes of contacts passes for both",
				mutate: setScopes(
					scope("crm.objects.contacts.read", "Reads and updates contacts to keep both address books in sync"),
					scope("crm.objects.contacts.write", "Reads and updates contacts to keep both address books in sync"),
				)},
			{name: "one sentence that honestly names two scopes used by the same feature passes",
				mutate: setScopes(
					scope("crm.objects.contacts.write", "Reads and updates contacts and their companies to keep both address books in sync."),
					scope("crm.objects.companies.write", "Reads and updates contacts and their companies to keep both address books in sync."),
				)},
			{name: "one sentence naming the objects of three scopes passes for all three",
				mutate: setScopes(
					scope("crm.objects.contacts.read", "Copies each deal with its contacts into Acme's pipeline."),
					scope("crm.objects.contacts.write", "Copies each deal with its contacts into Acme's pipeline."),
					scope("crm.objects.deals.write", "Copies each deal with its contacts into Acme's pipeline."),
				)},
			{name: "one reason pasted for every scope, whatever its punctuation, case and spacing, is flagged on each repeat",
				mutate: setScopes(
					scope("crm.objects.contacts.read", "Needed for the integration to work."),
					scope("crm.objects.deals.write", "needed, for the integration to work!"),
					scope("crm.objects.companies.write", "  NEEDED for the integration -- to work"),
				),
				want: []result{
					flagged("developer/B6", "integration.scopes[1].reason"),
					flagged("developer/B6", "integration.scopes[2].reason"),
				}},
			{name: "one German sentence naming contacts and their lists passes for both scopes",
				config: func(c *application.Config) {
					c.Scopes = maps.Clone(c.Scopes)
					c.Scopes["crm.lists.read"] = application.ScopeInfo{Description: "read contact lists"}
				},
				mutate: setScopes(
					scope("crm.objects.contacts.read", "Liest Kontakte und ihre Listenzugehörigkeit, um Erinnerungen nur an Patienten der passenden Liste zu senden."),
					scope("crm.lists.read", "Liest Kontakte und ihre Listenzugehörigkeit, um Erinnerungen nur an Patienten der passenden Liste zu senden."),
				)},
			{name: "one Japanese sentence naming contacts and deals passes for both scopes",
				mutate: setScopes(
					scope("crm.objects.contacts.read", "取引に関連する連絡先を読み取り、契約書に差し込みます。"),
					scope("crm.objects.deals.write", "取引に関連する連絡先を読み取り、契約書に差し込みます。"),
				)},
			{name: "one German sentence naming contacts only, pasted for the deals scope too, is flagged",
				mutate: setScopes(
					scope("crm.objects.contacts.read", "Liest Kontakte, um das Adressbuch abzugleichen."),
					scope("crm.objects.deals.write", "Liest Kontakte, um das Adressbuch abzugleichen."),
				),
				want: []result{flagged("developer/B6", "integration.scopes[1].reason")}},
			{name: "a reason in German pasted for every scope is flagged",
				mutate: setScopes(
					scope("crm.objects.contacts.read", "Wird für die Synchronisierung benötigt."),
					scope("crm.objects.deals.write", "Wird für die Synchronisierung benötigt"),
				),
				want: []result{flagged("developer/B6", "integration.scopes[1].reason")}},
			{name: "a reason saying the scope is not used yet is flagged",
				mutate: setScopes(scope("crm.objects.contacts.read", "Not used yet.")),
				want:   []result{flagged("developer/B6", "integration.scopes[0].reason")}},
			{name: "a reason saying same as above is flagged",
				mutate: setScopes(
					scope("crm.objects.contacts.read", "Reads contacts to keep Acme's address book in sync."),
					scope("crm.objects.contacts.write", "Same as above."),
				),
				want: []result{flagged("developer/B6", "integration.scopes[1].reason")}},
			{name: "a reason in German that only points above is flagged",
				mutate: setScopes(
					scope("crm.objects.contacts.read", "Liest Kontakte, um das Adressbuch abzugleichen."),
					scope("crm.objects.contacts.write", "Siehe oben, gleiche Funktion."),
				),
				want: []result{flagged("developer/B6", "integration.scopes[1].reason")}},
			{name: "a reason in French saying the scope is not used yet is flagged",
				mutate: setScopes(scope("crm.objects.contacts.read", "Pas encore utilisé pour le moment.")),
				want:   []result{flagged("developer/B6", "integration.scopes[0].reason")}},
			{name: "a reason in Spanish saying the scope is not used yet is flagged",
				mutate: setScopes(scope("crm.objects.contacts.read", "Aún no se usa en la integración.")),
				want:   []result{flagged("developer/B6", "integration.scopes[0].reason")}},
			{name: "a reason in Portuguese that only points above is flagged",
				mutate: setScopes(
					scope("crm.objects.contacts.read", "Lê os contatos para manter a agenda sincronizada."),
					scope("crm.objects.contacts.write", "Igual acima, mesma função."),
				),
				want: []result{flagged("developer/B6", "integration.scopes[1].reason")}},
			{name: "a reason in Japanese saying the scope is unused is flagged",
				mutate: setScopes(scope("crm.objects.contacts.read", "現在は未使用ですが将来の機能で使います。")),
				want:   []result{flagged("developer/B6", "integration.scopes[0].reason")}},
			{name: "n/a, a placeholder of weakReasons, is flagged for the reviewer rather than refused as too short",
				mutate: setScopes(scope("crm.objects.contacts.read", "n/a")),
				want:   []result{flagged("developer/B6", "integration.scopes[0].reason")}},
			{name: "TBD, a one-word placeholder, is flagged for the reviewer",
				mutate: setScopes(scope("crm.objects.contacts.read", "TBD.")),
				want:   []result{flagged("developer/B6", "integration.scopes[0].reason")}},
			{name: "a two-word label that is no placeholder is too short and is refused",
				mutate: setScopes(scope("crm.objects.contacts.read", "contact sync")),
				want:   []result{failing("developer/B6", "integration.scopes[0].reason")}},
			{name: "a lone dash is refused",
				mutate: setScopes(scope("crm.objects.contacts.read", "-")),
				want:   []result{failing("developer/B6", "integration.scopes[0].reason")}},
			{name: "a reason that merely contains a placeholder word passes",
				mutate: setScopes(scope("crm.objects.contacts.read", "Reads contacts; none are changed or deleted."))},
			{name: "a reason in Japanese, written without spaces, is judged by its length in characters",
				mutate: setScopes(scope("crm.objects.contacts.read", "連絡先をAcmeのアドレス帳と同期するために読み取ります。"))},
			{name: "a reason in Chinese, written without spaces, is judged by its length in characters",
				mutate: setScopes(scope("crm.objects.contacts.read", "读取联系人以便与通讯录保持同步"))},
			{name: "a reason in Thai, written without spaces, is judged by its length in characters",
				mutate: setScopes(scope("crm.objects.contacts.read", "อ่านรายชื่อติดต่อเพื่อซิงค์กับสมุดที่อยู่"))},
			{name: "a label in Chinese too short to be a sentence is refused",
				mutate: setScopes(scope("crm.objects.contacts.read", "联系人")),
				want:   []result{failing("developer/B6", "integration.scopes[0].reason")}},
			{name: "a scope requested twice is refused",
				mutate: setScopes(
					scope("crm.objects.contacts.read", "Reads contacts to keep Acme's address book in sync."),
					scope("crm.objects.contacts.read", "Reads contacts again for the second sync."),
				),
				want: []result{failing("developer/B6", "integration.scopes[1].name")}},
			{name: "an unknown scope without a reason is refused twice",
				mutate: setScopes(scope("crm.unknown", "")),
				want: []result{
					failing("developer/B6", "integration.scopes[0].name"),
					failing("developer/B6", "integration.scopes[0].reason"),
				}},
		}},
		{"developer/C2", []checkCase{
			{name: "an integration collecting no sensitive data passes"},
			{name: "an integration collecting sensitive data is refused",
				mutate: func(a *application.Application) { a.Privacy.SensitiveData = new(true) },
				want:   []result{failing("developer/C2", "privacy.sensitiveData")}},
			{name: "an application that does not say whether it collects sensitive data is refused",
				mutate: func(a *application.Application) { a.Privacy.SensitiveData = nil },
				want:   []result{failing("developer/C2", "privacy.sensitiveData")}},
		}},
		{"developer/D5", nameCases("developer/D5", "Globex")},
		{"developer/E1", nameCases("developer/E1", "HubSpot")},
		{"developer/F2", []checkCase{
			{name: "listing text in plain words passes"},
			{name: "a listed word in the tagline is a warning for the reviewer",
				mutate: func(a *application.Application) { a.Listing.Tagline = "Contact sync without the crap" },
				want:   []result{flagged("developer/F2", "listing.tagline")}},
			{name: "a listed word in capitals and fullwidth letters in the description is a warning",
				mutate: func(a *application.Application) { a.Listing.Description = "No more ＣＲＡＰ data." },
				want:   []result{flagged("developer/F2", "listing.description")}},
			{name: "a listed word hidden by a zero-width space in the name is a warning",
				mutate: func(a *application.Application) { a.Integration.Name = "Acme C\u200brap Sync for HubSpot" },
				want:   []result{flagged("developer/F2", "integration.name")}},
			{name: "a listed word inside an innocent word passes",
				mutate: func(a *application.Application) { a.Listing.Description = "Scrapes nothing: reads the CRM's contacts." }},
			{name: "a word masked with an asterisk is flagged",
				config: vulgar("fuck", "shit", "bollocks", "ass", "cock", "cunt"),
				mutate: func(a *application.Application) { a.Listing.Tagline = "No more f*ck-ups in your contact sync" },
				want:   []result{flagged("developer/F2", "listing.tagline")}},
			{name: "a word masked with two asterisks is flagged",
				config: vulgar("fuck"),
				mutate: func(a *application.Application) { a.Listing.Description = "Stop the f**k-ing copy and paste." },
				want:   []result{flagged("developer/F2", "listing.description")}},
			{name: "a masked inflection the list does not hold passes, as it would unmasked",
				config: vulgar("fuck"),
				mutate: func(a *application.Application) { a.Listing.Description = "Stop the f**king copy and paste." }},
			{name: "a word with a digit for a letter is flagged",
				config: vulgar("shit"),
				mutate: func(a *application.Application) { a.Listing.Description = "Sync that just works, no sh1t." },
				want:   []result{flagged("developer/F2", "listing.description")}},
			{name: "a word with symbols for letters is flagged",
				config: vulgar("shit"),
				mutate: func(a *application.Application) { a.Listing.Tagline = "No $h!t, just sync" },
				want:   []result{flagged("developer/F2", "listing.tagline")}},
			{name: "a word with repeated letters is flagged",
				config: vulgar("shit"),
				mutate: func(a *application.Application) { a.Listing.Tagline = "Holy shiiiit, that was fast" },
				want:   []result{flagged("developer/F2", "listing.tagline")}},
			{name: "a word with digits for letters and doubled letters is flagged",
				config: vulgar("bollocks"),
				mutate: func(a *application.Application) { a.Listing.Description = "No more b0ll0cks in your CRM." },
				want:   []result{flagged("developer/F2", "listing.description")}},
			{name: "a word spelled with spaces between its letters is flagged",
				mutate: func(a *application.Application) { a.Listing.Tagline = "Contact sync without the c r a p" },
				want:   []result{flagged("developer/F2", "listing.tagline")}},
			{name: "a word spelled with dots between its letters is flagged",
				mutate: func(a *application.Application) { a.Listing.Tagline = "Contact sync without the c.r.a.p." },
				want:   []result{flagged("developer/F2", "listing.tagline")}},
			{name: "ordinary words that contain a listed word pass (the Scunthorpe problem)",
				config: vulgar("fuck", "shit", "ass", "cock", "cunt", "crap"),
				mutate: func(a *application.Application) {
					a.Listing.Description = "Offices in Scunthorpe and Essex: a classic assessment tool for the cockpit crew, with shiitake recipes, scraps and Cockburn's grapes."
				}},
			{name: "numbers, prices and versions spell nothing",
				config: vulgar("ass", "shit"),
				mutate: func(a *application.Application) {
					a.Listing.Description = "From $5 a month, v2.1 at 5:00; 100% of #1 teams; a+ support 24/7."
				}},
			{name: "an empty word list in the configuration warns of nothing",
				config: func(c *application.Config) { c.VulgarTerms = nil },
				mutate: func(a *application.Application) { a.Listing.Tagline = "Contact sync without the crap" }},
		}},
		{"developer/F3", []checkCase{
			{name: "support links and contacts over https pass"},
			{name: "a support email without a phone passes",
				mutate: func(a *application.Application) { a.Support.Phone = "" }},
			{name: "a support phone without an email passes",
				mutate: func(a *application.Application) { a.Support.Email = "" }},
			{name: "a missing support page is refused",
				mutate: func(a *application.Application) { a.Support.URL = "" },
				want:   []result{failing("developer/F3", "support.url")}},
			{name: "an http support page is refused",
				mutate: func(a *application.Application) { a.Support.URL = "http://acme.example/help" },
				want:   []result{failing("developer/F3", "support.url")}},
			{name: "no support email or phone is refused",
				mutate: func(a *application.Application) { a.Support.Email = ""; a.Support.Phone = "" },
				want:   []result{failing("developer/F3", "support")}},
			{name: "an http listing support link is refused",
				mutate: func(a *application.Application) { a.Listing.SupportURL = "http://acme.example/help" },
				want:   []result{failing("developer/F3", "listing.supportUrl")}},
			{name: "certification without setup instructions is refused before approval too, as every application must link them",
				mutate: func(a *application.Application) { toCertification(a); withoutListing(a) },
				want:   []result{failing("developer/F3", "listing.setupInstructionsUrl")}},
			{name: "a partner whose published listing lacks its setup instructions is refused",
				mutate: func(a *application.Application) { toPartner(a); a.Listing.SetupInstructionsURL = "" },
				want:   []result{failing("developer/F3", "listing.setupInstructionsUrl")}},
		}},
		{policy.RuleHTTPS, []checkCase{
			{name: "an https company website passes"},
			{name: "an http company website is a warning of connectbot's own, not developer/F3's",
				mutate: func(a *application.Application) { a.Company.Website = "http://acme.example" },
				want:   []result{warning(policy.RuleHTTPS, "company.website")}},
			{name: "a company website written HTTP:// in capitals is a warning",
				mutate: func(a *application.Application) { a.Company.Website = "HTTP://acme.example" },
				want:   []result{warning(policy.RuleHTTPS, "company.website")}},
			{name: "a company website written HTTPS:// in capitals passes",
				mutate: func(a *application.Application) { a.Company.Website = "HTTPS://acme.example" }},
			{name: "setup instructions written Https:// pass",
				mutate: func(a *application.Application) { a.Listing.SetupInstructionsURL = "Https://acme.example/docs/connect" }},
		}},
	}...)
}

// results reduces findings to what the cases compare, in a fixed order so
// that a case lists them as it reads best.
func results(fs []application.Finding) []result {
	var out []result
	for _, f := range fs {
		out = append(out, result{Rule: f.Rule, Severity: f.Severity, Path: f.Path, Flagged: f.Flagged})
	}
	sortResults(out)
	return out
}

func sortResults(rs []result) {
	sort.Slice(rs, func(i, j int) bool {
		a, b := rs[i], rs[j]
		if a.Path != b.Path {
			return a.Path < b.Path
		}
		if a.Rule != b.Rule {
			return a.Rule < b.Rule
		}
		return a.Severity < b.Severity
	})
}

// run checks the case's application alone and returns its findings.
func (tc checkCase) run() []application.Finding {
	app := validApp()
	if tc.mutate != nil {
		tc.mutate(&app)
	}
	cfg := testConfig()
	if tc.config != nil {
		tc.config(&cfg)
	}
	now := defaultNow
	if tc.now != "" {
		now = tc.now
	}
	files := []application.File{newFile("acme-sync", app)}
	policy.Check(files, cfg, day(now))
	return files[0].Findings
}

func TestCheck(t *testing.T) {
	for _, table := range singleFileTables() {
		t.Run(table.rule, func(t *testing.T) {
			for _, tc := range table.cases {
				t.Run(tc.name, func(t *testing.T) {
					if tc.skip != "" {
						t.Skip(tc.skip)
					}
					want := append([]result(nil), tc.want...)
					sortResults(want)
					got := results(tc.run())
					if diff := cmp.Diff(want, got, cmpopts.EquateEmpty()); diff != "" {
						t.Errorf("findings mismatch (-want +got):\n%s", diff)
					}
				})
			}
		})
	}
}

// fileCase is one file of a cross-file case.
type fileCase struct {
	slug   string
	mutate func(*application.Application)
	// undecoded leaves App nil, as for a file that failed the schema.
	undecoded bool
}

// crossCase checks several files together.
type crossCase struct {
	name  string
	files []fileCase
	// want maps a file's path to every finding expected on it.
	want map[string][]result
}

type crossTable struct {
	rule  string
	cases []crossCase
}

// initech makes the base application another company's, with nothing
// shared with the base: a different company, maintainer, name and App ID.
func initech(a *application.Application) {
	a.Company.Name = "Initech"
	a.Company.Website = "https://initech.example"
	a.Maintainers = []string{"initech-dev"}
	a.Integration.Name = "Initech Reports"
	a.Integration.AppID = "7654321"
}

func hooli(a *application.Application) {
	a.Company.Name = "Hooli"
	a.Company.Website = "https://hooli.example"
	a.Maintainers = []string{"hooli-dev"}
	a.Integration.Name = "Hooli Boards"
	a.Integration.AppID = "1112223"
}

func crossFileTables() []crossTable {
	return []crossTable{
		{policy.RuleSlug, []crossCase{
			{name: "a slug of lowercase words joined by hyphens passes",
				files: []fileCase{{slug: "acme-sync-2"}}},
			{name: "a slug with capitals is refused",
				files: []fileCase{{slug: "Acme-Sync"}},
				want:  map[string][]result{"applications/Acme-Sync.cue": {failing(policy.RuleSlug, "")}}},
			{name: "a slug with an underscore is refused",
				files: []fileCase{{slug: "acme_sync"}},
				want:  map[string][]result{"applications/acme_sync.cue": {failing(policy.RuleSlug, "")}}},
			{name: "a slug with a double hyphen is refused",
				files: []fileCase{{slug: "acme--sync"}},
				want:  map[string][]result{"applications/acme--sync.cue": {failing(policy.RuleSlug, "")}}},
			{name: "a slug of 64 characters passes",
				files: []fileCase{{slug: strings.Repeat("a", 64)}}},
			{name: "a slug of 65 characters is refused: past that, its page, its branch and its file name stop fitting a file system",
				files: []fileCase{{slug: strings.Repeat("a", 65)}},
				want:  map[string][]result{"applications/" + strings.Repeat("a", 65) + ".cue": {failing(policy.RuleSlug, "")}}},
			{name: "a slug with a dot, a leading hyphen or a letter outside ASCII is refused",
				files: []fileCase{{slug: "acme.sync"}, {slug: "-acme", mutate: initech}, {slug: "аcme-sync", mutate: hooli}},
				want: map[string][]result{
					"applications/acme.sync.cue": {failing(policy.RuleSlug, "")},
					"applications/-acme.cue":     {failing(policy.RuleSlug, "")},
					"applications/аcme-sync.cue": {failing(policy.RuleSlug, "")},
				}},
			{name: "a file that did not decode still has its slug checked",
				files: []fileCase{{slug: "Acme Sync", undecoded: true}},
				want:  map[string][]result{"applications/Acme Sync.cue": {failing(policy.RuleSlug, "")}}},
		}},
		{policy.RuleUniqueAppID, []crossCase{
			{name: "two companies with their own App IDs pass",
				files: []fileCase{{slug: "acme-sync"}, {slug: "initech-reports", mutate: initech}}},
			{name: "two files without an App ID do not clash",
				files: []fileCase{
					{slug: "acme-sync", mutate: func(a *application.Application) { a.Integration.AppID = "" }},
					{slug: "initech-reports", mutate: func(a *application.Application) { initech(a); a.Integration.AppID = "" }},
				}},
			{name: "two files claiming one App ID are both refused",
				files: []fileCase{
					{slug: "acme-sync"},
					{slug: "initech-reports", mutate: func(a *application.Application) { initech(a); a.Integration.AppID = "1234567" }},
				},
				want: map[string][]result{
					"applications/acme-sync.cue":       {failing(policy.RuleUniqueAppID, "integration.appId")},
					"applications/initech-reports.cue": {failing(policy.RuleUniqueAppID, "integration.appId")},
				}},
		}},
		{policy.RuleUniqueName, []crossCase{
			{name: "different integration names pass",
				files: []fileCase{{slug: "acme-sync"}, {slug: "initech-reports", mutate: initech}}},
			{name: "names differing only in case and spaces are both refused",
				files: []fileCase{
					{slug: "acme-sync"},
					{slug: "initech-sync", mutate: func(a *application.Application) {
						initech(a)
						a.Integration.Name = "acme  syncfor HUBSPOT"
					}},
				},
				want: map[string][]result{
					"applications/acme-sync.cue":    {failing(policy.RuleUniqueName, "integration.name")},
					"applications/initech-sync.cue": {failing(policy.RuleUniqueName, "integration.name")},
				}},
			{name: "names differing only in lookalike and zero-width characters are both refused",
				files: []fileCase{
					{slug: "acme-sync"},
					{slug: "initech-sync", mutate: func(a *application.Application) {
						initech(a)
						a.Integration.Name = "Асme Sync f\u200bor ＨubSpot"
					}},
				},
				want: map[string][]result{
					"applications/acme-sync.cue":    {failing(policy.RuleUniqueName, "integration.name")},
					"applications/initech-sync.cue": {failing(policy.RuleUniqueName, "integration.name")},
				}},
		}},
		{policy.RuleCompanyClaim, []crossCase{
			{name: "a second file for a lookalike of the company, with another legal suffix and no shared maintainer, is refused on both files",
				files: []fileCase{
					{slug: "acme-sync"},
					{slug: "acme-reports", mutate: func(a *application.Application) {
						a.Company.Name = "Асme Ѕoftware, Inc." // Cyrillic А, с and Ѕ
						a.Maintainers = []string{"mallory"}
						a.Integration.Name = "Acme Reports"
						a.Integration.AppID = "2222222"
					}},
				},
				want: map[string][]result{
					"applications/acme-sync.cue":    {failing(policy.RuleCompanyClaim, "maintainers")},
					"applications/acme-reports.cue": {failing(policy.RuleCompanyClaim, "maintainers")},
				}},
			{name: "a company whose name only begins like another's is another company",
				files: []fileCase{
					{slug: "acme-sync"},
					{slug: "acme-reports", mutate: func(a *application.Application) {
						a.Company.Name = "Acme Software Labs Ltd"
						a.Maintainers = []string{"labs-dev"}
						a.Integration.Name = "Acme Reports"
						a.Integration.AppID = "2222222"
					}},
				}},
			{name: "a second file for the company sharing a maintainer passes",
				files: []fileCase{
					{slug: "acme-sync"},
					{slug: "acme-reports", mutate: func(a *application.Application) {
						a.Maintainers = []string{"ACME-OPS", "acme-intern"}
						a.Integration.Name = "Acme Reports"
						a.Integration.AppID = "2222222"
					}},
				}},
			{name: "a second file for the company without a shared maintainer is refused on both files",
				files: []fileCase{
					{slug: "acme-sync"},
					{slug: "acme-reports", mutate: func(a *application.Application) {
						a.Company.Name = "acme  software LTD"
						a.Maintainers = []string{"mallory"}
						a.Integration.Name = "Acme Reports"
						a.Integration.AppID = "2222222"
					}},
				},
				want: map[string][]result{
					"applications/acme-sync.cue":    {failing(policy.RuleCompanyClaim, "maintainers")},
					"applications/acme-reports.cue": {failing(policy.RuleCompanyClaim, "maintainers")},
				}},
		}},
	}
}

func (tc crossCase) run() []application.File {
	var files []application.File
	for _, fc := range tc.files {
		app := validApp()
		if fc.mutate != nil {
			fc.mutate(&app)
		}
		f := newFile(fc.slug, app)
		if fc.undecoded {
			f.App = nil
		}
		files = append(files, f)
	}
	policy.Check(files, testConfig(), day(defaultNow))
	return files
}

func TestCheckAcrossFiles(t *testing.T) {
	for _, table := range crossFileTables() {
		t.Run(table.rule, func(t *testing.T) {
			for _, tc := range table.cases {
				t.Run(tc.name, func(t *testing.T) {
					want := map[string][]result{}
					for _, fc := range tc.files {
						path := "applications/" + fc.slug + ".cue"
						rs := append([]result(nil), tc.want[path]...)
						sortResults(rs)
						want[path] = rs
					}
					got := map[string][]result{}
					for _, f := range tc.run() {
						got[f.Path] = results(f.Findings)
					}
					if diff := cmp.Diff(want, got, cmpopts.EquateEmpty()); diff != "" {
						t.Errorf("findings by file mismatch (-want +got):\n%s", diff)
					}
				})
			}
		})
	}
}

// TestFindingPositions checks that a finding is placed where its path is
// written, or at the nearest written ancestor, and that a file's findings
// come in file order.
func TestFindingPositions(t *testing.T) {
	tests := []struct {
		name   string
		mutate func(*application.Application)
		slug   string
		// noPositions leaves the file without positions, as for a file
		// that could not be parsed.
		noPositions bool
		want        []application.Finding
	}{
		{
			name:   "a finding on a written field is placed at its label",
			mutate: func(a *application.Application) { a.Integration.Name = "HubSpot Sync" },
			want: []application.Finding{
				{Rule: "developer/E1", Severity: application.SeverityError, Path: "integration.name", Line: 5, Column: 2},
			},
		},
		{
			name:   "a finding on an unwritten field is placed at its parent",
			mutate: setScopes(scope("crm.objects.contacts.read", "sync")),
			want: []application.Finding{
				{Rule: "developer/B6", Severity: application.SeverityError, Path: "integration.scopes[0].reason", Line: 10, Column: 3},
			},
		},
		{
			name:   "a finding is placed at the nearest written ancestor several levels up",
			mutate: func(a *application.Application) { toApplied(a); a.Program.Installs.Count = 2 },
			want: []application.Finding{
				{Rule: "connect/req-4", Severity: application.SeverityError, Path: "program.installs.count", Line: 30, Column: 2},
			},
		},
		{
			name:   "a finding with nothing written on its path is placed at line 1 column 1",
			mutate: func(a *application.Application) { a.Privacy.SensitiveData = new(true) },
			want: []application.Finding{
				{Rule: "developer/C2", Severity: application.SeverityError, Path: "privacy.sensitiveData", Line: 1, Column: 1},
			},
		},
		{
			name: "findings come in file order",
			mutate: func(a *application.Application) {
				a.Program.Removed = &application.Removal{At: day("2026-01-10"), Reason: "terminated", By: "rivera-reviews"}
				a.Support.Channels = []string{"email"}
				a.Integration.Scopes = []application.Scope{
					scope("crm.objects.contacts.read", "Reads contacts to keep Acme's address book in sync."),
					scope("payments.read", "Shows each contact's last payment in Acme."),
				}
				a.Integration.Name = "Globex Sync"
				a.Privacy.PolicyURL = ""
			},
			want: []application.Finding{
				{Rule: "developer/A5", Severity: application.SeverityError, Path: "privacy.policyUrl", Line: 1, Column: 1},
				{Rule: "developer/D5", Severity: application.SeverityError, Path: "integration.name", Line: 5, Column: 2},
				{Rule: "developer/B6", Severity: application.SeverityWarning, Path: "integration.scopes[1].name", Line: 11, Column: 4},
				{Rule: "connect/req-3", Severity: application.SeverityError, Path: "support.channels", Line: 14, Column: 1},
				{Rule: "connect/beta-8", Severity: application.SeverityError, Path: "program.removed", Line: 28, Column: 1},
			},
		},
		{
			name:        "a file without positions has its findings placed at line 1 column 1",
			mutate:      func(a *application.Application) { a.Integration.Name = "HubSpot Sync" },
			noPositions: true,
			want: []application.Finding{
				{Rule: "developer/E1", Severity: application.SeverityError, Path: "integration.name", Line: 1, Column: 1},
			},
		},
		{
			name: "a cross-file finding is placed like any other",
			slug: "Acme",
			want: []application.Finding{
				{Rule: policy.RuleSlug, Severity: application.SeverityError, Path: "", Line: 1, Column: 1},
			},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			app := validApp()
			if tc.mutate != nil {
				tc.mutate(&app)
			}
			slug := tc.slug
			if slug == "" {
				slug = "acme-sync"
			}
			files := []application.File{newFile(slug, app)}
			if tc.noPositions {
				files[0].Positions = nil
			}
			policy.Check(files, testConfig(), day(defaultNow))
			got := files[0].Findings
			if diff := cmp.Diff(tc.want, got, cmpopts.IgnoreFields(application.Finding{}, "Message")); diff != "" {
				t.Errorf("findings mismatch (-want +got):\n%s", diff)
			}
			for _, f := range got {
				if f.Message == "" {
					t.Errorf("finding %s at %s has no message", f.Rule, f.Path)
				}
			}
		})
	}
}

// TestMessages checks, for findings whose text carries dates and
// configured numbers, that the text says the right ones.
// messageCase is a case of a finding's wording: the messages a check
// gives, in order.
type messageCase struct {
	in   checkCase
	want []string
}

// checkMessages runs each case and compares the messages it gives.
func checkMessages(t *testing.T, tests []messageCase) {
	t.Helper()
	for _, tc := range tests {
		t.Run(tc.in.name, func(t *testing.T) {
			var got []string
			for _, f := range tc.in.run() {
				got = append(got, f.Message)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("messages mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestMessages(t *testing.T) {
	tests := []messageCase{
		{
			in: checkCase{name: "a listing missing on its due date says it is due that day",
				now: "2026-01-31", mutate: withoutListing},
			want: []string{"listing information is due by 2026-01-31 (due today): add listing.tagline, listing.description, listing.setupInstructionsUrl, listing.supportUrl"},
		},
		{
			in: checkCase{name: "a listing missing the day before its due date says one day is left, as status does",
				now: "2026-01-30", mutate: withoutListing},
			want: []string{"listing information is due by 2026-01-31 (1 day left): add listing.tagline, listing.description, listing.setupInstructionsUrl, listing.supportUrl"},
		},
		{
			in: checkCase{name: "a listing missing the day after its due date says when it was due",
				now: "2026-02-01", mutate: withoutListing},
			want: []string{"listing information was due on 2026-01-31 (30 days after acceptance on 2026-01-01) and still lacks listing.tagline, listing.description, listing.setupInstructionsUrl, listing.supportUrl; the application is due for removal"},
		},
		{
			in: checkCase{name: "a slow first response names the configured SLA",
				config: func(c *application.Config) { c.SupportResponseHours = 48 },
				mutate: func(a *application.Application) { a.Support.FirstResponseHours = new(72) }},
			want: []string{"first response within 72 hours is too slow: the program requires 48 hours or less"},
		},
		{
			in: checkCase{name: "too few installs names the count, its date and the configured minimum",
				config: func(c *application.Config) { c.MinInstalls = 20 },
				mutate: func(a *application.Application) { toApplied(a); a.Program.Installs.Count = 15 }},
			want: []string{"15 installs as of 2026-01-14; an application is considered from 20 installs"},
		},
		{
			in: checkCase{name: "a sensitive scope names the scope and what it reaches",
				mutate: setScopes(scope("payments.read", "Shows each contact's last payment in Acme."))},
			want: []string{`scope "payments.read" reaches sensitive data (read payment records); a reviewer will check that the integration needs it`},
		},
		{
			in: checkCase{name: "a repeated reason names the scope it repeats",
				mutate: setScopes(
					scope("crm.objects.contacts.read", "Keeps contacts in sync both ways."),
					scope("crm.objects.deals.write", "Keeps contacts in sync both ways."),
				)},
			want: []string{`the same reason, "Keeps contacts in sync both ways.", is given for every scope: say what the integration does with "crm.objects.deals.write"`},
		},
	}
	checkMessages(t, tests)
}

// TestCheckLeavesEarlierFindings checks that Check appends to what the
// loader found and skips a file that did not decode.
func TestCheckLeavesEarlierFindings(t *testing.T) {
	schema := application.Finding{Rule: "format/schema", Severity: application.SeverityError,
		Message: "required field \"program\" is missing", Line: 1, Column: 1}
	files := []application.File{{
		Path: "applications/broken.cue", Slug: "broken",
		Findings: []application.Finding{schema},
	}}
	policy.Check(files, testConfig(), day(defaultNow))
	if diff := cmp.Diff([]application.Finding{schema}, files[0].Findings); diff != "" {
		t.Errorf("findings mismatch (-want +got):\n%s", diff)
	}
}

// TestRules checks the rule list against itself and against the cases: ids
// are unique, every rule quotes its sentence and names its source, every
// rule a case expects is listed, and every listed rule has a table with a
// case that passes it and a case that fails it.
func TestRules(t *testing.T) {
	listed := map[string]bool{}
	for _, r := range policy.Rules() {
		if listed[r.ID] {
			t.Errorf("rule id %q is listed twice", r.ID)
		}
		listed[r.ID] = true
		if r.Sentence == "" {
			t.Errorf("rule %q has no sentence", r.ID)
		}
		if r.Source == "" {
			t.Errorf("rule %q has no source", r.ID)
		}
		if got, ok := policy.Lookup(r.ID); !ok || got != r {
			t.Errorf("Lookup(%q) = %+v, %v; want %+v, true", r.ID, got, ok, r)
		}
	}

	type coverage struct{ passes, fails bool }
	tables := map[string]*coverage{}
	expected := map[string]bool{}
	note := func(table string, want []result) {
		cov := tables[table]
		if cov == nil {
			cov = &coverage{}
			tables[table] = cov
		}
		hit := false
		for _, r := range want {
			expected[r.Rule] = true
			if r.Rule == table {
				hit = true
			}
		}
		if hit {
			cov.fails = true
		} else {
			cov.passes = true
		}
	}
	for _, table := range singleFileTables() {
		for _, tc := range table.cases {
			note(table.rule, tc.want)
			// What Check emits counts too, so a rule cannot hide behind
			// a skipped case.
			for _, f := range tc.run() {
				expected[f.Rule] = true
			}
		}
	}
	for _, table := range crossFileTables() {
		for _, tc := range table.cases {
			var all []result
			for _, rs := range tc.want {
				all = append(all, rs...)
			}
			note(table.rule, all)
		}
	}

	var unlisted []string
	for id := range expected {
		if !listed[id] {
			unlisted = append(unlisted, id)
		}
	}
	sort.Strings(unlisted)
	if diff := cmp.Diff([]string(nil), unlisted); diff != "" {
		t.Errorf("rules emitted but not in policy.Rules() (-want +got):\n%s", diff)
	}
	for id := range listed {
		if r, _ := policy.Lookup(id); r.Clock {
			continue // enforced by the engine's clocks, tested in internal/program
		}
		cov := tables[id]
		switch {
		case cov == nil:
			t.Errorf("rule %q has no table of cases", id)
		case !cov.passes:
			t.Errorf("rule %q has no case that passes it", id)
		case !cov.fails:
			t.Errorf("rule %q has no case that fails it", id)
		}
	}
}
