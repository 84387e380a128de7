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

// The three sources of the rules: the two policies, and connectbot's own
// file format.
const (
	connectPolicies = "Connect Program Policies"
	developerPolicy = "Developer Policy"
	fileFormat      = "connectbot file format"
)

// sections name the clauses of the policies in words, by the start of
// their ids: "connect/beta-3" is "Connect Program Policies, beta step 3".
var sections = []struct{ id, words string }{
	{"connect/req-", connectPolicies + ", required criterion "},
	{"connect/beta-", connectPolicies + ", beta step "},
	{"connect/cert-", connectPolicies + ", certification step "},
	{"developer/preamble", developerPolicy + ", preamble"},
	{"developer/A", developerPolicy + ", A. Data Protection "},
	{"developer/B", developerPolicy + ", B. Security "},
	{"developer/C", developerPolicy + ", C. Using Customer Data "},
	{"developer/D", developerPolicy + ", D. Compliance with Laws "},
	{"developer/E", developerPolicy + ", E. Design "},
	{"developer/F", developerPolicy + ", F. User Experience "},
}

// sourceOf names the source of a rule or clause id in words: a clause of
// the policies by its section and number ("developer/B2" and
// "developer/B2-oauth", a second part of B2, are both "Developer Policy,
// B. Security 2"), a format rule by the file format. It panics on an id of
// no section, which no table of this package may cite.
func sourceOf(id string) string {
	if strings.HasPrefix(id, "format/") {
		return fileFormat
	}
	for _, s := range sections {
		if number, ok := strings.CutPrefix(id, s.id); ok {
			number, _, _ = strings.Cut(number, "-")
			return s.words + number
		}
	}
	panic("policy: clause " + id + " is in no section of the policies")
}

// judgedRule is one row of a rules table: a rule and its judgement, the one
// home of both.
type judgedRule struct {
	rule      Rule
	judgement Judgement
}

// rules are the rules that check application files, each with what it
// refuses, what it flags and the program.cue keys that configure it; the
// attestations' rules are the rows of the attestations table. A policy
// rule's row spells its sentence only when it quotes part of its clause;
// allRules takes the rest from the clause table.
var rules = []judgedRule{
	{Rule{ID: RuleReq1}, Judgement{
		Error:   "builtInHouse is not true.",
		Flagged: "listing or scope text saying another company builds the integration.",
	}},
	{Rule{ID: RuleReq2}, Judgement{
		Error:   "auth is not \"oauth2\".",
		Flagged: "listing or scope text describing a credential other than OAuth (an API key, a private app token).",
	}},
	{Rule{ID: RuleReq3}, Judgement{
		Error:        "no ticket or phone channel, a channel without its means, a phone number that cannot be called, no first-response time or one beyond the SLA.",
		Flagged:      "listing text promising a response time beyond the SLA (in days).",
		ConfiguredBy: []string{"supportResponseHours"},
	}},
	{Rule{ID: RuleReq4}, Judgement{
		Error:        "an applied application below the minimum installs, or installs counted as of a day to come.",
		ConfiguredBy: []string{"minInstalls"},
	}},
	{Rule{ID: RuleBeta1}, Judgement{
		Error:        "an accepted application without acceptedAt, an acceptedAt after today, or a published listing that lacks fields.",
		Flagged:      "listing information still missing before its due date; an acceptedAt its history row dates otherwise.",
		ConfiguredBy: []string{"listingDueDays"},
	}},
	{Rule{ID: RuleBeta2}, Judgement{
		Error:        "listing information missing after its due date.",
		ConfiguredBy: []string{"listingDueDays"},
	}},
	{Rule{ID: RuleBeta3}, Judgement{Error: "a published listing without an https:// link to setup instructions."}},
	{Rule{ID: RuleBeta4}, Judgement{Error: "a listing published while the application is only applied."}},
	{Rule{ID: RuleBeta5}, Judgement{Error: "a listing published before acceptance, or on a day after today."}},
	{
		Rule{ID: RuleBeta6, Clock: true,
			Sentence: "Within or at the end of 90 days if you reach 40 Installs you are eligible to begin the Certification Process to become an official HubSpot Connect Partner."},
		Judgement{
			Error:        "a beta or later stage with installs counted as of a day to come.",
			ConfiguredBy: []string{"certificationInstalls"},
		},
	},
	{Rule{ID: RuleBeta7, Clock: true}, Judgement{ConfiguredBy: []string{"installWindowDays", "certificationInstalls"}}},
	{Rule{ID: RuleBeta8}, Judgement{Error: "a removal record without the removed stage, or the removed stage without its record."}},
	{Rule{ID: RuleCert1}, Judgement{Error: "a certification or partner without an App ID."}},
	{Rule{ID: RuleCert2}, Judgement{Error: "a certification or partner without an https:// demo video."}},
	{Rule{ID: RuleCert3}, Judgement{Error: "a certification or partner without https:// sales assets."}},
	{Rule{ID: RuleCert4}, Judgement{
		Error:   "an approval before acceptance, after today, of a stage other than certification, or with feedback still open.",
		Flagged: "product-review feedback still open.",
	}},
	{Rule{ID: RuleCert5}, Judgement{Error: "an approved integration whose listing lacks fields."}},
	{Rule{ID: RuleCert6}, Judgement{Error: "a launch date without approval or before it; a partner without approval or launch date."}},
	{Rule{ID: RuleCert7, Clock: true}, Judgement{}},
	{
		Rule{ID: RuleDeveloperA5,
			Sentence: "This detail should be included in an easily accessible privacy policy which explains to Customers how their data will be collected, used, and processed and what control Users have over their data."},
		Judgement{
			Error:   "no privacy policy, one not on https://, or one on a non-public address (localhost, loopback, private or link-local, a single-label host).",
			Flagged: "a privacy policy on a documentation-only domain or on the platform's own domain.",
		},
	},
	{Rule{ID: RuleDeveloperA7}, Judgement{
		Error:   "no page for data requests, one not on https://, or one on a non-public address.",
		Flagged: "a data-request page on a documentation-only domain.",
	}},
	{Rule{ID: RuleDeveloperA9}, Judgement{Error: "no security contact, or a page not on https://."}},
	{Rule{ID: RuleDeveloperB1}, Judgement{Error: "authentication or login auditing not attested."}},
	{Rule{ID: RuleDeveloperB6}, Judgement{
		Error:        "a scope outside the catalogue, asked twice, without a reason, with a reason too short, or with the reason of another object's scope.",
		Flagged:      "a scope that reaches sensitive data; a weak reason (\"n/a\", \"not used yet\", one reason pasted for every scope).",
		ConfiguredBy: []string{"scopes", "weakReasons", "objectNames"},
	}},
	{Rule{ID: RuleDeveloperC2}, Judgement{
		Error:   "privacy.sensitiveData missing or true.",
		Flagged: "listing or scope text describing card numbers or passwords while sensitiveData is false.",
	}},
	{Rule{ID: RuleDeveloperD5}, Judgement{
		Error:        "a name that begins with a protected company's name, or text claiming that company made, authorised or endorsed the integration, in any language of claimWords.",
		Flagged:      "text that may claim that company's certification or endorsement, or a partnership with it.",
		ConfiguredBy: []string{"protectedNames", "claimWords", "certifiers", "objectNames"},
	}},
	{Rule{ID: RuleDeveloperE1}, Judgement{
		Error:        "a name that begins with the platform's name or an alias of it, or text claiming its endorsement, official status, preference or partnership (by a non-partner) or that it made the integration, in any language of claimWords.",
		Flagged:      "text that may claim the platform's certification or endorsement.",
		ConfiguredBy: []string{"brandTerms", "brandAliases", "claimWords", "certifiers", "objectNames"},
	}},
	{
		Rule{ID: RuleDeveloperF2,
			Sentence: "Your Application and/or Integration should not use vulgar or obscene language or images."},
		Judgement{
			Flagged:      "a vulgar or obscene word in the name, tagline or description, however masked (symbols or digits for letters, repeated letters).",
			ConfiguredBy: []string{"vulgarTerms"},
		},
	},
	{Rule{ID: RuleDeveloperF3}, Judgement{
		Error:   "no support page, one not on https:// or on a non-public address, no support email or phone, or no setup instructions once certified.",
		Flagged: "a support page on a documentation-only domain.",
	}},
	{
		Rule{ID: RuleSlug,
			Sentence: "Each application is one file, " + application.Pattern + ", whose name is its slug: lowercase letters, digits and single hyphens, at most 64 characters."},
		Judgement{Error: "a file name that is not a slug."},
	},
	{
		Rule{ID: RuleUniqueAppID,
			Sentence: "An App ID identifies one integration: no two application files may claim the same App ID."},
		Judgement{Error: "an App ID claimed by two files."},
	},
	{
		Rule{ID: RuleUniqueName,
			Sentence: "Integration names are unique in the directory, ignoring case, spaces and characters that look alike."},
		Judgement{Error: "an integration name used by two files, ignoring case, spaces and lookalikes."},
	},
	{
		Rule{ID: RuleCompanyClaim,
			Sentence: "A company's applications are kept by its own maintainers: a second file for the same company (ignoring case, spacing, lookalike characters and legal suffixes such as Ltd, Inc or GmbH) must share at least one maintainer with the first, and a new one must be opened by one of them."},
		Judgement{Error: "a second file for a company that shares no maintainer with the first."},
	},
	{
		Rule{ID: RuleHTTPS,
			Sentence: "Web addresses that no policy sentence asks for, such as the company's website, should use https:// too."},
		Judgement{Flagged: "a company website not on https://."},
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

// Quotes returns every sentence the rule enforces: its own first, then
// those of other clauses that put the same duty on the same person, the
// rows of the clause table that cite the rule under another clause
// (developer/A7 also quotes developer/A8). A format rule's one quote has
// no clause.
func (r Rule) Quotes() []Quote {
	if strings.HasPrefix(r.ID, "format/") {
		return []Quote{{"", r.Source, r.Sentence}}
	}
	out := []Quote{{r.ID, r.Source, r.Sentence}}
	for _, c := range clauses {
		if c.ID != r.ID && slices.Contains(c.Rules, r.ID) {
			out = append(out, Quote{c.ID, sourceOf(c.ID), c.Sentence})
		}
	}
	return out
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

// allRules are the rows of both rules tables, completed: each rule is
// named in words by its id (sourceOf), and a policy rule quotes its
// clause's sentences from the clause table, every one unless its row
// spells the part it quotes. A format rule's row spells its sentence, as
// it has no clause.
var allRules = func() []judgedRule {
	out := slices.Concat(rules, attestationRules)
	for i, r := range out {
		out[i].rule.Source = sourceOf(r.rule.ID)
		if r.rule.Sentence == "" {
			out[i].rule.Sentence = clauseText(r.rule.ID)
		}
	}
	return out
}()

// byID holds every rule's row by id, the attestations' rules too.
var byID = func() map[string]judgedRule {
	m := make(map[string]judgedRule, len(allRules))
	for _, r := range allRules {
		m[r.rule.ID] = r
	}
	return m
}()

// Rules returns every rule, ordered by id.
func Rules() []Rule {
	out := make([]Rule, len(allRules))
	for i, r := range allRules {
		out[i] = r.rule
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out
}

// Lookup returns the rule with the given id.
func Lookup(id string) (Rule, bool) {
	r, ok := byID[id]
	return r.rule, ok
}
