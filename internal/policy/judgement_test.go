package policy

import (
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/connectbot/connectbot/internal/application"
)

// TestJudgements checks the one home of each rule's severity and
// configuration: every rule has a judgement and nothing else does, its
// keys are keys of program.cue, and every severity the corpus expects of
// a rule is one the rule says it gives.
func TestJudgements(t *testing.T) {
	keys := configKeys()
	for _, r := range Rules() {
		j, ok := judgements[r.ID]
		if !ok {
			t.Errorf("rule %s has no judgement: say what it refuses and what it flags", r.ID)
			continue
		}
		for _, k := range j.ConfiguredBy {
			if !slices.Contains(keys, k) {
				t.Errorf("rule %s is configured by %q, which is not a key of program.cue (%s)", r.ID, k, strings.Join(keys, ", "))
			}
		}
	}
	for id := range judgements {
		if _, ok := Lookup(id); !ok {
			t.Errorf("judgement for %s, which is no rule", id)
		}
	}
	cases, err := Corpus()
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range cases {
		for _, e := range c.Expect {
			j := judgements[e.Rule]
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
