// Package plaintext makes text an integrator wrote safe to put where
// GitHub and git show plain text: titles of pull requests and issues,
// commit messages. It owns what such text may hold — one line where one
// line is shown, no control characters, no bidirectional overrides that
// make a reader see something other than what is stored — and how it is
// cut to GitHub's and git's limits. Markup is not its business: a caller
// that puts text into Markdown escapes it too.
package plaintext

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Limits, in characters (Unicode code points, as GitHub counts them).
const (
	// TitleMax is the longest title GitHub takes for a pull request or an
	// issue; a longer one is refused with a 422.
	TitleMax = 256
	// SubjectMax is the longest commit subject line by git's convention,
	// so that it shows whole in git log --oneline and in GitHub's lists.
	SubjectMax = 72
)

// ellipsis ends a line that was cut.
const ellipsis = "…"

// Line returns s as one line: every run of white space, line breaks
// included, becomes one space; control characters (C0, DEL, C1),
// bidirectional controls (U+202A–U+202E, U+2066–U+2069, the marks) and
// bytes that are not UTF-8 (and U+FFFD, which stands for them) are
// dropped; the ends are trimmed.
func Line(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	space := false
	for _, r := range s {
		switch {
		case unicode.IsSpace(r):
			space = b.Len() > 0
		case dropped(r):
		default:
			if space {
				b.WriteByte(' ')
				space = false
			}
			b.WriteRune(r)
		}
	}
	return b.String()
}

// Cut returns Line(s) in at most max characters: a longer line is cut,
// without the spaces before the cut, and ends with "…". A max below 1 gives "".
func Cut(s string, max int) string {
	line := Line(s)
	if utf8.RuneCountInString(line) <= max {
		return line
	}
	if max < 1 {
		return ""
	}
	n := 0
	for i := range line {
		if n == max-1 {
			return strings.TrimRightFunc(line[:i], unicode.IsSpace) + ellipsis
		}
		n++
	}
	return line // not reached: line has more than max characters
}

// Text returns s as lines for a commit message body or a log: line breaks
// (CR LF, CR, NEL, U+2028, U+2029, form feed, vertical tab) become "\n",
// other white space becomes a space, control characters, bidirectional
// controls and bytes that are not UTF-8 are dropped, and white space at
// the ends of each line and of the whole is trimmed.
func Text(s string) string {
	s = strings.ReplaceAll(s, "\r\n", "\n")
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		switch {
		case r == '\n' || r == '\r' || r == '\v' || r == '\f' || r == '\u0085' || r == '\u2028' || r == '\u2029':
			b.WriteByte('\n')
		case unicode.IsSpace(r):
			b.WriteByte(' ')
		case dropped(r):
		default:
			b.WriteRune(r)
		}
	}
	lines := strings.Split(b.String(), "\n")
	for i, l := range lines {
		lines[i] = strings.TrimRightFunc(l, unicode.IsSpace)
	}
	return strings.Trim(strings.Join(lines, "\n"), "\n ")
}

// dropped reports whether r never reaches a reader: a control character,
// a bidirectional control, or the replacement for a byte that is not
// UTF-8.
func dropped(r rune) bool {
	return unicode.IsControl(r) || unicode.Is(unicode.Bidi_Control, r) || r == utf8.RuneError
}
