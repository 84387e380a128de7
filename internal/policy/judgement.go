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
	j := judgements[id]
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

// judgements is the one home of each rule's severity and configuration,
// by rule id; an attestation's rule is judged by its row of the
// attestations table. TestJudgements checks that every rule has one, that
// its keys are program.cue's, and that the corpus expects no severity the
// rule does not name.
var judgements = withAttestations(map[string]Judgement{
	RuleReq1: {
		Error:   "builtInHouse is not true.",
		Flagged: "listing or scope text saying another company builds the integration.",
	},
	RuleReq2: {
		Error:   "auth is not \"oauth2\".",
		Flagged: "listing or scope text describing a credential other than OAuth (an API key, a private app token).",
	},
	RuleReq3: {
		Error:        "no ticket or phone channel, a channel without its means, a phone number that cannot be called, no first-response time or one beyond the SLA.",
		Flagged:      "listing text promising a response time beyond the SLA (in days).",
		ConfiguredBy: []string{"supportResponseHours"},
	},
	RuleReq4: {
		Error:        "an applied application below the minimum installs, or installs counted as of a day to come.",
		ConfiguredBy: []string{"minInstalls"},
	},
	RuleBeta1: {
		Error:        "an accepted application without acceptedAt, or a published listing that lacks fields.",
		Flagged:      "listing information still missing before its due date.",
		ConfiguredBy: []string{"listingDueDays"},
	},
	RuleBeta2: {
		Error:        "listing information missing after its due date.",
		ConfiguredBy: []string{"listingDueDays"},
	},
	RuleBeta3: {Error: "a published listing without an https:// link to setup instructions."},
	RuleBeta4: {Error: "a listing published while the application is only applied."},
	RuleBeta5: {Error: "a listing published before acceptance."},
	RuleBeta6: {
		Error:        "a beta or later stage with installs counted as of a day to come.",
		ConfiguredBy: []string{"certificationInstalls"},
	},
	RuleBeta7: {ConfiguredBy: []string{"installWindowDays", "certificationInstalls"}},
	RuleBeta8: {Error: "a removal record without the removed stage, or the removed stage without its record."},
	RuleCert1: {Error: "a certification or partner without an App ID."},
	RuleCert2: {Error: "a certification or partner without an https:// demo video."},
	RuleCert3: {Error: "a certification or partner without https:// sales assets."},
	RuleCert4: {
		Error:   "an approval before acceptance, of a stage other than certification, or with feedback still open.",
		Flagged: "product-review feedback still open.",
	},
	RuleCert5: {Error: "an approved integration whose listing lacks fields."},
	RuleCert6: {Error: "a launch date without approval or before it; a partner without approval or launch date."},
	RuleCert7: {},
	RuleDeveloperA5: {
		Error:   "no privacy policy, one not on https://, or one on a non-public address (localhost, loopback, private or link-local, a single-label host).",
		Flagged: "a privacy policy on a documentation-only domain or on the platform's own domain.",
	},
	RuleDeveloperA7: {
		Error:   "no page for data requests, one not on https://, or one on a non-public address.",
		Flagged: "a data-request page on a documentation-only domain.",
	},
	RuleDeveloperA9: {Error: "no security contact, or a page not on https://."},
	RuleDeveloperB1: {Error: "authentication or login auditing not attested."},
	RuleDeveloperB6: {
		Error:        "a scope outside the catalogue, asked twice, without a reason, with a reason too short, or with the reason of another object's scope.",
		Flagged:      "a scope that reaches sensitive data; a weak reason (\"n/a\", \"not used yet\", one reason pasted for every scope).",
		ConfiguredBy: []string{"scopes", "weakReasons", "objectNames"},
	},
	RuleDeveloperC2: {
		Error:   "privacy.sensitiveData missing or true.",
		Flagged: "listing or scope text describing card numbers or passwords while sensitiveData is false.",
	},
	RuleDeveloperD5: {
		Error:        "a name that begins with a protected company's name, or text claiming that company made, authorised or endorsed the integration, in any language of claimWords.",
		Flagged:      "text that may claim that company's certification or endorsement, or a partnership with it.",
		ConfiguredBy: []string{"protectedNames", "claimWords", "certifiers", "objectNames"},
	},
	RuleDeveloperE1: {
		Error:        "a name that begins with the platform's name or an alias of it, or text claiming its endorsement, official status, preference or partnership (by a non-partner) or that it made the integration, in any language of claimWords.",
		Flagged:      "text that may claim the platform's certification or endorsement.",
		ConfiguredBy: []string{"brandTerms", "brandAliases", "claimWords", "certifiers", "objectNames"},
	},
	RuleDeveloperF2: {
		Flagged:      "a vulgar or obscene word in the name, tagline or description, however masked (symbols or digits for letters, repeated letters).",
		ConfiguredBy: []string{"vulgarTerms"},
	},
	RuleDeveloperF3: {
		Error:   "no support page, one not on https:// or on a non-public address, no support email or phone, or no setup instructions once certified.",
		Flagged: "a support page on a documentation-only domain.",
	},
	RuleSlug:         {Error: "a file name that is not a slug."},
	RuleUniqueAppID:  {Error: "an App ID claimed by two files."},
	RuleUniqueName:   {Error: "an integration name used by two files, ignoring case, spaces and lookalikes."},
	RuleCompanyClaim: {Error: "a second file for a company that shares no maintainer with the first."},
	RuleHTTPS:        {Flagged: "a company website not on https://."},
})

// withAttestations adds to m the judgement of each attestation's rule,
// which refuses only its field not being true.
func withAttestations(m map[string]Judgement) map[string]Judgement {
	for _, a := range attestations {
		m[a.rule.ID] = Judgement{Error: a.field + " is not true."}
	}
	return m
}
