package policy_test

import (
	"strings"
	"testing"

	"github.com/connectbot/connectbot/internal/policy"
)

// TestEveryAttestationAndChecklistRowNamesOneThatExists ties the clause
// table to the two lists it points at: a row handled by an attestation
// names a field the application must attest, whose rule cites the row's
// clause; a row handled by the checklist names an item put to the
// reviewer, asking about the row's own clause and quoting the row's
// sentence; and no field or item is left without a row saying which
// sentence it stands for.
func TestEveryAttestationAndChecklistRowNamesOneThatExists(t *testing.T) {
	fields := map[string]policy.Attestation{}
	for _, a := range policy.Attestations() {
		fields[a.Field] = a
	}
	items := map[string]policy.ChecklistItem{}
	for _, c := range policy.Checklist() {
		items[c.Clause] = c
	}
	usedField, usedItem := map[string]bool{}, map[string]bool{}
	for _, row := range policy.Clauses() {
		if row.Attestation != "" {
			a, ok := fields[row.Attestation]
			switch {
			case !ok:
				t.Errorf("%s: the row names attestation %q, which the schema's rules do not require", row.ID, row.Attestation)
			case a.Rule != row.ID:
				t.Errorf("%s: attestation %s is required by rule %s, a rule of another clause", row.ID, row.Attestation, a.Rule)
			}
			usedField[row.Attestation] = true
		}
		if row.Checklist != "" {
			item, ok := items[row.Checklist]
			switch {
			case !ok:
				t.Errorf("%s: the row names checklist item %q, which the reviewer is never shown", row.ID, row.Checklist)
			case item.Clause != row.ID:
				t.Errorf("%s: the row is handled by the checklist item of %s, another clause", row.ID, item.Clause)
			case !strings.Contains(item.Sentence, row.Sentence):
				t.Errorf("%s: the checklist item quotes %q and so never puts the row's sentence to the reviewer: %q", row.ID, item.Sentence, row.Sentence)
			}
			usedItem[row.Checklist] = true
		}
	}
	for field := range fields {
		if !usedField[field] {
			t.Errorf("attestation %s is required by no row of the clause table", field)
		}
	}
	for clause := range items {
		if !usedItem[clause] {
			t.Errorf("checklist item %s stands for no row of the clause table", clause)
		}
	}
}
