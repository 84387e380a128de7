package program_test

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/connectbot/connectbot/internal/application"
	"github.com/connectbot/connectbot/internal/program"
)

func TestParseCommand(t *testing.T) {
	slugs := map[string]bool{"acme": true, "acme-sync": true, "northwind-notes": true}
	tests := []struct {
		name    string
		body    string
		want    program.Command
		wantOK  bool
		wantErr string
	}{
		{"a plain comment holds no command", "Looks good to me!", program.Command{}, false, ""},
		{"recheck", "/connectbot recheck", program.Command{Name: "recheck"}, true, ""},
		{"a command on a later line", "Thanks.\n\n  /connectbot recheck  \n", program.Command{Name: "recheck"}, true, ""},
		{"terminate with a slug and a reason", "/connectbot terminate acme repeated data-handling violations",
			program.Command{Name: "terminate", Slug: "acme", Reason: "repeated data-handling violations"}, true, ""},
		{"terminate without a slug takes the whole line as reason", "/connectbot terminate spam reports",
			program.Command{Name: "terminate", Reason: "spam reports"}, true, ""},
		{"terminate naming a slug not in the program is refused, never read as the reason", "/connectbot terminate acme-synk spam reports",
			program.Command{}, true, `there is no application "acme-synk" in the program (did you mean acme-sync?)`},
		{"terminate naming another application in the program names it", "/connectbot terminate northwind-notes spam reports",
			program.Command{Name: "terminate", Slug: "northwind-notes", Reason: "spam reports"}, true, ""},
		{"terminate with a one-word reason takes it as the reason", "/connectbot terminate fraud",
			program.Command{Name: "terminate", Reason: "fraud"}, true, ""},
		{"terminate with a short one-word reason near no slug takes it as the reason", "/connectbot terminate spam",
			program.Command{Name: "terminate", Reason: "spam"}, true, ""},
		{"terminate without a reason is refused", "/connectbot terminate acme", program.Command{}, true, "needs a reason"},
		{"an unknown command is refused", "/connectbot merge", program.Command{}, true, `unknown command "merge"`},
		{"a bare prefix is refused", "/connectbot", program.Command{}, true, "say what to do"},
		{"a longer word is not the prefix", "/connectbotx recheck", program.Command{}, false, ""},
		{"the prefix mid-line is not a command", "please run /connectbot recheck", program.Command{}, false, ""},
		{"a command quoted in a reply is not a command", "> /connectbot terminate acme spam reports\n\nWhy?", program.Command{}, false, ""},
		{"a command in a fenced code block is an example, not a command",
			"To end a participation, write:\n\n```\n/connectbot terminate acme <reason>\n```\n", program.Command{}, false, ""},
		{"a command in a tilde fence with an info string is an example",
			"~~~~text\n/connectbot terminate acme spam\n~~~\nstill in the fence\n/connectbot terminate acme spam\n~~~~\n", program.Command{}, false, ""},
		{"a command in an unclosed fence is an example", "```\n/connectbot terminate acme spam", program.Command{}, false, ""},
		{"a command in an indented code block is an example", "Like this:\n\n    /connectbot terminate acme spam\n", program.Command{}, false, ""},
		{"a command in a tab-indented code block is an example", "\t/connectbot terminate acme spam\n", program.Command{}, false, ""},
		{"a command hidden in an HTML comment is not a command", "Thanks!\n<!--\n/connectbot terminate acme spam\n-->\n", program.Command{}, false, ""},
		{"a command in an unclosed HTML comment is not a command", "Thanks! <!--\n/connectbot terminate acme spam", program.Command{}, false, ""},
		{"a command in an HTML comment within a paragraph is not a command", "Thanks <!-- x\n/connectbot terminate acme spam\n--> bye", program.Command{}, false, ""},
		{"a command after an HTML comment counts", "<!-- note -->\n/connectbot recheck", program.Command{Name: "recheck"}, true, ""},
		{"a command after a closed fence counts", "```\n/connectbot terminate acme example\n```\n/connectbot recheck",
			program.Command{Name: "recheck"}, true, ""},
		{"a command in a <pre> block is an example", "<pre>\n/connectbot terminate acme spam\n</pre>", program.Command{}, false, ""},
		{"a command in a <code> block is an example", "<code>\n/connectbot terminate acme spam\n</code>", program.Command{}, false, ""},
		{"a command in <code> within a paragraph is an example", "See\n<code>\n/connectbot terminate acme spam\n</code>", program.Command{}, false, ""},
		{"a command in a hidden <div> is hidden", "<div hidden>\n/connectbot terminate acme spam\n</div>", program.Command{}, false, ""},
		{"a paragraph a hidden <div> wraps is hidden", "<div hidden>\n\n/connectbot terminate acme spam\n\n</div>", program.Command{}, false, ""},
		{"a paragraph in a collapsed <details> is hidden", "<details><summary>More</summary>\n\n/connectbot terminate acme spam\n\n</details>", program.Command{}, false, ""},
		{"a command after the wrapping element closes counts", "<details>\n\nhidden\n\n</details>\n\n/connectbot recheck", program.Command{Name: "recheck"}, true, ""},
		{"a command in a hidden <span> within a paragraph is hidden", "Thanks\n<span hidden>\n/connectbot terminate acme spam\n</span>", program.Command{}, false, ""},
		{"a command in a multi-line <img alt> is hidden", "Look: <img alt=\"a\n/connectbot terminate acme spam\n\" src=\"x.png\">", program.Command{}, false, ""},
		{"a command after an <img> counts", "<img src=\"x.png\">\n\n/connectbot recheck", program.Command{Name: "recheck"}, true, ""},
		{"a command in an inline code span is an example", "`/connectbot terminate acme spam`", program.Command{}, false, ""},
		{"a command in a code span across lines is an example", "`\n/connectbot terminate acme spam\n`", program.Command{}, false, ""},
		{"a command as link text is not a command", "[/connectbot terminate acme spam](https://example.com)", program.Command{}, false, ""},
		{"a command as link text across lines is not a command", "[\n/connectbot terminate acme spam\n](https://example.com)", program.Command{}, false, ""},
		{"a command as image text is not a command", "![/connectbot terminate acme spam](x.png)", program.Command{}, false, ""},
		{"a command in a list item is not a command: only top-level paragraphs hold commands", "- /connectbot terminate acme spam", program.Command{}, false, ""},
		{"a command in a numbered list item is not a command", "1. /connectbot terminate acme spam", program.Command{}, false, ""},
		{"a command as a heading is not a command", "# /connectbot terminate acme spam", program.Command{}, false, ""},
		{"a command in a table is not a command", "| a |\n|---|\n| /connectbot terminate acme spam |", program.Command{}, false, ""},
		{"a struck-out command is withdrawn", "~~/connectbot terminate acme spam~~", program.Command{}, false, ""},
		{"an emphasised command is seen as one", "**/connectbot recheck**", program.Command{Name: "recheck"}, true, ""},
		{"a command written with an entity is what a reader sees", "&#47;connectbot recheck", program.Command{Name: "recheck"}, true, ""},
		{"an escaped slash is what a reader sees", "\\/connectbot recheck", program.Command{Name: "recheck"}, true, ""},
		{"a command on a line after a hard break counts", "Done.\\\n/connectbot recheck", program.Command{Name: "recheck"}, true, ""},
		{"a command line holding code is refused, not carried out", "/connectbot terminate acme `spam`", program.Command{}, true, "plain words"},
		{"a command line holding a link is refused", "/connectbot terminate acme see [this](https://example.com)", program.Command{}, true, "plain words"},
		{"a command line holding HTML is refused", "/connectbot terminate acme <span hidden>x</span> spam", program.Command{}, true, "plain words"},
		{"a bare address in a reason is plain text", "/connectbot terminate acme see https://example.com/report",
			program.Command{Name: "terminate", Slug: "acme", Reason: "see https://example.com/report"}, true, ""},
		{"a slug with a non-breaking hyphen is refused with the slug it looks like", "/connectbot terminate northwind\u2011notes spam",
			program.Command{}, true, `there is no application "northwind\u2011notes" in the program (did you mean northwind-notes?)`},
		{"a slug with a hyphen written as an entity is refused", "/connectbot terminate northwind&#x2011;notes spam",
			program.Command{}, true, "did you mean northwind-notes?"},
		{"a slug with an en dash is refused", "/connectbot terminate northwind\u2013notes spam", program.Command{}, true, "did you mean northwind-notes?"},
		{"a slug with a minus sign is refused", "/connectbot terminate northwind\u2212notes spam", program.Command{}, true, "did you mean northwind-notes?"},
		{"a slug with a Cyrillic letter is refused", "/connectbot terminate \u0430cme spam", program.Command{}, true, "did you mean acme?"},
		{"a slug in capitals is refused", "/connectbot terminate ACME spam", program.Command{}, true, "did you mean acme?"},
		{"a slug with a zero-width space is refused", "/connectbot terminate acme\u200b spam", program.Command{}, true, "did you mean acme?"},
		{"a dash alone is refused", "/connectbot terminate \u2014 spam", program.Command{}, true, "there is no application"},
		{"a one-word slug mistyped is refused", "/connectbot terminate acmee spam", program.Command{}, true, "did you mean acme?"},
		{"a hyphenated reason is refused with the nearest slugs", "/connectbot terminate self-dealing",
			program.Command{}, true, "did you mean "},
		{"a non-breaking space after the prefix still reads as a space", "/connectbot\u00a0recheck", program.Command{Name: "recheck"}, true, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok, err := program.ParseCommand(tt.body, slugs)
			if ok != tt.wantOK {
				t.Fatalf("ok = %v, want %v", ok, tt.wantOK)
			}
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("command (-want +got):\n%s", diff)
			}
		})
	}
}

func TestTerminate(t *testing.T) {
	now := date("2026-11-25")
	cmd := program.Command{Name: "terminate", Slug: "acme", Reason: "collects passwords"}
	beta := appFile("acme", nil)
	a, err := program.Terminate(cmd, "okafor-pm", 42, beta, prConfig, now)
	if err != nil {
		t.Fatal(err)
	}
	if a.Kind != program.KindOpenRemovalPR || a.Reason != program.ReasonTerminated || a.Rule != "connect/beta-8" ||
		a.Evidence != "terminated by @okafor-pm: collects passwords" || !strings.Contains(a.Clause, "reserve the right to terminate") ||
		a.Comment != 42 || a.Due != now {
		t.Errorf("action %+v", a)
	}
	partner := appFile("acme", func(a *application.Application) { a.Program.Stage = application.StagePartner })
	if a, err := program.Terminate(cmd, "rivera-reviews", 42, partner, prConfig, now); err != nil || a.Rule != "connect/cert-7" {
		t.Errorf("partner termination: %+v, %v", a, err)
	}
	if _, err := program.Terminate(cmd, "stranger", 42, beta, prConfig, now); err == nil || !strings.Contains(err.Error(), "only the program's reviewers") {
		t.Errorf("a stranger's termination: err = %v", err)
	}
	removed := appFile("acme", func(a *application.Application) { a.Program.Stage = application.StageRemoved })
	if _, err := program.Terminate(cmd, "okafor-pm", 42, removed, prConfig, now); err == nil {
		t.Error("terminated a removed application")
	}
	if _, err := program.Terminate(cmd, "okafor-pm", 42, nil, prConfig, now); err == nil {
		t.Error("terminated a missing application")
	}
}

func TestATerminationIsKeyedOnItsCommentAndDatedTheDayItWasPosted(t *testing.T) {
	posted, handled := date("2026-11-20"), date("2026-11-25")
	cmd := program.Command{Name: "terminate", Slug: "acme", Reason: "collects passwords"}
	a, err := program.Terminate(cmd, "okafor-pm", 42, appFile("acme", nil), prConfig, posted)
	if err != nil {
		t.Fatal(err)
	}
	// Handled again on a later day, the same comment is the same removal;
	// another comment is another.
	later, err := program.Terminate(cmd, "okafor-pm", 42, appFile("acme", nil), prConfig, posted)
	if err != nil {
		t.Fatal(err)
	}
	other := a
	other.Comment = 43
	if program.Marker(a) != program.Marker(later) || program.Marker(a) == program.Marker(other) {
		t.Errorf("markers %q, %q, %q; want the first two equal and the third apart", program.Marker(a), program.Marker(later), program.Marker(other))
	}
	if want := "<!-- connectbot:action open-removal-pr acme terminated comment-42 -->"; program.Marker(a) != want {
		t.Errorf("marker %q, want %q", program.Marker(a), want)
	}
	next, ok := program.Effect(a, appFile("acme", nil).App.Program, handled)
	if !ok || next.Removed == nil || next.Removed.At != posted || next.History[len(next.History)-1].Date != posted {
		t.Errorf("the removal records %+v, history %+v; want %s, the day the command was posted", next.Removed, next.History, posted)
	}
}

// BenchmarkParseCommand reads a reviewer's comment of a few paragraphs and
// one as long as GitHub allows (65,536 characters) of mixed markup.
func BenchmarkParseCommand(b *testing.B) {
	slugs := map[string]bool{"acme-sync": true, "northwind-notes": true}
	short := "Thanks for the update.\n\n> quoted\n\n```\ncode\n```\n\n/connectbot terminate acme-sync collects passwords\n"
	unit := "Some *text* with `code`, a [link](https://example.com) and <b>html</b>.\n\n- a list item\n\n"
	long := strings.Repeat(unit, 65536/len(unit)) + "/connectbot recheck\n"
	for _, bb := range []struct{ name, body string }{{"short", short}, {"64KB", long}} {
		b.Run(bb.name, func(b *testing.B) {
			b.SetBytes(int64(len(bb.body)))
			for b.Loop() {
				if _, ok, err := program.ParseCommand(bb.body, slugs); !ok || err != nil {
					b.Fatal(ok, err)
				}
			}
		})
	}
}
