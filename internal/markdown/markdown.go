// Package markdown makes text an integrator wrote inert where connectbot
// writes GitHub-flavoured Markdown: pull-request comments and bodies, check
// summaries, reminders on tracking issues, replies to comment commands. It
// is the one place that decides what such text may become: nothing but
// the characters it holds, on one line — no HTML, no links or images, no
// mentions or issue references, no emphasis, no code, no table cells, no
// headings or lists. It also holds the one table-cell escaper, Cell, for
// Markdown connectbot writes itself.
package markdown

import (
	"strings"

	"github.com/connectbot/connectbot/internal/plaintext"
)

// brk is an empty HTML comment: GitHub shows nothing for it, and it splits
// the text around it, so that "@login" is not a mention, "#12" not a
// reference and "https://" not a link. Unlike an invisible character, it
// leaves nothing in the text a reader copies: what they copy is exactly
// the characters they see.
const brk = "<!-- -->"

// escaper is built once: building a Replacer costs more than using it.
var escaper = strings.NewReplacer(
	// Backslash first in effect: a Replacer never rescans its output, so
	// the backslashes added below stay single.
	`\`, `\\`,
	// HTML, and entities that would spell it or a mention.
	"&", "&amp;", "<", "&lt;", ">", "&gt;",
	// Links, images, emphasis, strike-through, code, table cells.
	"[", `\[`, "]", `\]`, "!", `\!`, "*", `\*`, "_", `\_`, "~", `\~`, "`", "\\`", "|", `\|`,
	// A line that starts a heading, a list or a quote; "+" and "-" and
	// "1." only start one at the start of a line, which Escape breaks.
	"#", "#"+brk,
	// Mentions, team mentions and e-mail autolinks.
	"@", "@"+brk,
	// Bare links: GitHub links www. on its own, and a scheme's :// when an
	// address follows (see unlink).
	"www.", "www"+brk+".",
)

// Escape returns s as inert Markdown text on one line: white space and line
// breaks become single spaces, control and bidirectional characters are
// dropped (plaintext.Line), and every character GitHub would read as markup
// is escaped, so that s shows as the characters it holds and does nothing
// else. A line that would start a list, quote or numbered item starts with
// an escape.
func Escape(s string) string {
	out := unlink(escaper.Replace(plaintext.Line(s)))
	if out != "" && strings.ContainsRune("+-=", rune(out[0])) {
		out = `\` + out
	}
	if i := strings.IndexFunc(out, func(r rune) bool { return r < '0' || r > '9' }); i > 0 && (out[i] == '.' || out[i] == ')') {
		out = out[:i] + `\` + out[i:]
	}
	return out
}

// codeEscaper keeps a code span whole: a backtick would end it and a bar
// would end a table cell; backslash escapes do not work inside code, so a
// backtick becomes an apostrophe.
var codeEscaper = strings.NewReplacer("`", "'", "|", `\|`)

// Code returns s as a code span, `s`, on one line: for identifiers an
// integrator chose (a slug, a scope, a field path), shown verbatim. A
// backtick in s becomes an apostrophe and a bar is escaped for tables.
func Code(s string) string {
	return "`" + codeEscaper.Replace(plaintext.Line(s)) + "`"
}

// cellEscaper is built once, as escaper is.
var cellEscaper = strings.NewReplacer("|", `\|`, "<", "&lt;", "\r\n", " ", "\n", " ")

// Cell returns Markdown that connectbot wrote (the rules table's sentences,
// with their emphasis) as the text of one table cell: a pipe would end the
// cell, a line break the row, and "<slug>" would be read as an HTML tag.
// Text an integrator wrote goes through Escape or Code instead, which make
// it inert and keep it in its cell too.
func Cell(s string) string { return cellEscaper.Replace(s) }

// unlink breaks every "://" that an address follows, so that GitHub does
// not make a link of it; "https://" alone, as in advice, stays as written.
func unlink(s string) string {
	var b strings.Builder
	for {
		i := strings.Index(s, "://")
		if i < 0 {
			return b.String() + s
		}
		b.WriteString(s[:i+1])
		if rest := s[i+3:]; rest != "" && rest[0] != ' ' {
			b.WriteString(brk)
		}
		b.WriteString("//")
		s = s[i+3:]
	}
}

// Fence returns s as a fenced code block of language lang, shown verbatim
// and copied as it is: GitHub renders no markup, mention or link inside
// one. The fence is one backtick longer than the longest run of backticks
// in s (and at least three), so nothing in s can close it.
func Fence(lang, s string) string {
	longest, run := 0, 0
	for _, r := range s {
		if r == '`' {
			run++
			longest = max(longest, run)
		} else {
			run = 0
		}
	}
	fence := strings.Repeat("`", max(3, longest+1))
	return fence + lang + "\n" + strings.TrimRight(s, "\n") + "\n" + fence + "\n"
}
