package issueform

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io/fs"
	"path"
	"slices"
	"strings"

	"github.com/connectbot/connectbot/internal/application"
	"github.com/connectbot/connectbot/internal/catalog"
	"github.com/connectbot/connectbot/internal/policy"
	"github.com/connectbot/connectbot/internal/program"
)

// Form is one issue form: the application form, or a form for a later
// step that changes the fields of an application it owns.
type Form struct {
	// Step is the step form's name (program.Steps), "" for the
	// application form.
	Step string
	// File is the form's file name in .github/ISSUE_TEMPLATE.
	File string
	// Name, Description and Title are the form's as GitHub shows them
	// in the list of forms; Intro is its opening text.
	Name, Description, Title, Intro string
	Fields                          []Field
}

// Path is where GitHub reads the form from.
func (f Form) Path() string { return path.Join(".github/ISSUE_TEMPLATE", f.File) }

// Field ids of the step forms, besides those of the application form they
// share (the slug, the App ID, the support and privacy questions).
const (
	FieldTagline        = "tagline"
	FieldDescription    = "description"
	FieldSetup          = "setup-instructions"
	FieldListingSupport = "listing-support-url"
	FieldDemoVideo      = "demo-video"
	FieldSalesAssets    = "sales-assets"
	FieldFeedbackID     = "feedback-id"
	FieldFeedbackAnswer = "feedback-answer"
)

// slugOfYours is the slug question of a step form: it names an
// application the applicant maintains.
var slugOfYours = hinted(FieldSlug,
	"The slug of your application file, "+application.Pattern+". Only a maintainer of that file can change it with this form.")

// stepIntro opens every step form.
const stepIntro = "connectbot turns this form into a pull request that changes your application file,\n" +
	application.Pattern + ", in the fields this form asks about and no others; comments and the rest of\n" +
	"the file stay as they are. The pull request is judged as your own: only a maintainer of the file can\n" +
	"use this form. An answer left empty keeps what the file says. To change an answer later, edit this\n" +
	"issue: connectbot updates the same pull request.\n"

// StepForms are the forms for the steps after applying, in program.Steps
// order.
var StepForms = []Form{
	{Step: program.StepListing, File: program.FormFile(program.StepListing), Name: "Listing information",
		Description: "Supply or change your listing: tagline, description, setup instructions and support page (due {listingDueDays} days after acceptance).",
		Title:       "Listing: ",
		Intro:       stepIntro + "\nListing information is due {listingDueDays} days after a reviewer accepts your application into beta.\n",
		Fields: []Field{slugOfYours,
			{ID: FieldTagline, Label: "Tagline", Kind: Input, Paths: []string{"listing.tagline"}, Placeholder: "Two-way contact sync",
				Hint: "One line of at most 80 characters. It must not claim to be the platform's, or another company's (Developer Policy D5, E1)."},
			{ID: FieldDescription, Label: "Description", Kind: Textarea, Paths: []string{"listing.description"},
				Hint: "What the integration does for a customer, for the listing page."},
			{ID: FieldSetup, Label: "Setup instructions", Kind: Input, Paths: []string{"listing.setupInstructionsUrl"}, Placeholder: "https://acme.example/docs/connect",
				Hint: "An https page that tells a customer how to connect the integration (Developer Policy F2)."},
			{ID: FieldListingSupport, Label: "Listing support page", Kind: Input, Paths: []string{"listing.supportUrl"}, Placeholder: "https://acme.example/help",
				Hint: "The https page the listing links to for help (Developer Policy F3)."},
		}},
	{Step: program.StepCertification, File: program.FormFile(program.StepCertification), Name: "Certification materials",
		Description: "Supply your App ID, demo video and sales assets for the certification review.",
		Title:       "Certification: ",
		Intro:       stepIntro + "\nFrom {certificationInstalls} installs an integration enters certification; the review needs all three materials.\n",
		Fields: []Field{slugOfYours,
			hinted(FieldAppID, "The App ID from the developer portal, digits only (Connect certification step 1)."),
			{ID: FieldDemoVideo, Label: "Demo video", Kind: Input, Paths: []string{"certification.demoVideoUrl"}, Placeholder: "https://video.example/acme-sync",
				Hint: "An https link to a video demo of the integration (certification step 2)."},
			{ID: FieldSalesAssets, Label: "Sales assets", Kind: Textarea, Paths: []string{"certification.salesAssets"},
				Placeholder: "https://acme.example/one-pager.pdf\n",
				Hint:        "One https link a line: sales enablement assets (certification step 3). They replace the list in the file."},
		}},
	{Step: program.StepFeedback, File: program.FormFile(program.StepFeedback), Name: "Answer review feedback",
		Description: "Answer an item of the product team's review feedback.",
		Title:       "Feedback answer: ",
		Intro:       stepIntro + "\nThe product team's feedback is listed in your file as program.feedback; your answer goes into certification.answers, and a reviewer marks the item addressed.\n",
		Fields: []Field{slugOfYours,
			{ID: FieldFeedbackID, Label: "Feedback item", Kind: Input, Required: true, Paths: []string{"certification.answers"}, Placeholder: "fb-1",
				Hint: "The id of the feedback item you answer, as program.feedback lists it."},
			{ID: FieldFeedbackAnswer, Label: "Your answer", Kind: Textarea, Required: true, Paths: []string{"certification.answers"},
				Hint: "What you changed in the integration, or why no change is needed (Connect certification step 4)."},
		}},
	{Step: program.StepContact, File: program.FormFile(program.StepContact), Name: "Support or privacy details",
		Description: "Change how customers reach your support, or your privacy and security contacts.",
		Title:       "Contact details: ",
		Intro:       stepIntro,
		Fields: []Field{slugOfYours, field(FieldChannels), optional(FieldResponseHours), optional(FieldSupportURL), field(FieldSupportEmail),
			field(FieldSupportPhone), optional(FieldPrivacyPolicy), optional(FieldDataRequests), optional(FieldSecurityContact)},
	},
}

// hinted is the application form's question id as a step form asks it,
// with the step's own hint.
func hinted(id, hint string) Field {
	f := field(id)
	f.Hint = hint
	return f
}

// optional is the application form's question id, not required: in a
// step form an empty answer keeps what the file says.
func optional(id string) Field {
	f := field(id)
	f.Required = false
	return f
}

// StepForm returns the step form named step.
func StepForm(step string) (Form, bool) {
	for _, f := range StepForms {
		if f.Step == step {
			return f, true
		}
	}
	return Form{}, false
}

// Recognise reads an issue body written by one of the forms and says
// which: the form whose questions account for the most of the body's
// headings, the smaller form on a tie (the support questions of the
// application form are the contact form's too). It reports false when
// the body is no form's.
func Recognise(body string) (Form, Answers, bool) {
	var best Form
	var answers Answers
	found := false
	for _, f := range append([]Form{Application}, StepForms...) {
		a := parse(body, f.Fields)
		n := len(a.values)
		if n < min(minHeadings, len(f.Fields)) {
			continue
		}
		if !found || n > len(answers.values) || n == len(answers.values) && len(f.Fields) < len(best.Fields) {
			best, answers, found = f, a, true
		}
	}
	return best, answers, found
}

// Change is a change to an application file made from a step form.
type Change struct {
	Form Form
	Slug string
	// Path is the file changed, Source its new content and App what the
	// catalog read back from it.
	Path   string
	Source []byte
	App    application.Application
	// Values are the fields the form set.
	Values []catalog.FieldValue
}

// BuildChange turns a step form's answers into a change of the file its
// slug names on the branch tree, checked with cat, the catalog of that
// branch: the fields the form owns are set through the catalog's one
// editing path, everything else in the file is kept. It returns the
// change, or the problems that stop it (never both). Whether the
// applicant may change the file is for the ownership rules to say, on the
// commit (see Opener).
func BuildChange(cat *catalog.Catalog, form Form, a Answers, tree fs.FS) (Change, []Problem) {
	b := builder{a: a, fields: form.Fields}
	for _, label := range a.repeated {
		b.problem(label, "appears more than once in the issue; answer each question once")
	}
	for _, f := range form.Fields {
		if f.Required && a.Value(f.ID) == "" {
			b.problem(f.Label, "is required: please answer it")
		}
	}
	slug := b.line(FieldSlug)
	if slug == "" || len(b.problems) > 0 {
		return Change{}, b.sortedBy(form.Fields)
	}
	p := application.PathOf(slug)
	src, err := fs.ReadFile(tree, p)
	if !policy.ValidSlug(slug) || err != nil {
		b.problem(slugOfYours.Label, fmt.Sprintf("names no application: there is no %s. Give the slug of your application file", p))
		return Change{}, b.sortedBy(form.Fields)
	}
	base := cat.Application(p, src)
	if base.App == nil {
		b.problem(slugOfYours.Label, fmt.Sprintf("names %s, which does not load as it is (%s); fix it by pull request first", p, firstError(base.Findings)))
		return Change{}, b.sortedBy(form.Fields)
	}
	values := stepValues[form.Step](&b, base.App)
	if len(b.problems) > 0 {
		return Change{}, b.sortedBy(form.Fields)
	}
	want, err := applied(base.App, values)
	if err != nil {
		return Change{}, []Problem{{Field: formLabel, Message: "could not be read as values of the file; please report this to the program team"}}
	}
	if same, _ := applied(base.App, nil); bytes.Equal(same, want) {
		return Change{}, []Problem{{Field: formLabel, Message: fmt.Sprintf("changes nothing: %s says this already", p)}}
	}
	out, err := cat.SetFields(p, src, values)
	if err != nil {
		return Change{}, []Problem{{Field: slugOfYours.Label, Message: fmt.Sprintf("names a file connectbot cannot edit safely (%s); change it by pull request", err)}}
	}
	f := cat.Application(p, out)
	if f.App == nil {
		b.findings(f.Findings, "", false)
		return Change{}, b.sortedBy(form.Fields)
	}
	// What the catalog read back must be the file as it was with exactly
	// the form's values set: no answer may have become anything else.
	if got, _ := applied(f.App, nil); !bytes.Equal(want, got) {
		return Change{}, []Problem{{Field: formLabel, Message: "could not be written faithfully into the file; please report this to the program team"}}
	}
	return Change{Form: form, Slug: slug, Path: p, Source: out, App: *f.App, Values: values}, nil
}

// firstError is the first error among findings, in a few words.
func firstError(findings []application.Finding) string {
	for _, f := range findings {
		if f.Severity == application.SeverityError {
			return fmt.Sprintf("line %d: %s", f.Line, plainCut(f.Message))
		}
	}
	return "it has errors"
}

func plainCut(s string) string {
	if len(s) > 120 {
		return s[:120] + "…"
	}
	return s
}

// applied is app as JSON with values set at their paths: what the file
// must read as once the form's values are written.
func applied(app *application.Application, values []catalog.FieldValue) ([]byte, error) {
	raw, err := json.Marshal(app)
	if err != nil {
		return nil, err
	}
	var doc map[string]any
	if err := json.Unmarshal(raw, &doc); err != nil {
		return nil, err
	}
	for _, v := range values {
		raw, err := json.Marshal(v.Value)
		if err != nil {
			return nil, err
		}
		var value any
		if err := json.Unmarshal(raw, &value); err != nil {
			return nil, err
		}
		parts := strings.Split(v.Path, ".")
		m := doc
		for _, p := range parts[:len(parts)-1] {
			next, ok := m[p].(map[string]any)
			if !ok {
				next = map[string]any{}
				m[p] = next
			}
			m = next
		}
		m[parts[len(parts)-1]] = value
	}
	return json.Marshal(doc)
}

// stepValues reads each step form's answers into the values it sets.
var stepValues = map[string]func(b *builder, app *application.Application) []catalog.FieldValue{
	program.StepListing: func(b *builder, _ *application.Application) []catalog.FieldValue {
		var out []catalog.FieldValue
		b.set(&out, FieldTagline, b.line(FieldTagline))
		b.set(&out, FieldDescription, strings.TrimSpace(b.a.Value(FieldDescription)))
		b.set(&out, FieldSetup, b.line(FieldSetup))
		b.set(&out, FieldListingSupport, b.line(FieldListingSupport))
		return out
	},
	program.StepCertification: func(b *builder, _ *application.Application) []catalog.FieldValue {
		var out []catalog.FieldValue
		b.set(&out, FieldAppID, b.digits(FieldAppID))
		b.set(&out, FieldDemoVideo, b.line(FieldDemoVideo))
		if assets := items(b.a.Value(FieldSalesAssets)); len(assets) > 0 {
			out = append(out, catalog.FieldValue{Path: "certification.salesAssets", Value: assets})
		}
		return out
	},
	program.StepFeedback: func(b *builder, app *application.Application) []catalog.FieldValue {
		id, answer := b.line(FieldFeedbackID), strings.TrimSpace(b.a.Value(FieldFeedbackAnswer))
		var ids []string
		for _, f := range app.Program.Feedback {
			ids = append(ids, f.ID)
		}
		if !slices.Contains(ids, id) {
			known := "the file has no feedback yet"
			if len(ids) > 0 {
				known = "its items are " + strings.Join(ids, ", ")
			}
			b.problem(b.label(FieldFeedbackID), fmt.Sprintf("names no feedback item of the file: %s", known))
			return nil
		}
		var answers []application.FeedbackAnswer
		if app.Certification != nil {
			answers = slices.Clone(app.Certification.Answers)
		}
		i := slices.IndexFunc(answers, func(x application.FeedbackAnswer) bool { return x.Feedback == id })
		if i < 0 {
			answers = append(answers, application.FeedbackAnswer{Feedback: id, Answer: answer})
		} else {
			answers[i].Answer = answer
		}
		return []catalog.FieldValue{{Path: "certification.answers", Value: answers}}
	},
	program.StepContact: func(b *builder, _ *application.Application) []catalog.FieldValue {
		var out []catalog.FieldValue
		if ch := b.channels(); len(ch) > 0 {
			out = append(out, catalog.FieldValue{Path: "support.channels", Value: ch})
		}
		if b.a.Value(FieldResponseHours) != "" {
			out = append(out, catalog.FieldValue{Path: "support.firstResponseHours", Value: b.number(FieldResponseHours, "24")})
		}
		b.set(&out, FieldSupportPhone, b.digits(FieldSupportPhone))
		for _, id := range []string{FieldSupportURL, FieldSupportEmail, FieldPrivacyPolicy, FieldDataRequests, FieldSecurityContact} {
			b.set(&out, id, b.line(id))
		}
		return out
	},
}

// set adds the value of the question id to out at its field, unless the
// answer was left empty (the file keeps its value).
func (b *builder) set(out *[]catalog.FieldValue, id, v string) {
	if v == "" {
		return
	}
	*out = append(*out, catalog.FieldValue{Path: b.question(id).Paths[0], Value: v})
}
