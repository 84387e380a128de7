// Package issueform turns the application issue form
// (.github/ISSUE_TEMPLATE/apply.yml), as GitHub writes it into the body of
// the issue it opens, into an application file, so that integrators who do
// not know CUE can apply.
//
// Every answer is untrusted. The form is parsed as text — "### Label"
// headings, each followed by its answer — and each answer becomes a plain
// Go value; the file is then written by the catalog's own renderer, which
// quotes every string the way CUE does, and loaded back with the base
// branch's schema before anything is pushed. An answer that does not fit
// becomes a polite refusal naming the field, never a file.
package issueform

import (
	"strings"

	"github.com/connectbot/connectbot/internal/application"
	"github.com/connectbot/connectbot/internal/policy"
)

// Kind is the type of a form field, as the issue form schema names it.
type Kind string

// The field kinds the form uses.
const (
	Input      Kind = "input"
	Textarea   Kind = "textarea"
	Dropdown   Kind = "dropdown"
	Checkboxes Kind = "checkboxes"
)

// Field is one question of the form.
type Field struct {
	// ID is the field's id in apply.yml; Label the heading GitHub writes
	// above its answer.
	ID, Label string
	Kind      Kind
	Required  bool
	// Options are a dropdown's choices or a checkbox group's boxes.
	Options []string
	// MustTick is true for a checkbox group whose every box must be
	// ticked: the promises an application makes.
	MustTick bool
	// Paths are the application fields the answer fills, so that a
	// finding on one of them is reported against this question.
	Paths []string
	// Hint is the question's description in the form, and Placeholder
	// its example answer. A hint names the program's numbers as
	// {minInstalls}, {certificationInstalls}, {listingDueDays},
	// {installWindowDays} and {supportResponseHours}; Template puts in
	// the values of program.cue.
	Hint, Placeholder string
}

// Field ids, as in apply.yml.
const (
	FieldSlug            = "slug"
	FieldCompanyName     = "company-name"
	FieldCompanyWebsite  = "company-website"
	FieldIntegrationName = "integration-name"
	FieldBuiltInHouse    = "built-in-house"
	FieldAuth            = "auth"
	FieldAppID           = "app-id"
	FieldScopes          = "scopes"
	FieldChannels        = "support-channels"
	FieldResponseHours   = "first-response-hours"
	FieldSupportURL      = "support-url"
	FieldSupportEmail    = "support-email"
	FieldSupportPhone    = "support-phone"
	FieldPrivacyPolicy   = "privacy-policy"
	FieldDataRequests    = "data-requests"
	FieldSecurityContact = "security-contact"
	FieldAttestations    = "attestations"
	FieldPromises        = "promises"
	FieldInstalls        = "installs"
	FieldMaintainers     = "maintainers"
)

// The attestation boxes.
const (
	AttestAuthentication = "The integration enforces authentication for every user"
	AttestLoginAuditing  = "The integration audits logins"
	AttestNoSensitive    = "The integration never asks customers for card numbers or passwords"
)

// Yes and No are the answers of a yes-or-no dropdown.
const (
	Yes = "Yes"
	No  = "No"
)

// Fields is the form, in order. .github/ISSUE_TEMPLATE/apply.yml must
// agree with it field for field; a test checks that it does.
var Fields = []Field{
	{ID: FieldSlug, Label: "Application slug", Kind: Input, Required: true, Placeholder: "acme-sync",
		Hint: "The name of your application file, " + application.Pattern + ". Lowercase letters, digits and single hyphens, at most 64 characters."},
	{ID: FieldCompanyName, Label: "Company name", Kind: Input, Required: true, Paths: []string{"company.name"},
		Placeholder: "Acme Software Ltd"},
	{ID: FieldCompanyWebsite, Label: "Company website", Kind: Input, Required: true, Paths: []string{"company.website"},
		Placeholder: "https://acme.example"},
	{ID: FieldIntegrationName, Label: "Integration name", Kind: Input, Required: true, Paths: []string{"integration.name"},
		Hint: "Not the platform's name, and not another company's (Developer Policy D5, E1).", Placeholder: "Acme Sync"},
	{ID: FieldBuiltInHouse, Label: "Built in house", Kind: Dropdown, Required: true, Options: []string{Yes, No},
		Paths: []string{"integration.builtInHouse"},
		Hint:  "Does your own team build the integration? (Connect requirement 1)"},
	{ID: FieldAuth, Label: "Authentication", Kind: Dropdown, Required: true, Options: []string{"oauth2", "api_key", "basic", "jwt", "other"},
		Paths: []string{"integration.auth"},
		Hint:  "How customers connect the integration. OAuth 2.0 is the only flow the program accepts (requirement 2)."},
	{ID: FieldAppID, Label: "App ID", Kind: Input, Paths: []string{"integration.appId"}, Placeholder: "1234567",
		Hint: "The App ID from the developer portal, digits only. Optional now; needed for certification, from {certificationInstalls} installs."},
	{ID: FieldScopes, Label: "OAuth scopes", Kind: Textarea, Paths: []string{"integration.scopes"},
		Hint: "One scope a line: its name, a colon, and what the integration does with it (Developer Policy B6). " +
			"Scopes come from the program's scope catalogue.",
		Placeholder: "oauth: signs customers in\ncrm.objects.contacts.read: reads contacts to keep the address book in sync\n"},
	{ID: FieldChannels, Label: "Support channels", Kind: Checkboxes, Options: []string{"ticket", "phone", "email", "chat", "community"},
		Paths: []string{"support.channels"},
		Hint:  "How customers reach your support. Ticket or phone support is required (requirement 3)."},
	{ID: FieldResponseHours, Label: "First response time (hours)", Kind: Input, Required: true, Paths: []string{"support.firstResponseHours"},
		Hint: "Hours to a first response; {supportResponseHours} or less (requirement 3).", Placeholder: "{supportResponseHours}"},
	{ID: FieldSupportURL, Label: "Support page", Kind: Input, Required: true, Paths: []string{"support.url"},
		Placeholder: "https://acme.example/help"},
	{ID: FieldSupportEmail, Label: "Support email", Kind: Input, Paths: []string{"support.email"}, Placeholder: "help@acme.example"},
	{ID: FieldSupportPhone, Label: "Support phone", Kind: Input, Paths: []string{"support.phone"},
		Hint: "In international form.", Placeholder: "+44 20 7946 0000"},
	{ID: FieldPrivacyPolicy, Label: "Privacy policy", Kind: Input, Required: true, Paths: []string{"privacy.policyUrl"},
		Hint: "Your privacy policy (Developer Policy A5).", Placeholder: "https://acme.example/privacy"},
	{ID: FieldDataRequests, Label: "Data requests page", Kind: Input, Required: true, Paths: []string{"privacy.dataRequestsUrl"},
		Hint: "Where customers ask to erase or correct their data (A7, A8).", Placeholder: "https://acme.example/privacy/requests"},
	{ID: FieldSecurityContact, Label: "Security contact", Kind: Input, Required: true, Paths: []string{"privacy.securityContact"},
		Hint: "Who the platform contacts about a breach, an email address or an https page (A9).", Placeholder: "security@acme.example"},
	{ID: FieldAttestations, Label: "Security and data", Kind: Checkboxes,
		Options: []string{AttestAuthentication, AttestLoginAuditing, AttestNoSensitive},
		Paths:   []string{"security", "privacy.sensitiveData"},
		Hint:    "Tick what is true of the integration today (Developer Policy B1, C2)."},
	{ID: FieldPromises, Label: "Promises", Kind: Checkboxes, MustTick: true, Options: promises(),
		Paths: []string{"attestations"}},
	{ID: FieldInstalls, Label: "Installs today", Kind: Input, Required: true, Paths: []string{"program.installs"},
		Hint: "Installs with the platform today; {minInstalls} are needed to be accepted (requirement 4), " +
			"{certificationInstalls} to go straight to certification.", Placeholder: "12"},
	{ID: FieldMaintainers, Label: "Other maintainers", Kind: Input, Paths: []string{"maintainers"},
		Hint:        "GitHub logins of colleagues who may also edit your application, separated by commas. You are listed already.",
		Placeholder: "acme-dev, acme-ops"},
}

// Application is the application form, .github/ISSUE_TEMPLATE/apply.yml.
var Application = Form{File: "apply.yml", Name: "Apply to the Connect Program",
	Description: "Apply with your integration. connectbot turns this form into a pull request that adds " +
		application.Pattern + " with you as its maintainer, and checks it against every rule.",
	Title: "Application: ",
	Intro: "Fill in every answer marked required. Each answer goes into your application file as plain\n" +
		"text, exactly as you write it. Within a minute connectbot answers on this issue with a link\n" +
		"to the pull request it opened, or with the answers to fix; to change an answer, edit this issue.\n\n" +
		"The program accepts integrations with at least {minInstalls} installs. A beta integrator's listing\n" +
		"information is due {listingDueDays} days after acceptance; from the listing's publication it has\n" +
		"{installWindowDays} days to reach {certificationInstalls} installs and enter certification.\n\n" +
		"The rules behind each question are the Connect Program Policies and the Developer Policy;\n" +
		"connectbot's rules page (docs/rules.md in its repository) quotes each one.\n",
	Fields: Fields}

// promises are the boxes of the promises question: one per attestation
// of the application format, in its order.
func promises() []string {
	var out []string
	for _, a := range policy.Attestations() {
		out = append(out, a.Promise)
	}
	return out
}

// field returns the field with id.
func field(id string) Field {
	for _, f := range Fields {
		if f.ID == id {
			return f
		}
	}
	panic("issueform: no field " + id)
}

// noResponse is what GitHub writes for a question left empty.
const noResponse = "_No response_"

// Answers are a form's answers by field id, as written in an issue's body.
type Answers struct {
	values map[string]string
	// repeated lists the labels that appear more than once.
	repeated []string
}

// Value returns the answer to field id, trimmed; "" when it was left
// empty or is missing.
func (a Answers) Value(id string) string { return a.values[id] }

// Has reports whether the body holds the question of field id.
func (a Answers) Has(id string) bool {
	_, ok := a.values[id]
	return ok
}

// minHeadings is how many of the form's headings a body must hold to be
// read as the form: an issue written by hand is not an application.
const minHeadings = 3

// Parse reads an issue body written by the application form: each question
// is a line "### <label>" and its answer is everything up to the next
// question. Only the form's own labels start a question, so an answer may
// hold any other text, "###" lines included. It reports false when the
// body is not the form.
func Parse(body string) (Answers, bool) {
	a := parse(body, Fields)
	return a, len(a.values) >= minHeadings
}

// parse reads the answers to the questions of fields from body.
func parse(body string, fields []Field) Answers {
	body = strings.ReplaceAll(body, "\r\n", "\n")
	labels := map[string]string{}
	for _, f := range fields {
		labels[f.Label] = f.ID
	}
	a := Answers{values: map[string]string{}}
	current := ""
	var text []string
	flush := func() {
		if current == "" {
			return
		}
		v := strings.TrimSpace(strings.Join(text, "\n"))
		if v == noResponse {
			v = ""
		}
		a.values[current] = v
	}
	for _, line := range strings.Split(body, "\n") {
		if rest, ok := strings.CutPrefix(line, "### "); ok {
			if id, known := labels[strings.TrimSpace(rest)]; known {
				flush()
				if _, seen := a.values[id]; seen {
					a.repeated = append(a.repeated, strings.TrimSpace(rest))
				}
				current, text = id, nil
				continue
			}
		}
		text = append(text, line)
	}
	flush()
	return a
}

// checked returns the boxes ticked in a checkbox group's answer ("- [X]
// label") and the lines that are not one of its boxes.
func checked(answer string, options []string) (ticked map[string]bool, unknown []string) {
	ticked = map[string]bool{}
	for _, line := range strings.Split(answer, "\n") {
		line = strings.TrimSpace(line)
		if line == "" {
			continue
		}
		var box string
		var on bool
		switch {
		case strings.HasPrefix(line, "- [X] "), strings.HasPrefix(line, "- [x] "):
			box, on = strings.TrimSpace(line[len("- [X] "):]), true
		case strings.HasPrefix(line, "- [ ] "):
			box = strings.TrimSpace(line[len("- [ ] "):])
		default:
			unknown = append(unknown, line)
			continue
		}
		known := false
		for _, o := range options {
			if box == o {
				known = true
				if on {
					ticked[o] = true
				}
			}
		}
		if !known {
			unknown = append(unknown, line)
		}
	}
	return ticked, unknown
}
