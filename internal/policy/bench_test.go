package policy_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/connectbot/connectbot/internal/application"
	"github.com/connectbot/connectbot/internal/catalog"
	"github.com/connectbot/connectbot/internal/policy"
)

// BenchmarkCheck checks 1,000 applications, each with a name, a tagline and
// a description of 2,000 characters to fold and search for the brand,
// three protected names and four vulgar words (and their masks), the
// schema's default phrases that contradict a declared field and weak
// scope reasons, and a phone number to parse.
func BenchmarkCheck(b *testing.B) {
	cat, err := catalog.Default()
	if err != nil {
		b.Fatal(err)
	}
	defaults, err := cat.Program("program.cue", nil)
	if err != nil {
		b.Fatal(err)
	}
	cfg := testConfig()
	cfg.Contradictions, cfg.WeakReasons = defaults.Contradictions, defaults.WeakReasons
	// The links are on acme.example: documentation domains are allowed,
	// as in the sample program, so that every link is read for its host
	// and none adds a finding.
	cfg.PlatformDomains, cfg.DocumentationDomains = defaults.PlatformDomains, "allow"
	cfg.ProtectedNames = []string{"Globex", "Initech", "Umbrella Corp"}
	cfg.VulgarTerms = []string{"crap", "shit", "fuck", "bollocks"}
	description := strings.Repeat("Keeps contacts in step between Acme and HubSpot, both ways. ", 34)[:2000]
	files := make([]application.File, 1000)
	for i := range files {
		app := validApp()
		app.Company.Name = fmt.Sprintf("Company %d Ltd", i)
		app.Maintainers = []string{fmt.Sprintf("dev-%d", i)}
		app.Integration.Name = fmt.Sprintf("Acme Sync %d for HubSpot", i)
		app.Integration.AppID = fmt.Sprint(1000000 + i)
		app.Listing.Description = description
		files[i] = newFile(fmt.Sprintf("acme-sync-%d", i), app)
	}
	b.ReportAllocs()
	for b.Loop() {
		for i := range files {
			files[i].Findings = nil
		}
		policy.Check(files, cfg, day(defaultNow))
	}
}
