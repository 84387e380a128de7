// Package report renders what connectbot found for the people and programs
// that read it: text for a terminal, JSON in the documented stable contract,
// and GitHub workflow commands that become annotations on a pull request.
package report

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/connectbot/connectbot/internal/application"
	"github.com/connectbot/connectbot/internal/policy"
)

// Validation is the result of `connectbot validate`, shaped as its JSON
// contract: {"files":[{"path","slug","valid","findings":[...]}],"errors":N,"warnings":N}.
type Validation struct {
	Files    []ValidatedFile `json:"files"`
	Errors   int             `json:"errors"`
	Warnings int             `json:"warnings"`
}

// ValidatedFile is one file's verdict.
type ValidatedFile struct {
	Path     string                `json:"path"`
	Slug     string                `json:"slug"`
	Valid    bool                  `json:"valid"`
	Findings []application.Finding `json:"findings"`

	stage application.Stage
}

// NewValidation summarises judged files.
func NewValidation(files []application.File) Validation {
	v := Validation{Files: make([]ValidatedFile, 0, len(files))}
	for _, f := range files {
		vf := ValidatedFile{Path: f.Path, Slug: f.Slug, Valid: true, Findings: f.Findings}
		if vf.Findings == nil {
			vf.Findings = []application.Finding{}
		}
		if f.App != nil {
			vf.stage = f.App.Program.Stage
		}
		for _, x := range f.Findings {
			switch x.Severity {
			case application.SeverityError:
				v.Errors++
				vf.Valid = false
			case application.SeverityWarning:
				v.Warnings++
			}
		}
		v.Files = append(v.Files, vf)
	}
	return v
}

// WriteJSON writes the validation as one newline-terminated JSON document.
func (v Validation) WriteJSON(w io.Writer) error {
	return json.NewEncoder(w).Encode(v)
}

// WriteText writes the validation for people: each file with ✔ or ✘, each
// finding with its position, field, rule id, message and the policy
// sentence behind it, then a one-line total.
func (v Validation) WriteText(w io.Writer) error {
	var b strings.Builder
	valid := 0
	for _, f := range v.Files {
		mark := "✔"
		if !f.Valid {
			mark = "✘"
		} else {
			valid++
		}
		fmt.Fprintf(&b, "%s %s", mark, f.Path)
		if f.stage != "" {
			fmt.Fprintf(&b, " (%s)", f.stage)
		}
		b.WriteString("\n")
		for _, x := range f.Findings {
			sym := "✘"
			if x.Severity == application.SeverityWarning {
				sym = "ℹ"
			}
			where := fmt.Sprintf("%d:%d", x.Line, x.Column)
			if x.Path != "" {
				where += " " + x.Path
			}
			fmt.Fprintf(&b, "  %s %s [%s]\n      %s\n", sym, where, x.Rule, x.Message)
			if r, ok := policy.Lookup(x.Rule); ok {
				for _, q := range r.Quotes() {
					fmt.Fprintf(&b, "      %s: “%s”\n", q.Source, q.Sentence)
				}
			}
		}
	}
	if len(v.Files) > 0 {
		b.WriteString("\n")
	}
	fmt.Fprintf(&b, "%s: %d valid, %d invalid; %s, %s\n",
		application.Plural(len(v.Files), "file"), valid, len(v.Files)-valid,
		application.Plural(v.Errors, "error"), application.Plural(v.Warnings, "warning"))
	_, err := io.WriteString(w, b.String())
	return err
}

// WriteGitHub writes GitHub Actions workflow commands, one per finding, so
// that each lands as an annotation on its line of the pull request.
func (v Validation) WriteGitHub(w io.Writer) error {
	var b strings.Builder
	for _, f := range v.Files {
		for _, x := range f.Findings {
			level := "error"
			if x.Severity == application.SeverityWarning {
				level = "warning"
			}
			fmt.Fprintf(&b, "::%s file=%s,line=%d,col=%d,title=%s::%s\n", level,
				escapeProperty(f.Path), x.Line, x.Column, escapeProperty(annotationTitle(x)), escapeData(x.Message))
		}
	}
	fmt.Fprintf(&b, "connectbot: %s checked; %s, %s\n",
		application.Plural(len(v.Files), "file"), application.Plural(v.Errors, "error"), application.Plural(v.Warnings, "warning"))
	_, err := io.WriteString(w, b.String())
	return err
}

// escapeData escapes a workflow command's message as the runner expects.
func escapeData(s string) string {
	return strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A").Replace(s)
}

// escapeProperty escapes a workflow command's property value.
func escapeProperty(s string) string {
	return strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A", ":", "%3A", ",", "%2C").Replace(s)
}
