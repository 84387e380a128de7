package report

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/connectbot/connectbot/internal/application"
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
// and the policy sentence behind it, the impact of a change to program.cue
// when there is one (nil when the pull request does not touch it), and
// what happens next.
func PRComment(v program.Verdict, impact *Impact) string {
	var b strings.Builder
	b.WriteString(CommentMarker + "\n")
	if v.BaseSHA != "" {
		fmt.Fprintf(&b, judgedMarker+"\n", v.BaseSHA, v.HeadSHA)
	}
	fmt.Fprintf(&b, "### connectbot: %s\n\n", headline(v))
	if v.BaseSHA != "" {
		fmt.Fprintf(&b, "Judged commit `%s` as merged into the base branch at `%s`, with the base branch's schema and `program.cue`.\n\n", v.HeadSHA, v.BaseSHA)
	} else {
		fmt.Fprintf(&b, "Judged commit `%s` against the base branch's schema and `program.cue`.\n\n", v.HeadSHA)
	}
	if len(v.Files) > 0 {
		b.WriteString("| | file | change | stage | result |\n|---|---|---|---|---|\n")
		for _, f := range v.Files {
			stage := string(f.Stage)
			if stage == "" {
				stage = "–"
			}
			fmt.Fprintf(&b, "| %s | `%s` | %s | %s | %s |\n", fileMark(f), escapeCode(f.Path), f.Kind, stage, counts(f))
		}
	}
	for _, f := range v.Files {
		if len(f.Findings) == 0 {
			continue
		}
		fmt.Fprintf(&b, "\n#### `%s`\n\n| | line | field | rule | finding |\n|---|---|---|---|---|\n", escapeCode(f.Path))
		for _, x := range f.Findings {
			mark := "✘"
			if x.Severity == application.SeverityWarning {
				mark = "ℹ"
			}
			field := "–"
			if x.Path != "" {
				field = "`" + escapeCode(x.Path) + "`"
			}
			text := escapeMarkdown(x.Message)
			if r, ok := policy.Lookup(x.Rule); ok {
				text += fmt.Sprintf("<br>_%s:_ “%s”", r.Source, escapeMarkdown(r.Sentence))
			}
			fmt.Fprintf(&b, "| %s | %d | %s | `%s` | %s |\n", mark, x.Line, field, x.Rule, text)
		}
	}
	if impact != nil {
		impact.writeMarkdown(&b)
	}
	if len(v.Next) > 0 {
		b.WriteString("\n#### What happens next\n\n")
		for _, n := range v.Next {
			fmt.Fprintf(&b, "- %s\n", escapeMarkdown(n))
		}
	}
	return b.String()
}

// CheckOutput is the title and summary of the connectbot check run.
type CheckOutput struct {
	Title, Summary string
}

// Check renders the check's title and summary for a verdict.
func Check(v program.Verdict) CheckOutput {
	var b strings.Builder
	for _, f := range v.Files {
		fmt.Fprintf(&b, "- %s `%s` (%s): %s\n", fileMark(f), escapeCode(f.Path), f.Kind, counts(f))
	}
	if len(v.Next) > 0 {
		b.WriteString("\n")
		for _, n := range v.Next {
			fmt.Fprintf(&b, "%s\n", escapeMarkdown(n))
		}
	}
	return CheckOutput{Title: headline(v), Summary: b.String()}
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

// Annotations returns one annotation per finding, on the line it is about.
func Annotations(v program.Verdict) []Annotation {
	var out []Annotation
	for _, f := range v.Files {
		for _, x := range f.Findings {
			level := "failure"
			if x.Severity == application.SeverityWarning {
				level = "warning"
			}
			msg := x.Message
			if r, ok := policy.Lookup(x.Rule); ok {
				msg += "\n\n" + r.Source + ": “" + r.Sentence + "”"
			}
			title := x.Rule
			if x.Path != "" {
				title += " " + x.Path
			}
			out = append(out, Annotation{Path: f.Path, Line: max(x.Line, 1), Column: max(x.Column, 1), Level: level, Title: title, Message: msg})
		}
	}
	return out
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
	if errors == 0 {
		s := fmt.Sprintf("✔ %s pass", plural(len(v.Files), "file"))
		if len(v.Files) == 1 {
			s = "✔ 1 file passes"
		}
		if warnings > 0 {
			s += fmt.Sprintf(", %s", plural(warnings, "note"))
		}
		return s
	}
	return fmt.Sprintf("✘ %s in %d of %s", plural(errors, "error"), bad, plural(len(v.Files), "file"))
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
		return "passes; " + plural(w, "note")
	case w == 0:
		return plural(e, "error")
	}
	return plural(e, "error") + ", " + plural(w, "note")
}

// escapeMarkdown makes untrusted text inert in a GitHub comment: no HTML,
// no table breaks, no links or images, no mentions, no emphasis.
func escapeMarkdown(s string) string {
	r := strings.NewReplacer(
		"\\", "\\\\", "|", "\\|", "<", "&lt;", ">", "&gt;", "[", "\\[", "]", "\\]",
		"*", "\\*", "_", "\\_", "`", "\\`", "@", "@\u200b", "#", "\\#", "!", "\\!",
		"\r", " ", "\n", " ",
	)
	return r.Replace(s)
}

// escapeCode makes text safe inside `code`: no backticks, no table breaks.
func escapeCode(s string) string {
	return strings.NewReplacer("`", "'", "|", "\\|", "\n", " ", "\r", " ").Replace(s)
}
