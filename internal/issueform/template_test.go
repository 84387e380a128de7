package issueform_test

import (
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/connectbot/connectbot/internal/application"
	"github.com/connectbot/connectbot/internal/catalog"
	"github.com/connectbot/connectbot/internal/issueform"
	"github.com/connectbot/connectbot/internal/program"
)

// TestTheCommittedFormIsWhatProgramCueGives fails when a form of
// .github/ISSUE_TEMPLATE is not what `connectbot form` writes for
// the committed program.cue: run it after changing the program's numbers.
func TestTheCommittedFormIsWhatProgramCueGives(t *testing.T) {
	cat, err := catalog.Default()
	if err != nil {
		t.Fatal(err)
	}
	src, err := os.ReadFile("../../program.cue")
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := cat.Program("program.cue", src)
	if err != nil {
		t.Fatal(err)
	}
	forms, err := issueform.Templates(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if len(forms) != 5 {
		t.Errorf("%d forms, want the application form and the four step forms", len(forms))
	}
	for _, g := range forms {
		got, err := os.ReadFile("../../" + g.Path)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(string(g.Content), string(got)); diff != "" {
			t.Errorf("%s is out of date: run go run ./cmd/connectbot form (-generated +committed):\n%s", g.Path, diff)
		}
	}
}

// TestTheFormsHintsQuoteTheConfiguredNumbers: a program whose numbers are
// not the seed's gets a form whose hints say its numbers, and none of the
// seed's.
func TestTheFormsHintsQuoteTheConfiguredNumbers(t *testing.T) {
	tests := []struct {
		name      string
		cfg       application.Config
		want, not []string
	}{
		{"the seed's numbers: 10 installs, 40 to certify, 30 and 90 days, 24 hours",
			application.Config{MinInstalls: 10, CertificationInstalls: 40, ListingDueDays: 30, InstallWindowDays: 90, SupportResponseHours: 24},
			[]string{"10 are needed to be accepted", "40 to go straight to certification", "24 or less", "placeholder: \"24\"",
				"due 30 days after acceptance", "90 days to reach 40 installs"},
			nil},
		{"another program's numbers: 25 installs, 60 to certify, 45 and 120 days, 8 hours",
			application.Config{MinInstalls: 25, CertificationInstalls: 60, ListingDueDays: 45, InstallWindowDays: 120, SupportResponseHours: 8},
			[]string{"25 are needed to be accepted", "60 to go straight to certification", "8 or less", "placeholder: \"8\"",
				"due 45 days after acceptance", "120 days to reach 60 installs"},
			[]string{"10 are needed", "24 or less", "30 days", "90 days", "40 installs"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b, err := issueform.Template(tt.cfg)
			if err != nil {
				t.Fatal(err)
			}
			form := string(b)
			for _, w := range tt.want {
				if !strings.Contains(form, w) {
					t.Errorf("the form does not say %q", w)
				}
			}
			for _, n := range tt.not {
				if strings.Contains(form, n) {
					t.Errorf("the form says %q", n)
				}
			}
			if left := unreplaced.FindString(form); left != "" {
				t.Errorf("the form names a number it does not give: %s", left)
			}
		})
	}
}

// unreplaced finds a number's name left in a text.
var unreplaced = regexp.MustCompile(`\{[A-Za-z]+\}`)

// TestThePromisesAreTheAttestationsWithTheirSentences: the form shows each
// attestation with the sentence it quotes, as a box that must be ticked.
func TestThePromisesAreTheAttestationsWithTheirSentences(t *testing.T) {
	b, err := issueform.Template(application.Config{MinInstalls: 10})
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"`attestations.lawfulBasis`, developer/A6): “Your Application and/or Integration should not collect, store, and/or use personal data",
		"- label: We handle every customer credential securely, with industry-standard protocols\n          required: true",
	} {
		if !strings.Contains(string(b), want) {
			t.Errorf("the form lacks %q", want)
		}
	}
}

// TestEachStepFormSetsOnlyItsOwnFields: every question of a step form
// fills a field program.StepOf gives to that form, so the fix a reminder
// or a comment links to is the form that sets the field at fault.
func TestEachStepFormSetsOnlyItsOwnFields(t *testing.T) {
	for _, form := range issueform.StepForms {
		for _, f := range form.Fields {
			for _, p := range f.Paths {
				if got, _ := program.StepOf(p); got != form.Step {
					t.Errorf("%s: question %q fills %s, which program.StepOf gives to %q", form.File, f.Label, p, got)
				}
			}
		}
	}
}
