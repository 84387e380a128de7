package policy

// Judgement says how a rule judges what it finds: what it refuses (an
// error, which blocks the application) and what it only flags (a warning,
// which goes to the reviewer checklist because only a person can tell),
// and which program.cue keys configure it.
type Judgement struct {
	// Error says what the rule refuses; "" when it refuses nothing.
	Error string `json:"error,omitempty"`
	// Flagged says what the rule flags for a reviewer; "" when it flags
	// nothing.
	Flagged string `json:"flagged,omitempty"`
	// ConfiguredBy are the keys of program.cue the rule reads.
	ConfiguredBy []string `json:"configuredBy,omitempty"`
}

// RuleRow is one rule as `connectbot rules` lists it: the rule, its
// judgement, and the corpus cases (testdata/corpus) that expect a finding
// of it, read from the cases' own expectations.
type RuleRow struct {
	ID     string `json:"id"`
	Source string `json:"source"`
	Judgement
	Corpus []string `json:"corpus,omitempty"`
}

// Severities says in words how the rule's findings count: "error",
// "flagged" (a warning for the reviewer), "error or flagged", or "" for a
// rule that finds nothing itself (a clock's rule).
func (j Judgement) Severities() string {
	switch {
	case j.Error != "" && j.Flagged != "":
		return "error or flagged"
	case j.Error != "":
		return "error"
	case j.Flagged != "":
		return "flagged"
	}
	return ""
}

// JudgementOf returns the judgement of the rule with the given id.
func JudgementOf(id string) Judgement {
	j := byID[id].judgement
	j.ConfiguredBy = append([]string(nil), j.ConfiguredBy...)
	return j
}

// RuleTable returns every rule with its judgement and corpus cases,
// ordered by id.
func RuleTable() []RuleRow {
	corpus := corpusByRule()
	var out []RuleRow
	for _, r := range Rules() {
		out = append(out, RuleRow{ID: r.ID, Source: r.Source, Judgement: JudgementOf(r.ID), Corpus: corpus[r.ID]})
	}
	return out
}
