package apply_test

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/connectbot/connectbot/internal/application"
	"github.com/connectbot/connectbot/internal/apply"
	"github.com/connectbot/connectbot/internal/golden"
	"github.com/connectbot/connectbot/internal/program"
)

// longName is an integration name of 300 characters, which the schema
// takes (a name has no length bound) and GitHub's titles do not.
var longName = "Acme " + strings.Repeat("Synchronisation ", 18) + strings.Repeat("x", 7)

func TestTitlesAndCommitMessagesAreOneBoundedLine(t *testing.T) {
	if n := utf8.RuneCountInString(longName); n != 300 {
		t.Fatalf("the long name has %d characters, want 300", n)
	}
	removal := program.Action{Kind: program.KindOpenRemovalPR, Slug: "acme-sync", Reason: "listing-overdue",
		Evidence: "accepted into beta on 2026-11-10; listing information was due on 2026-12-10 (30 days)"}
	tests := []struct {
		name   string
		action program.Action
		app    string // the integration name
	}{
		{"an ordinary name", removal, "Acme Sync"},
		{"a 300-character name is cut so that the slug and the reason show", removal, longName},
		{"line breaks, terminal escapes and bidirectional overrides are taken out", removal,
			"Acme\nSync\r\n\x1b[31mRED\x1b[0m \u202eexe.evil\u202c \u2066iso\u2069\x00"},
		{"a promotion with a long name", program.Action{Kind: program.KindPromote, Slug: "acme-sync", Reason: "installs-reached",
			Evidence: "installs 44 as of 2026-11-18 (recorded)\r\nreached the 40 needed\x07"}, longName},
		{"a launch with a name of emoji", program.Action{Kind: program.KindLaunch, Slug: "acme-sync", Reason: "launch-date",
			Evidence: "approved; launches on 2027-01-15"}, strings.Repeat("🚀", 300)},
	}
	var out strings.Builder
	for _, tt := range tests {
		app := &application.Application{Integration: application.Integration{Name: tt.app}}
		title, issue, msg := apply.Title(tt.action, app), apply.IssueTitle(app), apply.Message(tt.action, app)
		subject, _, _ := strings.Cut(msg, "\n")
		for what, limit := range map[string]struct {
			s   string
			max int
		}{"title": {title, 256}, "issue title": {issue, 256}, "commit subject": {subject, 72}} {
			if n := utf8.RuneCountInString(limit.s); n > limit.max {
				t.Errorf("%s: %s has %d characters, over %d: %q", tt.name, what, n, limit.max, limit.s)
			}
			if strings.ContainsFunc(limit.s, func(r rune) bool { return unicode.IsControl(r) || unicode.Is(unicode.Bidi_Control, r) }) {
				t.Errorf("%s: %s holds a control character: %q", tt.name, what, limit.s)
			}
		}
		if strings.ContainsFunc(msg, func(r rune) bool { return r != '\n' && (unicode.IsControl(r) || unicode.Is(unicode.Bidi_Control, r)) }) {
			t.Errorf("%s: commit message holds a control character: %q", tt.name, msg)
		}
		fmt.Fprintf(&out, "## %s\ntitle (%d): %s\nissue (%d): %s\ncommit:\n%s\n", tt.name,
			utf8.RuneCountInString(title), title, utf8.RuneCountInString(issue), issue, msg)
	}
	golden.Check(t, filepath.Join("testdata", "titles.golden"), out.String())
}
