package report

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestUpgradeSaysWhoIsJudgedDifferently(t *testing.T) {
	err := func(rule string) RuleFinding { return RuleFinding{Rule: rule, Severity: "error"} }
	warn := func(rule string) RuleFinding { return RuleFinding{Rule: rule, Severity: "warning"} }
	tests := []struct {
		name     string
		was, now []Verdict
		want     string
	}{
		{"the same findings in another order are no change",
			[]Verdict{{Path: "applications/a.cue", Valid: true, Findings: []RuleFinding{warn("x/1"), warn("x/2")}}},
			[]Verdict{{Path: "applications/a.cue", Valid: true, Findings: []RuleFinding{warn("x/2"), warn("x/1")}}},
			"Impact of connectbot v1.3.0 against before.json: 0 of 1 application file judged differently\n"},
		{"a new rule refuses a file that passed",
			[]Verdict{{Path: "applications/a.cue", Valid: true}},
			[]Verdict{{Path: "applications/a.cue", Valid: false, Findings: []RuleFinding{warn("x/9"), err("x/1")}}},
			"Impact of connectbot v1.3.0 against before.json: 1 of 1 application file judged differently\n" +
				"- applications/a.cue: passes before, fails now; new: x/1 (error), x/9 (warning)\n"},
		{"a rule that no longer flags, and a finding made twice now once",
			[]Verdict{{Path: "applications/a.cue", Valid: true, Findings: []RuleFinding{warn("x/1"), warn("x/1"), warn("x/2")}},
				{Path: "applications/b.cue", Valid: true}},
			[]Verdict{{Path: "applications/a.cue", Valid: true, Findings: []RuleFinding{warn("x/1")}},
				{Path: "applications/b.cue", Valid: true}},
			"Impact of connectbot v1.3.0 against before.json: 1 of 2 application files judged differently\n" +
				"- applications/a.cue: passes as before; gone: x/1 (warning), x/2 (warning)\n"},
		{"a file only one side judged",
			nil,
			[]Verdict{{Path: "applications/new.cue", Valid: false, Findings: []RuleFinding{err("format/schema")}}},
			"Impact of connectbot v1.3.0 against before.json: 1 of 1 application file judged differently\n" +
				"- applications/new.cue: passes before, fails now; new: format/schema (error)\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var b strings.Builder
			if err := NewUpgrade("before.json", "v1.3.0", tt.was, tt.now).WriteText(&b); err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, b.String()); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}
