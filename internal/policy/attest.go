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

// attestations are the fields of the application's attestations struct,
// in the documented order.
var attestations = []Attestation{
	{"attestations.developerTerms", "developer/preamble",
		"I agree to comply with the Developer Policy, the Developer Terms and the Acceptable Use Policy",
		func(a application.Attestations) bool { return a.DeveloperTerms }},
	{"attestations.noSaleOfCustomerData", "developer/A4",
		"We never sell, rent, exploit or distribute customer data without the customer's express consent",
		func(a application.Attestations) bool { return a.NoSaleOfCustomerData }},
	{"attestations.lawfulBasis", "developer/A6",
		"We collect, store and use personal data only with the person's consent or another lawful basis",
		func(a application.Attestations) bool { return a.LawfulBasis }},
	{"attestations.credentialHandling", "developer/B2",
		"We handle every customer credential securely, with industry-standard protocols",
		func(a application.Attestations) bool { return a.CredentialHandling }},
	{"attestations.customerConsent", "developer/C1",
		"We collect, store and use customer data only with the customer's proper consent",
		func(a application.Attestations) bool { return a.CustomerConsent }},
}

// attestationRules are the rules behind the attestations, one per field.
var attestationRules = []Rule{
	{"developer/preamble", developerPolicy + ", preamble",
		"Developers are required to comply with this HubSpot Developer Policy (this \u201cPolicy\u201d), our\u00a0Developer Terms\u00a0and our\u00a0Acceptable Use Policy\u00a0(\u201cAUP\u201d).", false},
	{"developer/A4", developerPolicy + ", A. Data Protection 4",
		"You will not sell, rent, exploit, or distribute HubSpot Customer Data without express consent from the Customer.", false},
	{"developer/A6", developerPolicy + ", A. Data Protection 6",
		"Your Application and/or Integration should not collect, store, and/or use personal data (meaning any information relating to an identified or identifiable natural person) without the consent of the data subject or a lawful basis to collect, store, or use such information.", false},
	{"developer/B2", developerPolicy + ", B. Security 2",
		"You will securely handle any Customer credentials using industry-standard protocols.", false},
	{"developer/C1", developerPolicy + ", C. Using Customer Data 1",
		"You will not collect, store, and/or use HubSpot Customer Data without obtaining proper consent of the Customer, as determined by applicable law.", false},
}

// Attestations returns the attestation fields, in the documented order,
// each with the rule (and so the sentence) that requires it.
func Attestations() []Attestation {
	return append([]Attestation(nil), attestations...)
}

// attested checks that every attestation is given: each field true, from
// stage applied on (a removed application is not checked at all). A
// missing or false field is an error on its line, or, when the whole
// struct is missing, on program.stage, the field that makes it required.
func (c *checker) attested() {
	for _, a := range attestations {
		if a.Value(c.app.Attestations) {
			continue
		}
		state := "is missing"
		if c.file.Positions != nil {
			if _, written := c.file.Positions.Exact(a.Field); written {
				state = "is false"
			}
		}
		at := c.file.LocateAny(a.Field, "attestations", "program.stage")
		c.file.Findings = append(c.file.Findings, application.Finding{
			Rule: a.Rule, Severity: application.SeverityError, Path: a.Field, Line: at.Line, Column: at.Column,
			Message: fmt.Sprintf("%s %s: every application in the program attests “%s”; set it to true once that is so", a.Field, state, a.Promise),
		})
	}
}
