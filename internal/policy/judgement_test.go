package policy

import (
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/connectbot/connectbot/internal/application"
	"github.com/google/go-cmp/cmp"
)

// TestJudgements checks each rule's judgement, given by the rule's own row
// of the rules table (or of the attestations table): a rule that neither
// refuses nor flags is a clock's rule (so no row forgets to say what it
// judges), its keys are keys of program.cue, and every severity the
// corpus expects of a rule is one the rule says it gives.
func TestJudgements(t *testing.T) {
	keys := configKeys()
	for _, r := range Rules() {
		j := JudgementOf(r.ID)
		if j.Severities() == "" && !r.Clock {
			t.Errorf("rule %s neither refuses nor flags anything, and is no clock's rule: say what it refuses and what it flags", r.ID)
		}
		for _, k := range j.ConfiguredBy {
			if !slices.Contains(keys, k) {
				t.Errorf("rule %s is configured by %q, which is not a key of program.cue (%s)", r.ID, k, strings.Join(keys, ", "))
			}
		}
	}
	cases, err := Corpus()
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range cases {
		for _, e := range c.Expect {
			j := JudgementOf(e.Rule)
			if (e.Severity == application.SeverityError && j.Error == "") || (e.Severity == application.SeverityWarning && j.Flagged == "") {
				t.Errorf("%s expects %s %s, but the rule's judgement says it gives no %s", c.Path, e.Severity, e.Rule, e.Severity)
			}
		}
	}
}

// TestRuleTableLinksCorpus checks that a rule's corpus cases are those
// whose expectations name it.
func TestRuleTableLinksCorpus(t *testing.T) {
	cases, err := Corpus()
	if err != nil {
		t.Fatal(err)
	}
	for _, row := range RuleTable() {
		for _, p := range row.Corpus {
			i := slices.IndexFunc(cases, func(c CorpusCase) bool { return c.Path == p })
			if i < 0 || !slices.ContainsFunc(cases[i].Expect, func(e Expected) bool { return e.Rule == row.ID }) {
				t.Errorf("rule %s lists corpus case %s, which expects no finding of it", row.ID, p)
			}
		}
	}
}

// configKeys are the keys of program.cue, as application.Config names
// them.
func configKeys() []string {
	var keys []string
	ty := reflect.TypeFor[application.Config]()
	for i := range ty.NumField() {
		name, _, _ := strings.Cut(ty.Field(i).Tag.Get("json"), ",")
		keys = append(keys, name)
	}
	return keys
}

// TestParseCorpusCase checks that a case's comment block is read, and
// that one the corpus could not be judged by is refused with its reason.
func TestParseCorpusCase(t *testing.T) {
	const e1 = `developer/E1 "Your Application should not violate the` + "\u00a0" + `HubSpot brand guidelines."`
	tests := []struct {
		name, path, src, wantErr string
	}{
		{"a violation with its note, expectation and clause is read", "violations/en-x.cue",
			"// note: tries x\n// expect: error developer/E1\n// breaks: " + e1 + "\ncompany: {}\n", ""},
		{"a legitimate case needs only its note", "legit/en-x.cue", "// note: tries x\ncompany: {}\n", ""},
		{"a case without a note is refused", "legit/en-x.cue", "// expect: warning developer/B6\n",
			`legit/en-x.cue: no "// note:" line saying what the case tries`},
		{"a violation without the clause it breaks is refused", "violations/en-x.cue",
			"// note: tries x\n// expect: error developer/E1\n",
			`violations/en-x.cue: a violation needs "// expect:" and "// breaks:" lines`},
		{"a legitimate case expecting an error is refused", "legit/en-x.cue",
			"// note: tries x\n// expect: error developer/E1\n", "legit/en-x.cue: a legitimate case expects no error"},
		{"an expectation of no rule is refused", "violations/en-x.cue",
			"// note: tries x\n// expect: error developer/Z9\n", `violations/en-x.cue:2: expect "error developer/Z9": no rule "developer/Z9"`},
		{"a severity other than error or warning is refused", "violations/en-x.cue",
			"// note: tries x\n// expect: fatal developer/E1\n",
			`violations/en-x.cue:2: expect "fatal developer/E1": write "error <rule>" or "warning <rule>"`},
		{"a sentence the clause does not hold is refused", "violations/en-x.cue",
			"// note: tries x\n// expect: error developer/E1\n// breaks: developer/E1 \"Be nice.\"\n",
			`violations/en-x.cue:3: breaks "developer/E1 \"Be nice.\"": the clause table has no such sentence under developer/E1, nor is it that format rule's`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseCorpusCase(tt.path, []byte(tt.src))
			got := ""
			if err != nil {
				got = err.Error()
			}
			if diff := cmp.Diff(tt.wantErr, got); diff != "" {
				t.Errorf("error mismatch (-want +got):\n%s", diff)
			}
		})
	}
}
