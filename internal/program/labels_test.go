package program_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/connectbot/connectbot/internal/program"
)

func TestLabelsHaveOneStyleEach(t *testing.T) {
	tests := []struct {
		name    string
		label   string
		verdict bool
		style   program.LabelStyle
	}{
		{"a new application", program.LabelNew, true, program.LabelStyle{Color: "0e8a16", Description: "A new application to the program"}},
		{"errors found", program.LabelInvalid, true, program.LabelStyle{Color: "d93f0b", Description: "connectbot found errors"}},
		{"a stage", "stage:beta", true, program.LabelStyle{Color: "c5def5", Description: "Application stage"}},
		{"a removal connectbot opened", program.LabelRemoval, false, program.LabelStyle{Color: "d93f0b", Description: "Opened by connectbot"}},
		{"a launch connectbot opened", program.LabelLaunch, false, program.LabelStyle{Color: "d93f0b", Description: "Opened by connectbot"}},
		{"someone else's label", "good first issue", false, program.LabelStyle{Color: "c5def5", Description: "Application stage"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := program.IsVerdictLabel(tt.label); got != tt.verdict {
				t.Errorf("IsVerdictLabel(%q) = %v, want %v", tt.label, got, tt.verdict)
			}
			if diff := cmp.Diff(tt.style, program.StyleOf(tt.label)); diff != "" {
				t.Errorf("StyleOf(%q) (-want +got):\n%s", tt.label, diff)
			}
		})
	}
}

func TestEachActionKindHasItsLabel(t *testing.T) {
	got := map[program.ActionKind]string{}
	for _, k := range []program.ActionKind{program.KindOpenRemovalPR, program.KindPromote, program.KindLaunch} {
		got[k] = program.ActionLabel(k)
	}
	want := map[program.ActionKind]string{
		program.KindOpenRemovalPR: program.LabelRemoval,
		program.KindPromote:       program.LabelPromotion,
		program.KindLaunch:        program.LabelLaunch,
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("action labels (-want +got):\n%s", diff)
	}
}
