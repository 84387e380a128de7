package policy_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/connectbot/connectbot/internal/application"
	"github.com/connectbot/connectbot/internal/policy"
)

// flagged is a warning that goes into the reviewer checklist.
func flagged(rule, path string) result {
	return result{Rule: rule, Severity: application.SeverityWarning, Path: path, Flagged: true}
}

// findings checks one application on defaultNow and returns what each
// finding pins down.
func findings(cfg application.Config, app application.Application) []result {
	files := []application.File{newFile("acme-sync", app)}
	policy.Check(files, cfg, day(defaultNow))
	var got []result
	for _, f := range files[0].Findings {
		got = append(got, result{Rule: f.Rule, Severity: f.Severity, Path: f.Path, Flagged: f.Flagged})
	}
	return got
}

func TestLinksMustBePublic(t *testing.T) {
	setPolicy := func(u string) func(*application.Application) {
		return func(a *application.Application) { a.Privacy.PolicyURL = u }
	}
	setRequests := func(u string) func(*application.Application) {
		return func(a *application.Application) { a.Privacy.DataRequestsURL = u }
	}
	setSupport := func(u string) func(*application.Application) {
		return func(a *application.Application) { a.Support.URL = u }
	}
	setListing := func(u string) func(*application.Application) {
		return func(a *application.Application) {
			a.Listing.SupportURL = u
			a.Listing.SetupInstructionsURL = "https://acme.com/docs"
		}
	}
	tests := []struct {
		name   string
		docs   string
		mutate func(*application.Application)
		want   []result
	}{
		{name: "a privacy policy on a public domain passes", mutate: setPolicy("https://acme.com/privacy")},
		{name: "a privacy policy on an internationalised public domain passes", mutate: setPolicy("https://bücher.de/datenschutz")},
		{name: "a privacy policy on localhost is refused", mutate: setPolicy("https://localhost/privacy"),
			want: []result{failing("developer/A5", "privacy.policyUrl")}},
		{name: "a privacy policy on localhost with a port and a trailing dot is refused", mutate: setPolicy("https://LOCALHOST.:8443/privacy"),
			want: []result{failing("developer/A5", "privacy.policyUrl")}},
		{name: "a privacy policy on a subdomain of localhost is refused", mutate: setPolicy("https://acme.localhost/privacy"),
			want: []result{failing("developer/A5", "privacy.policyUrl")}},
		{name: "a privacy policy on fullwidth localhost is refused", mutate: setPolicy("https://ｌｏｃａｌｈｏｓｔ/privacy"),
			want: []result{failing("developer/A5", "privacy.policyUrl")}},
		{name: "a privacy policy on the loopback address is refused", mutate: setPolicy("https://127.0.0.1/privacy"),
			want: []result{failing("developer/A5", "privacy.policyUrl")}},
		{name: "a privacy policy on the loopback address as one decimal number is refused", mutate: setPolicy("https://2130706433/privacy"),
			want: []result{failing("developer/A5", "privacy.policyUrl")}},
		{name: "a privacy policy on the loopback address in hexadecimal parts is refused", mutate: setPolicy("https://0x7f.1/privacy"),
			want: []result{failing("developer/A5", "privacy.policyUrl")}},
		{name: "a privacy policy on the loopback address in octal is refused", mutate: setPolicy("https://0177.0.0.1/privacy"),
			want: []result{failing("developer/A5", "privacy.policyUrl")}},
		{name: "a privacy policy on the IPv6 loopback is refused", mutate: setPolicy("https://[::1]/privacy"),
			want: []result{failing("developer/A5", "privacy.policyUrl")}},
		{name: "a privacy policy on an IPv4-mapped loopback is refused", mutate: setPolicy("https://[::ffff:127.0.0.1]/privacy"),
			want: []result{failing("developer/A5", "privacy.policyUrl")}},
		{name: "a data-request page on a private 10/8 address is refused", mutate: setRequests("https://10.0.0.12/requests"),
			want: []result{failing("developer/A7", "privacy.dataRequestsUrl")}},
		{name: "a data-request page on a private 172.16/12 address is refused", mutate: setRequests("https://172.20.1.1/requests"),
			want: []result{failing("developer/A7", "privacy.dataRequestsUrl")}},
		{name: "a data-request page on a private 192.168/16 address is refused", mutate: setRequests("https://192.168.1.20/requests"),
			want: []result{failing("developer/A7", "privacy.dataRequestsUrl")}},
		{name: "a data-request page on a unique-local IPv6 address is refused", mutate: setRequests("https://[fd12:3456::1]/requests"),
			want: []result{failing("developer/A7", "privacy.dataRequestsUrl")}},
		{name: "a data-request page on a link-local address is refused", mutate: setRequests("https://169.254.10.10/requests"),
			want: []result{failing("developer/A7", "privacy.dataRequestsUrl")}},
		{name: "a data-request page on a link-local IPv6 address with a zone is refused", mutate: setRequests("https://[fe80::1%25eth0]/requests"),
			want: []result{failing("developer/A7", "privacy.dataRequestsUrl")}},
		{name: "a support page on a single-label host is refused", mutate: setSupport("https://helpdesk/acme"),
			want: []result{failing("developer/F3", "support.url")}},
		{name: "a support page on a .local name is refused", mutate: setSupport("https://support.acme.local/"),
			want: []result{failing("developer/F3", "support.url")}},
		{name: "a support page on a .internal name is refused", mutate: setSupport("https://help.corp.internal/"),
			want: []result{failing("developer/F3", "support.url")}},
		{name: "a listing support link on 0.0.0.0 is refused", mutate: setListing("https://0.0.0.0/help"),
			want: []result{failing("developer/F3", "listing.supportUrl")}},
		{name: "a public address written as a number passes", mutate: setSupport("https://134744072/help")},
		{name: "a public host whose name starts with digits passes", mutate: setSupport("https://1password.com/help")},
		{name: "a documentation domain is flagged by default", docs: "warning", mutate: setPolicy("https://acme.example/privacy"),
			want: []result{flagged("developer/A5", "privacy.policyUrl")}},
		{name: "example.com is flagged by default", docs: "warning", mutate: setSupport("https://www.example.com/help"),
			want: []result{flagged("developer/F3", "support.url")}},
		{name: "a .test domain is refused when the program says so", docs: "error", mutate: setSupport("https://acme.test/help"),
			want: []result{failing("developer/F3", "support.url")}},
		{name: "a documentation address range is refused when the program says so", docs: "error", mutate: setSupport("https://192.0.2.10/help"),
			want: []result{failing("developer/F3", "support.url")}},
		{name: "a .invalid domain passes when the program allows documentation domains", docs: "allow", mutate: setSupport("https://acme.invalid/help")},
		{name: "a privacy policy on the platform's own domain is flagged", mutate: setPolicy("https://legal.hubspot.com/privacy-policy"),
			want: []result{flagged("developer/A5", "privacy.policyUrl")}},
		{name: "a privacy policy on a domain that merely ends in the platform's name passes", mutate: setPolicy("https://nothubspot.com/privacy")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := testConfig()
			cfg.DocumentationDomains = tt.docs
			cfg.PlatformDomains = []string{"hubspot.com"}
			app := validApp()
			// The base application's links are on .example: put them on a
			// public domain so that only the case's link is judged.
			app.Privacy.PolicyURL, app.Privacy.DataRequestsURL = "https://acme.com/privacy", "https://acme.com/privacy/requests"
			app.Support.URL, app.Listing.SupportURL = "https://acme.com/help", "https://acme.com/help"
			app.Listing.SetupInstructionsURL = "https://acme.com/docs"
			app.Certification.DemoVideoURL = "https://video.acme.com/demo"
			app.Certification.SalesAssets = []string{"https://acme.com/one-pager.pdf"}
			tt.mutate(&app)
			if diff := cmp.Diff(tt.want, findings(cfg, app)); diff != "" {
				t.Errorf("findings (-want +got):\n%s", diff)
			}
		})
	}
}
