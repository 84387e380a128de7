package issueform

import (
	"bytes"
	"fmt"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/connectbot/connectbot/internal/application"
	"github.com/connectbot/connectbot/internal/policy"
)

// TemplatePath is where GitHub reads the application form from.
const TemplatePath = ".github/ISSUE_TEMPLATE/apply.yml"

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
func Template(cfg application.Config) ([]byte, error) {
	numbers := Numbers(cfg)
	f := form{
		Name: "Apply to the Connect Program",
		Description: "Apply with your integration. connectbot turns this form into a pull request that adds " +
			"applications/<slug>.cue with you as its maintainer, and checks it against every rule.",
		Title:  "Application: ",
		Labels: []string{"application"},
		Body: []formItem{{Type: "markdown", Attributes: formAttrs{Value: numbers.Replace(
			"Fill in every answer marked required. Each answer goes into your application file as plain\n" +
				"text, exactly as you write it. Within a minute connectbot answers on this issue with a link\n" +
				"to the pull request it opened, or with the answers to fix.\n\n" +
				"The program accepts integrations with at least {minInstalls} installs. A beta integrator's listing\n" +
				"information is due {listingDueDays} days after acceptance; from the listing's publication it has\n" +
				"{installWindowDays} days to reach {certificationInstalls} installs and enter certification.\n\n" +
				"The rules behind each question are the Connect Program Policies and the Developer Policy;\n" +
				"the README's rules table quotes each one.\n")}}},
	}
	for _, fl := range Fields {
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
		f.Body = append(f.Body, item)
	}
	var b bytes.Buffer
	b.WriteString(TemplateHeader)
	enc := yaml.NewEncoder(&b)
	enc.SetIndent(2)
	if err := enc.Encode(f); err != nil {
		return nil, fmt.Errorf("application form: %w", err)
	}
	if err := enc.Close(); err != nil {
		return nil, fmt.Errorf("application form: %w", err)
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
	return strings.NewReplacer(
		"{minInstalls}", strconv.Itoa(cfg.MinInstalls),
		"{certificationInstalls}", strconv.Itoa(cfg.CertificationInstalls),
		"{listingDueDays}", strconv.Itoa(cfg.ListingDueDays),
		"{installWindowDays}", strconv.Itoa(cfg.InstallWindowDays),
		"{supportResponseHours}", strconv.Itoa(cfg.SupportResponseHours),
	)
}
