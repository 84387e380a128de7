package policy_test

import (
	"strings"
	"testing"

	"github.com/connectbot/connectbot/internal/application"
	"github.com/connectbot/connectbot/internal/policy"
)

// TestAnUnknownScopeNamesTheClosestAndTheCatalogue misspells a scope: the
// finding names the three closest catalogue scopes, closest first, and
// where the catalogue is — its page on the program's site when siteUrl
// is set, else the files that hold it.
func TestAnUnknownScopeNamesTheClosestAndTheCatalogue(t *testing.T) {
	tests := []struct {
		name, siteURL, want string
	}{
		{"without a site", "", "did you mean `crm.objects.contacts.read`, `crm.objects.contacts.write` or `crm.objects.companies.write`? (the catalogue: schema/scopes.cue, which `connectbot schema` prints, and the scopes program.cue adds)"},
		{"with a site", "https://acme-program.github.io/connect/", "(the catalogue: https://acme-program.github.io/connect/scopes.html)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			app := validApp()
			app.Integration.Scopes[0].Name = "crm.objects.contact.read"
			cfg := testConfig()
			cfg.SiteURL = tt.siteURL
			files := []application.File{{Path: "applications/acme-sync.cue", Slug: "acme-sync", App: &app}}
			policy.Check(files, cfg, day(defaultNow))
			found := false
			for _, x := range files[0].Findings {
				if x.Path == "integration.scopes[0].name" {
					found = true
					if !strings.Contains(x.Message, tt.want) {
						t.Errorf("message %q does not end %q", x.Message, tt.want)
					}
				}
			}
			if !found {
				t.Fatalf("no finding on the misspelt scope: %+v", files[0].Findings)
			}
		})
	}
}
