package program_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/connectbot/connectbot/internal/application"
	"github.com/connectbot/connectbot/internal/program"
)

// noJudge keeps files as they are: these cases change only clocks.
func noJudge(files []application.File, _ application.Config, _ application.Date) []application.File {
	return files
}

func TestImpactSaysWhoAChangeHurts(t *testing.T) {
	published := func(installs int) func(*application.Application) {
		return func(a *application.Application) {
			a.Listing = &application.Listing{Tagline: "t", Description: "d", SetupInstructionsURL: "https://a.example", SupportURL: "https://a.example"}
			a.Program.ListingPublishedAt = datePtr("2026-11-01")
			a.Program.Installs = application.Installs{Count: installs, AsOf: date("2026-11-20")}
		}
	}
	files := []application.File{*appFile("forty-four", published(44)), *appFile("twenty", published(20)), *appFile("partner", func(a *application.Application) {
		a.Program.Stage = application.StagePartner
	})}
	raised := prConfig
	raised.CertificationInstalls = 50
	got := program.Impact(files, prConfig, raised, noJudge, date("2026-11-25"), 90)
	var hows []string
	for _, a := range got {
		hows = append(hows, a.How)
	}
	want := []string{
		"forty-four: removal (installs-window-lapsed) on 2027-01-31 instead of promotion on 2026-11-25",
	}
	if diff := cmp.Diff(want, hows); diff != "" {
		t.Errorf("impact (-want +got):\n%s", diff)
	}

	longer := prConfig
	longer.InstallWindowDays = 120
	got = program.Impact(files, prConfig, longer, noJudge, date("2026-11-25"), 90)
	hows = nil
	for _, a := range got {
		hows = append(hows, a.How)
	}
	want = []string{
		"forty-four: install-window due 2027-03-01 instead of 2027-01-30",
		"twenty: nothing instead of removal (installs-window-lapsed) on 2027-01-31",
	}
	if diff := cmp.Diff(want, hows); diff != "" {
		t.Errorf("impact of a longer window (-want +got):\n%s", diff)
	}
	if d := got[1].Deadlines["install-window"]; d != [2]application.Date{date("2027-01-30"), date("2027-03-01")} {
		t.Errorf("deadline moves %v", d)
	}
	if len(program.Impact(files, prConfig, prConfig, noJudge, date("2026-11-25"), 90)) != 0 {
		t.Error("no change affected someone")
	}
}
