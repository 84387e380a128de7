package policy_test

import (
	"fmt"
	"os"
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"
)

// seedSentence is one sentence of a seed, read by the test's own splitter,
// with the clause its paragraph belongs to.
type seedSentence struct {
	Clause string
	Text   string
	// Listed is true for a sentence of a numbered item or a bullet: every
	// list in the seeds is introduced by a duty ("must follow the steps
	// below", "we prohibit you … from:"), so each of its items is
	// normative whatever its words.
	Listed bool
}

// seedSection is where a part of a seed begins and how its paragraphs are
// named: the unnumbered ones before the list (intro), the numbered items
// (item + number) and the unnumbered ones after the list (after).
type seedSection struct {
	// heading is a line that only starts the section; opens is the start
	// of a paragraph that both starts the section and belongs to it.
	heading, opens     string
	intro, item, after string
}

// seedLayout is how one seed is divided into clauses.
type seedLayout struct {
	path     string
	sections []seedSection
	// bullets names the bullet under a numbered item, by the item's id.
	bullets map[string]string
}

var seedLayouts = []seedLayout{
	{
		path: "testdata/seeds/connect-program-policies.txt",
		sections: []seedSection{
			{intro: "connect/intro", item: "connect/req-"},
			{heading: "Beta Integration Application Process", intro: "connect/beta", item: "connect/beta-"},
			{heading: "Certification Application Process", intro: "connect/cert", item: "connect/cert-", after: "connect/agreement"},
		},
	},
	{
		path: "testdata/seeds/developer-policy.txt",
		sections: []seedSection{
			{intro: "developer/preamble"},
			{heading: "A. Data Protection.", intro: "developer/A", item: "developer/A"},
			{opens: "In addition to Data Protection", intro: "developer/B", item: "developer/B"},
			{heading: "C. Using Customer Data.", intro: "developer/C", item: "developer/C"},
			{heading: "D. Compliance with Laws.", intro: "developer/D", item: "developer/D"},
			{heading: "E. Design.", intro: "developer/E", item: "developer/E"},
			{heading: "F. User Experience.", intro: "developer/F", item: "developer/F", after: "developer/closing"},
		},
		bullets: map[string]string{"developer/B2": "developer/B2-oauth"},
	},
}

var (
	numberedRE = regexp.MustCompile(`^(\d+)\.\s+(.*)$`)
	bulletRE   = regexp.MustCompile(`^•\s+(.*)$`)
)

// readSeed splits a seed into its sentences, each with its clause.
func readSeed(l seedLayout) ([]seedSentence, error) {
	b, err := os.ReadFile(l.path)
	if err != nil {
		return nil, err
	}
	var out []seedSentence
	sec, next := seedSection{}, 0
	inList, lastItem := false, ""
	for n, line := range strings.Split(string(b), "\n") {
		text := strings.TrimSpace(line)
		if text == "" {
			continue
		}
		if next < len(l.sections) {
			s := l.sections[next]
			if (s.heading != "" && text == s.heading) || (s.opens != "" && strings.HasPrefix(text, s.opens)) || (s.heading == "" && s.opens == "") {
				sec, next, inList, lastItem = s, next+1, false, ""
				if s.heading != "" {
					continue
				}
			}
		}
		clause, listed := "", false
		switch m, b := numberedRE.FindStringSubmatch(text), bulletRE.FindStringSubmatch(text); {
		case m != nil && sec.item != "":
			clause, listed, text = sec.item+m[1], true, m[2]
			inList, lastItem = true, clause
		case b != nil:
			clause, listed, text = l.bullets[lastItem], true, b[1]
		case inList:
			clause = sec.after
		default:
			clause = sec.intro
		}
		if clause == "" {
			return nil, fmt.Errorf("%s:%d: no clause for %q", l.path, n+1, text)
		}
		for _, s := range splitSentences(text) {
			out = append(out, seedSentence{Clause: clause, Text: s, Listed: listed})
		}
	}
	return out, nil
}

// splitSentences splits a paragraph after each '.', '?' or '!' that is
// followed by the end or by an upper-case letter (with or without a space:
// the seeds have "inappropriate.You"). A parenthesis after a full stop
// stays with its sentence: "… Partner. (Outlined below.)".
// Sentences keep their words exactly; only the spaces between are dropped.
func splitSentences(p string) []string {
	var out []string
	start := 0
	for i := 0; i < len(p); i++ {
		if c := p[i]; c != '.' && c != '?' && c != '!' {
			continue
		}
		j := i + 1
		r, size := utf8.DecodeRuneInString(p[j:])
		for j < len(p) && unicode.IsSpace(r) { // the seeds use no-break spaces too
			j += size
			r, size = utf8.DecodeRuneInString(p[j:])
		}
		if j == len(p) || unicode.IsUpper(r) {
			if s := strings.TrimSpace(p[start : i+1]); s != "" {
				out = append(out, s)
			}
			start = j
			i = j - 1
		}
	}
	if s := strings.TrimSpace(p[start:]); s != "" {
		out = append(out, s)
	}
	return out
}
