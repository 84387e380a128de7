package policy_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/connectbot/connectbot/internal/application"
	"github.com/connectbot/connectbot/internal/policy"
)

// TestAReapplicationByTheRemovedFilesMaintainerIsNotBlocked: a removed
// application's name, App ID and company do not block a new application
// that links it (previousApplication) and shares a maintainer with it;
// a stranger, a file that does not link it, or a link to an application
// that is not removed, is refused as before.
func TestAReapplicationByTheRemovedFilesMaintainerIsNotBlocked(t *testing.T) {
	removed := func(a *application.Application) {
		a.Program = application.ProgramState{
			Stage: application.StageRemoved, Installs: a.Program.Installs, AcceptedAt: a.Program.AcceptedAt,
			Removed: &application.Removal{At: day("2026-05-01"), Reason: "listing-overdue", By: "connectbot"},
		}
	}
	again := func(link string, maintainers ...string) func(*application.Application) {
		return func(a *application.Application) {
			a.PreviousApplication = link
			a.Maintainers = maintainers
			a.Program = application.ProgramState{Stage: application.StageApplied, Installs: a.Program.Installs}
		}
	}
	uniqueness := map[string]bool{policy.RuleUniqueAppID: true, policy.RuleUniqueName: true, policy.RuleCompanyClaim: true}
	tests := []struct {
		name     string
		old      func(*application.Application)
		new      func(*application.Application)
		want     map[string][]string // path: rules, on each file
		wantHint bool                // the new file is told to link the old one
	}{
		{"a maintainer of the removed file linking it re-applies", removed, again("acme-sync", "acme-dev"), map[string][]string{}, false},
		{"a maintainer who does not link it is refused, and told how to re-apply", removed, again("", "acme-dev"), map[string][]string{
			"applications/acme-sync.cue":  {policy.RuleUniqueAppID, policy.RuleUniqueName},
			"applications/acme-again.cue": {policy.RuleUniqueAppID, policy.RuleUniqueName},
		}, true},
		{"a stranger linking it is refused", removed, again("acme-sync", "mallory"), map[string][]string{
			"applications/acme-sync.cue":  {policy.RuleCompanyClaim, policy.RuleUniqueAppID, policy.RuleUniqueName},
			"applications/acme-again.cue": {policy.RuleCompanyClaim, policy.RuleUniqueAppID, policy.RuleUniqueName},
		}, false},
		{"a link to an application that is not removed is refused", nil, again("acme-sync", "acme-dev"), map[string][]string{
			"applications/acme-sync.cue":  {policy.RuleUniqueAppID, policy.RuleUniqueName},
			"applications/acme-again.cue": {policy.RuleUniqueAppID, policy.RuleUniqueName},
		}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			old, next := validApp(), validApp()
			if tt.old != nil {
				tt.old(&old)
			}
			tt.new(&next)
			files := []application.File{newFile("acme-sync", old), newFile("acme-again", next)}
			policy.Check(files, testConfig(), day(defaultNow))
			got := map[string][]string{}
			hint := false
			for _, f := range files {
				for _, x := range f.Findings {
					if uniqueness[x.Rule] {
						got[f.Path] = append(got[f.Path], x.Rule)
						hint = hint || f.Slug == "acme-again" && strings.Contains(x.Message, `previousApplication: "acme-sync"`)
					}
				}
			}
			for p := range got {
				got[p] = sortedUnique(got[p])
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("uniqueness findings (-want +got):\n%s", diff)
			}
			if hint != tt.wantHint {
				t.Errorf("told to link the removed file: %v, want %v", hint, tt.wantHint)
			}
		})
	}
}

func sortedUnique(ss []string) []string {
	slices.Sort(ss)
	return slices.Compact(ss)
}
