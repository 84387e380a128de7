package policy_test

import (
	"bufio"
	"fmt"
	"os"
	"path"
	"slices"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/connectbot/connectbot/internal/application"
	"github.com/connectbot/connectbot/internal/catalog"
	"github.com/connectbot/connectbot/internal/policy"
	"github.com/connectbot/connectbot/internal/snapshot"
)

// corpusDay is the day the corpus is judged on: after every install count
// and date the cases record.
var corpusDay = application.MustParseDate("2026-12-01")

// knownMisjudgedFile lists the corpus cases connectbot does not yet judge
// right, each with why. The test enforces it both ways, so it only shrinks.
const knownMisjudgedFile = "testdata/corpus/KNOWN_MISJUDGED"

// TestCorpus judges every case of the corpus alone, through the loader
// `connectbot validate` uses (program.cue and applications/ read by
// internal/snapshot: the schema through internal/catalog, then
// policy.Check): a legitimate case must get no error and no warning it
// does not expect, a violation exactly the findings it expects.
func TestCorpus(t *testing.T) {
	cases, err := policy.Corpus()
	if err != nil {
		t.Fatal(err)
	}
	cat, err := catalog.Default()
	if err != nil {
		t.Fatal(err)
	}
	known := readKnownMisjudged(t)
	var n corpusCounts
	for _, c := range cases {
		wrong := misjudged(c, judgeCase(t, cat, c))
		n.add(c, wrong == "")
		why, listed := known[c.Path]
		delete(known, c.Path)
		switch {
		case wrong != "" && !listed:
			t.Errorf("%s (%s): %s", c.Path, c.Note, wrong)
		case wrong == "" && listed:
			t.Errorf("%s is judged right now: remove it from %s (it said: %s)", c.Path, knownMisjudgedFile, why)
		}
	}
	for p := range known {
		t.Errorf("%s lists %s, which is not a corpus case", knownMisjudgedFile, p)
	}
	langs := corpusLanguages(cases)
	t.Logf("corpus: %d of %d legitimate applications passed; of %d violations, %d caught as errors and %d flagged as warnings; %d languages",
		n.legitPassed, n.legit, n.violations, n.caught, n.flagged, len(langs))
	if n.legit < 60 || n.violations < 60 || len(langs) < 10 {
		t.Errorf("the corpus needs at least 60 legitimate applications and 60 violations in at least 10 languages; it has %d, %d and %d (%s)",
			n.legit, n.violations, len(langs), strings.Join(langs, ", "))
	}
}

// corpusCounts tallies the corpus: legitimate cases and those that
// passed, violations and those caught as errors or flagged as warnings.
type corpusCounts struct {
	legit, legitPassed, violations, caught, flagged int
}

func (n *corpusCounts) add(c policy.CorpusCase, right bool) {
	switch {
	case c.Legitimate():
		n.legit++
		if right {
			n.legitPassed++
		}
	case !right:
		n.violations++
	case hasSeverity(c.Expect, application.SeverityError):
		n.violations++
		n.caught++
	default:
		n.violations++
		n.flagged++
	}
}

// judgeCase loads one case as the applications of a program whose
// program.cue is the corpus's, and returns the findings of all its files.
func judgeCase(t *testing.T, cat *catalog.Catalog, c policy.CorpusCase) []application.Finding {
	t.Helper()
	fsys := fstest.MapFS{catalog.ProgramFile: {Data: policy.CorpusProgram()}}
	for name, src := range c.Files {
		fsys[path.Join(application.Dir, name)] = &fstest.MapFile{Data: src}
	}
	snap, err := snapshot.Load(cat, fsys, nil, corpusDay)
	if err != nil {
		t.Fatalf("%s: %v", c.Path, err)
	}
	var all []application.Finding
	for _, f := range snap.Files {
		all = append(all, f.Findings...)
	}
	return all
}

// misjudged says how the findings differ from what the case expects, or
// "" when they match: every expected rule and severity found, and nothing
// else.
func misjudged(c policy.CorpusCase, got []application.Finding) string {
	var missing, extra []string
	for _, e := range c.Expect {
		if !slices.ContainsFunc(got, func(f application.Finding) bool { return f.Rule == e.Rule && f.Severity == e.Severity }) {
			missing = append(missing, fmt.Sprintf("%s %s", e.Severity, e.Rule))
		}
	}
	for _, f := range got {
		if !slices.Contains(c.Expect, policy.Expected{Severity: f.Severity, Rule: f.Rule}) {
			extra = append(extra, fmt.Sprintf("%s %s at %s: %s", f.Severity, f.Rule, f.Path, f.Message))
		}
	}
	var parts []string
	if len(missing) > 0 {
		parts = append(parts, "expected and not found: "+strings.Join(missing, "; "))
	}
	if len(extra) > 0 {
		parts = append(parts, "found and not expected: "+strings.Join(extra, "; "))
	}
	return strings.Join(parts, "; ")
}

func hasSeverity(es []policy.Expected, sev application.Severity) bool {
	return slices.ContainsFunc(es, func(e policy.Expected) bool { return e.Severity == sev })
}

// corpusLanguages lists the languages of the cases, the prefix of each
// file name (en-IN and hi count as English and Hindi; "in" is Indian
// English).
func corpusLanguages(cases []policy.CorpusCase) []string {
	var out []string
	for _, c := range cases {
		lang, _, _ := strings.Cut(path.Base(c.Path), "-")
		if !slices.Contains(out, lang) {
			out = append(out, lang)
		}
	}
	slices.Sort(out)
	return out
}

// readKnownMisjudged reads KNOWN_MISJUDGED: one case a line, its path
// below the corpus, then why it is judged wrong; # starts a comment.
func readKnownMisjudged(t *testing.T) map[string]string {
	t.Helper()
	f, err := os.Open(knownMisjudgedFile)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	known := map[string]string{}
	sc := bufio.NewScanner(f)
	for line := 1; sc.Scan(); line++ {
		text := strings.TrimSpace(sc.Text())
		if text == "" || strings.HasPrefix(text, "#") {
			continue
		}
		p, why, _ := strings.Cut(text, " ")
		if strings.TrimSpace(why) == "" {
			t.Errorf("%s:%d: say why %s is judged wrong", knownMisjudgedFile, line, p)
		}
		known[p] = strings.TrimSpace(why)
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return known
}
