package policy_test

import (
	"os"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/connectbot/connectbot/internal/application"
	"github.com/connectbot/connectbot/internal/policy"
)

// attestationTables hold each attestation to its sentence: given, it
// passes; missing or false, it is an error on its field, from stage
// applied on; a removed application is history and attests nothing more.
func attestationTables() []ruleTable {
	set := func(field string, v bool) func(*application.Application) {
		return func(a *application.Application) {
			switch field {
			case "attestations.developerTerms":
				a.Attestations.DeveloperTerms = v
			case "attestations.noSaleOfCustomerData":
				a.Attestations.NoSaleOfCustomerData = v
			case "attestations.lawfulBasis":
				a.Attestations.LawfulBasis = v
			case "attestations.credentialHandling":
				a.Attestations.CredentialHandling = v
			case "attestations.customerConsent":
				a.Attestations.CustomerConsent = v
			}
		}
	}
	var tables []ruleTable
	for _, at := range policy.Attestations() {
		r, _ := policy.Lookup(at.Rule)
		said := "“" + r.Sentence + "”"
		unset := set(at.Field, false)
		tables = append(tables, ruleTable{at.Rule, []checkCase{
			{name: "a beta attesting " + said + " passes"},
			{name: "an application attesting " + said + " passes", mutate: toApplied},
			{name: "an application that does not attest " + said + " is refused at " + at.Field,
				mutate: func(a *application.Application) { toApplied(a); unset(a) },
				want:   []result{failing(at.Rule, at.Field)}},
			{name: "a partner that does not attest " + said + " is refused",
				mutate: func(a *application.Application) { toPartner(a); unset(a) },
				want:   []result{failing(at.Rule, at.Field)}},
			{name: "a removed application need not attest " + said,
				mutate: func(a *application.Application) { toRemoved(a); unset(a) }},
		}})
	}
	return tables
}

// TestAnApplicationWithoutAttestationsFailsOnEachField: a file written
// before attestations existed gets one error per field, each naming the
// field and the promise, and nothing else.
func TestAnApplicationWithoutAttestationsFailsOnEachField(t *testing.T) {
	tc := checkCase{mutate: func(a *application.Application) { a.Attestations = application.Attestations{} }}
	var got []string
	for _, f := range tc.run() {
		got = append(got, f.Rule+" "+f.Path+": "+f.Message)
	}
	want := []string{
		"developer/preamble attestations.developerTerms: attestations.developerTerms is missing: every application in the program attests “I agree to comply with the Developer Policy, the Developer Terms and the Acceptable Use Policy”; set it to true once that is so",
		"developer/A4 attestations.noSaleOfCustomerData: attestations.noSaleOfCustomerData is missing: every application in the program attests “We never sell, rent, exploit or distribute customer data without the customer's express consent”; set it to true once that is so",
		"developer/A6 attestations.lawfulBasis: attestations.lawfulBasis is missing: every application in the program attests “We collect, store and use personal data only with the person's consent or another lawful basis”; set it to true once that is so",
		"developer/B2 attestations.credentialHandling: attestations.credentialHandling is missing: every application in the program attests “We handle every customer credential securely, with industry-standard protocols”; set it to true once that is so",
		"developer/C1 attestations.customerConsent: attestations.customerConsent is missing: every application in the program attests “We collect, store and use customer data only with the customer's proper consent”; set it to true once that is so",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("findings (-want +got):\n%s", diff)
	}
}

// TestTheChecklistQuotesTheSeedsOncePerClause: every checklist item cites a
// clause once, quotes its sentence (the rows of the clause table that name
// the item) verbatim from the Developer Policy, and asks a question; no
// clause is both a rule's and the checklist's unless the rule checks only
// part of it (E1's name check, F2's word list).
func TestTheChecklistQuotesTheSeedsOncePerClause(t *testing.T) {
	seed, err := os.ReadFile("testdata/seeds/developer-policy.txt")
	if err != nil {
		t.Fatal(err)
	}
	partly := map[string]bool{"developer/E1": true, "developer/F2": true}
	seen := map[string]bool{}
	for _, it := range policy.Checklist() {
		if seen[it.Clause] {
			t.Errorf("%s: listed twice", it.Clause)
		}
		seen[it.Clause] = true
		if !strings.HasPrefix(it.Clause, "developer/") || it.Sentence == "" || !strings.Contains(string(seed), it.Sentence) {
			t.Errorf("%s: sentence is not in the Developer Policy verbatim: %q", it.Clause, it.Sentence)
		}
		if !strings.HasSuffix(it.Question, "?") || it.Source == "" {
			t.Errorf("%s: question %q, source %q", it.Clause, it.Question, it.Source)
		}
		if _, ruled := policy.Lookup(it.Clause); ruled && !partly[it.Clause] {
			t.Errorf("%s is a rule's clause too: a rule checks it, or a person does", it.Clause)
		}
	}
	if len(seen) == 0 {
		t.Fatal("the checklist is empty")
	}
}
