package issueform

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"unicode"

	"github.com/connectbot/connectbot/internal/application"
	"github.com/connectbot/connectbot/internal/catalog"
	"github.com/connectbot/connectbot/internal/policy"
)

// Problem is one answer that does not fit, said so that the applicant can
// fix it.
type Problem struct {
	// Field is the question's label, as the applicant saw it.
	Field   string
	Message string
}

// Draft is an application file made from a form.
type Draft struct {
	Slug string
	// Path is where the file goes: applications/<slug>.cue.
	Path   string
	Source []byte
	// App is the file's content, as the catalog read it back.
	App application.Application
}

// Applicant is who opened the issue, and which issue it is.
type Applicant struct {
	Login string
	Issue int
	// PR is the issue's open pull request, 0 when it has none: answers
	// that do not fit leave it as it is.
	PR int
}

// Build turns a form's answers into an application file, with the
// applicant as its first maintainer and program.stage "applied", and
// checks the file with cat, the catalog of the branch the file is proposed
// to. It returns the draft, or the problems that stop it (never both).
// Policy findings — an auth flow the program does not accept, too few
// installs — are not problems here: the file is well-formed, and the pull
// request's check reports them like any application's.
func Build(cat *catalog.Catalog, a Answers, who Applicant, today application.Date) (Draft, []Problem) {
	b := builder{a: a}
	b.answered()
	slug := b.line(FieldSlug)
	if slug != "" && !policy.ValidSlug(slug) {
		b.problem(field(FieldSlug).Label, "must be lowercase letters, digits and single hyphens, like acme-sync")
	}
	app := b.application(who.Login, today)

	// The file is written and checked even when answers are already known
	// to be wrong, so that the applicant hears of every answer to fix at
	// once.
	name := slug
	if !policy.ValidSlug(name) {
		name = "application"
	}
	p := application.PathOf(name)
	doc := fmt.Sprintf("Application to the program, written by connectbot from the application form\n"+
		"in issue #%d. Its maintainers change it by pull request; check a change with\n"+
		"connectbot validate %s\n"+
		"The program part at the end is the program's: reviewers and connectbot change it.", who.Issue, p)
	src, err := catalog.Render(app, doc)
	if err != nil {
		b.problem(formLabel, "could not be written as an application file: "+err.Error())
		return Draft{}, b.sorted()
	}
	f := cat.Application(p, src)
	if f.App == nil {
		b.findings(f.Findings, who.Login, len(app.Maintainers) > 1)
	}
	if len(b.problems) > 0 {
		return Draft{}, b.sorted()
	}
	// What the catalog read back must be exactly what the form said: no
	// answer may have become anything but the string it was.
	want, _ := json.Marshal(app)
	got, _ := json.Marshal(f.App)
	if !bytes.Equal(want, got) {
		return Draft{}, []Problem{{Field: formLabel, Message: "could not be written faithfully as an application file; please report this to the program team"}}
	}
	return Draft{Slug: slug, Path: p, Source: src, App: *f.App}, nil
}

// answered notes every question answered twice and every required one
// left blank.
func (b *builder) answered() {
	for _, label := range b.a.repeated {
		b.problem(label, "appears more than once in the issue; answer each question once")
	}
	for _, f := range Fields {
		if f.Required && b.a.Value(f.ID) == "" {
			b.problem(f.Label, "is required: please answer it")
		}
	}
}

// application is the application the answers make, maintained by login
// first, applied today.
func (b *builder) application(login string, today application.Date) application.Application {
	hours := b.number(FieldResponseHours, "24")
	app := application.Application{
		Company:     application.Company{Name: b.line(FieldCompanyName), Website: b.line(FieldCompanyWebsite)},
		Maintainers: b.maintainers(login),
		Integration: application.Integration{
			Name:         b.line(FieldIntegrationName),
			BuiltInHouse: b.choice(FieldBuiltInHouse) == Yes,
			Auth:         b.choice(FieldAuth),
			AppID:        b.digits(FieldAppID),
			Scopes:       b.scopes(),
		},
		Support: application.Support{
			Channels:           b.channels(),
			FirstResponseHours: &hours,
			URL:                b.line(FieldSupportURL),
			Email:              b.line(FieldSupportEmail),
			Phone:              b.digits(FieldSupportPhone),
		},
		Privacy: application.Privacy{
			PolicyURL:       b.line(FieldPrivacyPolicy),
			DataRequestsURL: b.line(FieldDataRequests),
			SecurityContact: b.line(FieldSecurityContact),
		},
		Program: application.ProgramState{
			Stage:    application.StageApplied,
			Installs: application.Installs{Count: b.number(FieldInstalls, "12"), AsOf: today},
		},
	}
	boxes := b.boxes(FieldAttestations)
	app.Security = application.Security{Authentication: boxes[AttestAuthentication], LoginAuditing: boxes[AttestLoginAuditing]}
	sensitive := !boxes[AttestNoSensitive]
	app.Privacy.SensitiveData = &sensitive
	app.Attestations = b.promises()
	return app
}

// builder reads answers into values, noting each problem.
type builder struct {
	a Answers
	// fields are the form's questions; the application form's when nil.
	fields   []Field
	problems []Problem
}

// question returns the question with id of the builder's form.
func (b *builder) question(id string) Field {
	for _, f := range b.fields {
		if f.ID == id {
			return f
		}
	}
	return field(id)
}

// label is the label of the question with id.
func (b *builder) label(id string) string { return b.question(id).Label }

func (b *builder) problem(label, msg string) {
	for _, p := range b.problems {
		if p.Field == label {
			return // one problem per question is enough to act on
		}
	}
	b.problems = append(b.problems, Problem{Field: label, Message: msg})
}

// line returns a one-line answer.
func (b *builder) line(id string) string {
	v := b.a.Value(id)
	if strings.ContainsAny(v, "\n\r") {
		b.problem(b.label(id), "must be one line")
	}
	return v
}

// choice returns a dropdown's answer, which must be one of its options.
func (b *builder) choice(id string) string {
	f := b.question(id)
	v := b.line(id)
	if v != "" && !slices.Contains(f.Options, v) {
		b.problem(f.Label, "must be one of "+strings.Join(f.Options, ", "))
	}
	return v
}

// digits returns a one-line answer made of digits, full-width ones read
// as ASCII (see narrow).
func (b *builder) digits(id string) string { return narrow(b.line(id)) }

// number returns a whole-number answer. Its bounds are the schema's.
func (b *builder) number(id, example string) int {
	v := b.digits(id)
	if v == "" {
		return 0
	}
	n, err := strconv.Atoi(ungroup(v))
	if err != nil {
		b.problem(b.label(id), "must be a whole number, like "+example)
	}
	return n
}

// boxes returns the ticked boxes of a checkbox group.
func (b *builder) boxes(id string) map[string]bool {
	f := b.question(id)
	ticked, unknown := checked(b.a.Value(id), f.Options)
	if len(unknown) > 0 {
		b.problem(f.Label, "holds lines that are not its boxes; tick the boxes of the form instead")
	}
	return ticked
}

// promises returns the attestations the promises question makes: each
// ticked box is its field set to true. Every box must be ticked; the form
// says so, but the issue's body is the applicant's to write.
func (b *builder) promises() application.Attestations {
	ticked := b.boxes(FieldPromises)
	set := map[string]bool{}
	var missing []string
	for _, a := range policy.Attestations() {
		set[strings.TrimPrefix(a.Field, "attestations.")] = ticked[a.Promise]
		if !ticked[a.Promise] {
			missing = append(missing, "“"+a.Promise+"”")
		}
	}
	switch {
	case len(missing) == len(set):
		b.problem(field(FieldPromises).Label, "every promise must be ticked to apply; none is")
	case len(missing) > 0:
		b.problem(field(FieldPromises).Label, "every promise must be ticked to apply; not ticked: "+strings.Join(missing, ", "))
	}
	var out application.Attestations
	raw, _ := json.Marshal(set)
	if err := json.Unmarshal(raw, &out); err != nil {
		b.problem(formLabel, "could not read the promises; please report this to the program team")
	}
	return out
}

// channels returns the ticked support channels, in the form's order.
func (b *builder) channels() []string {
	f := b.question(FieldChannels)
	ticked := b.boxes(FieldChannels)
	out := []string{}
	for _, o := range f.Options {
		if ticked[o] {
			out = append(out, o)
		}
	}
	return out
}

// scopes reads one scope an item: its name, a colon and its reason (see
// nameAndReason).
func (b *builder) scopes() []application.Scope {
	label := field(FieldScopes).Label
	out := []application.Scope{}
	for _, item := range items(b.a.Value(FieldScopes)) {
		name, reason, ok := nameAndReason(item)
		if !ok {
			b.problem(label, "must be one scope a line, its name, a colon and why the integration needs it, like: crm.objects.contacts.read: reads contacts to sync them")
			continue
		}
		out = append(out, application.Scope{Name: name, Reason: reason})
	}
	return out
}

// maintainers is the applicant followed by the other maintainers named.
func (b *builder) maintainers(author string) []string {
	out := []string{author}
	v := b.line(FieldMaintainers)
	for _, m := range strings.FieldsFunc(v, func(r rune) bool { return strings.ContainsRune(",;，、；", r) || unicode.IsSpace(r) }) {
		m = login(m)
		if m != "" && !slices.ContainsFunc(out, func(o string) bool { return strings.EqualFold(o, m) }) {
			out = append(out, m)
		}
	}
	return out
}

// findings reports the catalog's findings against the questions whose
// answers they are about. The schema judges the maintainers as one list:
// with no other maintainers named, a finding on it is about the
// applicant's own login.
func (b *builder) findings(findings []application.Finding, author string, others bool) {
	seen := 0
	for _, f := range findings {
		if f.Severity != application.SeverityError {
			continue
		}
		seen++
		label := labelFor(b.form(), f.Path)
		switch {
		case label == field(FieldMaintainers).Label && others:
			b.problem(label, "must be GitHub logins separated by commas, like acme-dev, acme-ops")
		case label == field(FieldMaintainers).Label:
			b.problem(accountLabel, fmt.Sprintf("@%s cannot be listed as a maintainer: it is not a GitHub login the program accepts", author))
		case f.Rule == catalog.RuleSize:
			b.problem(b.longest(), fmt.Sprintf("is too long (%s): shorten this answer", f.Message))
		case f.Path == "":
			b.problem(formLabel, fmt.Sprintf("could not be written as an application file (%s: %s); check the answers for unusual text", f.Rule, f.Message))
		default:
			b.problem(label, unnamed(f.Message, f.Path)+b.unseen(label))
		}
	}
	if seen == 0 {
		b.problem(formLabel, "could not be written as an application file; please report this to the program team")
	}
}

// longest is the label of the question with the longest answer: the one
// to shorten when the file would be too large.
func (b *builder) longest() string {
	label, size := formLabel, 0
	for _, f := range b.form() {
		if n := len(b.a.Value(f.ID)); n > size {
			label, size = f.Label, n
		}
	}
	return label
}

// Labels of problems that are about no one question.
const (
	formLabel    = "the form"
	accountLabel = "Your GitHub account"
)

// form returns the builder's questions.
func (b *builder) form() []Field {
	if b.fields == nil {
		return Fields
	}
	return b.fields
}

// sorted returns the problems in the form's order: the applicant's
// account first, then the questions, then the form as a whole.
func (b *builder) sorted() []Problem { return b.sortedBy(b.form()) }

// sortedBy returns the problems in the order of fields.
func (b *builder) sortedBy(fields []Field) []Problem {
	rank := func(label string) int {
		switch label {
		case accountLabel:
			return -1
		case formLabel:
			return len(fields)
		}
		for i, f := range fields {
			if f.Label == label {
				return i
			}
		}
		return len(fields)
	}
	out := slices.Clone(b.problems)
	slices.SortStableFunc(out, func(x, y Problem) int { return rank(x.Field) - rank(y.Field) })
	return out
}

// labelFor returns the label of the question of fields that fills the
// application field at p.
func labelFor(fields []Field, p string) string {
	for _, f := range fields {
		for _, prefix := range f.Paths {
			if p == prefix || strings.HasPrefix(p, prefix+".") || strings.HasPrefix(p, prefix+"[") {
				return f.Label
			}
		}
	}
	return formLabel
}
