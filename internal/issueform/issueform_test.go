package issueform_test

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"go.yaml.in/yaml/v3"

	"github.com/connectbot/connectbot/internal/application"
	"github.com/connectbot/connectbot/internal/catalog"
	"github.com/connectbot/connectbot/internal/golden"
	"github.com/connectbot/connectbot/internal/issueform"
	"github.com/connectbot/connectbot/internal/webhook"
)

// Body writes answers the way GitHub writes an issue form into an issue's
// body: each question as "### <label>", a blank line, the answer or
// "_No response_", and checkbox groups as "- [X] box" / "- [ ] box" lines.
// Answers to checkbox groups are the ticked boxes, separated by "|".
func Body(answers map[string]string) string {
	var b strings.Builder
	for _, f := range issueform.Fields {
		v, ok := answers[f.ID]
		if !ok {
			continue
		}
		fmt.Fprintf(&b, "### %s\n\n", f.Label)
		switch {
		case f.Kind == issueform.Checkboxes:
			ticked := map[string]bool{}
			for _, t := range strings.Split(v, "|") {
				ticked[t] = true
			}
			for _, o := range f.Options {
				mark := " "
				if ticked[o] {
					mark = "X"
				}
				fmt.Fprintf(&b, "- [%s] %s\n", mark, o)
			}
			b.WriteString("\n")
		case v == "":
			b.WriteString("_No response_\n\n")
		default:
			b.WriteString(v + "\n\n")
		}
	}
	return b.String()
}

// complete is every answer of a good application.
func complete() map[string]string {
	return map[string]string{
		issueform.FieldSlug:            "acme-sync",
		issueform.FieldCompanyName:     "Acme Software Ltd",
		issueform.FieldCompanyWebsite:  "https://acme.example",
		issueform.FieldIntegrationName: "Acme Sync",
		issueform.FieldBuiltInHouse:    "Yes",
		issueform.FieldAuth:            "oauth2",
		issueform.FieldAppID:           "",
		issueform.FieldScopes:          "oauth: signs customers in\ncrm.objects.contacts.read: Reads contacts to keep Acme's address book in sync.",
		issueform.FieldChannels:        "ticket|email",
		issueform.FieldResponseHours:   "24",
		issueform.FieldSupportURL:      "https://acme.example/help",
		issueform.FieldSupportEmail:    "help@acme.example",
		issueform.FieldSupportPhone:    "",
		issueform.FieldPrivacyPolicy:   "https://acme.example/privacy",
		issueform.FieldDataRequests:    "https://acme.example/privacy/requests",
		issueform.FieldSecurityContact: "security@acme.example",
		issueform.FieldAttestations:    issueform.AttestAuthentication + "|" + issueform.AttestLoginAuditing + "|" + issueform.AttestNoSensitive,
		issueform.FieldPromises:        strings.Join(issueform.Fields[promisesIndex()].Options, "|"),
		issueform.FieldInstalls:        "12",
		issueform.FieldMaintainers:     "@acme-ops, acme-dev",
	}
}

// promisesIndex is where the promises question is in the form.
func promisesIndex() int {
	for i, f := range issueform.Fields {
		if f.ID == issueform.FieldPromises {
			return i
		}
	}
	panic("no promises question")
}

// openedIssue is the real recorded `issues` opened delivery
// (internal/webhook/actionsdata/issues/opened.payload.json), with only
// issue.body, issue.user.login and issue.labels changed, read through the
// same parser the action uses.
func openedIssue(t *testing.T, author, body string) webhook.Issue {
	t.Helper()
	b, err := os.ReadFile("../webhook/actionsdata/issues/opened.payload.json")
	if err != nil {
		t.Fatal(err)
	}
	var p map[string]any
	if err := json.Unmarshal(b, &p); err != nil {
		t.Fatal(err)
	}
	is := p["issue"].(map[string]any)
	is["body"] = body
	is["user"].(map[string]any)["login"] = author
	is["labels"] = []any{map[string]any{"id": 1, "name": "application", "color": "0e8a16", "default": false}}
	out, _ := json.Marshal(p)
	ev, err := webhook.Parse("issues", out)
	if err != nil {
		t.Fatal(err)
	}
	return *ev.Issue
}

func build(t *testing.T, author string, answers map[string]string) (issueform.Draft, []issueform.Problem) {
	t.Helper()
	cat, err := catalog.Default()
	if err != nil {
		t.Fatal(err)
	}
	is := openedIssue(t, author, Body(answers))
	a, ok := issueform.Parse(is.Body)
	if !ok {
		t.Fatalf("the form's body was not read as the form:\n%s", is.Body)
	}
	today, _ := application.ParseDate("2026-11-25")
	return issueform.Build(cat, a, issueform.Applicant{Login: is.Author, Issue: is.Number}, today)
}

// checkGolden compares got with testdata/<name>.golden.
func checkGolden(t *testing.T, name, got string) {
	t.Helper()
	golden.Check(t, filepath.Join("testdata", name+".golden"), got)
}

func TestACompleteFormBecomesAWellFormedFile(t *testing.T) {
	d, problems := build(t, "Codertocat", complete())
	if problems != nil {
		t.Fatalf("problems: %+v", problems)
	}
	if d.Path != "applications/acme-sync.cue" || d.Slug != "acme-sync" {
		t.Errorf("path %q slug %q", d.Path, d.Slug)
	}
	if diff := cmp.Diff([]string{"Codertocat", "acme-ops", "acme-dev"}, d.App.Maintainers); diff != "" {
		t.Errorf("maintainers (-want +got):\n%s", diff)
	}
	if d.App.Program.Stage != application.StageApplied || d.App.Program.Installs.Count != 12 || d.App.Program.Installs.AsOf.String() != "2026-11-25" {
		t.Errorf("program %+v", d.App.Program)
	}
	if !d.App.Security.Authentication || !d.App.Security.LoginAuditing || d.App.Privacy.SensitiveData == nil || *d.App.Privacy.SensitiveData {
		t.Errorf("attestations: security %+v, sensitiveData %v", d.App.Security, d.App.Privacy.SensitiveData)
	}
	every := application.Attestations{DeveloperTerms: true, NoSaleOfCustomerData: true, LawfulBasis: true, CredentialHandling: true, CustomerConsent: true}
	if diff := cmp.Diff(every, d.App.Attestations); diff != "" {
		t.Errorf("every promise ticked is every attestation true (-want +got):\n%s", diff)
	}
	checkGolden(t, "acme-sync.cue", string(d.Source))
}

// TestHostileAnswersStayStrings puts the things that would be syntax in a
// hand-written file into answers: each must come back from the catalog as
// exactly the string it was, and nothing else in the file may change.
func TestHostileAnswersStayStrings(t *testing.T) {
	hostile := []struct {
		name, field, value string
		read               func(application.Application) string
	}{
		{"a quote ending the string early", issueform.FieldCompanyName, `Acme" program: {stage: "partner"} x: "`,
			func(a application.Application) string { return a.Company.Name }},
		{"a backslash before the closing quote", issueform.FieldCompanyName, `Acme \`,
			func(a application.Application) string { return a.Company.Name }},
		{"a closing brace and a new field", issueform.FieldIntegrationName, `Sync } program: stage: "partner" integration: {name: "x"`,
			func(a application.Application) string { return a.Integration.Name }},
		{"an interpolation", issueform.FieldIntegrationName, `Sync \(program.stage) "\(1+1)"`,
			func(a application.Application) string { return a.Integration.Name }},
		{"a multi-line string opener", issueform.FieldCompanyName, `Acme """ #"raw"# '''`,
			func(a application.Application) string { return a.Company.Name }},
		{"CUE syntax: an import, a comprehension and a definition", issueform.FieldCompanyName, `import "strings" for x in [1] {#D: _|_}`,
			func(a application.Application) string { return a.Company.Name }},
		{"a comment marker and an attribute", issueform.FieldCompanyName, `Acme // program: {stage: "partner"} @tag(x)`,
			func(a application.Application) string { return a.Company.Name }},
		{"markup and a mention", issueform.FieldCompanyName, `<script>alert(1)</script> @okafor-pm [x](javascript:1)`,
			func(a application.Application) string { return a.Company.Name }},
		{"a scope reason with quotes, braces and an interpolation", issueform.FieldScopes, `oauth: "signs in" } \(x) {`,
			func(a application.Application) string { return a.Integration.Scopes[0].Reason }},
		{"a URL with a quote and a brace", issueform.FieldCompanyWebsite, `https://acme.example/"}{`,
			func(a application.Application) string { return a.Company.Website }},
		{"non-ASCII and a zero-width joiner", issueform.FieldCompanyName, "Acmé Ünïcode \u200d東京",
			func(a application.Application) string { return a.Company.Name }},
	}
	for _, tt := range hostile {
		t.Run(tt.name, func(t *testing.T) {
			answers := complete()
			answers[tt.field] = tt.value
			d, problems := build(t, "Codertocat", answers)
			if problems != nil {
				t.Fatalf("problems: %+v", problems)
			}
			want := tt.value
			if tt.field == issueform.FieldScopes {
				want = strings.TrimSpace(strings.SplitN(tt.value, ":", 2)[1])
			}
			if got := tt.read(d.App); got != want {
				t.Errorf("read back %q, want %q", got, want)
			}
			if d.App.Program.Stage != application.StageApplied || d.App.Program.AcceptedAt != nil || len(d.App.Program.History) > 0 {
				t.Errorf("program changed: %+v", d.App.Program)
			}
			var top []string
			for _, line := range strings.Split(string(d.Source), "\n") {
				if line != "" && line[0] != '\t' && line[0] != '/' && line[0] != '}' {
					top = append(top, strings.SplitN(line, ":", 2)[0])
				}
			}
			if diff := cmp.Diff([]string{"company", "maintainers", "integration", "support", "privacy", "security", "attestations", "program"}, top); diff != "" {
				t.Errorf("top-level fields (-want +got):\n%s\n%s", diff, d.Source)
			}
		})
	}
}

// TestAnswersThatDoNotFitAreRefusedPolitely: what cannot become a
// well-formed file comes back as problems naming the questions, in words
// an applicant can act on, and no file.
func TestAnswersThatDoNotFitAreRefusedPolitely(t *testing.T) {
	checkRefusals(t, []refusal{
		{"required answers left empty", "Codertocat", func(a map[string]string) {
			a[issueform.FieldCompanyName] = ""
			a[issueform.FieldInstalls] = ""
		}, []issueform.Problem{
			{Field: "Company name", Message: "is required: please answer it"},
			{Field: "Installs today", Message: "is required: please answer it"},
		}},
		{"a newline in a one-line answer", "Codertocat", func(a map[string]string) {
			a[issueform.FieldCompanyName] = "Acme\nprogram: {stage: \"partner\"}"
		}, []issueform.Problem{{Field: "Company name", Message: "must be one line"}}},
		{"a slug that is a path", "Codertocat", func(a map[string]string) {
			a[issueform.FieldSlug] = "../../program"
		}, []issueform.Problem{{Field: "Application slug", Message: "must be lowercase letters, digits and single hyphens, like acme-sync"}}},
		{"a count that is not a number", "Codertocat", func(a map[string]string) {
			a[issueform.FieldInstalls] = "about 40"
			a[issueform.FieldResponseHours] = "24h"
		}, []issueform.Problem{
			{Field: "First response time (hours)", Message: "must be a whole number, like 24"},
			{Field: "Installs today", Message: "must be a whole number, like 12"},
		}},
		{"a choice the dropdown does not offer", "Codertocat", func(a map[string]string) {
			a[issueform.FieldAuth] = `oauth2" | "api_key`
		}, []issueform.Problem{{Field: "Authentication", Message: "must be one of oauth2, api_key, basic, jwt, other"}}},
		{"a scope line without a reason", "Codertocat", func(a map[string]string) {
			a[issueform.FieldScopes] = "oauth"
		}, []issueform.Problem{{Field: "OAuth scopes", Message: "must be one scope a line, its name, a colon and why the integration needs it, like: crm.objects.contacts.read: reads contacts to sync them"}}},
		{"the schema's formats, reported against their questions", "Codertocat", func(a map[string]string) {
			a[issueform.FieldCompanyWebsite] = "acme.example"
			a[issueform.FieldSupportEmail] = "help at acme"
			a[issueform.FieldInstalls] = "-3"
			a[issueform.FieldScopes] = "CRM.Everything: all of it"
			a[issueform.FieldMaintainers] = "acme dev!"
		}, []issueform.Problem{
			{Field: "Company website", Message: "must be a web address starting with https://, without spaces or invisible characters"},
			{Field: "OAuth scopes", Message: `a scope name is lowercase, like "crm.objects.contacts.read"`},
			{Field: "Support email", Message: "must be an email address, like \"help@example.com\", without spaces or invisible characters"},
			{Field: "Installs today", Message: "must be a whole number, zero or more"},
			{Field: "Other maintainers", Message: "must be GitHub logins separated by commas, like acme-dev, acme-ops"},
		}},
		{"an author that cannot be a maintainer", "renovate[bot]", func(a map[string]string) {
			a[issueform.FieldMaintainers] = ""
		}, []issueform.Problem{
			{Field: "Your GitHub account", Message: "@renovate[bot] cannot be listed as a maintainer: it is not a GitHub login the program accepts"},
		}},
		{"a promise left unticked: “You will not sell, rent, exploit, or distribute HubSpot Customer Data without express consent from the Customer.”", "Codertocat", func(a map[string]string) {
			opts := issueform.Fields[promisesIndex()].Options
			a[issueform.FieldPromises] = strings.Join([]string{opts[0], opts[2], opts[3], opts[4]}, "|")
		}, []issueform.Problem{
			{Field: "Promises", Message: "every promise must be ticked to apply; not ticked: “We never sell, rent, exploit or distribute customer data without the customer's express consent”"},
		}},
		{"no promise ticked at all", "Codertocat", func(a map[string]string) {
			a[issueform.FieldPromises] = ""
		}, []issueform.Problem{
			{Field: "Promises", Message: "every promise must be ticked to apply; none is"},
		}},
		{"braces nested past the loader's limit", "Codertocat", func(a map[string]string) {
			a[issueform.FieldCompanyName] = strings.Repeat("{", 70)
		}, []issueform.Problem{
			{Field: "the form", Message: "could not be written as an application file (format/plain-data: values are nested deeper than 16 levels); check the answers for unusual text"},
		}},
	})
}

// TestRefusalsSayWhichQuestionAndWhatToWrite: a refusal names the
// question and what to write in words the applicant knows — not the
// file's field names, a rule id or "the form" — and finds what they cannot
// see; a count grouped as no one writes it stays refused.
func TestRefusalsSayWhichQuestionAndWhatToWrite(t *testing.T) {
	checkRefusals(t, []refusal{
		{"a count whose separators do not group thousands", "Codertocat", func(a map[string]string) { a[issueform.FieldInstalls] = "1.200,5" },
			[]issueform.Problem{{Field: "Installs today", Message: "must be a whole number, like 12"}}},
		{"a count grouped unevenly", "Codertocat", func(a map[string]string) { a[issueform.FieldInstalls] = "1,2" },
			[]issueform.Problem{{Field: "Installs today", Message: "must be a whole number, like 12"}}},
		{"answers the schema refuses, said without the file's field names", "Codertocat", func(a map[string]string) {
			a[issueform.FieldAppID] = "App 1234567"
			a[issueform.FieldSecurityContact] = "the security team"
		}, []issueform.Problem{
			{Field: "App ID", Message: `must be the App ID from the developer portal: digits only, like "1234567"`},
			{Field: "Security contact", Message: "must be an email address or a web address"},
		}},
		{"a name pasted with an invisible right-to-left mark, said where it is", "Codertocat", func(a map[string]string) {
			a[issueform.FieldCompanyName] = "\u200fشركة أكمي للبرمجيات"
		}, []issueform.Problem{
			{Field: "Company name", Message: "a name must be one line of 1 to 80 characters, without control or bidirectional characters. " +
				"The answer holds a character that does not show, U+200F, as its character 1: type the answer again rather than pasting it"},
		}},
		{"an answer so long the file would be larger than the loader reads, named", "Codertocat", func(a map[string]string) {
			a[issueform.FieldScopes] = "oauth: " + strings.Repeat("連絡先を同期します。", 2300)
		}, []issueform.Problem{
			{Field: "OAuth scopes", Message: "is too long (file is 70205 bytes; an application file may be at most 65536 bytes): shorten this answer"},
		}},
	})
}

// refusal is a good application's answers edited by edit, as author
// wrote them, and the problems they must be refused with.
type refusal struct {
	name   string
	author string
	edit   func(map[string]string)
	want   []issueform.Problem
}

// checkRefusals checks that each of tests is refused with its problems,
// and no file.
func checkRefusals(t *testing.T, tests []refusal) {
	t.Helper()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			answers := complete()
			if tt.edit != nil {
				tt.edit(answers)
			}
			d, problems := build(t, tt.author, answers)
			if d.Source != nil {
				t.Errorf("a file was written:\n%s", d.Source)
			}
			if diff := cmp.Diff(tt.want, problems); diff != "" {
				t.Errorf("problems (-want +got):\n%s", diff)
			}
		})
	}
}

func TestARepeatedQuestionIsRefused(t *testing.T) {
	// An answer holding another question's heading would set that answer
	// twice: refused rather than guessed.
	answers := complete()
	answers[issueform.FieldScopes] = "oauth: signs in\n\n### Installs today\n\n4000"
	d, problems := build(t, "Codertocat", answers)
	want := []issueform.Problem{{Field: "Installs today", Message: "appears more than once in the issue; answer each question once"}}
	if diff := cmp.Diff(want, problems); diff != "" || d.Source != nil {
		t.Errorf("problems (-want +got):\n%s", diff)
	}
}

func TestAnIssueThatIsNotTheFormIsLeftAlone(t *testing.T) {
	// The recorded delivery's own body, unchanged.
	b, err := os.ReadFile("../webhook/actionsdata/issues/opened.payload.json")
	if err != nil {
		t.Fatal(err)
	}
	ev, err := webhook.Parse("issues", b)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := issueform.Parse(ev.Issue.Body); ok {
		t.Errorf("%q was read as the application form", ev.Issue.Body)
	}
	if _, ok := issueform.Parse("### Company name\n\nAcme\n\n### Notes\n\nhi"); ok {
		t.Error("a body with one of the form's headings was read as the form")
	}
}

func TestRepliesAreGolden(t *testing.T) {
	d, problems := build(t, "Codertocat", complete())
	if problems != nil {
		t.Fatal(problems)
	}
	who := issueform.Applicant{Login: "Codertocat", Issue: 1}
	refusal := issueform.RefusalReply(who, []issueform.Problem{
		{Field: "Company website", Message: "must be a web address starting with https://, without spaces or invisible characters"},
		{Field: "Company name", Message: "must be one line"},
		{Field: "the form", Message: `a message quoting "@someone" and <b>markup</b> and [a](link)`},
	})
	checkGolden(t, "refusal.md", refusal)
	checkGolden(t, "opened.md", issueform.OpenedReply(d, who, 7))
	checkGolden(t, "pr-body.md", issueform.Title(d)+"\n\n"+issueform.PRBody(d, who))
}

// TestTheTemplateIsTheForm checks each form of .github/ISSUE_TEMPLATE
// against its Form: the same questions, in the same order, with the same
// labels, kinds, options and required answers — the labels are what
// GitHub writes into the issue and what Recognise reads.
func TestTheTemplateIsTheForm(t *testing.T) {
	for _, form := range append([]issueform.Form{issueform.Application}, issueform.StepForms...) {
		t.Run(form.File, func(t *testing.T) {
			b, err := os.ReadFile("../../" + form.Path())
			if err != nil {
				t.Fatal(err)
			}
			var tmpl struct {
				Labels []string `yaml:"labels"`
				Body   []struct {
					Type       string `yaml:"type"`
					ID         string `yaml:"id"`
					Attributes struct {
						Label   string `yaml:"label"`
						Options []any  `yaml:"options"`
					} `yaml:"attributes"`
					Validations struct {
						Required bool `yaml:"required"`
					} `yaml:"validations"`
				} `yaml:"body"`
			}
			if err := yaml.Unmarshal(b, &tmpl); err != nil {
				t.Fatal(err)
			}
			var got []issueform.Field
			for _, q := range tmpl.Body {
				if q.Type == "markdown" {
					continue
				}
				f := issueform.Field{ID: q.ID, Label: q.Attributes.Label, Kind: issueform.Kind(q.Type), Required: q.Validations.Required}
				ticks := 0
				for _, o := range q.Attributes.Options {
					switch o := o.(type) {
					case string:
						f.Options = append(f.Options, o)
					case map[string]any:
						f.Options = append(f.Options, fmt.Sprint(o["label"]))
						if o["required"] == true {
							ticks++
						}
					}
				}
				f.MustTick = ticks > 0 && ticks == len(f.Options)
				got = append(got, f)
			}
			want := make([]issueform.Field, len(form.Fields))
			for i, f := range form.Fields {
				f.Paths, f.Hint, f.Placeholder = nil, "", ""
				want[i] = f
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("%s and its Form differ (-Form +template):\n%s", form.File, diff)
			}
			if diff := cmp.Diff([]string{"application"}, tmpl.Labels); diff != "" {
				t.Errorf("labels (-want +got):\n%s", diff)
			}
		})
	}
}

// TestAnswersWrittenAsPeopleWriteThemAreRead: an answer typed with a
// Japanese or Chinese input method (full-width digits, a full-width
// colon, an ideographic comma), or pasted as a Markdown list or table,
// means what it says: it is read, not refused.
func TestAnswersWrittenAsPeopleWriteThemAreRead(t *testing.T) {
	scopes := []application.Scope{{Name: "oauth", Reason: "サインインに使います"}, {Name: "crm.objects.contacts.read", Reason: "reads contacts"}}
	tests := []struct {
		name  string
		field string
		value string
		read  func(application.Application) any
		want  any
	}{
		{"installs in full-width digits", issueform.FieldInstalls, "１２",
			func(a application.Application) any { return a.Program.Installs.Count }, 12},
		{"installs with an English thousands separator", issueform.FieldInstalls, "1,200",
			func(a application.Application) any { return a.Program.Installs.Count }, 1200},
		{"installs with a German thousands separator", issueform.FieldInstalls, "1.200",
			func(a application.Application) any { return a.Program.Installs.Count }, 1200},
		{"installs with a French thousands separator, a narrow no-break space", issueform.FieldInstalls, "12\u202f400",
			func(a application.Application) any { return a.Program.Installs.Count }, 12400},
		{"installs with a Swiss thousands separator", issueform.FieldInstalls, "1'200'000",
			func(a application.Application) any { return a.Program.Installs.Count }, 1200000},
		{"a response time in full-width digits", issueform.FieldResponseHours, "２４",
			func(a application.Application) any { return *a.Support.FirstResponseHours }, 24},
		{"an App ID in full-width digits", issueform.FieldAppID, "１２３４５６７",
			func(a application.Application) any { return a.Integration.AppID }, "1234567"},
		{"a phone number in full-width digits and an ideographic space", issueform.FieldSupportPhone, "＋８１\u3000３ １２３４ ５６７８",
			func(a application.Application) any { return a.Support.Phone }, "+81 3 1234 5678"},
		{"scopes with a full-width colon", issueform.FieldScopes, "oauth：サインインに使います\ncrm.objects.contacts.read: reads contacts",
			func(a application.Application) any { return a.Integration.Scopes }, scopes},
		{"scopes as a Markdown list with other bullets and code", issueform.FieldScopes, "* `oauth`: サインインに使います\n1. `crm.objects.contacts.read`: reads contacts",
			func(a application.Application) any { return a.Integration.Scopes }, scopes},
		{"scopes pasted as a Markdown table", issueform.FieldScopes, "| Scope | Why |\n|:---|---|\n| oauth | サインインに使います |\n| `crm.objects.contacts.read` | reads contacts |",
			func(a application.Application) any { return a.Integration.Scopes }, scopes},
		{"maintainers given as the addresses of their GitHub profiles", issueform.FieldMaintainers, "https://github.com/acme-ops, github.com/acme-dev/",
			func(a application.Application) any { return a.Maintainers }, []string{"Codertocat", "acme-ops", "acme-dev"}},
		{"maintainers separated by an ideographic comma and a semicolon", issueform.FieldMaintainers, "acme-ops、acme-dev; acme-qa",
			func(a application.Application) any { return a.Maintainers }, []string{"Codertocat", "acme-ops", "acme-dev", "acme-qa"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, tt.read(accepted(t, tt.field, tt.value).App)); diff != "" {
				t.Errorf("read back (-want +got):\n%s", diff)
			}
		})
	}
}

// TestStepAnswersWrittenAsPeopleWriteThemAreRead: the step forms read a
// full-width App ID or phone number, and sales assets as a Markdown
// list, as the application form does.
func TestStepAnswersWrittenAsPeopleWriteThemAreRead(t *testing.T) {
	tests := []struct {
		name string
		body string
		read func(application.Application) any
		want any
	}{
		{"a certification App ID in full-width digits and sales assets as a numbered list",
			"### Application slug\n\nacme-sync\n\n### App ID\n\n７６５４３２１\n\n### Demo video\n\n_No response_\n\n### Sales assets\n\n1. https://acme.example/one-pager.pdf\n2) https://acme.example/deck.pdf\n",
			func(a application.Application) any { return []any{a.Integration.AppID, a.Certification.SalesAssets} },
			[]any{"7654321", []string{"https://acme.example/one-pager.pdf", "https://acme.example/deck.pdf"}}},
		{"a support phone in full-width digits",
			"### Application slug\n\nacme-sync\n\n### Support phone\n\n＋８１ ３ １２３４ ５６７８\n\n### Security contact\n\n_No response_\n\n### Support page\n\n_No response_\n",
			func(a application.Application) any { return a.Support.Phone }, "+81 3 1234 5678"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, problems := buildChange(t, tt.body)
			if problems != nil {
				t.Fatalf("refused: %+v", problems)
			}
			if diff := cmp.Diff(tt.want, tt.read(c.App)); diff != "" {
				t.Errorf("read back (-want +got):\n%s", diff)
			}
		})
	}
}

// TestAStepAnswerTooLongSaysHowLongItMayBe: a tagline or a description
// longer than the schema allows is refused against its question with its
// bound, where before it was said to be empty.
func TestAStepAnswerTooLongSaysHowLongItMayBe(t *testing.T) {
	body := "### Application slug\n\nacme-sync\n\n### Tagline\n\n" + strings.Repeat("同期", 41) +
		"\n\n### Description\n\n" + strings.Repeat("Keeps contacts in step. ", 84) + "\n\n### Setup instructions\n\n_No response_\n\n### Listing support page\n\n_No response_\n"
	_, problems := buildChange(t, body)
	want := []issueform.Problem{
		{Field: "Tagline", Message: "must be one line of 1 to 80 characters, without control or bidirectional characters"},
		{Field: "Description", Message: "must be text of 1 to 2000 characters, its lines without control or bidirectional characters"},
	}
	if diff := cmp.Diff(want, problems); diff != "" {
		t.Errorf("problems (-want +got):\n%s", diff)
	}
}

// buildChange reads body as a step form's issue and builds its change of
// the repository's own sample applications.
func buildChange(t *testing.T, body string) (issueform.Change, []issueform.Problem) {
	t.Helper()
	cat, err := catalog.Default()
	if err != nil {
		t.Fatal(err)
	}
	form, a, ok := issueform.Recognise(body)
	if !ok || form.Step == "" {
		t.Fatalf("not read as a step form: %q", form.File)
	}
	return issueform.BuildChange(cat, form, a, os.DirFS("../.."))
}

// accepted is the draft of a good application whose answer to the
// question id is value; it fails the test when the answers are refused.
func accepted(t *testing.T, id, value string) issueform.Draft {
	t.Helper()
	answers := complete()
	answers[id] = value
	d, problems := build(t, "Codertocat", answers)
	if problems != nil {
		t.Fatalf("refused: %+v", problems)
	}
	return d
}
