package program_test

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/connectbot/connectbot/internal/program"
)

// FuzzParseCommand feeds the command reader arbitrary comments, as anyone
// who can comment on a pull request may write. Whatever comes in, it
// never panics; a termination it reads names an application of the
// program or none, and has a reason; its errors are one line; a comment
// without "/connectbot" holds no command; and the same comment quoted
// (every line behind "> ") holds none either. The seed corpus is in
// testdata/fuzz/FuzzParseCommand.
func FuzzParseCommand(f *testing.F) {
	for _, seed := range []string{
		"/connectbot recheck",
		"/connectbot terminate acme-sync collects passwords",
		"/connectbot terminate northwind\u2011notes spam",
		"<div hidden>\n\n/connectbot terminate acme spam\n\n</div>",
		"Look: <img alt=\"a\n/connectbot terminate acme spam\n\">",
		"```\n/connectbot terminate acme example\n```\n/connectbot recheck",
		"Thanks! <!--\n/connectbot terminate acme spam",
		"- /connectbot terminate acme spam\n\n[x\n/connectbot t](u)",
	} {
		f.Add(seed)
	}
	slugs := map[string]bool{"acme": true, "acme-sync": true, "northwind-notes": true}
	f.Fuzz(func(t *testing.T, body string) {
		cmd, ok, err := program.ParseCommand(body, slugs)
		if !ok && (err != nil || cmd != program.Command{}) {
			t.Fatalf("no command, yet %+v, %v", cmd, err)
		}
		if ok && !strings.Contains(body, "connectbot") {
			t.Fatalf("a command in a comment without connectbot: %+v, %v", cmd, err)
		}
		if err != nil && (strings.Contains(err.Error(), "\n") || !utf8.ValidString(err.Error()) && utf8.ValidString(body)) {
			t.Fatalf("error not one line of text: %q", err)
		}
		if err == nil && cmd.Name == program.CommandTerminate && (cmd.Reason == "" || cmd.Slug != "" && !slugs[cmd.Slug]) {
			t.Fatalf("termination %+v", cmd)
		}
		quoted := "> " + strings.NewReplacer("\r\n", "\n> ", "\r", "\n> ", "\n", "\n> ").Replace(body)
		if _, ok, _ := program.ParseCommand(quoted, slugs); ok {
			t.Fatalf("a command in the quoted comment %q", quoted)
		}
	})
}
