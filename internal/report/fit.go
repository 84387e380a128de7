package report

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/connectbot/connectbot/internal/application"
	"github.com/connectbot/connectbot/internal/ghlimit"
)

// piece is one part of a body that may have to be shortened to fit one of
// GitHub's limits. A piece is fixed text, optional text, a section (a
// header and items, each item one whole line) or the place of the line
// saying what was left out.
type piece struct {
	// text is fixed text, optional text, or a section's header; a header
	// is written only with at least one of its items.
	text string
	// items are the section's lines; they are left out from the last one
	// backwards, never cut.
	items []string
	// noun is what an item is, in the singular: "finding" or "file".
	noun string
	// path is the file the items are about, named in the note.
	path string
	// optional text is left out, whole, when it and the fixed text do not
	// fit together.
	optional bool
	// note marks where the line about what was left out goes.
	note bool
}

// body is a document as pieces, in order.
type body []piece

// measure is how GitHub counts the size of a field, and how to cut text
// to a size in that unit.
type measure struct {
	size func(string) int
	cut  func(string, int) string
}

// The two units GitHub counts in.
var (
	inChars = measure{size: ghlimit.Chars, cut: ghlimit.CutChars}
	inBytes = measure{size: ghlimit.Bytes, cut: ghlimit.CutBytes}
)

// fit renders b within limit, measured by m. Fixed pieces are always kept;
// optional ones if they fit with them; then items in order while they fit,
// leaving room for one line that says how many findings (or files) were
// left out and that `connectbot validate` prints them all. If the fixed
// pieces alone do not fit, the result is cut at the last whole line that
// does.
func (b body) fit(limit int, m measure) string {
	if full := b.render(b.items(), true); m.size(full) <= limit {
		return full
	}
	withOptional := m.size(b.render(0, true))+m.size(b.note(0)) <= limit
	// Take the most items that leave room for the note as it reads with
	// every item left out; the note that names fewer files or smaller
	// counts may be longer, so then take fewer until it fits.
	budget := limit - m.size(b.render(0, withOptional)) - m.size(b.note(0))
	shown := 0
fill:
	for _, p := range b {
		for j, item := range p.items {
			cost := m.size(item)
			if j == 0 {
				cost += m.size(p.text)
			}
			if cost > budget {
				break fill
			}
			budget -= cost
			shown++
		}
	}
	for ; shown >= 0; shown-- {
		if out := b.render(shown, withOptional); m.size(out) <= limit {
			return out
		}
	}
	return cutLines(b.render(0, withOptional), limit, m, "\n"+ghlimit.Ellipsis+" cut here: GitHub takes no more.\n")
}

// items counts the items of every section.
func (b body) items() int {
	n := 0
	for _, p := range b {
		n += len(p.items)
	}
	return n
}

// render writes b with its first shown items, the optional pieces if
// optional, and the note if items were left out.
func (b body) render(shown int, optional bool) string {
	var out strings.Builder
	left := shown
	for _, p := range b {
		switch {
		case p.note:
			out.WriteString(b.note(shown))
		case p.items != nil:
			n := min(left, len(p.items))
			left -= n
			if n == 0 {
				continue
			}
			out.WriteString(p.text)
			for _, item := range p.items[:n] {
				out.WriteString(item)
			}
		case p.optional && !optional:
		default:
			out.WriteString(p.text)
		}
	}
	return out.String()
}

// maxNamedFiles is how many files the note names in its validate command;
// with more it names none, and the command checks every application.
const maxNamedFiles = 3

// plainPath is a path a shell takes as one word without quotes.
var plainPath = regexp.MustCompile(`^[A-Za-z0-9._/-]+\.cue$`)

// note is the line saying what is left out when only the first shown
// items are written; "" when nothing is.
func (b body) note(shown int) string {
	var nouns []string
	counts := map[string]int{}
	var paths []string
	seen := map[string]bool{}
	left := shown
	for _, p := range b {
		skip := min(left, len(p.items))
		left -= skip
		for range p.items[skip:] {
			if counts[p.noun] == 0 {
				nouns = append(nouns, p.noun)
			}
			counts[p.noun]++
			if p.path != "" && !seen[p.path] {
				seen[p.path] = true
				paths = append(paths, p.path)
			}
		}
	}
	if len(nouns) == 0 {
		return ""
	}
	var what []string
	for _, n := range nouns {
		what = append(what, application.Plural(counts[n], "more "+n))
	}
	return fmt.Sprintf("\n%s and %s not shown here: run `%s` to see them all.\n", ghlimit.Ellipsis, strings.Join(what, " and "), validateCommand(paths))
}

// validateCommand is the `connectbot validate` command that prints every
// finding of the files at paths: it names them when they are few and
// plain, else it checks every application.
func validateCommand(paths []string) string {
	cmd := "connectbot validate"
	if len(paths) > maxNamedFiles {
		return cmd
	}
	for _, p := range paths {
		if !plainPath.MatchString(p) {
			return "connectbot validate"
		}
		cmd += " " + p
	}
	return cmd
}

// cutLines cuts s to its longest run of whole lines that fits in limit
// with note after it, as measured by m; a first line too long for the limit
// is cut within, at a character.
func cutLines(s string, limit int, m measure, note string) string {
	if m.size(s) <= limit {
		return s
	}
	room := limit - m.size(note)
	if room <= 0 {
		return ""
	}
	end, used := 0, 0
	for end < len(s) {
		line := s[end:]
		if i := strings.IndexByte(line, '\n'); i >= 0 {
			line = line[:i+1]
		}
		n := m.size(line)
		if used+n > room {
			break
		}
		used += n
		end += len(line)
	}
	if end == 0 {
		return m.cut(s, room) + note
	}
	return s[:end] + note
}

// FitComment returns body if GitHub takes it as the body of a comment, an
// issue or a pull request (at most ghlimit.BodyChars characters), and
// otherwise its longest run of whole lines that fits, with a last line
// saying it was cut. It is the last line of defence for bodies whose
// builders do not shorten them by findings, as PRComment does; a cut may
// leave a Markdown block (a table, a quote) unclosed, never a character
// half written.
func FitComment(body string) string {
	return cutLines(body, ghlimit.BodyChars, inChars,
		fmt.Sprintf("\n%s cut here: GitHub takes at most %d characters in a comment.\n", ghlimit.Ellipsis, ghlimit.BodyChars))
}
