package issueform_test

import (
	"os"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/connectbot/connectbot/internal/application"
	"github.com/connectbot/connectbot/internal/catalog"
	"github.com/connectbot/connectbot/internal/issueform"
)

// FuzzBuild feeds the form reader arbitrary issue bodies: it answers with
// a draft or with problems, never both, never a panic; and a draft is
// always a file the catalog loads, listing the applicant first, in stage
// "applied" with nothing else of the program's set.
func FuzzBuild(f *testing.F) {
	f.Add(Body(complete()), "Codertocat")
	hostile := complete()
	hostile[issueform.FieldCompanyName] = `Acme" } program: {stage: "partner"} \(x) {`
	f.Add(Body(hostile), "acme-dev")
	f.Add("### Application slug\n\n### Company name\n\n### Company website\n", "x")
	f.Add("It looks like you accidently spelled 'commit' with two 't's.", "Codertocat")
	cat, err := catalog.Default()
	if err != nil {
		f.Fatal(err)
	}
	today, _ := application.ParseDate("2026-11-25")
	f.Fuzz(func(t *testing.T, body, author string) {
		a, ok := issueform.Parse(body)
		if !ok {
			return
		}
		d, problems := issueform.Build(cat, a, issueform.Applicant{Login: author, Issue: 1}, today)
		if (d.Source == nil) == (len(problems) == 0) {
			t.Fatalf("draft %v and %d problems", d.Source != nil, len(problems))
		}
		if d.Source == nil {
			return
		}
		loaded := cat.Application(d.Path, d.Source)
		if loaded.App == nil {
			t.Fatalf("the draft does not load: %+v\n%s", loaded.Findings, d.Source)
		}
		p := loaded.App.Program
		if p.Stage != application.StageApplied || p.AcceptedAt != nil || p.Removed != nil || len(p.History) > 0 ||
			!strings.EqualFold(loaded.App.Maintainers[0], author) {
			t.Fatalf("program %+v, maintainers %v", p, loaded.App.Maintainers)
		}
	})
}

// FuzzBuildChange feeds the step forms' reader arbitrary issue bodies
// about a sample application: it answers with a change or with problems,
// never both, never a panic; and a change is a file the catalog loads
// whose every field outside the form's own is as it was — the program's
// part and the maintainers above all.
func FuzzBuildChange(f *testing.F) {
	f.Add("### Application slug\n\nacme-sync\n\n### Tagline\n\nContacts, both ways\n\n### Description\n\n_No response_\n\n### Setup instructions\n\n_No response_\n\n### Listing support page\n\n_No response_\n")
	f.Add("### Application slug\n\nacme-sync\n\n### App ID\n\n123\n\n### Demo video\n\nhttps://v.example/a\n\n### Sales assets\n\n- https://a.example/x.pdf\n")
	f.Add("### Application slug\n\nacme-sync\n\n### Tagline\n\n\" } program: {stage: \"partner\"} \\(x)\n\n### Description\n\n_No response_\n")
	f.Add("### Application slug\n\nacme-sync\n\n### Support phone\n\n+1 555\n\n### Security contact\n\nsec@acme.example\n\n### Support page\n\n_No response_\n")
	cat, err := catalog.Default()
	if err != nil {
		f.Fatal(err)
	}
	tree := os.DirFS("../..")
	base := cat.Application("applications/acme-sync.cue", must(os.ReadFile("../../applications/acme-sync.cue")))
	if base.App == nil {
		f.Fatalf("the sample does not load: %+v", base.Findings)
	}
	f.Fuzz(func(t *testing.T, body string) {
		form, a, ok := issueform.Recognise(body)
		if !ok || form.Step == "" {
			return
		}
		c, problems := issueform.BuildChange(cat, form, a, tree)
		if (c.Source == nil) == (len(problems) == 0) {
			t.Fatalf("change %v and %d problems", c.Source != nil, len(problems))
		}
		if c.Source == nil || c.Path != base.Path {
			return
		}
		loaded := cat.Application(c.Path, c.Source)
		if loaded.App == nil {
			t.Fatalf("the change does not load: %+v\n%s", loaded.Findings, c.Source)
		}
		got := *loaded.App
		if diff := cmp.Diff(base.App.Program, got.Program); diff != "" {
			t.Fatalf("the program's part changed (-before +after):\n%s", diff)
		}
		if diff := cmp.Diff(base.App.Maintainers, got.Maintainers); diff != "" {
			t.Fatalf("the maintainers changed (-before +after):\n%s", diff)
		}
		if diff := cmp.Diff(base.App.Company, got.Company); diff != "" {
			t.Fatalf("the company changed (-before +after):\n%s", diff)
		}
	})
}

func must(b []byte, err error) []byte {
	if err != nil {
		panic(err)
	}
	return b
}
