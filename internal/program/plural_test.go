package program_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/connectbot/connectbot/internal/application"
	"github.com/connectbot/connectbot/internal/program"
)

// TestStatusCountsOne checks that a status counting one thing, a count
// or a policy number the program sets to 1, says it in the singular.
func TestStatusCountsOne(t *testing.T) {
	applied := func(count int) application.File {
		return file("acme", application.Application{Program: application.ProgramState{
			Stage: application.StageApplied, Installs: recorded(count, "2026-01-01"),
		}})
	}
	tests := []struct {
		name   string
		config func(*application.Config)
		file   application.File
		want   string
	}{
		{"one install below the minimum is one install", nil, applied(1),
			"awaiting review; 1 install, below the 10 needed to be accepted"},
		{"a minimum of one install reached by one install is one install",
			func(c *application.Config) { c.MinInstalls = 1 }, applied(1),
			"awaiting review; with 1 install it enters beta when accepted"},
		{"a certification threshold of one install is one install",
			func(c *application.Config) { c.CertificationInstalls = 1 },
			acmePublished(recorded(0, "2026-03-01")),
			"reach 1 install by 2026-05-30 (88 days left; now 0)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := seedConfig()
			if tt.config != nil {
				tt.config(&cfg)
			}
			statuses, _ := program.Decide(program.Input{Files: []application.File{tt.file}, Config: cfg, Now: day("2026-03-03")})
			if diff := cmp.Diff(tt.want, statusOf(t, statuses, "acme").Next); diff != "" {
				t.Errorf("status next (-want +got):\n%s", diff)
			}
		})
	}
}

// TestRemovalEvidenceCountsOne checks that the removal of a listing due
// one day after acceptance says one day.
func TestRemovalEvidenceCountsOne(t *testing.T) {
	cfg := seedConfig()
	cfg.ListingDueDays = 1
	_, plan := program.Decide(program.Input{Files: []application.File{acmeListingMissing()}, Config: cfg, Now: day("2026-01-05")})
	if len(plan.Actions) != 1 {
		t.Fatalf("want one action, got %+v", plan.Actions)
	}
	want := "accepted into beta on 2026-01-01; listing information was due on 2026-01-02 (1 day) and still lacks tagline, description, setupInstructionsUrl, supportUrl"
	if diff := cmp.Diff(want, plan.Actions[0].Evidence); diff != "" {
		t.Errorf("evidence (-want +got):\n%s", diff)
	}
}
