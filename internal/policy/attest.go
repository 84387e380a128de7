package policy

import (
	"fmt"

	"github.com/connectbot/connectbot/internal/application"
)

// Attestation is one promise an application file makes in the policy's own
// words: a sentence only the integrator can vouch for, so the file says
// true to it rather than connectbot judging it.
type Attestation struct {
	// Field is the field's path in the application file:
	// "attestations.developerTerms".
	Field string
	// Rule is the id of the rule that requires it, the clause it cites.
	Rule string
	// Promise says what ticking it promises, in a short line for forms
	// and templates.
	Promise string
	// Value reads the field from an application.
	Value func(application.Attestations) bool
}

// attestation is one row of the attestations table: the rule that requires
// the attestation, the field that gives it and the promise it makes.
type attestation struct {
	rule    Rule
	field   string
	promise string
	value   func(application.Attestations) bool
}

// attestations are the fields of the application's attestations struct,
// in the documented order, each after the policy's sentence it promises.
var attestations = []attestation{
	{
		rule: Rule{ID: "developer/preamble",
			Sentence: "Developers are required to comply with this HubSpot Developer Policy (this \u201cPolicy\u201d), our\u00a0Developer Terms\u00a0and our\u00a0Acceptable Use Policy\u00a0(\u201cAUP\u201d)."},
		field:   "attestations.developerTerms",
		promise: "I agree to comply with the Developer Policy, the Developer Terms and the Acceptable Use Policy",
		value:   func(a application.Attestations) bool { return a.DeveloperTerms },
	},
	{
		rule:    Rule{ID: "developer/A4"},
		field:   "attestations.noSaleOfCustomerData",
		promise: "We never sell, rent, exploit or distribute customer data without the customer's express consent",
		value:   func(a application.Attestations) bool { return a.NoSaleOfCustomerData },
	},
	{
		rule:    Rule{ID: "developer/A6"},
		field:   "attestations.lawfulBasis",
		promise: "We collect, store and use personal data only with the person's consent or another lawful basis",
		value:   func(a application.Attestations) bool { return a.LawfulBasis },
	},
	{
		rule:    Rule{ID: "developer/B2"},
		field:   "attestations.credentialHandling",
		promise: "We handle every customer credential securely, with industry-standard protocols",
		value:   func(a application.Attestations) bool { return a.CredentialHandling },
	},
	{
		rule:    Rule{ID: "developer/C1"},
		field:   "attestations.customerConsent",
		promise: "We collect, store and use customer data only with the customer's proper consent",
		value:   func(a application.Attestations) bool { return a.CustomerConsent },
	},
}

// attestationRules are the rules behind the attestations, one per field,
// each refusing only its field not being true.
var attestationRules = func() []judgedRule {
	out := make([]judgedRule, len(attestations))
	for i, a := range attestations {
		out[i] = judgedRule{a.rule, Judgement{Error: a.field + " is not true."}}
	}
	return out
}()

// Attestations returns the attestation fields, in the documented order,
// each with the rule (and so the sentence) that requires it.
func Attestations() []Attestation {
	out := make([]Attestation, len(attestations))
	for i, a := range attestations {
		out[i] = Attestation{Field: a.field, Rule: a.rule.ID, Promise: a.promise, Value: a.value}
	}
	return out
}

// attested checks that every attestation is given: each field true, from
// stage applied on (a removed application is not checked at all). A
// missing or false field is an error on its line, or, when the whole
// struct is missing, on program.stage, the field that makes it required.
func (c *checker) attested() {
	for _, a := range attestations {
		if a.value(c.app.Attestations) {
			continue
		}
		state := "is missing"
		if c.file.Positions != nil {
			if _, written := c.file.Positions.Exact(a.field); written {
				state = "is false"
			}
		}
		at := c.file.LocateAny(a.field, "attestations", "program.stage")
		c.file.Findings = append(c.file.Findings, application.Finding{
			Rule: a.rule.ID, Severity: application.SeverityError, Path: a.field, Line: at.Line, Column: at.Column,
			Message: fmt.Sprintf("%s %s: every application in the program attests “%s”; set it to true once that is so", a.field, state, a.promise),
		})
	}
}
