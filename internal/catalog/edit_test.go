package catalog

import (
	"os"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/connectbot/connectbot/internal/application"
)

func TestSetProgramRewritesOnlyTheProgramPart(t *testing.T) {
	c, err := Default()
	if err != nil {
		t.Fatal(err)
	}
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
	c, err := Default()
	if err != nil {
		t.Fatal(err)
	}
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

// TestSetProgramKeepsAJSONFileWhole records a stage change in a file
// written as one JSON object: the program part is replaced, not added
// beside the object, and everything else is kept.
func TestSetProgramKeepsAJSONFileWhole(t *testing.T) {
	c, err := Default()
	if err != nil {
		t.Fatal(err)
	}
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
