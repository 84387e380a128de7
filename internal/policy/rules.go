package policy

import (
	"slices"
	"sort"
	"strings"

	"github.com/connectbot/connectbot/internal/application"
)

// Rule is one checkable sentence of the program's policies.
type Rule struct {
	// ID is stable and cites the clause: "connect/req-2", "developer/B6".
	ID string
	// Source names the document and clause in words.
	Source string
	// Sentence is the policy's own words, quoted verbatim from the seed.
	Sentence string
	// Clock marks a clause that the program engine enforces over time
	// (a promotion, a termination) rather than a check of the file.
	Clock bool
}

// The two documents the rules come from.
const (
	connectPolicies = "Connect Program Policies"
	developerPolicy = "Developer Policy"
)

var rules = []Rule{
	{"connect/req-1", connectPolicies + ", required criterion 1",
		"You must build your integration in house.", false},
	{"connect/req-2", connectPolicies + ", required criterion 2",
		"You must build your integration using OAuth 2.0 (for instructions on building on HubSpot, please see our developer documentation).", false},
	{"connect/req-3", connectPolicies + ", required criterion 3",
		"You must offer support for your integration. Ticketed or phone support is acceptable (with a required 24 hr response time SLA).", false},
	{"connect/req-4", connectPolicies + ", required criterion 4",
		"You must have a minimum of 10 Installs with HubSpot.", false},
	{"connect/beta-1", connectPolicies + ", beta step 1",
		"Provide us with information to create an integration listing page (request form is located in our onboarding packet) within the first 30 days after acceptance as a Beta Integrator.", false},
	{"connect/beta-2", connectPolicies + ", beta step 2",
		"If you fail to supply the required site page within the first 30 days of acceptance, you will be removed from the program.", false},
	{"connect/beta-3", connectPolicies + ", beta step 3",
		"As a part of the listing page, you must be able to link to setup instructions for the integration.", false},
	{"connect/beta-4", connectPolicies + ", beta step 4",
		"We will build the listing page and add it to our integrations directory.", false},
	{"connect/beta-5", connectPolicies + ", beta step 5",
		"Your 90 listing period to get to 40 Installs begins upon the publication of your listing.", false},
	{"connect/beta-6", connectPolicies + ", beta step 6",
		"Within or at the end of 90 days if you reach 40 Installs you are eligible to begin the Certification Process to become an official HubSpot Connect Partner.", true},
	{"connect/beta-7", connectPolicies + ", beta step 7",
		"At the end of ninety day period if you are not at 40 Installs your participation in the Connect Program will be terminated.", true},
	{"connect/beta-8", connectPolicies + ", beta step 8",
		"We reserve the right to terminate your participation in the Connect Program at any time.", false},
	{"connect/cert-1", connectPolicies + ", certification step 1",
		"Submit your App ID (as stated in the developer portal for the integration) so that our product team may perform a technical review of the integration.", false},
	{"connect/cert-2", connectPolicies + ", certification step 2",
		"We require that you submit a video demo of the integration to include on your integration listing page and for our product team to better understand how the integration functions", false},
	{"connect/cert-3", connectPolicies + ", certification step 3",
		"We also ask that you submit assets for Sales enablement, to help our team better sell your integration to prospects and customers", false},
	{"connect/cert-4", connectPolicies + ", certification step 4",
		"Once our product team reviews the integration, they may have some feedback. You will need to review this feedback and made any necessary changes to the integration in order to continue on to certification.", false},
	{"connect/cert-5", connectPolicies + ", certification step 5",
		"Once the product team has approved the integration, you will need to provide us with information to create an integration listing page, that will be showcased in our integrations directory.", false},
	{"connect/cert-6", connectPolicies + ", certification step 6",
		"After the listing page is ready, we will coordinate a launch date with our product marketing team for your listing page, product news blog post, and internal product notification.", false},
	{"connect/cert-7", connectPolicies + ", certification step 7",
		"We reserve the right to decline moving forward with your application or to terminate your participation in the Connect Program at any time.", true},
	{"developer/A5", developerPolicy + ", A. Data Protection 5",
		"This detail should be included in an easily accessible privacy policy which explains to Customers how their data will be collected, used, and processed and what control Users have over their data.", false},
	{"developer/A7", developerPolicy + ", A. Data Protection 7",
		"If your Application and/or Integration stores the personal data for a Customer and the Customer requests for their data or Content to be erased, you must erase their data and/or Content.", false},
	{"developer/A9", developerPolicy + ", A. Data Protection 9",
		"In the event HubSpot Customer Data or the HubSpot Platform is breached, compromised, or exploited by your Application and/or Integration, or by your organization, you must contact all affected Customers and HubSpot immediately.", false},
	{"developer/B1", developerPolicy + ", B. Security 1",
		"You will enforce a form of authentication for your Application and/or Integration, and will audit logins to secure your Application and/or Integration with the Hubspot Platform.", false},
	{"developer/B6", developerPolicy + ", B. Security 6",
		"You will only ask Customers for permissions that your Application needs, and will not ask for permissions beyond the scope what is required for the operation of your Application.", false},
	{"developer/C2", developerPolicy + ", C. Using Customer Data 2",
		"You will not ask Customers to provide sensitive, private, and confidential personal information, such as credit card numbers or passwords, or information that violates the HubSpot Terms of Service or AUP.", false},
	{"developer/D5", developerPolicy + ", D. Compliance with Laws 5",
		"Representing that your Application is authorized by or produced by another company or organization.", false},
	{"developer/E1", developerPolicy + ", E. Design 1",
		"Your Application should not violate the\u00a0HubSpot brand guidelines.", false},
	{"developer/F2", developerPolicy + ", F. User Experience 2",
		"Your Application and/or Integration should not use vulgar or obscene language or images.", false},
	{"developer/F3", developerPolicy + ", F. User Experience 3",
		"Every Application and/or Integration must include a link to technical instructions and customer support information, including a contact for customer support.", false},
	{RuleSlug, "connectbot file format",
		"Each application is one file, " + application.Pattern + ", whose name is its slug: lowercase letters, digits and single hyphens, at most 64 characters.", false},
	{RuleUniqueAppID, "connectbot file format",
		"An App ID identifies one integration: no two application files may claim the same App ID.", false},
	{RuleUniqueName, "connectbot file format",
		"Integration names are unique in the directory, ignoring case, spaces and characters that look alike.", false},
	{RuleCompanyClaim, "connectbot file format",
		"A company's applications are kept by its own maintainers: a second file for the same company (ignoring case, spacing, lookalike characters and legal suffixes such as Ltd, Inc or GmbH) must share at least one maintainer with the first, and a new one must be opened by one of them.", false},
	{RuleHTTPS, "connectbot file format",
		"Web addresses that no policy sentence asks for, such as the company's website, should use https:// too.", false},
}

// Quote is a sentence of the policies, with the clause it belongs to.
type Quote struct {
	// Clause is the clause's id, as in Clause.ID.
	Clause string
	// Source names the document and clause in words.
	Source string
	// Sentence is the policy's own words, verbatim.
	Sentence string
}

// also holds, by rule id, the sentences of other clauses that put the same
// duty on the same person: a finding names one rule, and shows them all.
var also = map[string][]Quote{
	"connect/req-2": {{"developer/B2-oauth", developerPolicy + ", B. Security 2",
		"In order to be considered eligible for any benefits from HubSpot, you must use OAuth 2.0 as per our guide\u00a0here."}},
	"connect/req-3": {
		{"developer/F2", developerPolicy + ", F. User Experience 2",
			"You should provide appropriate customer assistance."},
		{"developer/F4", developerPolicy + ", F. User Experience 4",
			"You must keep your Application and/or Integration updated and provide timely and accurate support to Customers."},
	},
	"connect/beta-3": {{"developer/F3", developerPolicy + ", F. User Experience 3",
		"Every Application and/or Integration must include a link to technical instructions and customer support information, including a contact for customer support."}},
	"developer/A7": {{"developer/A8", developerPolicy + ", A. Data Protection 8",
		"If your Application and/or Integration stores the personal data for a Customer and the Customer modifies their data, you must either erase or update the data."}},
	"developer/B6": {{"developer/C5", developerPolicy + ", C. Using Customer Data 5",
		"You will not request, use scopes, or permissions not required for your Application and/or Integration’s functionality."}},
}

// Quotes returns every sentence the rule enforces: its own first, then
// those of other clauses that put the same duty on the same person
// (developer/A7 also quotes developer/A8). A format rule's one quote has
// no clause.
func (r Rule) Quotes() []Quote {
	clause := r.ID
	if strings.HasPrefix(clause, "format/") {
		clause = ""
	}
	return append([]Quote{{clause, r.Source, r.Sentence}}, also[r.ID]...)
}

// Cross-file rule ids: they come from the file format, not a policy.
const (
	RuleSlug         = "format/slug"
	RuleUniqueAppID  = "format/unique-app-id"
	RuleUniqueName   = "format/unique-name"
	RuleCompanyClaim = "format/company-claim"
	// RuleHTTPS is connectbot's own warning for an http:// address that no
	// policy rule covers.
	RuleHTTPS = "format/https"
)

var byID = func() map[string]Rule {
	m := make(map[string]Rule, len(rules))
	for _, r := range slices.Concat(rules, attestationRules) {
		m[r.ID] = r
	}
	return m
}()

// Rules returns every rule, ordered by id.
func Rules() []Rule {
	out := slices.Concat(rules, attestationRules)
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out
}

// Lookup returns the rule with the given id.
func Lookup(id string) (Rule, bool) {
	r, ok := byID[id]
	return r, ok
}
