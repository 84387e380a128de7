package report

import (
	"cmp"
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/connectbot/connectbot/internal/application"
	"github.com/connectbot/connectbot/internal/ghlimit"
	"github.com/connectbot/connectbot/internal/markdown"
	"github.com/connectbot/connectbot/internal/policy"
	"github.com/connectbot/connectbot/internal/program"
)

// CommentMarker is the hidden first line of connectbot's one comment on a
// pull request; the bot finds its comment by it and edits it in place.
const CommentMarker = "<!-- connectbot:pull-request-comment -->"

// judgedMarker is the hidden second line of the sticky comment: the base
// tip and the head commit its verdict is for.
const judgedMarker = "<!-- connectbot:judged base=%s head=%s -->"

var judgedRE = regexp.MustCompile(`\A` + regexp.QuoteMeta(CommentMarker) + "\n<!-- connectbot:judged base=([0-9a-f]{40}) head=([0-9a-f]{40}) -->\n")

// Judged reads which base tip and head commit a sticky comment's verdict
// is for, from its hidden second line; ok is false for a comment without
// one.
func Judged(body string) (base, head string, ok bool) {
	m := judgedRE.FindStringSubmatch(body)
	if m == nil {
		return "", "", false
	}
	return m[1], m[2], true
}

// PRComment renders the sticky comment for a pull-request verdict: the
// commit judged, a ✔/✘/ℹ table per file, each finding with its line, rule
// and the policy sentence behind it; for a new application or a stage
// change, what the file attests and the reviewer checklist; the impact of a change to program.cue
// when there is one (nil when the pull request does not touch it), what
// happens next, and last, for each file with an error its integrator can
// fix, how to fix it (fixes: the step's form, the file in GitHub's web
// editor, the snippet to paste).
//
// The comment is never longer than GitHub takes (ghlimit.BodyChars
// characters). When the findings do not fit, the header, the verdict and
// what happens next are kept, findings are kept whole and in order while
// they fit, and a line says how many were left out and which `connectbot
// validate` command prints them all.
func PRComment(v program.Verdict, impact *Impact, fixes []Fix) string {
	var head strings.Builder
	head.WriteString(CommentMarker + "\n")
	if v.BaseSHA != "" {
		fmt.Fprintf(&head, judgedMarker+"\n", v.BaseSHA, v.HeadSHA)
	}
	if v.BranchUpdate != "" {
		head.WriteString(branchUpdateLine(v.HeadSHA, v.BranchUpdate) + "\n")
	}
	fmt.Fprintf(&head, "### connectbot: %s\n\n", headline(v))
	if v.BaseSHA != "" {
		fmt.Fprintf(&head, "Judged commit `%s` as merged into the base branch at `%s`, with the base branch's schema and `program.cue`.\n\n", v.HeadSHA, v.BaseSHA)
	} else {
		fmt.Fprintf(&head, "Judged commit `%s` against the base branch's schema and `program.cue`.\n\n", v.HeadSHA)
	}
	doc := body{{text: head.String()}}
	var rows []string
	for _, f := range v.Files {
		stage := string(f.Stage)
		if stage == "" {
			stage = "–"
		}
		rows = append(rows, fmt.Sprintf("| %s | %s | %s | %s | %s |\n", fileMark(f), markdown.Code(f.Path), f.Kind, stage, counts(f)))
	}
	doc = doc.section("| | file | change | stage | result |\n|---|---|---|---|---|\n", rows, "file", "")
	doc = doc.section("\n#### History\n\n", reapplications(v), "file", "")
	doc = append(doc, findingSections(v)...)
	doc = append(doc, piece{note: true})
	doc = append(doc, listingSections(v)...)
	doc = append(doc, attestationSections(v)...)
	doc = append(doc, checklistSection(v)...)
	if impact != nil {
		var b strings.Builder
		impact.writeMarkdown(&b)
		doc = append(doc, piece{text: b.String(), optional: true})
	}
	doc = append(doc, piece{text: nextSteps(v, "\n#### What happens next\n\n", "- ")})
	for _, f := range fixes {
		doc = append(doc, piece{text: f.Markdown(), optional: true})
	}
	return doc.fit(ghlimit.BodyChars, inChars)
}

// reapplications are the lines that tell the reviewer a file applies
// again for a removed application: which, when and why it was removed.
func reapplications(v program.Verdict) []string {
	var out []string
	for _, f := range v.Files {
		r := f.Reapplies
		if r == nil {
			continue
		}
		out = append(out, fmt.Sprintf("- %s is a re-application of %s, removed on %s for %s by %s (%s): its name, App ID and company are this file's again.\n",
			markdown.Code(f.Path), markdown.Code(r.Slug), r.Removed.At, markdown.Escape(r.Removed.Reason), markdown.Escape(r.Removed.By), markdown.Code(r.Path)))
	}
	return out
}

// section appends a section of items to b; nothing when there are none.
func (b body) section(header string, items []string, noun, path string) body {
	if len(items) == 0 {
		return b
	}
	return append(b, piece{text: header, items: items, noun: noun, path: path})
}

// findingSections are the findings of each file, as a Markdown table per
// file, one row per finding.
func findingSections(v program.Verdict) body {
	var out body
	for _, f := range v.Files {
		var rows []string
		for _, x := range f.Findings {
			mark := "✘"
			if x.Severity == application.SeverityWarning {
				mark = "ℹ"
			}
			field := "–"
			if x.Path != "" {
				field = markdown.Code(x.Path)
			}
			text := markdown.Escape(x.Message)
			if r, ok := policy.Lookup(x.Rule); ok {
				for _, q := range r.Quotes() {
					text += fmt.Sprintf("<br>_%s:_ “%s”", q.Source, markdown.Escape(q.Sentence))
				}
			}
			rows = append(rows, fmt.Sprintf("| %s | %d | %s | %s | %s |\n", mark, x.Line, field, markdown.Code(x.Rule), text))
		}
		header := fmt.Sprintf("\n#### %s\n\n| | line | field | rule | finding |\n|---|---|---|---|---|\n", markdown.Code(f.Path))
		out = out.section(header, rows, "finding", f.Path)
	}
	return out
}

// nextSteps writes what happens next under title, one line per step, each
// starting with bullet; "" when the verdict has none.
func nextSteps(v program.Verdict, title, bullet string) string {
	if len(v.Next) == 0 {
		return ""
	}
	var b strings.Builder
	b.WriteString(title)
	for _, n := range v.Next {
		fmt.Fprintf(&b, "%s%s\n", bullet, markdown.Escape(n))
	}
	return b.String()
}

// CheckOutput is the title, summary and text of the connectbot check run.
type CheckOutput struct {
	Title, Summary string
	// Text lists every finding, as the comment does, for a reader of the
	// check alone ("" when there are none).
	Text string
}

// Check renders the check's title, summary and text for a verdict: the
// summary has one line per file and what happens next, the text the
// findings of each file. Summary and text are each at most
// ghlimit.CheckOutputBytes bytes, cut as the comment is: whole lines, and
// a line saying how many files or findings were left out.
func Check(v program.Verdict) CheckOutput {
	var lines []string
	for _, f := range v.Files {
		lines = append(lines, fmt.Sprintf("- %s %s (%s): %s\n", fileMark(f), markdown.Code(f.Path), f.Kind, counts(f)))
	}
	summary := body{}.section("", lines, "file", "")
	summary = append(summary, piece{note: true}, piece{text: annotationsNote(v)}, piece{text: nextSteps(v, "\n", "")})
	text := append(findingSections(v), piece{note: true})
	return CheckOutput{
		Title:   headline(v),
		Summary: summary.fit(ghlimit.CheckOutputBytes, inBytes),
		Text:    strings.TrimPrefix(text.fit(ghlimit.CheckOutputBytes, inBytes), "\n"),
	}
}

// Annotation is one finding placed on a line of a file.
type Annotation struct {
	Path    string
	Line    int
	Column  int
	Level   string // "failure" or "warning"
	Title   string
	Message string
}

// annotationsNote says, when the check marks only some findings on their
// lines (v.MaxAnnotations), how many of them and where to see them all;
// "" when it marks every one.
func annotationsNote(v program.Verdict) string {
	all := 0
	var paths []string
	for _, f := range v.Files {
		if len(f.Findings) > 0 {
			paths = append(paths, f.Path)
		}
		all += len(f.Findings)
	}
	shown := len(Annotations(v))
	if shown == all {
		return ""
	}
	return fmt.Sprintf("\nThe check marks %d of the %d findings on their lines, errors first; %d more are not marked: run `%s` to see them all.\n",
		shown, all, all-shown, validateCommand(paths))
}

// Annotations returns one annotation per finding, on the line it is about,
// errors first, then by file and line, at most v.MaxAnnotations of them
// (every one when it is 0); each within GitHub's limits: a title of at
// most ghlimit.AnnotationTitleChars characters and a message of at most
// ghlimit.AnnotationMessageBytes bytes, each cut at a character and ended
// with "…" when longer.
func Annotations(v program.Verdict) []Annotation {
	out := annotations(v)
	slices.SortStableFunc(out, func(a, b Annotation) int {
		return cmp.Or(cmp.Compare(levelRank[a.Level], levelRank[b.Level]), cmp.Compare(a.Path, b.Path), cmp.Compare(a.Line, b.Line))
	})
	if v.MaxAnnotations > 0 && len(out) > v.MaxAnnotations {
		out = out[:v.MaxAnnotations]
	}
	return out
}

// levelRank orders annotation levels, most severe first.
var levelRank = map[string]int{"failure": 0, "warning": 1}

// annotations is one annotation per finding, in the verdict's order.
func annotations(v program.Verdict) []Annotation {
	var out []Annotation
	for _, f := range v.Files {
		for _, x := range f.Findings {
			level := "failure"
			if x.Severity == application.SeverityWarning {
				level = "warning"
			}
			msg := x.Message
			if r, ok := policy.Lookup(x.Rule); ok {
				for _, q := range r.Quotes() {
					msg += "\n\n" + q.Source + ": “" + q.Sentence + "”"
				}
			}
			out = append(out, Annotation{
				Path: f.Path, Line: max(x.Line, 1), Column: max(x.Column, 1), Level: level,
				Title:   ghlimit.CutChars(annotationTitle(x), ghlimit.AnnotationTitleChars),
				Message: ghlimit.CutBytes(msg, ghlimit.AnnotationMessageBytes),
			})
		}
	}
	return out
}

// annotationTitle is the title of the annotation of finding x: its rule,
// then the path of the field, when it names one.
func annotationTitle(x application.Finding) string {
	if x.Path == "" {
		return x.Rule
	}
	return x.Rule + " " + x.Path
}

func headline(v program.Verdict) string {
	errors, warnings, bad := 0, 0, 0
	for _, f := range v.Files {
		e := f.Errors()
		errors += e
		warnings += len(f.Findings) - e
		if e > 0 {
			bad++
		}
	}
	if errors == 0 && v.Conclusion == program.ConclusionFailure {
		// Nothing in the files is wrong, the pull request is (its base
		// branch, a branch not read): what happens next says what.
		return "✘ not mergeable as it is: see what happens next"
	}
	if errors == 0 {
		s := fmt.Sprintf("✔ %s pass", application.Plural(len(v.Files), "file"))
		if len(v.Files) == 1 {
			s = "✔ 1 file passes"
		}
		if warnings > 0 {
			s += fmt.Sprintf(", %s", application.Plural(warnings, "note"))
		}
		return s
	}
	return fmt.Sprintf("✘ %s in %d of %s", application.Plural(errors, "error"), bad, application.Plural(len(v.Files), "file"))
}

func fileMark(f program.FileVerdict) string {
	switch {
	case f.Errors() > 0:
		return "✘"
	case len(f.Findings) > 0:
		return "ℹ"
	}
	return "✔"
}

func counts(f program.FileVerdict) string {
	e := f.Errors()
	w := len(f.Findings) - e
	switch {
	case e == 0 && w == 0:
		return "passes"
	case e == 0:
		return "passes; " + application.Plural(w, "note")
	case w == 0:
		return application.Plural(e, "error")
	}
	return application.Plural(e, "error") + ", " + application.Plural(w, "note")
}
