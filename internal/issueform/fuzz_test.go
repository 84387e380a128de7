package issueform_test

import (
	"strings"
	"testing"

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
