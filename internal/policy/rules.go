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

// judgedRule is one row of a rules table: a rule and its judgement, the one
// home of both.
type judgedRule struct {
	rule      Rule
	judgement Judgement
}

// rules are the rules that check application files, each with what it
// refuses, what it flags and the program.cue keys that configure it; the
// attestations' rules are the rows of the attestations table.
var rules = []judgedRule{
	{
		rule: Rule{RuleReq1, connectPolicies + ", required criterion 1",
			"You must build your integration in house.", false},
		judgement: Judgement{
			Error:   "builtInHouse is not true.",
			Flagged: "listing or scope text saying another company builds the integration.",
		},
	},
	{
		rule: Rule{RuleReq2, connectPolicies + ", required criterion 2",
			"You must build your integration using OAuth 2.0 (for instructions on building on HubSpot, please see our developer documentation).", false},
		judgement: Judgement{
			Error:   "auth is not \"oauth2\".",
			Flagged: "listing or scope text describing a credential other than OAuth (an API key, a private app token).",
		},
	},
	{
		rule: Rule{RuleReq3, connectPolicies + ", required criterion 3",
			"You must offer support for your integration. Ticketed or phone support is acceptable (with a required 24 hr response time SLA).", false},
		judgement: Judgement{
			Error:        "no ticket or phone channel, a channel without its means, a phone number that cannot be called, no first-response time or one beyond the SLA.",
			Flagged:      "listing text promising a response time beyond the SLA (in days).",
			ConfiguredBy: []string{"supportResponseHours"},
		},
	},
	{
		rule: Rule{RuleReq4, connectPolicies + ", required criterion 4",
			"You must have a minimum of 10 Installs with HubSpot.", false},
		judgement: Judgement{
			Error:        "an applied application below the minimum installs, or installs counted as of a day to come.",
			ConfiguredBy: []string{"minInstalls"},
		},
	},
	{
		rule: Rule{RuleBeta1, connectPolicies + ", beta step 1",
			"Provide us with information to create an integration listing page (request form is located in our onboarding packet) within the first 30 days after acceptance as a Beta Integrator.", false},
		judgement: Judgement{
			Error:        "an accepted application without acceptedAt, or a published listing that lacks fields.",
			Flagged:      "listing information still missing before its due date.",
			ConfiguredBy: []string{"listingDueDays"},
		},
	},
	{
		rule: Rule{RuleBeta2, connectPolicies + ", beta step 2",
			"If you fail to supply the required site page within the first 30 days of acceptance, you will be removed from the program.", false},
		judgement: Judgement{
			Error:        "listing information missing after its due date.",
			ConfiguredBy: []string{"listingDueDays"},
		},
	},
	{
		rule: Rule{RuleBeta3, connectPolicies + ", beta step 3",
			"As a part of the listing page, you must be able to link to setup instructions for the integration.", false},
		judgement: Judgement{Error: "a published listing without an https:// link to setup instructions."},
	},
	{
		rule: Rule{RuleBeta4, connectPolicies + ", beta step 4",
			"We will build the listing page and add it to our integrations directory.", false},
		judgement: Judgement{Error: "a listing published while the application is only applied."},
	},
	{
		rule: Rule{RuleBeta5, connectPolicies + ", beta step 5",
			"Your 90 listing period to get to 40 Installs begins upon the publication of your listing.", false},
		judgement: Judgement{Error: "a listing published before acceptance."},
	},
	{
		rule: Rule{RuleBeta6, connectPolicies + ", beta step 6",
			"Within or at the end of 90 days if you reach 40 Installs you are eligible to begin the Certification Process to become an official HubSpot Connect Partner.", true},
		judgement: Judgement{
			Error:        "a beta or later stage with installs counted as of a day to come.",
			ConfiguredBy: []string{"certificationInstalls"},
		},
	},
	{
		rule: Rule{RuleBeta7, connectPolicies + ", beta step 7",
			"At the end of ninety day period if you are not at 40 Installs your participation in the Connect Program will be terminated.", true},
		judgement: Judgement{ConfiguredBy: []string{"installWindowDays", "certificationInstalls"}},
	},
	{
		rule: Rule{RuleBeta8, connectPolicies + ", beta step 8",
			"We reserve the right to terminate your participation in the Connect Program at any time.", false},
		judgement: Judgement{Error: "a removal record without the removed stage, or the removed stage without its record."},
	},
	{
		rule: Rule{RuleCert1, connectPolicies + ", certification step 1",
			"Submit your App ID (as stated in the developer portal for the integration) so that our product team may perform a technical review of the integration.", false},
		judgement: Judgement{Error: "a certification or partner without an App ID."},
	},
	{
		rule: Rule{RuleCert2, connectPolicies + ", certification step 2",
			"We require that you submit a video demo of the integration to include on your integration listing page and for our product team to better understand how the integration functions", false},
		judgement: Judgement{Error: "a certification or partner without an https:// demo video."},
	},
	{
		rule: Rule{RuleCert3, connectPolicies + ", certification step 3",
			"We also ask that you submit assets for Sales enablement, to help our team better sell your integration to prospects and customers", false},
		judgement: Judgement{Error: "a certification or partner without https:// sales assets."},
	},
	{
		rule: Rule{RuleCert4, connectPolicies + ", certification step 4",
			"Once our product team reviews the integration, they may have some feedback. You will need to review this feedback and made any necessary changes to the integration in order to continue on to certification.", false},
		judgement: Judgement{
			Error:   "an approval before acceptance, of a stage other than certification, or with feedback still open.",
			Flagged: "product-review feedback still open.",
		},
	},
	{
		rule: Rule{RuleCert5, connectPolicies + ", certification step 5",
			"Once the product team has approved the integration, you will need to provide us with information to create an integration listing page, that will be showcased in our integrations directory.", false},
		judgement: Judgement{Error: "an approved integration whose listing lacks fields."},
	},
	{
		rule: Rule{RuleCert6, connectPolicies + ", certification step 6",
			"After the listing page is ready, we will coordinate a launch date with our product marketing team for your listing page, product news blog post, and internal product notification.", false},
		judgement: Judgement{Error: "a launch date without approval or before it; a partner without approval or launch date."},
	},
	{
		rule: Rule{RuleCert7, connectPolicies + ", certification step 7",
			"We reserve the right to decline moving forward with your application or to terminate your participation in the Connect Program at any time.", true},
		judgement: Judgement{},
	},
	{
		rule: Rule{RuleDeveloperA5, developerPolicy + ", A. Data Protection 5",
			"This detail should be included in an easily accessible privacy policy which explains to Customers how their data will be collected, used, and processed and what control Users have over their data.", false},
		judgement: Judgement{
			Error:   "no privacy policy, one not on https://, or one on a non-public address (localhost, loopback, private or link-local, a single-label host).",
			Flagged: "a privacy policy on a documentation-only domain or on the platform's own domain.",
		},
	},
	{
		rule: Rule{RuleDeveloperA7, developerPolicy + ", A. Data Protection 7",
			"If your Application and/or Integration stores the personal data for a Customer and the Customer requests for their data or Content to be erased, you must erase their data and/or Content.", false},
		judgement: Judgement{
			Error:   "no page for data requests, one not on https://, or one on a non-public address.",
			Flagged: "a data-request page on a documentation-only domain.",
		},
	},
	{
		rule: Rule{RuleDeveloperA9, developerPolicy + ", A. Data Protection 9",
			"In the event HubSpot Customer Data or the HubSpot Platform is breached, compromised, or exploited by your Application and/or Integration, or by your organization, you must contact all affected Customers and HubSpot immediately.", false},
		judgement: Judgement{Error: "no security contact, or a page not on https://."},
	},
	{
		rule: Rule{RuleDeveloperB1, developerPolicy + ", B. Security 1",
			"You will enforce a form of authentication for your Application and/or Integration, and will audit logins to secure your Application and/or Integration with the Hubspot Platform.", false},
		judgement: Judgement{Error: "authentication or login auditing not attested."},
	},
	{
		rule: Rule{RuleDeveloperB6, developerPolicy + ", B. Security 6",
			"You will only ask Customers for permissions that your Application needs, and will not ask for permissions beyond the scope what is required for the operation of your Application.", false},
		judgement: Judgement{
			Error:        "a scope outside the catalogue, asked twice, without a reason, with a reason too short, or with the reason of another object's scope.",
			Flagged:      "a scope that reaches sensitive data; a weak reason (\"n/a\", \"not used yet\", one reason pasted for every scope).",
			ConfiguredBy: []string{"scopes", "weakReasons", "objectNames"},
		},
	},
	{
		rule: Rule{RuleDeveloperC2, developerPolicy + ", C. Using Customer Data 2",
			"You will not ask Customers to provide sensitive, private, and confidential personal information, such as credit card numbers or passwords, or information that violates the HubSpot Terms of Service or AUP.", false},
		judgement: Judgement{
			Error:   "privacy.sensitiveData missing or true.",
			Flagged: "listing or scope text describing card numbers or passwords while sensitiveData is false.",
		},
	},
	{
		rule: Rule{RuleDeveloperD5, developerPolicy + ", D. Compliance with Laws 5",
			"Representing that your Application is authorized by or produced by another company or organization.", false},
		judgement: Judgement{
			Error:        "a name that begins with a protected company's name, or text claiming that company made, authorised or endorsed the integration, in any language of claimWords.",
			Flagged:      "text that may claim that company's certification or endorsement, or a partnership with it.",
			ConfiguredBy: []string{"protectedNames", "claimWords", "certifiers", "objectNames"},
		},
	},
	{
		rule: Rule{RuleDeveloperE1, developerPolicy + ", E. Design 1",
			"Your Application should not violate the\u00a0HubSpot brand guidelines.", false},
		judgement: Judgement{
			Error:        "a name that begins with the platform's name or an alias of it, or text claiming its endorsement, official status, preference or partnership (by a non-partner) or that it made the integration, in any language of claimWords.",
			Flagged:      "text that may claim the platform's certification or endorsement.",
			ConfiguredBy: []string{"brandTerms", "brandAliases", "claimWords", "certifiers", "objectNames"},
		},
	},
	{
		rule: Rule{RuleDeveloperF2, developerPolicy + ", F. User Experience 2",
			"Your Application and/or Integration should not use vulgar or obscene language or images.", false},
		judgement: Judgement{
			Flagged:      "a vulgar or obscene word in the name, tagline or description, however masked (symbols or digits for letters, repeated letters).",
			ConfiguredBy: []string{"vulgarTerms"},
		},
	},
	{
		rule: Rule{RuleDeveloperF3, developerPolicy + ", F. User Experience 3",
			"Every Application and/or Integration must include a link to technical instructions and customer support information, including a contact for customer support.", false},
		judgement: Judgement{
			Error:   "no support page, one not on https:// or on a non-public address, no support email or phone, or no setup instructions once certified.",
			Flagged: "a support page on a documentation-only domain.",
		},
	},
	{
		rule: Rule{RuleSlug, "connectbot file format",
			"Each application is one file, " + application.Pattern + ", whose name is its slug: lowercase letters, digits and single hyphens, at most 64 characters.", false},
		judgement: Judgement{Error: "a file name that is not a slug."},
	},
	{
		rule: Rule{RuleUniqueAppID, "connectbot file format",
			"An App ID identifies one integration: no two application files may claim the same App ID.", false},
		judgement: Judgement{Error: "an App ID claimed by two files."},
	},
	{
		rule: Rule{RuleUniqueName, "connectbot file format",
			"Integration names are unique in the directory, ignoring case, spaces and characters that look alike.", false},
		judgement: Judgement{Error: "an integration name used by two files, ignoring case, spaces and lookalikes."},
	},
	{
		rule: Rule{RuleCompanyClaim, "connectbot file format",
			"A company's applications are kept by its own maintainers: a second file for the same company (ignoring case, spacing, lookalike characters and legal suffixes such as Ltd, Inc or GmbH) must share at least one maintainer with the first, and a new one must be opened by one of them.", false},
		judgement: Judgement{Error: "a second file for a company that shares no maintainer with the first."},
	},
	{
		rule: Rule{RuleHTTPS, "connectbot file format",
			"Web addresses that no policy sentence asks for, such as the company's website, should use https:// too.", false},
		judgement: Judgement{Flagged: "a company website not on https://."},
	},
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
	RuleReq2: {{"developer/B2-oauth", developerPolicy + ", B. Security 2",
		"In order to be considered eligible for any benefits from HubSpot, you must use OAuth 2.0 as per our guide\u00a0here."}},
	RuleReq3: {
		{RuleDeveloperF2, developerPolicy + ", F. User Experience 2",
			"You should provide appropriate customer assistance."},
		{"developer/F4", developerPolicy + ", F. User Experience 4",
			"You must keep your Application and/or Integration updated and provide timely and accurate support to Customers."},
	},
	RuleBeta3: {{RuleDeveloperF3, developerPolicy + ", F. User Experience 3",
		"Every Application and/or Integration must include a link to technical instructions and customer support information, including a contact for customer support."}},
	RuleDeveloperA7: {{"developer/A8", developerPolicy + ", A. Data Protection 8",
		"If your Application and/or Integration stores the personal data for a Customer and the Customer modifies their data, you must either erase or update the data."}},
	RuleDeveloperB6: {{"developer/C5", developerPolicy + ", C. Using Customer Data 5",
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

// Rule ids of the policies' clauses that connectbot checks: the rules
// table and every check cite them by these names.
const (
	RuleReq1        = "connect/req-1"
	RuleReq2        = "connect/req-2"
	RuleReq3        = "connect/req-3"
	RuleReq4        = "connect/req-4"
	RuleBeta1       = "connect/beta-1"
	RuleBeta2       = "connect/beta-2"
	RuleBeta3       = "connect/beta-3"
	RuleBeta4       = "connect/beta-4"
	RuleBeta5       = "connect/beta-5"
	RuleBeta6       = "connect/beta-6"
	RuleBeta7       = "connect/beta-7"
	RuleBeta8       = "connect/beta-8"
	RuleCert1       = "connect/cert-1"
	RuleCert2       = "connect/cert-2"
	RuleCert3       = "connect/cert-3"
	RuleCert4       = "connect/cert-4"
	RuleCert5       = "connect/cert-5"
	RuleCert6       = "connect/cert-6"
	RuleCert7       = "connect/cert-7"
	RuleDeveloperA5 = "developer/A5"
	RuleDeveloperA7 = "developer/A7"
	RuleDeveloperA9 = "developer/A9"
	RuleDeveloperB1 = "developer/B1"
	RuleDeveloperB6 = "developer/B6"
	RuleDeveloperC2 = "developer/C2"
	RuleDeveloperD5 = "developer/D5"
	RuleDeveloperE1 = "developer/E1"
	RuleDeveloperF2 = "developer/F2"
	RuleDeveloperF3 = "developer/F3"
)

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

// byID holds every rule's row by id, the attestations' rules too.
var byID = func() map[string]judgedRule {
	m := make(map[string]judgedRule, len(rules)+len(attestationRules))
	for _, r := range slices.Concat(rules, attestationRules) {
		m[r.rule.ID] = r
	}
	return m
}()

// Rules returns every rule, ordered by id.
func Rules() []Rule {
	var out []Rule
	for _, r := range slices.Concat(rules, attestationRules) {
		out = append(out, r.rule)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out
}

// Lookup returns the rule with the given id.
func Lookup(id string) (Rule, bool) {
	r, ok := byID[id]
	return r.rule, ok
}
