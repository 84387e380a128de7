package report

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/connectbot/connectbot/internal/application"
	"github.com/connectbot/connectbot/internal/markdown"
	"github.com/connectbot/connectbot/internal/program"
)

// Impact is who a change to program.cue affects, and how: what
// `connectbot impact` prints, and a section of the pull-request comment
// when a pull request touches program.cue.
type Impact struct {
	// Base names the configuration compared against, as the reader knows
	// it: the git revision given to `connectbot impact`.
	Base string
	// Now and Days are the horizon: every day from Now for Days days.
	Now  application.Date
	Days int
	// Affected are the applications the change touches, by slug.
	Affected []program.Affected
	// Threshold is the certification threshold under the base and under
	// the proposed configuration.
	Threshold [2]int
	// NewlyBelow are the beta applications whose recorded installs reach
	// the base threshold but not a raised one.
	NewlyBelow []string
	// Invalid, when set, is why the proposed program.cue was not compared:
	// its first error, with file:line. Nothing is computed from it then.
	Invalid string
}

// NewImpact compares the program under the base and the proposed
// configuration for every application in files (as the loader left them,
// before any policy rule) on every day from now for days days.
func NewImpact(base string, files []application.File, before, after application.Config, now application.Date, days int) Impact {
	imp := Impact{
		Base: base, Now: now, Days: days,
		Affected:  program.Impact(files, before, after, program.Rejudge, now, days),
		Threshold: [2]int{before.CertificationInstalls, after.CertificationInstalls},
	}
	if after.CertificationInstalls > before.CertificationInstalls {
		for _, f := range files {
			if f.App == nil || f.App.Program.Stage != application.StageBeta {
				continue
			}
			if c := f.App.Program.Installs.Count; c >= before.CertificationInstalls && c < after.CertificationInstalls {
				imp.NewlyBelow = append(imp.NewlyBelow, f.Slug)
			}
		}
	}
	return imp
}

// WriteJSON writes the impact as one newline-terminated JSON document:
// {"now","days","affected":[...]}, and "invalid" when the proposed
// configuration could not be compared.
func (i Impact) WriteJSON(w io.Writer) error {
	affected := i.Affected
	if affected == nil {
		affected = []program.Affected{}
	}
	return json.NewEncoder(w).Encode(struct {
		Now      application.Date   `json:"now"`
		Days     int                `json:"days"`
		Affected []program.Affected `json:"affected"`
		Invalid  string             `json:"invalid,omitempty"`
	}{i.Now, i.Days, affected, i.Invalid})
}

// WriteText writes a headline with the horizon and the count, one line
// per affected application, and how many integrators a raised threshold
// leaves below it.
func (i Impact) WriteText(w io.Writer) error {
	var b strings.Builder
	if i.Invalid != "" {
		fmt.Fprintf(&b, "Impact of program.cue against %s: not computed, the proposed program.cue does not validate: %s\n", i.Base, i.Invalid)
		_, err := io.WriteString(w, b.String())
		return err
	}
	fmt.Fprintf(&b, "Impact of program.cue against %s, %s to %s: %s affected\n", i.Base, i.Now, i.last(), application.Plural(len(i.Affected), "application"))
	for _, a := range i.Affected {
		fmt.Fprintf(&b, "- %s\n", a.How)
	}
	if s := i.newlyBelow(); s != "" {
		b.WriteString(s + "\n")
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// writeMarkdown writes the impact as a section of the pull-request
// comment: the horizon, then a table of the affected applications, or a
// sentence saying nobody is — the reviewer sees the question was asked.
// Every application's text is escaped: the files are untrusted.
func (i Impact) writeMarkdown(b *strings.Builder) {
	b.WriteString("\n#### Impact of this change to `program.cue`\n\n")
	if i.Invalid != "" {
		fmt.Fprintf(b, "✘ This `program.cue` does not validate against the base branch's schema, so its impact is not computed: %s\n", markdown.Escape(i.Invalid))
		return
	}
	fmt.Fprintf(b, "Every application on the base branch, planned day by day from %s to %s under the base branch's `program.cue` and under this one: %s affected.\n\n",
		i.Now, i.last(), application.Plural(len(i.Affected), "application"))
	if len(i.Affected) == 0 {
		fmt.Fprintf(b, "No integrator's outcome, deadlines or validation change over the next %s.\n", application.Plural(i.Days, "day"))
		return
	}
	b.WriteString("| application | what changes |\n|---|---|\n")
	for _, a := range i.Affected {
		fmt.Fprintf(b, "| %s | %s |\n", markdown.Code(a.Slug), markdown.Escape(strings.TrimPrefix(a.How, a.Slug+": ")))
	}
	if s := i.newlyBelow(); s != "" {
		b.WriteString("\n" + s + ".\n")
	}
}

// last is the last day of the horizon.
func (i Impact) last() application.Date {
	return i.Now.AddDays(i.Days - 1)
}

// newlyBelow says how many integrators a raised threshold leaves below it,
// or nothing.
func (i Impact) newlyBelow() string {
	if len(i.NewlyBelow) == 0 {
		return ""
	}
	return fmt.Sprintf("%s newly below the certification threshold (%d → %d)", application.Plural(len(i.NewlyBelow), "integrator"), i.Threshold[0], i.Threshold[1])
}
