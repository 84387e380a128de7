package catalog

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/connectbot/connectbot/internal/application"
)

// TestCUETricksAreRefusedOrJudgedOnTheirValue tries what a hostile
// integrator might write to make the file say one thing to a reader and
// another to connectbot. Each is either refused in one line at its
// position, or decodes to the value CUE itself would export, which is what
// the ownership and policy rules compare.
func TestCUETricksAreRefusedOrJudgedOnTheirValue(t *testing.T) {
	const head = `company: {name: "Acme Software Ltd"}
maintainers: ["acme-dev"]
integration: {name: "Acme Sync", auth: "oauth2"}
program: {stage: "applied", installs: {count: 12, asOf: "2026-11-01"}}
`
	accepted := application.MustParseDate("2026-11-02")
	tests := []struct {
		name string
		// src is appended to head, whose last line is 4.
		src string
		// wantRule and wantLine are the one refusal; "" means the file
		// decodes.
		wantRule string
		wantLine int
		// want checks the decoded application.
		want func(*application.Application) any
		// wantValue is what want should return.
		wantValue any
	}{
		{
			name: "a quoted program field unifies with the unquoted one: the date it adds is in the value judged",
			src:  `"program": {acceptedAt: "2026-11-02"}` + "\n",
			want: func(a *application.Application) any { return a.Program.AcceptedAt }, wantValue: &accepted,
		},
		{
			name: "a label spelt with a unicode escape is the field it spells",
			src:  `"progr\u0061m": {acceptedAt: "2026-11-02"}` + "\n",
			want: func(a *application.Application) any { return a.Program.AcceptedAt }, wantValue: &accepted,
		},
		{
			name: "a short-form field repeated later is the same field",
			src:  "program: acceptedAt: \"2026-11-02\"\n",
			want: func(a *application.Application) any { return a.Program.AcceptedAt }, wantValue: &accepted,
		},
		{
			name:     "a repeated field with another value is refused at the second value",
			src:      `program: {stage: "beta"}` + "\n",
			wantRule: RuleSchema, wantLine: 5,
		},
		{
			name:     "an attestation given and withdrawn in one file is refused",
			src:      "attestations: developerTerms: true\nattestations: developerTerms: false\n",
			wantRule: RuleSchema, wantLine: 6,
		},
		{
			name: `a raw string's \( is text, not interpolation`,
			src:  `support: {url: #"https://acme.example/\(x)"#}` + "\n",
			want: func(a *application.Application) any { return a.Support.URL }, wantValue: `https://acme.example/\(x)`,
		},
		{
			name:     `a raw string's \#( interpolation is refused`,
			src:      `support: {url: #"https://acme.example/\#(x)"#}` + "\n",
			wantRule: RulePlainData, wantLine: 5,
		},
		{
			name:     `a multi-line string's \( interpolation is refused`,
			src:      "support: {url: \"\"\"\n\thttps://acme.example/\\(x)\n\t\"\"\"}\n",
			wantRule: RulePlainData, wantLine: 5,
		},
		{
			name:     "a quoted label that looks hidden is an unknown field",
			src:      `"_hidden": 1` + "\n",
			wantRule: RuleSchema, wantLine: 5,
		},
		{
			name:     "a quoted label that looks like a definition is an unknown field",
			src:      `"#Application": {}` + "\n",
			wantRule: RuleSchema, wantLine: 5,
		},
		{
			name:     "a bytes literal for a name is refused, with advice to use double quotes",
			src:      `integration: name: 'Acme Sync'` + "\n",
			wantRule: RulePlainData, wantLine: 5,
		},
		{
			name:     "a support URL with a right-to-left override, which shows a reader another address, is refused",
			src:      "support: {url: \"https://acme.example/\u202egnp.exe\"}\n",
			wantRule: RuleSchema, wantLine: 5,
		},
		{
			name:     "a setup URL with a no-break space is refused",
			src:      "listing: {setupInstructionsUrl: \"https://acme.example/docs\u00a0connect\"}\n",
			wantRule: RuleSchema, wantLine: 5,
		},
		{
			name:     "a security contact with a zero-width space is refused",
			src:      "privacy: {securityContact: \"security@acme\u200b.example\"}\n",
			wantRule: RuleSchema, wantLine: 5,
		},
		{
			name:     "a support email with a tag character is refused",
			src:      "support: {email: \"help@acme.example\U000E0041\"}\n",
			wantRule: RuleSchema, wantLine: 5,
		},
		{
			name: "a web address with letters outside ASCII is a web address",
			src:  "support: {url: \"https://bücher.example/hilfe\"}\n",
			want: func(a *application.Application) any { return a.Support.URL }, wantValue: "https://bücher.example/hilfe",
		},
		{
			name:     "an expression joining two strings is refused",
			src:      `listing: tagline: "Acme " + "Sync"` + "\n",
			wantRule: RulePlainData, wantLine: 5,
		},
	}
	c := defaultCatalog(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := c.Application("applications/acme-sync.cue", []byte(head+tt.src))
			if tt.wantRule == "" {
				if f.App == nil {
					t.Fatalf("refused, want decoded: %+v", f.Findings)
				}
				if diff := cmp.Diff(tt.wantValue, tt.want(f.App)); diff != "" {
					t.Errorf("decoded value (-want +got):\n%s", diff)
				}
				return
			}
			if f.App != nil || len(f.Findings) != 1 {
				t.Fatalf("want one refusal and nothing decoded, got app %v and %+v", f.App != nil, f.Findings)
			}
			got := f.Findings[0]
			if got.Rule != tt.wantRule || got.Line != tt.wantLine || strings.Contains(got.Message, "\n") {
				t.Errorf("got %s at line %d: %q; want %s at line %d, one line", got.Rule, got.Line, got.Message, tt.wantRule, tt.wantLine)
			}
		})
	}
}
