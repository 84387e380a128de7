package report

import (
	"fmt"
	"strings"

	"github.com/connectbot/connectbot/internal/application"
	"github.com/connectbot/connectbot/internal/markdown"
	"github.com/connectbot/connectbot/internal/policy"
	"github.com/connectbot/connectbot/internal/program"
)

// attestationSections list, for each file the reviewer checklist is shown
// for, what the file attests: each attestation ticked or not, with the
// sentence it promises.
func attestationSections(v program.Verdict) body {
	var out body
	for _, f := range v.Files {
		if !f.Checklist || f.Attestations == nil {
			continue
		}
		var b strings.Builder
		fmt.Fprintf(&b, "\n#### What %s attests\n\nThe integrator's promises, each in the Developer Policy's words; a reviewer cannot check them, the file makes them.\n\n", markdown.Code(f.Path))
		for _, a := range policy.Attestations() {
			mark, state := "✔", "attested"
			if !a.Value(*f.Attestations) {
				mark, state = "✘", "not attested"
			}
			r, _ := policy.Lookup(a.Rule)
			fmt.Fprintf(&b, "- %s `%s` (%s): %s<br>_%s:_ “%s”\n", mark, a.Field, state, markdown.Escape(a.Promise), r.Source, markdown.Escape(r.Sentence))
		}
		out = append(out, piece{text: b.String()})
	}
	return out
}

// checklistSection is the reviewer checklist, once for the files it is
// shown for: first what connectbot flagged in the pull request's files for
// a person to judge (each warning with its field, words and sentence), then
// each sentence only a person can judge, with its question. The approval
// of this head records that it was shown here.
func checklistSection(v program.Verdict) body {
	var paths []string
	for _, f := range v.Files {
		if f.Checklist {
			paths = append(paths, markdown.Code(f.Path))
		}
	}
	flags := flaggedItems(v)
	if len(paths) == 0 {
		if len(flags) == 0 {
			return nil
		}
		return body{{text: "\n#### Reviewer checklist\n\nconnectbot flagged these for a person to judge before approving commit " +
			markdown.Code(v.HeadSHA) + ".\n\n" + strings.Join(flags, "")}}
	}
	var b strings.Builder
	fmt.Fprintf(&b, "\n#### Reviewer checklist\n\nOnly a person can judge these sentences of the Developer Policy. Before approving commit %s, check each for %s; "+
		"an approval of this commit records in the application's history that this checklist was shown at it.\n\n",
		markdown.Code(v.HeadSHA), strings.Join(paths, ", "))
	if len(flags) > 0 {
		b.WriteString("Flagged in this pull request:\n\n" + strings.Join(flags, "") + "\nEvery application:\n\n")
	}
	for _, it := range policy.Checklist() {
		fmt.Fprintf(&b, "- [ ] `%s` %s<br>_%s:_ “%s”\n", it.Clause, markdown.Escape(it.Question), it.Source, markdown.Escape(it.Sentence))
	}
	return body{{text: b.String()}}
}

// maxFlaggedItems is how many flagged warnings the checklist lists; the
// rest are among the findings above, where each is a row of its own.
const maxFlaggedItems = 25

// flaggedItems are the flagged warnings of every file, one checklist line
// each: the rule, the file and field, connectbot's words, and the sentence
// of the rule; past maxFlaggedItems, one line says how many more there are.
func flaggedItems(v program.Verdict) []string {
	var out []string
	more := 0
	for _, f := range v.Files {
		for _, x := range f.Findings {
			if !x.Flagged {
				continue
			}
			if len(out) == maxFlaggedItems {
				more++
				continue
			}
			line := fmt.Sprintf("- [ ] `%s` %s %s: %s", x.Rule, markdown.Code(f.Path), markdown.Code(x.Path), markdown.Escape(x.Message))
			if r, ok := policy.Lookup(x.Rule); ok {
				line += fmt.Sprintf("<br>_%s:_ “%s”", r.Source, markdown.Escape(r.Sentence))
			}
			out = append(out, line+"\n")
		}
	}
	if more > 0 {
		out = append(out, fmt.Sprintf("- [ ] %s: each is a finding marked ℹ, and `connectbot validate` lists them all\n", application.Plural(more, "more flagged finding")))
	}
	return out
}
