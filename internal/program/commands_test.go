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
			program.Command{}, true, `there is no application "acme-synk"`},
		{"terminate naming another application in the program names it", "/connectbot terminate northwind-notes spam reports",
			program.Command{Name: "terminate", Slug: "northwind-notes", Reason: "spam reports"}, true, ""},
		{"terminate with a one-word reason takes it as the reason", "/connectbot terminate fraud",
			program.Command{Name: "terminate", Reason: "fraud"}, true, ""},
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
		{"a command after an HTML comment counts", "<!-- note -->\n/connectbot recheck", program.Command{Name: "recheck"}, true, ""},
		{"a command after a closed fence counts", "```\n/connectbot terminate acme example\n```\n/connectbot recheck",
			program.Command{Name: "recheck"}, true, ""},
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
	a, err := program.Terminate(cmd, "okafor-pm", beta, prConfig, now)
	if err != nil {
		t.Fatal(err)
	}
	if a.Kind != program.KindOpenRemovalPR || a.Reason != program.ReasonTerminated || a.Rule != "connect/beta-8" ||
		a.Evidence != "terminated by @okafor-pm: collects passwords" || !strings.Contains(a.Clause, "reserve the right to terminate") {
		t.Errorf("action %+v", a)
	}
	partner := appFile("acme", func(a *application.Application) { a.Program.Stage = application.StagePartner })
	if a, err := program.Terminate(cmd, "rivera-reviews", partner, prConfig, now); err != nil || a.Rule != "connect/cert-7" {
		t.Errorf("partner termination: %+v, %v", a, err)
	}
	if _, err := program.Terminate(cmd, "stranger", beta, prConfig, now); err == nil || !strings.Contains(err.Error(), "only the program's reviewers") {
		t.Errorf("a stranger's termination: err = %v", err)
	}
	removed := appFile("acme", func(a *application.Application) { a.Program.Stage = application.StageRemoved })
	if _, err := program.Terminate(cmd, "okafor-pm", removed, prConfig, now); err == nil {
		t.Error("terminated a removed application")
	}
	if _, err := program.Terminate(cmd, "okafor-pm", nil, prConfig, now); err == nil {
		t.Error("terminated a missing application")
	}
}
