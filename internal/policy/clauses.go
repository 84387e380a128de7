package policy

import "strings"

// Clause is one normative sentence of the two policies and how connectbot
// handles it. A clause of the policies (a numbered item, or an unnumbered
// paragraph such as developer/preamble) has one Clause per sentence.
//
// A sentence is handled by one or more of: rules that check it in every
// application file (Rules), a clock of the program engine (Clock), an
// attestation the integrator makes in the file (Attestation), an item of
// the reviewer checklist (Checklist); or it is out of scope (Out), with the
// reason in Why.
type Clause struct {
	// Seed is the file of the policy text, as kept in
	// internal/policy/testdata/seeds.
	Seed string `json:"seed"`
	// ID names the clause: "connect/beta-3", "developer/F3",
	// "developer/preamble".
	ID string `json:"clause"`
	// Sentence is the policy's own words, verbatim.
	Sentence string `json:"sentence"`
	// Rules are the ids of the rules that check the sentence; each quotes
	// a sentence of this clause (Rule.Quotes). A rule of this clause takes
	// its sentences from its clause's rows; a rule of another clause quotes
	// this sentence as well as its own.
	Rules []string `json:"rules,omitempty"`
	// Clock names the engine's clock or transition that carries the
	// sentence out, one of the Clock constants.
	Clock string `json:"clock,omitempty"`
	// Attestation is the field of the application's attestations the
	// integrator sets to true to promise the sentence.
	Attestation string `json:"attestation,omitempty"`
	// Checklist is the clause id of the reviewer-checklist item that asks
	// a reviewer to judge the sentence.
	Checklist string `json:"checklist,omitempty"`
	// Out says why connectbot cannot act on the sentence, one of the Out
	// constants; "" for a handled sentence.
	Out string `json:"outOfScope,omitempty"`
	// Why explains the handling in a sentence or two.
	Why string `json:"why,omitempty"`
}

// The seed files of the two policies.
const (
	seedConnect   = "connect-program-policies.txt"
	seedDeveloper = "developer-policy.txt"
)

// The clocks and transitions of the program engine a Clause can name.
const (
	// ClockAcceptance is a reviewer's approval of an applied file: it
	// enters beta, or certification from certificationInstalls installs.
	ClockAcceptance = "acceptance"
	// ClockListingInfo is the listing information's due date, acceptedAt
	// plus listingDueDays: reminders before it, a removal after it.
	ClockListingInfo = "listing-info"
	// ClockInstallWindow is the end of a beta's install window,
	// listingPublishedAt plus installWindowDays: a removal after it.
	ClockInstallWindow = "install-window"
	// ClockPromotion moves a beta whose installs reach
	// certificationInstalls in its window to certification.
	ClockPromotion = "promotion"
	// ClockLaunch makes an approved certification a partner on its launch
	// date.
	ClockLaunch = "launch"
	// ClockTermination is a reviewer's /connectbot terminate: a removal
	// pull request with its reason.
	ClockTermination = "termination"
)

// The reasons a Clause is out of scope.
const (
	// OutAgreement: a legal agreement signed outside the repository.
	OutAgreement = "legal agreement"
	// OutRuntime: how the integration or its developer behaves, which no
	// application file shows.
	OutRuntime = "runtime behaviour"
	// OutPlatform: an action of the platform, outside the program's files.
	OutPlatform = "platform action"
	// OutIntroduction: it introduces a list whose items are rows of their
	// own.
	OutIntroduction = "introduction"
	// OutNotADuty: it puts no duty on anyone.
	OutNotADuty = "not a duty"
)

// Clauses returns every normative sentence of both policies, in the order
// of the texts, with how connectbot handles it.
func Clauses() []Clause {
	out := make([]Clause, len(clauses))
	for i, c := range clauses {
		c.Rules = append([]string(nil), c.Rules...)
		out[i] = c
	}
	return out
}

// clauseText is every sentence of clause id, as the clause table has
// them, joined by spaces. It panics on a clause the table lacks, which a
// rules table must not cite.
func clauseText(id string) string {
	text := sentencesWhere(func(c Clause) bool { return c.ID == id })
	if text == "" {
		panic("policy: no clause " + id + " in the clause table")
	}
	return text
}

// sentencesWhere is every sentence of the clause table whose row keep
// holds for, in the table's order, joined by spaces.
func sentencesWhere(keep func(Clause) bool) string {
	var sentences []string
	for _, c := range clauses {
		if keep(c) {
			sentences = append(sentences, c.Sentence)
		}
	}
	return strings.Join(sentences, " ")
}

// Counts is how many sentences each kind of handling covers. A sentence
// with a rule and a clock counts under both; Sentences counts each once.
type Counts struct {
	Sentences int `json:"sentences"`
	// Handled counts the sentences handled in at least one way.
	Handled     int `json:"handled"`
	Rule        int `json:"rule"`
	Clock       int `json:"clock"`
	Attestation int `json:"attestation"`
	Checklist   int `json:"checklist"`
	// OutOfScope counts the sentences out of scope, by reason.
	OutOfScope map[string]int `json:"outOfScope"`
}

// CountHandling counts the sentences of cs by how they are handled.
func CountHandling(cs []Clause) Counts {
	n := Counts{Sentences: len(cs), OutOfScope: map[string]int{}}
	for _, c := range cs {
		if c.Out == "" {
			n.Handled++
		}
		if len(c.Rules) > 0 {
			n.Rule++
		}
		if c.Clock != "" {
			n.Clock++
		}
		if c.Attestation != "" {
			n.Attestation++
		}
		if c.Checklist != "" {
			n.Checklist++
		}
		if c.Out != "" {
			n.OutOfScope[c.Out]++
		}
	}
	return n
}

// clauses is the table, one row per normative sentence, in the order of
// the seeds. clauses_test.go splits the seeds into sentences and fails
// when a normative one has no row here.
var clauses = []Clause{
	{
		Seed:     seedConnect,
		ID:       "connect/intro",
		Sentence: "In order for your application to the HubSpot Connect Program to be considered, you must first fulfill the required criteria:",
		Out:      OutIntroduction,
		Why:      "The criteria are the four items that follow, each a row of its own; a reviewer cannot approve an application while one fails.",
	},
	{
		Seed:     seedConnect,
		ID:       "connect/req-1",
		Sentence: "You must build your integration in house.",
		Rules:    []string{"connect/req-1"},
		Why:      "integration.builtInHouse must be true; a tagline, description or scope reason that says someone else builds it (program.cue's contradictions.outsideBuilders) is flagged for the reviewer.",
	},
	{
		Seed:     seedConnect,
		ID:       "connect/req-2",
		Sentence: "You must build your integration using OAuth 2.0 (for instructions on building on HubSpot, please see our developer documentation).",
		Rules:    []string{"connect/req-2"},
		Why:      "integration.auth must be \"oauth2\"; a tagline, description or scope reason that names another credential (program.cue's contradictions.credentials: an API key, a username and password) is flagged for the reviewer.",
	},
	{
		Seed:     seedConnect,
		ID:       "connect/req-3",
		Sentence: "You must offer support for your integration.",
		Rules:    []string{"connect/req-3"},
	},
	{
		Seed:     seedConnect,
		ID:       "connect/req-3",
		Sentence: "Ticketed or phone support is acceptable (with a required 24 hr response time SLA).",
		Rules:    []string{"connect/req-3"},
		Why:      "The response time is program.cue's supportResponseHours (24 by default); a tagline, description or scope reason that gives a longer response time than support.firstResponseHours (a number, in digits or a word of contradictions.numberWords, and a unit of contradictions.hourUnits, dayUnits or weekUnits in a sentence with a word of contradictions.responseWords) is flagged for the reviewer.",
	},
	{
		Seed:     seedConnect,
		ID:       "connect/req-4",
		Sentence: "You must have a minimum of 10 Installs with HubSpot.",
		Rules:    []string{"connect/req-4"},
		Why:      "The minimum is program.cue's minInstalls (10 by default), checked while the application is applied.",
	},
	{
		Seed:     seedConnect,
		ID:       "connect/beta",
		Sentence: "Participants who have less than 40 Installs with HubSpot and are accepted to be a HubSpot Connect Beta Integrator must follow the steps below to remain in the program:",
		Clock:    ClockAcceptance,
		Why:      "An approved application with fewer installs than certificationInstalls (40 by default) enters beta; one with certificationInstalls or more enters certification.",
	},
	{
		Seed:     seedConnect,
		ID:       "connect/beta-1",
		Sentence: "Provide us with information to create an integration listing page (request form is located in our onboarding packet) within the first 30 days after acceptance as a Beta Integrator.",
		Rules:    []string{"connect/beta-1"},
		Clock:    ClockListingInfo,
		Why:      "A warning until the listing information is due (acceptedAt + listingDueDays), with reminders before the date.",
	},
	{
		Seed:     seedConnect,
		ID:       "connect/beta-2",
		Sentence: "If you fail to supply the required site page within the first 30 days of acceptance, you will be removed from the program.",
		Rules:    []string{"connect/beta-2"},
		Clock:    ClockListingInfo,
		Why:      "From the day after the due date the listing is overdue: an error, and the tick opens a removal pull request (listing-overdue).",
	},
	{
		Seed:     seedConnect,
		ID:       "connect/beta-3",
		Sentence: "As a part of the listing page, you must be able to link to setup instructions for the integration.",
		Rules:    []string{"connect/beta-3"},
		Why:      "Owed with the listing, and at every stage after: connect/beta-3 makes the link part of a beta listing, due with the rest of the listing information (a warning until acceptedAt + listingDueDays, connect/beta-1; an error after, connect/beta-2) and an error once the listing is published. developer/F3 says every Application must include it, so a certification or a partner needs it whether or not it ever had a beta listing, before approval too (connect/cert-5 brings only the rest of the certified listing). An applied file is not asked for it, though it may give it: the Connect Program Policies owe listing information only from acceptance (connect/beta-1, within 30 days after it), and asking it of an application the program may still decline would move that deadline earlier.",
	},
	{
		Seed:     seedConnect,
		ID:       "connect/beta-4",
		Sentence: "We will build the listing page and add it to our integrations directory.",
		Rules:    []string{"connect/beta-4"},
		Why:      "The program's own duty: connectbot site publishes the listing page from program.listingPublishedAt, which only the program records; connect/beta-4 refuses a publication date on an application not yet accepted.",
	},
	{
		Seed:     seedConnect,
		ID:       "connect/beta-5",
		Sentence: "Your 90 listing period to get to 40 Installs begins upon the publication of your listing.",
		Rules:    []string{"connect/beta-5"},
		Clock:    ClockInstallWindow,
		Why:      "The window ends listingPublishedAt + installWindowDays (90 by default).",
	},
	{
		Seed:     seedConnect,
		ID:       "connect/beta-6",
		Sentence: "Within or at the end of 90 days if you reach 40 Installs you are eligible to begin the Certification Process to become an official HubSpot Connect Partner. (Outlined below.)",
		Rules:    []string{"connect/beta-6"},
		Clock:    ClockPromotion,
		Why:      "Installs reaching certificationInstalls on or before the window's end promote the beta to certification.",
	},
	{
		Seed:     seedConnect,
		ID:       "connect/beta-7",
		Sentence: "At the end of ninety day period if you are not at 40 Installs your participation in the Connect Program will be terminated.",
		Clock:    ClockInstallWindow,
		Why:      "From the day after the window ends, below certificationInstalls, the tick opens a removal pull request (installs-window-lapsed) that cites connect/beta-7. No check of the file names it: the count that decides is the engine's (live or recorded), read on the day.",
	},
	{
		Seed:     seedConnect,
		ID:       "connect/beta-8",
		Sentence: "We reserve the right to terminate your participation in the Connect Program at any time.",
		Rules:    []string{"connect/beta-8"},
		Clock:    ClockTermination,
		Why:      "A reviewer's /connectbot terminate opens a removal pull request; connect/beta-8 checks the removal record.",
	},
	{
		Seed:     seedConnect,
		ID:       "connect/cert",
		Sentence: "Participants who have 40 or more Installs with HubSpot and are applying to become a HubSpot Connect Partner must follow the steps below to pass through certification:",
		Clock:    ClockAcceptance,
		Why:      "An approved application with certificationInstalls or more enters certification directly; a beta enters it by promotion.",
	},
	{
		Seed:     seedConnect,
		ID:       "connect/cert-1",
		Sentence: "Submit your App ID (as stated in the developer portal for the integration) so that our product team may perform a technical review of the integration.",
		Rules:    []string{"connect/cert-1"},
	},
	{
		Seed:     seedConnect,
		ID:       "connect/cert-2",
		Sentence: "We require that you submit a video demo of the integration to include on your integration listing page and for our product team to better understand how the integration functions",
		Rules:    []string{"connect/cert-2"},
	},
	{
		Seed:     seedConnect,
		ID:       "connect/cert-3",
		Sentence: "We also ask that you submit assets for Sales enablement, to help our team better sell your integration to prospects and customers",
		Rules:    []string{"connect/cert-3"},
	},
	{
		Seed:     seedConnect,
		ID:       "connect/cert-4",
		Sentence: "Once our product team reviews the integration, they may have some feedback.",
		Rules:    []string{"connect/cert-4"},
		Why:      "The product team's feedback is recorded in program.feedback, each item open or addressed.",
	},
	{
		Seed:     seedConnect,
		ID:       "connect/cert-4",
		Sentence: "You will need to review this feedback and made any necessary changes to the integration in order to continue on to certification.",
		Rules:    []string{"connect/cert-4"},
		Why:      "Open feedback is a warning in certification, and approval while an item is open is refused.",
	},
	{
		Seed:     seedConnect,
		ID:       "connect/cert-5",
		Sentence: "Once the product team has approved the integration, you will need to provide us with information to create an integration listing page, that will be showcased in our integrations directory.",
		Rules:    []string{"connect/cert-5"},
	},
	{
		Seed:     seedConnect,
		ID:       "connect/cert-6",
		Sentence: "After the listing page is ready, we will coordinate a launch date with our product marketing team for your listing page, product news blog post, and internal product notification.",
		Rules:    []string{"connect/cert-6"},
		Clock:    ClockLaunch,
		Why:      "An approved certification becomes a partner on its program.launchDate.",
	},
	{
		Seed:     seedConnect,
		ID:       "connect/cert-7",
		Sentence: "We reserve the right to decline moving forward with your application or to terminate your participation in the Connect Program at any time.",
		Clock:    ClockTermination,
		Why:      "A reviewer's /connectbot terminate of a certification or a partner opens a removal pull request citing connect/cert-7 (of an applied or beta application, connect/beta-8); declining is a reviewer closing the application's pull request. No check of the file names it.",
	},
	{
		Seed:     seedConnect,
		ID:       "connect/agreement",
		Sentence: "Please see the HubSpot Connect Program Agreement for the terms and conditions that apply to participation in the Connect Program.",
		Out:      OutAgreement,
		Why:      "The Connect Program Agreement is a contract signed outside the repository; its terms are not in the seeds.",
	},
	{
		Seed:        seedDeveloper,
		ID:          "developer/preamble",
		Sentence:    "Developers are required to comply with this HubSpot Developer Policy (this “Policy”), our\u00a0Developer Terms\u00a0and our\u00a0Acceptable Use Policy\u00a0(“AUP”).",
		Attestation: "attestations.developerTerms",
		Rules:       []string{"developer/preamble"},
		Why:         "Rule developer/preamble requires attestations.developerTerms: true from stage applied on.",
	},
	{
		Seed:     seedDeveloper,
		ID:       "developer/preamble",
		Sentence: "This policy may not cover every type of Application or Integration, and there may be instances where your Application and/or Integration is not addressed by this Policy.",
		Out:      OutNotADuty,
		Why:      "It says what the policy may not cover; it puts no duty on anyone.",
	},
	{
		Seed:     seedDeveloper,
		ID:       "developer/preamble",
		Sentence: "We reserve the right to take any action or steps necessary we deem necessary if your Application and/or Integration violates the terms or spirit of this policy, or we feel that such action is necessary to preserve the integrity of our Developer ecosystem or to protect Customers.",
		Clock:    ClockTermination,
		Why:      "In the program, the action is a reviewer's /connectbot terminate: a removal pull request with the reason, merged by a reviewer. Blocking an integration from the platform is the platform's own action.",
	},
	{
		Seed:     seedDeveloper,
		ID:       "developer/preamble",
		Sentence: "Violations of this Developer Policy may result in your Application and/or Integration (as defined in the Developer Terms) being blocked from connecting to the HubSpot Platform.",
		Out:      OutPlatform,
		Why:      "Blocking an integration from the platform happens on the platform, not in the program's repository.",
	},
	{
		Seed:     seedDeveloper,
		ID:       "developer/preamble",
		Sentence: "We reserve the right to make changes to this Policy with or without notification to you.",
		Out:      OutPlatform,
		Why:      "The platform changes its policy; connectbot's rules and this table follow by a reviewed pull request, and connectbot impact shows whom a change to program.cue affects.",
	},
	{
		Seed:     seedDeveloper,
		ID:       "developer/A",
		Sentence: "We take Data Protection very seriously at HubSpot and expect a high standard from our Developers.",
		Out:      OutIntroduction,
		Why:      "The standard is A1 to A9, each a row of its own.",
	},
	{
		Seed:     seedDeveloper,
		ID:       "developer/A",
		Sentence: "We expect that you will comply with all applicable laws and regulations.",
		Out:      OutRuntime,
		Why:      "How the integration and its developer behave under the law is not in an application file; the integrator answers for it under the Developer Terms (attestations.developerTerms).",
	},
	{
		Seed:     seedDeveloper,
		ID:       "developer/A1",
		Sentence: "You will not create Applications and/or Integrations which violate the applicable data protection laws and regulations.",
		Out:      OutRuntime,
		Why:      "How the integration and its developer behave under the law is not in an application file; the integrator answers for it under the Developer Terms (attestations.developerTerms).",
	},
	{
		Seed:      seedDeveloper,
		ID:        "developer/A2",
		Sentence:  "You will not create Applications and/or Integrations which enable Customers to circumvent or violate the HubSpot Terms of Service, Developer Terms, Customer Data Processing Agreement (DPA), and/or AUP.",
		Checklist: "developer/A2",
		Why:       "A reviewer judges from the description and scopes what the integration lets customers do; how it behaves at run time is not in the file.",
	},
	{
		Seed:      seedDeveloper,
		ID:        "developer/A3",
		Sentence:  "You will not create Applications and/or Integrations which enable Customers to circumvent or violate the terms or policies of other platforms, applications, integrations, or any entity that has a relationship with the Customer.",
		Checklist: "developer/A3",
		Why:       "A reviewer judges from the description and scopes what the integration lets customers do; how it behaves at run time is not in the file.",
	},
	{
		Seed:        seedDeveloper,
		ID:          "developer/A4",
		Sentence:    "You will not sell, rent, exploit, or distribute HubSpot Customer Data without express consent from the Customer.",
		Attestation: "attestations.noSaleOfCustomerData",
		Rules:       []string{"developer/A4"},
		Why:         "Rule developer/A4 requires attestations.noSaleOfCustomerData: true from stage applied on.",
	},
	{
		Seed:     seedDeveloper,
		ID:       "developer/A5",
		Sentence: "Your Application and/or Integration should clearly explain your data privacy practices, and be prepared to tell Users how you plan to use the data that is being shared.",
		Rules:    []string{"developer/A5"},
		Why:      "The practices are explained in the privacy policy at privacy.policyUrl, which must be on a public address (a loopback, private or link-local address or a local name is refused; a documentation-only domain is flagged, or refused, as program.cue's documentationDomains says); a policy on the platform's own domain (program.cue's platformDomains) is flagged.",
	},
	{
		Seed:     seedDeveloper,
		ID:       "developer/A5",
		Sentence: "This detail should be included in an easily accessible privacy policy which explains to Customers how their data will be collected, used, and processed and what control Users have over their data.",
		Rules:    []string{"developer/A5"},
	},
	{
		Seed:        seedDeveloper,
		ID:          "developer/A6",
		Sentence:    "Your Application and/or Integration should not collect, store, and/or use personal data (meaning any information relating to an identified or identifiable natural person) without the consent of the data subject or a lawful basis to collect, store, or use such information.",
		Attestation: "attestations.lawfulBasis",
		Rules:       []string{"developer/A6"},
		Why:         "Rule developer/A6 requires attestations.lawfulBasis: true from stage applied on.",
	},
	{
		Seed:     seedDeveloper,
		ID:       "developer/A7",
		Sentence: "If your Application and/or Integration stores the personal data for a Customer and the Customer requests for their data or Content to be erased, you must erase their data and/or Content.",
		Rules:    []string{"developer/A7"},
		Why:      "privacy.dataRequestsUrl is required, over https:// and on a public address, as privacy.policyUrl is (developer/A5).",
	},
	{
		Seed:     seedDeveloper,
		ID:       "developer/A8",
		Sentence: "If your Application and/or Integration stores the personal data for a Customer and the Customer modifies their data, you must either erase or update the data.",
		Rules:    []string{"developer/A7"},
		Why:      "One page takes both requests, privacy.dataRequestsUrl: the rule developer/A7 quotes this sentence too.",
	},
	{
		Seed:     seedDeveloper,
		ID:       "developer/A9",
		Sentence: "In the event HubSpot Customer Data or the HubSpot Platform is breached, compromised, or exploited by your Application and/or Integration, or by your organization, you must contact all affected Customers and HubSpot immediately.",
		Rules:    []string{"developer/A9"},
		Why:      "The rule requires privacy.securityContact (an email address, or a page over https://), the integrator's contact for a breach; whether a breach is reported, and how fast, happens at run time and is not in the file.",
	},
	{
		Seed:     seedDeveloper,
		ID:       "developer/B",
		Sentence: "We expect the following of our ecosystem developers:",
		Out:      OutIntroduction,
		Why:      "The expectations are B1 to B6, each a row of its own.",
	},
	{
		Seed:     seedDeveloper,
		ID:       "developer/B1",
		Sentence: "You will enforce a form of authentication for your Application and/or Integration, and will audit logins to secure your Application and/or Integration with the Hubspot Platform.",
		Rules:    []string{"developer/B1"},
	},
	{
		Seed:        seedDeveloper,
		ID:          "developer/B2",
		Sentence:    "You will securely handle any Customer credentials using industry-standard protocols.",
		Attestation: "attestations.credentialHandling",
		Rules:       []string{"developer/B2"},
		Why:         "Rule developer/B2 requires attestations.credentialHandling: true from stage applied on.",
	},
	{
		Seed:     seedDeveloper,
		ID:       "developer/B2-oauth",
		Sentence: "In order to be considered eligible for any benefits from HubSpot, you must use OAuth 2.0 as per our guide\u00a0here.",
		Rules:    []string{"connect/req-2"},
		Why:      "The same duty as the Connect criterion: the rule connect/req-2 quotes this sentence too.",
	},
	{
		Seed:      seedDeveloper,
		ID:        "developer/B3",
		Sentence:  "You will not make any misleading and/or deceptive statements about your Application functionality, performance, origin, or data use.",
		Checklist: "developer/B3",
	},
	{
		Seed:     seedDeveloper,
		ID:       "developer/B4",
		Sentence: "You will not transmit any viruses or other code that may damage, detrimentally interfere with, surreptitiously intercept, or expropriate any system or HubSpot Customer Data.",
		Out:      OutRuntime,
		Why:      "What code the integration runs is not in an application file.",
	},
	{
		Seed:     seedDeveloper,
		ID:       "developer/B5",
		Sentence: "You will not attempt to reverse engineer or otherwise derive source code, trade secrets, or know-how in our APIs.",
		Out:      OutRuntime,
		Why:      "What the developer does with the platform's APIs is not in an application file.",
	},
	{
		Seed:     seedDeveloper,
		ID:       "developer/B6",
		Sentence: "You will only ask Customers for permissions that your Application needs, and will not ask for permissions beyond the scope what is required for the operation of your Application.",
		Rules:    []string{"developer/B6"},
		Why:      "Every scope must be in the catalogue and have a reason of a sentence; one sentence may justify the scopes whose objects it names, in any language of program.cue's objectNames (\"Reads and updates contacts and their companies …\", \"Liest Kontakte und ihre Listen …\"). A reason pasted for other scopes, however its punctuation differs, or one of program.cue's weakReasons (\"n/a\", \"same as above\", \"not used yet\"), however short, is flagged for the reviewer.",
	},
	{
		Seed:        seedDeveloper,
		ID:          "developer/C1",
		Sentence:    "You will not collect, store, and/or use HubSpot Customer Data without obtaining proper consent of the Customer, as determined by applicable law.",
		Attestation: "attestations.customerConsent",
		Rules:       []string{"developer/C1"},
		Why:         "Rule developer/C1 requires attestations.customerConsent: true from stage applied on.",
	},
	{
		Seed:     seedDeveloper,
		ID:       "developer/C2",
		Sentence: "You will not ask Customers to provide sensitive, private, and confidential personal information, such as credit card numbers or passwords, or information that violates the HubSpot Terms of Service or AUP.",
		Rules:    []string{"developer/C2"},
		Why:      "The rule requires privacy.sensitiveData: false from stage applied on: true is refused, and a file that leaves the field out is asked to say so, since silence is no promise. What the integration asks customers for on its own screens is not in the file; a tagline, description or scope reason that mentions card numbers or passwords (program.cue's contradictions.sensitiveData) while sensitiveData is false is flagged for the reviewer.",
	},
	{
		Seed:      seedDeveloper,
		ID:        "developer/C3",
		Sentence:  "Unless such information is necessary as part of your Application and/or Integration’s legitimate function and purpose, and You will not enable Customer to store or process such information through the HubSpot Platform.",
		Checklist: "developer/C3",
		Why:       "A reviewer judges from the description whether such information is necessary to the integration; asking customers for it at all is developer/C2.",
	},
	{
		Seed:      seedDeveloper,
		ID:        "developer/C4",
		Sentence:  "You will not create Applications and/or Integrations that encourage or allow Customers to circumvent or interfere with their own data privacy and security policies in a negative way.",
		Checklist: "developer/C4",
		Why:       "A reviewer judges from the description and scopes what the integration lets customers do; how it behaves at run time is not in the file.",
	},
	{
		Seed:     seedDeveloper,
		ID:       "developer/C5",
		Sentence: "You will not request, use scopes, or permissions not required for your Application and/or Integration’s functionality.",
		Rules:    []string{"developer/B6"},
		Why:      "The same duty as developer/B6 for the scopes in the file: the rule developer/B6 quotes this sentence too.",
	},
	{
		Seed:     seedDeveloper,
		ID:       "developer/D",
		Sentence: "We expect Developers to comply with applicable laws and regulations (in addition to data/privacy protection laws).",
		Out:      OutRuntime,
		Why:      "How the integration and its developer behave under the law is not in an application file; the integrator answers for it under the Developer Terms (attestations.developerTerms).",
	},
	{
		Seed:     seedDeveloper,
		ID:       "developer/D",
		Sentence: "As such we prohibit you or your Application and/or Integration from:",
		Out:      OutIntroduction,
		Why:      "The prohibitions are D1 to D6, each a row of its own.",
	},
	{
		Seed:      seedDeveloper,
		ID:        "developer/D1",
		Sentence:  "Spamming, harassing, stalking, intimidating, or threatening Customers or other Developers.",
		Checklist: "developer/D1",
		Why:       "A reviewer judges what the listing and the pull request show; conduct outside them is not in the file.",
	},
	{
		Seed:      seedDeveloper,
		ID:        "developer/D2",
		Sentence:  "Allowing impersonation of Users or otherwise allowing for false representations within your Application and/or Integration.",
		Checklist: "developer/D2",
	},
	{
		Seed:      seedDeveloper,
		ID:        "developer/D3",
		Sentence:  "Facilitating violations of the law.",
		Checklist: "developer/D3",
		Why:       "A reviewer judges what the listing and the pull request show; conduct outside them is not in the file.",
	},
	{
		Seed:      seedDeveloper,
		ID:        "developer/D4",
		Sentence:  "Infringing on anyone else's intellectual property rights (including HubSpot’s).",
		Checklist: "developer/D4",
	},
	{
		Seed:     seedDeveloper,
		ID:       "developer/D5",
		Sentence: "Representing that your Application is authorized by or produced by another company or organization.",
		Rules:    []string{"developer/D5"},
		Why:      "The rule catches a name that begins with, or a name, tagline or description that claims the making, certification or endorsement of, a company in program.cue's protectedNames, lookalike letters included, in the same sentence (program.cue's claimWords: status, certification, endorsement, preference and origin are errors; partnership, or a claim word across a bridge word, is flagged for the reviewer); any other company's name is the reviewer's question of who makes it (developer/B3).",
	},
	{
		Seed:      seedDeveloper,
		ID:        "developer/D6",
		Sentence:  "Allowing or facilitating financial transactions conducted in an insecure and unapproved manner.",
		Checklist: "developer/D6",
	},
	{
		Seed:      seedDeveloper,
		ID:        "developer/E1",
		Sentence:  "Your Application should not violate the\u00a0HubSpot brand guidelines.",
		Rules:     []string{"developer/E1"},
		Checklist: "developer/E1",
		Why:       "The rule catches a name that begins with the platform's brand (program.cue's brandTerms and brandAliases), and a name, tagline or description that claims, in the same sentence, its official status, certification, endorsement, preference or authorship, or its partnership before the application's stage is partner (program.cue's claimWords), lookalike letters included: errors; a claim word other than official status across a bridge word is flagged for the reviewer. A reviewer judges the rest of the brand guidelines.",
	},
	{
		Seed:      seedDeveloper,
		ID:        "developer/E2",
		Sentence:  "Your Application should not violate any third party’s trademark, copyright, or patent.",
		Checklist: "developer/E2",
	},
	{
		Seed:     seedDeveloper,
		ID:       "developer/E3",
		Sentence: "The design of your application should comply with all applicable laws and regulations.",
		Out:      OutRuntime,
		Why:      "The application's design — its screens, flows and consent prompts — is not in an application file, which holds only the listing's texts and links; the integrator answers for it under the Developer Terms (attestations.developerTerms).",
	},
	{
		Seed:     seedDeveloper,
		ID:       "developer/E4",
		Sentence: "We reserve the right to require you to make changes to the look and feel of your Application.",
		Out:      OutPlatform,
		Why:      "The platform asks for design changes; in the program they reach the integrator as product-review feedback (program.feedback, connect/cert-4).",
	},
	{
		Seed:     seedDeveloper,
		ID:       "developer/E4",
		Sentence: "We will do our best to provide you written notice with an explanation of changes required to the design of your application.",
		Out:      OutPlatform,
		Why:      "The platform's notice to the developer, outside the program's files.",
	},
	{
		Seed:     seedDeveloper,
		ID:       "developer/E5",
		Sentence: "We encourage you to develop Applications and/or Integrations which enable Customers to comply with applicable data protection and privacy laws.",
		Out:      OutNotADuty,
		Why:      "An encouragement, not a duty.",
	},
	{
		Seed:     seedDeveloper,
		ID:       "developer/F",
		Sentence: "We expect all Applications and/or Integrations to provide a good user experience, so we require the following:",
		Out:      OutIntroduction,
		Why:      "The requirements are F1 to F4, each a row of its own.",
	},
	{
		Seed:     seedDeveloper,
		ID:       "developer/F1",
		Sentence: "Your Application and/or Integration should not degrade or compromise the performance or user experience of the HubSpot Services.",
		Out:      OutRuntime,
		Why:      "How the integration performs is not in an application file.",
	},
	{
		Seed:      seedDeveloper,
		ID:        "developer/F2",
		Sentence:  "Your Application and/or Integration should not use vulgar or obscene language or images.",
		Rules:     []string{"developer/F2"},
		Checklist: "developer/F2",
		Why:       "The rule flags for the reviewer a word of program.cue's vulgarTerms in the name, tagline or description, however it is masked (f*ck, sh1t, $h!t, shiiit, c r a p), as a whole word only; a reviewer judges the rest of the language and the images.",
	},
	{
		Seed:      seedDeveloper,
		ID:        "developer/F2",
		Sentence:  "Likewise, your Application or Integration should not contain or offer content that is violent, pornographic, extreme, or that a reasonable person would consider inappropriate.",
		Checklist: "developer/F2",
	},
	{
		Seed:     seedDeveloper,
		ID:       "developer/F2",
		Sentence: "You should provide appropriate customer assistance.",
		Rules:    []string{"connect/req-3"},
		Why:      "The same duty as the Connect criterion to offer support, by ticket or phone within supportResponseHours: the rule connect/req-3 quotes this sentence too. The support contact is developer/F3; how well customers are helped happens at run time.",
	},
	{
		Seed:     seedDeveloper,
		ID:       "developer/F3",
		Sentence: "Every Application and/or Integration must include a link to technical instructions and customer support information, including a contact for customer support.",
		Rules:    []string{"developer/F3", "connect/beta-3"},
		Why:      "The customer support information is checked from stage applied on (developer/F3): support.url, over https://, and a contact, support.email or support.phone; a listing's supportUrl, when given, must use https:// too. The link to technical instructions, listing.setupInstructionsUrl, is owed with the listing, as connect/beta-3 explains: by a beta's listing due date (connect/beta-1, connect/beta-2), once a beta's listing is published (connect/beta-3), and at once in certification and as a partner (developer/F3); an applied file is not asked for it. Every link must be on a public address: localhost, a loopback, private or link-local address (in any numeric form) or a local name is refused, a documentation-only domain flagged or refused as program.cue's documentationDomains says.",
	},
	{
		Seed:     seedDeveloper,
		ID:       "developer/F4",
		Sentence: "You must keep your Application and/or Integration updated and provide timely and accurate support to Customers.",
		Rules:    []string{"connect/req-3"},
		Why:      "Timely support is the first-response promise connect/req-3 checks (support.firstResponseHours within program.cue's supportResponseHours), and the rule quotes this sentence too. Keeping the integration updated, and whether answers are accurate and on time, happen at run time and are not in the file.",
	},
	{
		Seed:      seedDeveloper,
		ID:        "developer/F4",
		Sentence:  "Your Application and/or Integration must operate and function in accordance with the documentation you make available to Customer.",
		Checklist: "developer/F4",
	},
	{
		Seed:     seedDeveloper,
		ID:       "developer/closing",
		Sentence: "If requested, you must provide us with proof of compliance with this policy.",
		Out:      OutPlatform,
		Why:      "Proof is given when the platform asks for it, outside the program's files.",
	},
	{
		Seed:     seedDeveloper,
		ID:       "developer/closing",
		Sentence: "Violations of this policy may result in removal from our marketplace, token revocation, developer suspension, having your Application and/or Integration blocked, Customer notification, legal action or any other action deemed necessary solely by HubSpot.",
		Clock:    ClockTermination,
		Why:      "Removal from the marketplace is a reviewer's /connectbot terminate; the other actions are the platform's own.",
	},
	{
		Seed:     seedDeveloper,
		ID:       "developer/closing",
		Sentence: "If you violate this policy we may or may not provide notice before taking action.",
		Out:      OutPlatform,
		Why:      "The platform's choice of notice; in the program a removal is always a pull request that states its reason.",
	},
	{
		Seed:     seedDeveloper,
		ID:       "developer/closing",
		Sentence: "If you fail an audit before notifying us of any issues, penalties will be more severe.",
		Out:      OutPlatform,
		Why:      "The platform's audits and penalties happen outside the program's files.",
	},
}
