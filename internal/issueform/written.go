package issueform

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/width"
)

// How people write answers: with an East Asian input method, which types
// full-width digits and punctuation, and in Markdown, which GitHub's
// text boxes invite (lists, tables, code). What an answer means is read
// from it here; what it says stays as written.

// narrow returns s with its full-width forms — digits, "+", the
// ideographic space — as their ASCII ones: for answers made of digits,
// such as a count, an App ID or a phone number.
func narrow(s string) string { return width.Narrow.String(s) }

// ungroup returns a whole number written with its digits in groups of
// three, "1,200", "1.200", "1 200" or "1'200", as its digits alone; any
// other answer as it is. One separator between every group, the same
// throughout: "1,2" and "1.200,5" are no whole numbers.
func ungroup(s string) string {
	sep, _ := utf8.DecodeRuneInString(strings.TrimLeftFunc(s, unicode.IsDigit))
	if !strings.ContainsRune(",. '’\u00a0\u202f", sep) {
		return s
	}
	groups := strings.Split(s, string(sep))
	for i, g := range groups {
		if g == "" || len(g) > 3 || i > 0 && len(g) != 3 || strings.TrimLeftFunc(g, unicode.IsDigit) != "" {
			return s
		}
	}
	return strings.Join(groups, "")
}

// items reads an answer of one item a line, as people write lists: blank
// lines and code fences are left out, and so are a Markdown table's
// delimiter row and the heading row above it; a list marker ("- ", "* ",
// "+ ", "1. ", "1) ") before an item is removed.
func items(answer string) []string {
	var out []string
	table := false // the last item is a table row
	for _, line := range strings.Split(answer, "\n") {
		line = strings.TrimSpace(line)
		switch {
		case line == "" || strings.HasPrefix(line, "```"):
			continue
		case delimiterRow(line):
			if table {
				out = out[:len(out)-1] // the table's heading
			}
			table = false
			continue
		}
		out = append(out, unbullet(line))
		table = strings.HasPrefix(line, "|")
	}
	return out
}

// delimiterRow reports whether line is the row under a Markdown table's
// heading, like "|---|:---:|".
func delimiterRow(line string) bool {
	return strings.Contains(line, "|") && strings.Contains(line, "-") && strings.Trim(line, "|-: ") == ""
}

// unbullet removes a list marker from the start of line.
func unbullet(line string) string {
	for _, m := range []string{"- ", "* ", "+ "} {
		if rest, ok := strings.CutPrefix(line, m); ok {
			return strings.TrimSpace(rest)
		}
	}
	digits := strings.TrimLeftFunc(line, unicode.IsDigit)
	if len(digits) < len(line) && (strings.HasPrefix(digits, ". ") || strings.HasPrefix(digits, ") ")) {
		return strings.TrimSpace(digits[2:])
	}
	return line
}

// nameAndReason splits one scope item into its name and its reason: at
// the first colon, full-width or not, or between a table row's first
// cell and the rest. A name written as code or in bold is read without
// the marks.
func nameAndReason(item string) (name, reason string, ok bool) {
	if row, isRow := strings.CutPrefix(item, "|"); isRow {
		cells := strings.Split(strings.TrimSuffix(row, "|"), "|")
		if len(cells) < 2 {
			return "", "", false
		}
		name, reason = cells[0], strings.Join(cells[1:], "|")
	} else {
		i := strings.IndexAny(item, ":：")
		if i < 0 {
			return "", "", false
		}
		name, reason = item[:i], strings.TrimPrefix(strings.TrimPrefix(item[i:], ":"), "：")
	}
	name = strings.Trim(strings.TrimSpace(name), "`*")
	reason = strings.TrimSpace(reason)
	return name, reason, name != "" && reason != ""
}

// unseen says where the answer to the question labelled label holds a
// character that does not show — a control or format character, such as
// the direction marks text pasted from another program often carries —
// for a refusal to add: its author cannot find it by reading the answer.
// It is "" when the answer holds none.
func (b *builder) unseen(label string) string {
	for _, f := range b.form() {
		if f.Label != label {
			continue
		}
		for i, r := range []rune(b.a.Value(f.ID)) {
			if r != '\n' && (unicode.Is(unicode.Cc, r) || unicode.Is(unicode.Cf, r)) {
				return fmt.Sprintf(". The answer holds a character that does not show, U+%04X, as its character %d: type the answer again rather than pasting it", r, i+1)
			}
		}
	}
	return ""
}

// unnamed is a schema's message about the field at path without the
// field's name it opens with ("appId must be …" is "must be …"): the
// applicant reads it beside the question, and never saw the file's names.
func unnamed(msg, path string) string {
	name, rest, ok := strings.Cut(msg, " ")
	if !ok || !(path == name || strings.HasSuffix(path, "."+name)) {
		return msg
	}
	return rest
}

// login is a GitHub login as people give one: "@acme-dev", or the address
// of its profile, "https://github.com/acme-dev", with or without the
// scheme and the closing slash.
func login(s string) string {
	s = strings.TrimPrefix(strings.TrimPrefix(s, "https://"), "http://")
	s = strings.TrimSuffix(strings.TrimPrefix(s, "github.com/"), "/")
	return strings.TrimPrefix(s, "@")
}
