package catalog

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/connectbot/connectbot/internal/application"
)

// TestEverySyntaxErrorIsShownAtItsLine breaks a file in two places: each
// error is a finding at its own line, never "(and 1 more errors)".
func TestEverySyntaxErrorIsShownAtItsLine(t *testing.T) {
	c := defaultCatalog(t)
	src := strings.Replace(valid, `auth: "oauth2"`, `auth: "oauth2" "jwt"`, 1)
	src = strings.Replace(src, `maintainers: ["acme-dev"]`, `maintainers: ["acme-dev" "x"]`, 1)
	f := c.Application("applications/acme-sync.cue", []byte(src))
	var lines []int
	for _, x := range f.Findings {
		if x.Rule != RuleSyntax || strings.Contains(x.Message, "more errors") {
			t.Errorf("finding %+v", x)
		}
		lines = append(lines, x.Line)
	}
	if diff := cmp.Diff([]int{2, 3}, lines); diff != "" {
		t.Errorf("lines of the syntax errors (-want +got):\n%s\n%+v", diff, f.Findings)
	}
}

// TestAMistakeIsNeverAValidFile mends each common mistake only to judge
// the rest of the file: the file still fails, with the advice, and only the
// policy rules read the mended value (Partial), never the program.
func TestAMistakeIsNeverAValidFile(t *testing.T) {
	c := defaultCatalog(t)
	tests := []struct{ name, good, bad, path string }{
		{"True", `auth: "oauth2"}`, `auth: "oauth2", builtInHouse: True}`, "integration.builtInHouse"},
		{"single quotes", `"Acme Sync"`, `'Acme Sync'`, "integration.name"},
		{"a word without quotes", `"oauth2"`, `oauth2`, "integration.auth"},
		{"a word without quotes in the program part", `"applied"`, `applied`, "program.stage"},
		{"yes for a boolean, with the rest of the file wrong too", `auth: "oauth2"}`, `auth: "oauth2", builtInHouse: yes}`, "integration.builtInHouse"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := c.Application("applications/acme-sync.cue", []byte(strings.Replace(valid, tt.good, tt.bad, 1)))
			if f.App != nil {
				t.Fatalf("the file with %s loads as valid", tt.bad)
			}
			if f.Partial == nil {
				t.Fatalf("nothing for the policy rules to read: %+v", f.Findings)
			}
			want := []application.Finding{{Rule: RulePlainData, Severity: application.SeverityError, Path: tt.path}}
			got := make([]application.Finding, len(f.Findings))
			for i, x := range f.Findings {
				got[i] = application.Finding{Rule: x.Rule, Severity: x.Severity, Path: x.Path}
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("findings (-want +got):\n%s", diff)
			}
			if strings.HasPrefix(tt.path, "program") && f.Clock != nil {
				t.Errorf("the clocks read a guessed program part: %+v", f.Clock)
			}
		})
	}
}

// TestThePartsThatPassAreReadForThePolicyRules fails one field of a file:
// Partial holds every other part, and leaves the failing one out.
func TestThePartsThatPassAreReadForThePolicyRules(t *testing.T) {
	c := defaultCatalog(t)
	src := strings.Replace(valid, `auth: "oauth2"`, `auth: "oauth2", scopes: [{name: "BAD"}, {name: "crm.objects.deals.read"}]`, 1)
	src = strings.Replace(src, `{name: "Acme Software Ltd"}`, `{name: "Acme Software Ltd", website: "acme"}`, 1)
	f := c.Application("applications/acme-sync.cue", []byte(src))
	if f.App != nil || f.Partial == nil {
		t.Fatalf("App %v, Partial %v: %+v", f.App, f.Partial, f.Findings)
	}
	p := f.Partial
	want := []application.Scope{{}, {Name: "crm.objects.deals.read"}}
	if diff := cmp.Diff(want, p.Integration.Scopes); diff != "" {
		t.Errorf("scopes, the failing one left out in its place (-want +got):\n%s", diff)
	}
	if p.Company.Name != "Acme Software Ltd" || p.Company.Website != "" || p.Integration.Auth != "oauth2" || p.Program.Installs.Count != 12 {
		t.Errorf("partial %+v", p)
	}
}
