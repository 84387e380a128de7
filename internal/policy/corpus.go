package policy

import (
	"bufio"
	"bytes"
	"embed"
	"fmt"
	"path"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/connectbot/connectbot/internal/application"
)

// corpusFiles is the corpus of applications the rules are tried on:
// legitimate ones that must pass and violations that must fail or be
// flagged, each saying so in its leading comment block.
//
//go:embed testdata/corpus/legit testdata/corpus/violations testdata/corpus/program.cue
var corpusFiles embed.FS

// CorpusDir is where the corpus lives in corpusFiles and in the source
// tree, relative to this package.
const CorpusDir = "testdata/corpus"

// CorpusCase is one application of the corpus, as its leading comment
// block describes it:
//
//	// note: what the case tries, in one line
//	// expect: error developer/E1     (or: warning developer/C2; none for a legitimate case)
//	// breaks: developer/E1 "the sentence of the clause a violation breaks, verbatim"
type CorpusCase struct {
	// Path is the case's file below CorpusDir: "legit/ja-….cue" or
	// "violations/de-….cue", or its directory ("legit/en-reapplication")
	// when it needs several files.
	Path string `json:"path"`
	// Note says what the case tries.
	Note string `json:"note"`
	// Expect are the findings the case must get. A legitimate case may
	// expect warnings (a sensitive scope); it never expects an error.
	Expect []Expected `json:"expect,omitempty"`
	// Breaks is the clause a violation breaks, and Sentence its sentence,
	// verbatim as the clause table holds it.
	Breaks   string `json:"breaks,omitempty"`
	Sentence string `json:"sentence,omitempty"`
	// Files are the case's application files as written, by file name:
	// one, or for a case that is a directory, every application of its
	// program.
	Files map[string][]byte `json:"-"`
}

// Expected is a finding a corpus case must get: a rule and its severity.
type Expected struct {
	Severity application.Severity `json:"severity"`
	Rule     string               `json:"rule"`
}

// Legitimate reports whether the case is one of the legitimate
// applications, which must pass with no error.
func (c CorpusCase) Legitimate() bool { return strings.HasPrefix(c.Path, "legit/") }

// CorpusProgram is the program.cue the corpus is judged under.
func CorpusProgram() []byte {
	b, err := corpusFiles.ReadFile(CorpusDir + "/program.cue")
	if err != nil {
		panic(fmt.Sprintf("corpus program.cue is embedded: %v", err))
	}
	return b
}

var corpusOnce = sync.OnceValues(readCorpus)

// Corpus returns every case of the corpus, ordered by path. An error names
// a case whose comment block cannot be read.
func Corpus() ([]CorpusCase, error) { return corpusOnce() }

func readCorpus() ([]CorpusCase, error) {
	var out []CorpusCase
	for _, kind := range []string{"legit", "violations"} {
		entries, err := corpusFiles.ReadDir(path.Join(CorpusDir, kind))
		if err != nil {
			return nil, err
		}
		for _, e := range entries {
			c, err := readCase(path.Join(kind, e.Name()), e.IsDir())
			if err != nil {
				return nil, err
			}
			out = append(out, c)
		}
	}
	slices.SortFunc(out, func(a, b CorpusCase) int { return strings.Compare(a.Path, b.Path) })
	return out, nil
}

// readCase reads the case at name below CorpusDir: one file, or a
// directory whose files are the applications of one program.
func readCase(name string, dir bool) (CorpusCase, error) {
	full := path.Join(CorpusDir, name)
	if !dir {
		src, err := corpusFiles.ReadFile(full)
		if err != nil {
			return CorpusCase{}, err
		}
		return ParseCorpusCase(name, src)
	}
	c := CorpusCase{Path: name, Files: map[string][]byte{}}
	entries, err := corpusFiles.ReadDir(full)
	if err != nil {
		return c, err
	}
	for _, e := range entries {
		src, err := corpusFiles.ReadFile(path.Join(full, e.Name()))
		if err != nil {
			return c, err
		}
		c.Files[e.Name()] = src
		if err := c.readHeader(path.Join(name, e.Name()), src); err != nil {
			return c, err
		}
	}
	return c, c.complete()
}

// ParseCorpusCase reads a one-file case's leading comment block. Every
// case has a note; a violation has at least one expectation and the
// clause it breaks; a legitimate case expects no error.
func ParseCorpusCase(name string, src []byte) (CorpusCase, error) {
	c := CorpusCase{Path: name, Files: map[string][]byte{path.Base(name): src}}
	if err := c.readHeader(name, src); err != nil {
		return c, err
	}
	return c, c.complete()
}

// readHeader reads the comment block at the top of one file of the case.
func (c *CorpusCase) readHeader(name string, src []byte) error {
	sc := bufio.NewScanner(bytes.NewReader(src))
	for line := 1; sc.Scan(); line++ {
		text, ok := strings.CutPrefix(sc.Text(), "//")
		if !ok {
			break
		}
		key, value, _ := strings.Cut(strings.TrimSpace(text), ":")
		value = strings.TrimSpace(value)
		switch key {
		case "note":
			c.Note = value
		case "breaks":
			if err := c.parseBreaks(value); err != nil {
				return fmt.Errorf("%s:%d: %w", name, line, err)
			}
		case "expect":
			e, err := parseExpected(value)
			if err != nil {
				return fmt.Errorf("%s:%d: %w", name, line, err)
			}
			c.Expect = append(c.Expect, e)
		}
	}
	return nil
}

// complete checks that the case says what it tries and what it expects.
func (c *CorpusCase) complete() error {
	name := c.Path
	switch {
	case c.Note == "":
		return fmt.Errorf("%s: no \"// note:\" line saying what the case tries", name)
	case !c.Legitimate() && (len(c.Expect) == 0 || c.Breaks == ""):
		return fmt.Errorf("%s: a violation needs \"// expect:\" and \"// breaks:\" lines", name)
	case c.Legitimate() && slices.ContainsFunc(c.Expect, func(e Expected) bool { return e.Severity == application.SeverityError }):
		return fmt.Errorf("%s: a legitimate case expects no error", name)
	}
	return nil
}

// parseBreaks reads `<clause> "<sentence>"` and checks that the clause
// table holds that sentence under that clause, or, for a rule of the file
// format (which no policy states), that it is the rule's own sentence.
func (c *CorpusCase) parseBreaks(s string) error {
	id, quoted, _ := strings.Cut(s, " ")
	sentence, err := strconv.Unquote(strings.TrimSpace(quoted))
	if err != nil {
		return fmt.Errorf("breaks %q: write the clause, then its sentence in double quotes", s)
	}
	inTable := slices.ContainsFunc(clauses, func(cl Clause) bool { return cl.ID == id && cl.Sentence == sentence })
	if r, ok := Lookup(id); !inTable && !(ok && strings.HasPrefix(id, "format/") && r.Sentence == sentence) {
		return fmt.Errorf("breaks %q: the clause table has no such sentence under %s, nor is it that format rule's", s, id)
	}
	c.Breaks, c.Sentence = id, sentence
	return nil
}

func parseExpected(s string) (Expected, error) {
	sev, rule, _ := strings.Cut(s, " ")
	e := Expected{Severity: application.Severity(sev), Rule: strings.TrimSpace(rule)}
	if e.Severity != application.SeverityError && e.Severity != application.SeverityWarning {
		return e, fmt.Errorf("expect %q: write \"error <rule>\" or \"warning <rule>\"", s)
	}
	if _, ok := Lookup(e.Rule); !ok {
		return e, fmt.Errorf("expect %q: no rule %q", s, e.Rule)
	}
	return e, nil
}

// corpusByRule maps each rule to the violations that expect a finding of
// it, ordered by path.
func corpusByRule() map[string][]string {
	cases, err := Corpus()
	if err != nil {
		panic(fmt.Sprintf("the embedded corpus is read by TestCorpus: %v", err))
	}
	m := map[string][]string{}
	for _, c := range cases {
		for _, e := range c.Expect {
			if !slices.Contains(m[e.Rule], c.Path) {
				m[e.Rule] = append(m[e.Rule], c.Path)
			}
		}
	}
	return m
}
