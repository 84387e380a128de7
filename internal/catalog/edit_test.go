package catalog

import (
	"os"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/connectbot/connectbot/internal/application"
)

func TestSetProgramRewritesOnlyTheProgramPart(t *testing.T) {
	c := defaultCatalog(t)
	src, err := os.ReadFile("../../applications/brightpath-forms.cue")
	if err != nil {
		t.Fatal(err)
	}
	before := c.Application("applications/brightpath-forms.cue", src)
	if before.App == nil {
		t.Fatalf("sample does not load: %+v", before.Findings)
	}
	p := before.App.Program
	at, _ := application.ParseDate("2026-12-11")
	p.Stage = application.StageRemoved
	p.Removed = &application.Removal{At: at, Reason: "listing-overdue", By: "connectbot"}
	p.History = append(p.History, application.HistoryRow{Date: at, Stage: application.StageRemoved, By: "connectbot", Ref: "#61"})

	out, err := c.SetProgram("applications/brightpath-forms.cue", src, p)
	if err != nil {
		t.Fatal(err)
	}
	after := c.Application("applications/brightpath-forms.cue", out)
	if after.App == nil {
		t.Fatalf("rewritten file does not load: %+v\n%s", after.Findings, out)
	}
	if diff := cmp.Diff(p, after.App.Program); diff != "" {
		t.Errorf("program part (-want +got):\n%s", diff)
	}
	want := *before.App
	want.Program = p
	if diff := cmp.Diff(want, *after.App); diff != "" {
		t.Errorf("the rest of the application changed (-want +got):\n%s", diff)
	}
	for _, line := range strings.Split(string(src), "\n") {
		if strings.HasPrefix(strings.TrimSpace(line), "//") && !strings.Contains(string(out), strings.TrimSpace(line)) {
			t.Errorf("comment lost: %q", line)
		}
	}
	if !strings.Contains(string(out), "\tstage: \"removed\"\n") {
		t.Errorf("program not written as readable CUE:\n%s", out)
	}
}

func TestSetProgramRefusesWhatItCannotEditSafely(t *testing.T) {
	c := defaultCatalog(t)
	for name, src := range map[string]string{
		"a hostile file": "import \"list\"\n",
		"program twice":  "program: {stage: \"beta\"}\nprogram: {installs: {count: 1, asOf: \"2026-01-01\"}}\n",
		"a syntax error": "program: {\n",
		"a reference":    "program: other\n",
	} {
		if _, err := c.SetProgram("a.cue", []byte(src), application.ProgramState{}); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}

func TestSetFieldsChangesOnlyTheFieldsNamed(t *testing.T) {
	c := defaultCatalog(t)
	const file = "applications/brightpath-forms.cue"
	src, err := os.ReadFile("../../" + file)
	if err != nil {
		t.Fatal(err)
	}
	// A comment inside a struct the edit goes into must stay too.
	src = []byte(strings.Replace(string(src), "\tfirstResponseHours: 12\n", "\t// answered by the help desk in Lisbon\n\tfirstResponseHours: 12\n", 1))
	before := c.Application(file, src)
	if before.App == nil {
		t.Fatalf("sample does not load: %+v", before.Findings)
	}
	listing := application.Listing{Tagline: "Forms into contacts", SupportURL: "https://help.brightpath-forms.example"}
	out, err := c.SetFields(file, src, []FieldValue{
		{Path: "listing.tagline", Value: listing.Tagline},
		{Path: "listing.supportUrl", Value: listing.SupportURL},
		{Path: "support.phone", Value: "+44 20 7946 0000"},
		{Path: "integration.appId", Value: "7654321"},
	})
	if err != nil {
		t.Fatal(err)
	}
	after := c.Application(file, out)
	if after.App == nil {
		t.Fatalf("edited file does not load: %+v\n%s", after.Findings, out)
	}
	want := *before.App
	want.Listing = &listing
	want.Support.Phone = "+44 20 7946 0000"
	want.Integration.AppID = "7654321"
	if diff := cmp.Diff(want, *after.App); diff != "" {
		t.Errorf("application (-want +got):\n%s", diff)
	}
	for _, line := range strings.Split(string(src), "\n") {
		if strings.HasPrefix(strings.TrimSpace(line), "//") && !strings.Contains(string(out), strings.TrimSpace(line)) {
			t.Errorf("comment lost: %q\n%s", line, out)
		}
	}
	// The fields not edited keep their layout: one line stays one line.
	for _, line := range []string{
		`company: {name: "BrightPath Forms Inc.", website: "https://brightpath-forms.example"}`,
		`security: {authentication: true, loginAuditing: true}`,
		`{count: 12, asOf: "2026-11-20"}`,
	} {
		if !strings.Contains(string(out), line) {
			t.Errorf("layout of %q lost:\n%s", line, out)
		}
	}
}

func TestSetFieldsRefusesWhatItCannotEditSafely(t *testing.T) {
	c := defaultCatalog(t)
	for _, tt := range []struct{ name, src, want string }{
		{"a struct written twice", "listing: {tagline: \"a\"}\nlisting: {description: \"b\"}\n", "listing is written more than once"},
		{"a field written twice inside a struct", "listing: {tagline: \"a\", tagline: \"a\"}\n", "listing.tagline is written more than once"},
		{"a path through a value that is not a struct", "listing: \"soon\"\n", "listing is not written as a struct"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := c.SetFields("a.cue", []byte(tt.src), []FieldValue{{Path: "listing.tagline", Value: "x"}})
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %v, want one saying %q", err, tt.want)
			}
		})
	}
}

func TestSnippetWritesTheFieldsNamedWithTheirPlaceholders(t *testing.T) {
	got, err := Snippet([]SnippetValue{
		{Path: "listing.tagline", Value: "Two-way contact sync"},
		{Path: "listing.description", Value: "", Replace: "what the integration does for a customer"},
		{Path: "certification.salesAssets", Value: []string{""}, Replace: "https links, one a string"},
		{Path: "support.firstResponseHours", Value: 24},
	})
	if err != nil {
		t.Fatal(err)
	}
	want := `listing: {
	tagline:     "Two-way contact sync"
	description: "" // REPLACE: what the integration does for a customer
}
certification: {
	salesAssets: [""] // REPLACE: https links, one a string
}
support: {
	firstResponseHours: 24
}
`
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("snippet (-want +got):\n%s", diff)
	}
}

func TestFixSnippetFillsInTheFilesOwnValues(t *testing.T) {
	app := &application.Application{
		Listing:     &application.Listing{Tagline: "Forms into contacts"},
		Integration: application.Integration{AppID: "1234567"},
	}
	tests := []struct {
		name  string
		app   *application.Application
		paths []string
		want  string
	}{
		{"a listing with a tagline keeps it and marks the rest", app, []string{"listing", "listing.tagline"},
			"listing: {\n\ttagline:              \"Forms into contacts\"\n\tdescription:          \"\" // REPLACE: what the integration does for a customer\n" +
				"\tsetupInstructionsUrl: \"\" // REPLACE: https://... the page that tells a customer how to connect it\n" +
				"\tsupportUrl:           \"\" // REPLACE: https://... the page the listing links to for help\n}\n"},
		{"an index in a path stands for the whole list", nil, []string{"certification.salesAssets[1]"},
			"certification: {\n\tsalesAssets: [\"\"] // REPLACE: https://... links to sales enablement assets\n}\n"},
		{"a field the file holds is shown as it holds it", app, []string{"integration.appId"},
			"integration: {\n\tappId: \"1234567\" // FIX: must be digits\n}\n"},
		{"a field neither the file nor a placeholder knows is left out", nil, []string{"company.name"}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := FixSnippet(tt.app, tt.paths, map[string]string{"integration.appId": "must be digits"})
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

// TestSetProgramKeepsAJSONFileWhole records a stage change in a file
// written as one JSON object: the program part is replaced, not added
// beside the object, and everything else is kept.
func TestSetProgramKeepsAJSONFileWhole(t *testing.T) {
	c := defaultCatalog(t)
	src := []byte(`{
  "company": {"name": "Acme Software Ltd"},
  "maintainers": ["acme-dev"],
  "integration": {"name": "Acme Sync", "auth": "oauth2"},
  "program": {"stage": "applied", "installs": {"count": 12, "asOf": "2026-11-01"}}
}
`)
	before := c.Application("applications/acme-sync.cue", src)
	if before.App == nil {
		t.Fatalf("the JSON file does not load: %+v", before.Findings)
	}
	p := before.App.Program
	p.Stage = application.StageBeta
	out, err := c.SetProgram("applications/acme-sync.cue", src, p)
	if err != nil {
		t.Fatal(err)
	}
	after := c.Application("applications/acme-sync.cue", out)
	if after.App == nil {
		t.Fatalf("the rewritten file does not load: %+v\n%s", after.Findings, out)
	}
	if after.App.Program.Stage != application.StageBeta || after.App.Integration.Name != "Acme Sync" {
		t.Errorf("rewritten as %+v", after.App)
	}
}
