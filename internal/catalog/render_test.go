package catalog

import (
	"strings"
	"testing"
	"unicode"

	"github.com/google/go-cmp/cmp"

	"github.com/connectbot/connectbot/internal/application"
)

// TestRenderWritesEveryStringAsAString renders values that would be
// syntax in a hand-written file and loads the file back: every value comes
// back exactly, and nothing else appears.
func TestRenderWritesEveryStringAsAString(t *testing.T) {
	cat, err := Default()
	if err != nil {
		t.Fatal(err)
	}
	asOf, _ := application.ParseDate("2026-11-25")
	for _, hostile := range []string{
		`"`, `\`, `\"`, "\n", "}", "{", `\(program.stage)`, `"""`, `#"raw"#`, "//", "/*", "@attr(x)",
		`x" program: {stage: "partner"} y: "`, "import \"strings\"", "\t\u00a0\u2028\u200d", "é東京", "\x01\x7f",
	} {
		// A name and a scope's reason are one line without control
		// characters (the schema says so).
		name := hostile
		if strings.ContainsFunc(hostile, func(r rune) bool { return unicode.IsControl(r) || r == '\u2028' }) {
			name = "Hostile"
		}
		app := application.Application{
			Company:     application.Company{Name: "Acme " + name, Website: "https://acme.example"},
			Maintainers: []string{"acme-dev"},
			Integration: application.Integration{Name: name + " Sync", Auth: "oauth2",
				Scopes: []application.Scope{{Name: "oauth", Reason: name}}},
			Support: application.Support{Channels: []string{"ticket"}, FirstResponseHours: new(24), URL: "https://acme.example/help"},
			Privacy: application.Privacy{PolicyURL: "https://acme.example/p", DataRequestsURL: "https://acme.example/r", SecurityContact: "s@acme.example"},
			Program: application.ProgramState{Stage: application.StageApplied, Installs: application.Installs{Count: 12, AsOf: asOf}},
		}
		src, err := Render(app, "A file written from a form.\n\nLine three.")
		if err != nil {
			t.Fatalf("%q: %v", hostile, err)
		}
		if !strings.HasPrefix(string(src), "// A file written from a form.\n//\n// Line three.\n\ncompany: {") {
			t.Errorf("%q: the file does not open with its comment:\n%s", hostile, src)
		}
		f := cat.Application("applications/acme.cue", src)
		if f.App == nil {
			t.Fatalf("%q: the rendered file does not load: %+v\n%s", hostile, f.Findings, src)
		}
		if diff := cmp.Diff(app, *f.App); diff != "" {
			t.Errorf("%q: read back (-rendered +loaded):\n%s\n%s", hostile, diff, src)
		}
	}
}
