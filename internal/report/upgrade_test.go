package report

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestUpgradeSaysWhoIsJudgedDifferently: each comparison as the text a
// person reads and as the JSON document, to the letter (before, after,
// compared, files; [] and never null).
func TestUpgradeSaysWhoIsJudgedDifferently(t *testing.T) {
	err := func(rule string) RuleFinding { return RuleFinding{Rule: rule, Severity: "error"} }
	warn := func(rule string) RuleFinding { return RuleFinding{Rule: rule, Severity: "warning"} }
	tests := []struct {
		name       string
		was, now   []Verdict
		text, json string
	}{
		{"the same findings in another order are no change",
			[]Verdict{{Path: "applications/a.cue", Valid: true, Findings: []RuleFinding{warn("x/1"), warn("x/2")}}},
			[]Verdict{{Path: "applications/a.cue", Valid: true, Findings: []RuleFinding{warn("x/2"), warn("x/1")}}},
			"Impact of connectbot v1.3.0 against before.json: 0 of 1 application file judged differently\n",
			`{"before":"before.json","after":"v1.3.0","compared":1,"files":[]}`},
		{"a new rule refuses a file that passed",
			[]Verdict{{Path: "applications/a.cue", Valid: true}},
			[]Verdict{{Path: "applications/a.cue", Valid: false, Findings: []RuleFinding{warn("x/9"), err("x/1")}}},
			"Impact of connectbot v1.3.0 against before.json: 1 of 1 application file judged differently\n" +
				"- applications/a.cue: passes before, fails now; new: x/1 (error), x/9 (warning)\n",
			`{"before":"before.json","after":"v1.3.0","compared":1,"files":[{"path":"applications/a.cue","validBefore":true,"validAfter":false,` +
				`"added":[{"rule":"x/1","severity":"error"},{"rule":"x/9","severity":"warning"}],"removed":[]}]}`},
		{"a rule that no longer flags, and a finding made twice now once",
			[]Verdict{{Path: "applications/a.cue", Valid: true, Findings: []RuleFinding{warn("x/1"), warn("x/1"), warn("x/2")}},
				{Path: "applications/b.cue", Valid: true}},
			[]Verdict{{Path: "applications/a.cue", Valid: true, Findings: []RuleFinding{warn("x/1")}},
				{Path: "applications/b.cue", Valid: true}},
			"Impact of connectbot v1.3.0 against before.json: 1 of 2 application files judged differently\n" +
				"- applications/a.cue: passes as before; gone: x/1 (warning), x/2 (warning)\n",
			`{"before":"before.json","after":"v1.3.0","compared":2,"files":[{"path":"applications/a.cue","validBefore":true,"validAfter":true,` +
				`"added":[],"removed":[{"rule":"x/1","severity":"warning"},{"rule":"x/2","severity":"warning"}]}]}`},
		{"a file only one side judged",
			nil,
			[]Verdict{{Path: "applications/new.cue", Valid: false, Findings: []RuleFinding{err("format/schema")}}},
			"Impact of connectbot v1.3.0 against before.json: 1 of 1 application file judged differently\n" +
				"- applications/new.cue: passes before, fails now; new: format/schema (error)\n",
			`{"before":"before.json","after":"v1.3.0","compared":1,"files":[{"path":"applications/new.cue","validBefore":true,"validAfter":false,` +
				`"added":[{"rule":"format/schema","severity":"error"}],"removed":[]}]}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			u := NewUpgrade("before.json", "v1.3.0", tt.was, tt.now)
			var text, json strings.Builder
			if err := u.WriteText(&text); err != nil {
				t.Fatal(err)
			}
			if err := u.WriteJSON(&json); err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.text, text.String()); diff != "" {
				t.Errorf("text (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.json+"\n", json.String()); diff != "" {
				t.Errorf("JSON (-want +got):\n%s", diff)
			}
		})
	}
}
