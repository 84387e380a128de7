package program_test

import (
	"testing"

	"github.com/connectbot/connectbot/internal/application"
	"github.com/connectbot/connectbot/internal/program"
)

func TestEffect(t *testing.T) {
	now := date("2026-12-11")
	base := appFile("acme", nil).App.Program
	installs := &program.Installs{Count: 31, AsOf: date("2026-12-01"), Source: "recorded"}
	tests := []struct {
		name      string
		action    program.Action
		wantStage application.Stage
		wantOK    bool
	}{
		{"a removal removes, with when, why and by whom", program.Action{Kind: program.KindOpenRemovalPR, Slug: "acme", Reason: "listing-overdue", Rule: "connect/beta-2"}, application.StageRemoved, true},
		{"a promotion enters certification", program.Action{Kind: program.KindPromote, Slug: "acme", Reason: "installs-reached", Rule: "connect/beta-6", Installs: installs}, application.StageCertification, true},
		{"a launch makes a partner", program.Action{Kind: program.KindLaunch, Slug: "acme", Reason: "launch-date", Rule: "connect/cert-6"}, application.StagePartner, true},
		{"a reminder changes no file", program.Action{Kind: program.KindRemind, Slug: "acme"}, application.StageBeta, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := program.Effect(tt.action, base, now)
			if ok != tt.wantOK || got.Stage != tt.wantStage {
				t.Fatalf("got %s, %v; want %s, %v", got.Stage, ok, tt.wantStage, tt.wantOK)
			}
			if !ok {
				return
			}
			if len(got.History) != len(base.History)+1 || got.History[len(got.History)-1].Date != now || got.History[len(got.History)-1].By != "connectbot" {
				t.Errorf("history %+v", got.History)
			}
			if tt.action.Kind == program.KindOpenRemovalPR && (got.Removed == nil || got.Removed.Reason != "listing-overdue" || got.Removed.At != now) {
				t.Errorf("removal record %+v", got.Removed)
			}
			if tt.action.Installs != nil && (got.Installs.Count != 31 || got.Installs.AsOf != installs.AsOf) {
				t.Errorf("installs not recorded: %+v", got.Installs)
			}
			if program.Branch(tt.action) == "" || program.Marker(tt.action) == "" {
				t.Error("no branch or marker")
			}
		})
	}
}
