package catalog

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/connectbot/connectbot/internal/application"
)

// TestClockInputsOfAFileThatFailsTheSchema holds the loader to DESIGN.md's
// "clocks read their own inputs": a file that fails the schema for a reason
// unrelated to its program part and listing still has those decoded, and
// a file whose clock inputs fail has none.
func TestClockInputsOfAFileThatFailsTheSchema(t *testing.T) {
	accepted := application.MustParseDate("2026-09-15")
	beta := application.ProgramState{
		Stage: application.StageBeta, Installs: application.Installs{Count: 12, AsOf: application.MustParseDate("2026-11-18")},
		AcceptedAt: &accepted,
	}
	const betaProgram = `program: {stage: "beta", installs: {count: 12, asOf: "2026-11-18"}, acceptedAt: "2026-09-15"}` + "\n"
	tests := []struct {
		name string
		src  string
		want *application.Clock
	}{
		{"a missing company leaves the clock inputs readable",
			`maintainers: ["late-dev"]` + "\n" + betaProgram,
			&application.Clock{Program: beta}},
		{"an unknown top-level field leaves the clock inputs readable",
			`company: {name: "Acme Software Ltd"}` + "\ncolour: \"blue\"\n" + betaProgram,
			&application.Clock{Program: beta}},
		{"a wrongly typed integration field leaves a complete listing readable",
			`integration: {name: 7}` + "\n" + `listing: {tagline: "Sync", description: "Two-way sync.", setupInstructionsUrl: "https://a.example/setup", supportUrl: "https://a.example/help"}` + "\n" + betaProgram,
			&application.Clock{Program: beta, Listing: &application.Listing{
				Tagline: "Sync", Description: "Two-way sync.", SetupInstructionsURL: "https://a.example/setup", SupportURL: "https://a.example/help",
			}}},
		{"a stage the schema does not know makes the clock inputs unknown",
			`program: {stage: "gamma", installs: {count: 12, asOf: "2026-11-18"}}` + "\n", nil},
		{"a date that is not a calendar day makes the clock inputs unknown",
			`program: {stage: "beta", installs: {count: 12, asOf: "2026-11-18"}, acceptedAt: "2026-02-30"}` + "\n", nil},
		{"an unknown field inside program makes the clock inputs unknown",
			`program: {stage: "beta", installs: {count: 12, asOf: "2026-11-18"}, acceptedOn: "2026-09-15"}` + "\n", nil},
		{"a listing that fails the schema makes the clock inputs unknown",
			`listing: {tagline: 42}` + "\n" + betaProgram, nil},
		{"a file without a program part has no clock inputs",
			`company: {name: "Acme"}` + "\n", nil},
	}
	c := defaultCatalog(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := c.Application("applications/late.cue", []byte(tt.src))
			if f.App != nil {
				t.Fatalf("the file passed the schema; the test needs one that fails")
			}
			if diff := cmp.Diff(tt.want, f.Clock); diff != "" {
				t.Errorf("clock inputs (-want +got):\n%s", diff)
			}
		})
	}
}
