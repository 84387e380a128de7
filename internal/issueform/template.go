package issueform

import (
	"bytes"
	"fmt"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/connectbot/connectbot/internal/application"
	"github.com/connectbot/connectbot/internal/policy"
	"github.com/connectbot/connectbot/internal/program"
)

// TemplateHeader is the generated form's first line: the file is written
// by `connectbot form`, never by hand.
const TemplateHeader = "# Generated from program.cue by `connectbot form`; do not edit. Run it again after changing program.cue.\n"

// form, formItem and their parts are GitHub's issue form schema, as much
// of it as the application form uses.
type form struct {
	Name        string     `yaml:"name"`
	Description string     `yaml:"description"`
	Title       string     `yaml:"title"`
	Labels      []string   `yaml:"labels,flow"`
	Body        []formItem `yaml:"body"`
}

type formItem struct {
	Type        string       `yaml:"type"`
	ID          string       `yaml:"id,omitempty"`
	Attributes  formAttrs    `yaml:"attributes"`
	Validations *formRequire `yaml:"validations,omitempty"`
}

type formAttrs struct {
	Label       string `yaml:"label,omitempty"`
	Value       string `yaml:"value,omitempty"`
	Description string `yaml:"description,omitempty"`
	Placeholder string `yaml:"placeholder,omitempty"`
	Options     []any  `yaml:"options,omitempty"`
}

type formRequire struct {
	Required bool `yaml:"required"`
}

type formBox struct {
	Label    string `yaml:"label"`
	Required bool   `yaml:"required,omitempty"`
}

// Template writes the application form, .github/ISSUE_TEMPLATE/apply.yml,
// for the program configured by cfg: Fields in order, each hint quoting
// cfg's numbers, and the promises each with the sentence it quotes.
func Template(cfg application.Config) ([]byte, error) { return Application.Template(cfg) }

// Generated is a form's file as `connectbot form` writes it.
type Generated struct {
	Path    string
	Content []byte
}

// Templates writes every form — the application form and the step forms —
// for the program configured by cfg.
func Templates(cfg application.Config) ([]Generated, error) {
	var out []Generated
	for _, f := range append([]Form{Application}, StepForms...) {
		b, err := f.Template(cfg)
		if err != nil {
			return nil, err
		}
		out = append(out, Generated{Path: f.Path(), Content: b})
	}
	return out, nil
}

// Template writes the form f for the program configured by cfg: its
// questions in order, each hint quoting cfg's numbers. Every form carries
// the label program.LabelApplication, which the workflow that reads forms
// waits for.
func (f Form) Template(cfg application.Config) ([]byte, error) {
	numbers := Numbers(cfg)
	out := form{
		Name:        f.Name,
		Description: numbers.Replace(f.Description),
		Title:       f.Title,
		Labels:      []string{program.LabelApplication},
		Body:        []formItem{{Type: "markdown", Attributes: formAttrs{Value: numbers.Replace(f.Intro)}}},
	}
	for _, fl := range f.Fields {
		item := formItem{Type: string(fl.Kind), ID: fl.ID, Attributes: formAttrs{
			Label:       fl.Label,
			Description: numbers.Replace(fl.Hint),
			Placeholder: numbers.Replace(fl.Placeholder),
		}}
		if fl.ID == FieldPromises {
			item.Attributes.Description = promisesHint()
		}
		for _, o := range fl.Options {
			if fl.Kind == Checkboxes {
				item.Attributes.Options = append(item.Attributes.Options, formBox{Label: o, Required: fl.MustTick})
			} else {
				item.Attributes.Options = append(item.Attributes.Options, o)
			}
		}
		if fl.Required {
			item.Validations = &formRequire{Required: true}
		}
		out.Body = append(out.Body, item)
	}
	var b bytes.Buffer
	b.WriteString(TemplateHeader)
	enc := yaml.NewEncoder(&b)
	enc.SetIndent(2)
	if err := enc.Encode(out); err != nil {
		return nil, fmt.Errorf("%s: %w", f.Path(), err)
	}
	if err := enc.Close(); err != nil {
		return nil, fmt.Errorf("%s: %w", f.Path(), err)
	}
	return b.Bytes(), nil
}

// promisesHint is the description of the promises question: each promise
// with the clause and the sentence of the policy it makes.
func promisesHint() string {
	var b strings.Builder
	b.WriteString("Every application makes these promises; tick each one that is true of your integration and your company. " +
		"Each goes into your file as attestations.<name>: true. In the Developer Policy's own words:\n\n")
	for _, a := range policy.Attestations() {
		r, _ := policy.Lookup(a.Rule)
		fmt.Fprintf(&b, "- **%s** (`%s`, %s): “%s”\n", a.Promise, a.Field, a.Rule, r.Sentence)
	}
	return b.String()
}

// Numbers replaces the names of the program's numbers — {minInstalls},
// {certificationInstalls}, {listingDueDays}, {installWindowDays},
// {supportResponseHours} — with cfg's values, so every text quotes the
// program as configured rather than the seed.
func Numbers(cfg application.Config) *strings.Replacer {
	return strings.NewReplacer(NumberPairs(cfg)...)
}

// NumberPairs are the pairs Numbers replaces: each name of the program's
// numbers, then cfg's value of it in decimal.
func NumberPairs(cfg application.Config) []string {
	return []string{
		"{minInstalls}", strconv.Itoa(cfg.MinInstalls),
		"{certificationInstalls}", strconv.Itoa(cfg.CertificationInstalls),
		"{listingDueDays}", strconv.Itoa(cfg.ListingDueDays),
		"{installWindowDays}", strconv.Itoa(cfg.InstallWindowDays),
		"{supportResponseHours}", strconv.Itoa(cfg.SupportResponseHours),
	}
}
