package program_test

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/connectbot/connectbot/internal/application"
	"github.com/connectbot/connectbot/internal/program"
)

// TestAFutureDatedCountNeverPromotes holds the clocks to DESIGN.md's "A
// count dated after now is never used" under Connect beta-6, "Within or at
// the end of 90 days if you reach 40 Installs you are eligible to begin
// the Certification Process": a count not yet taken promotes nobody, and a
// window judged without it lapses as if there were no count.
func TestAFutureDatedCountNeverPromotes(t *testing.T) {
	live := func(count int, asOf string) map[string]program.Installs {
		return map[string]program.Installs{"acme": {Count: count, AsOf: day(asOf), Source: "live:installs.example"}}
	}
	tests := []struct {
		name     string
		recorded application.Installs
		live     map[string]program.Installs
		now      string
		want     []act
	}{
		{"45 installs recorded as of today promote", recorded(45, "2026-05-01"), nil, "2026-05-01",
			[]act{promote("acme", "2026-05-01")}},
		{"45 installs recorded as of tomorrow do not promote", recorded(45, "2026-05-02"), nil, "2026-05-01", nil},
		{"45 installs recorded as of a day after the window do not save it from removal", recorded(45, "2026-07-01"), nil, "2026-06-01",
			[]act{removal("acme", program.ReasonInstallWindowLapsed, "2026-05-30")}},
		{"a live count dated tomorrow does not promote", recorded(25, "2026-04-01"), live(45, "2026-05-02"), "2026-05-01", nil},
		{"a live count dated tomorrow is ignored, and the window's removal waits for a count of the source", recorded(25, "2026-04-01"), live(45, "2026-06-02"), "2026-06-01", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, plan := program.Decide(program.Input{
				Files: []application.File{acmePublished(tt.recorded)}, Config: seedConfig(), Installs: tt.live, Now: day(tt.now),
			})
			if diff := cmp.Diff(tt.want, acts(plan)); diff != "" {
				t.Errorf("plan (-want +got):\n%s", diff)
			}
			for _, a := range plan.Actions {
				if a.Installs != nil && a.Installs.AsOf > day(tt.now) {
					t.Errorf("%s rests on a count dated %s, after %s", a.Kind, a.Installs.AsOf, tt.now)
				}
			}
		})
	}
}

// TestAFutureDatedCountNeverAdmits holds acceptance to Connect req-4, "You
// must have a minimum of 10 Installs with HubSpot": the count it rests on
// is the live source's when program.cue names one, and never one dated
// after today; the transition says which count it used and records it.
func TestAFutureDatedCountNeverAdmits(t *testing.T) {
	now := date("2026-11-25")
	withSource := prConfig
	withSource.InstallsSource = &application.InstallsSource{URL: "https://installs.example/counts"}
	newApp := func(count int, asOf string) program.FileChange {
		return program.FileChange{Status: program.ChangeNew, Head: appFile("n", func(a *application.Application) {
			a.Program = application.ProgramState{Stage: application.StageApplied, Installs: application.Installs{Count: count, AsOf: date(asOf)}}
		})}
	}
	live := func(count int, asOf string) map[string]program.Installs {
		return map[string]program.Installs{"n": {Count: count, AsOf: date(asOf), Source: "live:installs.example"}}
	}
	tests := []struct {
		name         string
		change       program.FileChange
		cfg          application.Config
		live         map[string]program.Installs
		wantTo       application.Stage // "" for no transition
		wantInstalls application.Installs
		wantWhy      string
	}{
		{name: "12 installs recorded as of today admit into beta",
			change: newApp(12, "2026-11-25"), cfg: prConfig, wantTo: application.StageBeta,
			wantInstalls: application.Installs{Count: 12, AsOf: date("2026-11-25")}, wantWhy: "accepted with 12 installs as of 2026-11-25 (recorded): enters beta"},
		{name: "12 installs recorded as of tomorrow admit nobody", change: newApp(12, "2026-11-26"), cfg: prConfig},
		{name: "45 installs recorded as of next month do not skip beta", change: newApp(45, "2026-12-25"), cfg: prConfig},
		{name: "with a source, its 14 installs admit into beta and are recorded",
			change: newApp(12, "2026-11-20"), cfg: withSource, live: live(14, "2026-11-24"), wantTo: application.StageBeta,
			wantInstalls: application.Installs{Count: 14, AsOf: date("2026-11-24")}, wantWhy: "accepted with 14 installs as of 2026-11-24 (live:installs.example): enters beta"},
		{name: "with a source counting 7, the file's claimed 12 admit nobody", change: newApp(12, "2026-11-20"), cfg: withSource, live: live(7, "2026-11-24")},
		{name: "with a source that has no count for the application, nobody is admitted", change: newApp(12, "2026-11-20"), cfg: withSource},
		{name: "with a source whose count is dated tomorrow, nobody is admitted", change: newApp(12, "2026-11-20"), cfg: withSource, live: live(14, "2026-11-26")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := program.OnApproval(tt.change, tt.cfg, program.Review{Author: "okafor-pm"}, 42, "h", now, tt.live)
			if ok != (tt.wantTo != "") {
				t.Fatalf("transition = %v, want %v (%+v)", ok, tt.wantTo != "", got)
			}
			if !ok {
				return
			}
			if got.To != tt.wantTo || got.Why != tt.wantWhy {
				t.Errorf("to %s, why %q; want %s, %q", got.To, got.Why, tt.wantTo, tt.wantWhy)
			}
			if diff := cmp.Diff(tt.wantInstalls, got.Program.Installs); diff != "" {
				t.Errorf("recorded installs (-want +got):\n%s", diff)
			}
		})
	}
}

// TestTheCheckJudgesANewApplicationByTheLiveSource is Connect req-4 when
// program.cue names an installs source: the check of a new application
// fails when the source counts fewer than the minimum, or nothing, however
// many installs the file claims; and the comment says which count it used.
func TestTheCheckJudgesANewApplicationByTheLiveSource(t *testing.T) {
	withSource := prConfig
	withSource.InstallsSource = &application.InstallsSource{URL: "https://installs.example/counts"}
	change := program.FileChange{Path: "applications/n.cue", Status: program.ChangeNew, ToKind: program.EntryFile, Head: appFile("n", func(a *application.Application) {
		a.Maintainers = []string{"newco"}
		a.Program = application.ProgramState{Stage: application.StageApplied, Installs: application.Installs{Count: 12, AsOf: date("2026-11-20")}}
	})}
	live := func(count int) map[string]program.Installs {
		return map[string]program.Installs{"n": {Count: count, AsOf: date("2026-11-24"), Source: "live:installs.example"}}
	}
	tests := []struct {
		name           string
		cfg            application.Config
		live           map[string]program.Installs
		wantConclusion string
		wantMessage    string // of the req-4 finding, "" for none
		wantNext       string // a line of Next that must be there, "" for none
	}{
		{"without a source the recorded count is judged by the rules alone", prConfig, nil, program.ConclusionSuccess, "",
			"n: once accepted, with 12 installs as of 2026-11-20 (recorded) it enters beta"},
		{"a source counting 14 passes and the comment names it", withSource, live(14), program.ConclusionSuccess, "",
			"n: once accepted, with 14 installs as of 2026-11-24 (live:installs.example) it enters beta"},
		{"a source counting 7 fails the check", withSource, live(7), program.ConclusionFailure,
			"the installs source counts 7 installs as of 2026-11-24 (live:installs.example); an application is considered from 10 installs", ""},
		{"a source without a count fails the check", withSource, nil, program.ConclusionFailure,
			"the installs source has no count for n: acceptance rests on the source's count, so it waits until the source counts this integration", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v := program.JudgePullRequest(program.PullRequest{
				Number: 5, Author: program.Author{Login: "newco"}, HeadSHA: "h", BaseSHA: "b",
				Changes: []program.FileChange{change}, Config: tt.cfg, Installs: tt.live, Now: date("2026-11-25"),
			})
			if v.Conclusion != tt.wantConclusion {
				t.Errorf("conclusion %s, want %s", v.Conclusion, tt.wantConclusion)
			}
			var got string
			for _, f := range v.Files[0].Findings {
				if f.Rule == "connect/req-4" {
					got = f.Message
				}
			}
			if got != tt.wantMessage {
				t.Errorf("req-4 finding %q, want %q", got, tt.wantMessage)
			}
			if tt.wantNext != "" && !strings.Contains(strings.Join(v.Next, "\n"), tt.wantNext) {
				t.Errorf("next %q lacks %q", v.Next, tt.wantNext)
			}
		})
	}
}

// TestARemovalNeverCallsAReachedCountBelow: the evidence of a removal for
// a lapsed install window comes from the comparison that decided it, so a
// count that reached the threshold after the window ended is named as
// reached too late, never as "below" the threshold it reached.
func TestARemovalNeverCallsAReachedCountBelow(t *testing.T) {
	live := func(count int, asOf string) map[string]program.Installs {
		return map[string]program.Installs{"acme": {Count: count, AsOf: day(asOf), Source: "live:installs.example"}}
	}
	tests := []struct {
		name     string
		recorded application.Installs
		live     map[string]program.Installs
		now      string
		want     string
	}{
		{"45 recorded a day after the window ended are too late", recorded(45, "2026-05-31"), nil, "2026-06-01",
			"the 90-day window ended on 2026-05-30 with no count of 40 taken by then: installs 45 as of 2026-05-31 (recorded) reached 40 1 day after it ended"},
		{"exactly 40 counted by the source three days late are too late", recorded(20, "2026-05-01"), live(40, "2026-06-02"), "2026-06-02",
			"the 90-day window ended on 2026-05-30 with no count of 40 taken by then: installs 40 as of 2026-06-02 (live:installs.example) reached 40 3 days after it ended"},
		{"25 counted by the source at the end are below", recorded(20, "2026-05-01"), live(25, "2026-05-30"), "2026-06-01",
			"the 90-day window ended on 2026-05-30 with installs 25 as of 2026-05-30 (live:installs.example), below 40"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, plan := program.Decide(program.Input{
				Files: []application.File{acmePublished(tt.recorded)}, Config: seedConfig(), Installs: tt.live, Now: day(tt.now),
			})
			if len(plan.Actions) != 1 || plan.Actions[0].Kind != program.KindOpenRemovalPR {
				t.Fatalf("plan %+v, want one removal", plan.Actions)
			}
			a := plan.Actions[0]
			if !strings.Contains(a.Evidence, tt.want) {
				t.Errorf("evidence %q, want it to say %q", a.Evidence, tt.want)
			}
			if a.Installs != nil && a.Installs.Count >= 40 && strings.Contains(a.Evidence, "below") {
				t.Errorf("evidence %q calls a count of %d below 40", a.Evidence, a.Installs.Count)
			}
		})
	}
}
