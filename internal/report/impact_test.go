package report_test

import (
	"os"
	"path"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/connectbot/connectbot/internal/application"
	"github.com/connectbot/connectbot/internal/catalog"
	"github.com/connectbot/connectbot/internal/program"
	"github.com/connectbot/connectbot/internal/report"
)

// samples loads the sample applications as the loader leaves them, with
// no policy rule applied, and the sample program.cue's source.
func samples(t *testing.T, cat *catalog.Catalog) ([]application.File, string) {
	t.Helper()
	entries, err := os.ReadDir("../../applications")
	if err != nil {
		t.Fatal(err)
	}
	var paths []string
	for _, e := range entries {
		paths = append(paths, path.Join("applications", e.Name()))
	}
	cue, err := os.ReadFile("../../program.cue")
	if err != nil {
		t.Fatal(err)
	}
	return cat.Applications(os.DirFS("../.."), paths), string(cue)
}

// TestPullRequestCommentWithImpact renders the comment on a reviewer's
// pull request that changes program.cue, for a change that moves
// integrators, one that moves nobody, and one that does not validate.
func TestPullRequestCommentWithImpact(t *testing.T) {
	cat, err := catalog.Default()
	if err != nil {
		t.Fatal(err)
	}
	files, cue := samples(t, cat)
	base, err := cat.Program(catalog.ProgramFile, []byte(cue))
	if err != nil {
		t.Fatal(err)
	}
	now, _ := application.ParseDate("2026-11-25")
	tests := []struct {
		name    string
		golden  string
		replace [2]string
	}{
		{"a raised certification threshold lists who ends somewhere else", "comment-impact-raised.md",
			[2]string{"certificationInstalls: 40", "certificationInstalls: 50"}},
		{"a change that moves nobody says that nobody moves", "comment-impact-none.md",
			[2]string{`reviewers: ["rivera-reviews", "okafor-pm"]`, `reviewers: ["rivera-reviews", "okafor-pm", "chen-legal"]`}},
		{"a program.cue that does not validate is named with its line and compared with nothing", "comment-impact-invalid.md",
			[2]string{"certificationInstalls: 40", `certificationInstalls: "fifty"`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src := strings.Replace(cue, tt.replace[0], tt.replace[1], 1)
			if src == cue {
				t.Fatalf("sample program.cue lacks %q", tt.replace[0])
			}
			change := program.FileChange{Path: catalog.ProgramFile, Status: program.ChangeUpdate}
			var imp report.Impact
			if proposed, err := cat.Program(catalog.ProgramFile, []byte(src)); err != nil {
				imp = report.Impact{Now: now, Days: program.ImpactDays, Invalid: err.Error()}
				// The pull-request handler also records the error on the
				// file, which fails the check.
				change.Head = &application.File{Path: catalog.ProgramFile, Findings: []application.Finding{{
					Rule: catalog.RuleSchema, Severity: application.SeverityError, Line: 10, Column: 24,
					Message: "certificationInstalls: must be a whole number, one or more",
				}}}
			} else {
				imp = report.NewImpact("main", files, base, proposed, now, program.ImpactDays)
			}
			v := program.JudgePullRequest(program.PullRequest{
				Number: 9, Author: program.Author{Login: "rivera-reviews"}, HeadSHA: "5f2c9e1d0b7a4c3e8f6a1b2c3d4e5f6a7b8c9d0e",
				Config: base, Now: now, Changes: []program.FileChange{change},
			})
			checkGolden(t, tt.golden, report.PRComment(v, &imp, nil))
		})
	}
}

// TestImpactTextCannotInjectMarkup puts markup in every application-derived
// field of an impact and checks none of it survives into the comment.
func TestImpactTextCannotInjectMarkup(t *testing.T) {
	hostile := "x<script>alert(1)</script>|![img](https://evil.example/x.png) @everyone [link](https://evil.example)`\n| forged | row |"
	tests := []struct {
		name   string
		impact report.Impact
	}{
		{"a hostile slug and description of the change", report.Impact{Days: 90, Affected: []program.Affected{{
			Slug: hostile, How: hostile + ": removal on 2027-01-04 instead of promotion on 2026-11-25 " + hostile,
		}}}},
		{"a hostile reason the proposed program.cue does not validate", report.Impact{Days: 90, Invalid: "program.cue:3:24: " + hostile}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			body := report.PRComment(program.Verdict{HeadSHA: "abc"}, &tt.impact, nil)
			// Inside a code span markup is inert text; outside, none may survive.
			prose := outsideCode(t, body)
			for _, bad := range []string{"<script>", "![img](", "[link](", "@everyone"} {
				if strings.Contains(prose, bad) {
					t.Errorf("comment contains %q outside code:\n%s", bad, body)
				}
			}
			for _, line := range strings.Split(body, "\n") {
				if strings.HasPrefix(line, "|") && !strings.HasPrefix(line, "|---") {
					if n := strings.Count(line, "|") - strings.Count(line, "\\|"); n != 3 {
						t.Errorf("table row with %d cell borders, want 3: %q", n, line)
					}
				}
			}
		})
	}
}

// outsideCode removes the `code spans` of a comment: the text between two
// backticks that no backslash escapes. An unclosed span fails the test.
func outsideCode(t *testing.T, body string) string {
	t.Helper()
	var out strings.Builder
	inCode := false
	for i := 0; i < len(body); i++ {
		switch {
		case body[i] == '\\' && !inCode && i+1 < len(body):
			out.WriteString(body[i : i+2])
			i++
		case body[i] == '`':
			inCode = !inCode
		case body[i] == '\n' && inCode:
			t.Fatalf("a code span runs over a line end:\n%s", body)
		case !inCode:
			out.WriteByte(body[i])
		}
	}
	if inCode {
		t.Fatalf("unclosed code span:\n%s", body)
	}
	return out.String()
}

// TestImpactTextOfAnInvalidProposal checks that the text and JSON forms
// say the proposed program.cue does not validate instead of claiming that
// nobody is affected.
func TestImpactTextOfAnInvalidProposal(t *testing.T) {
	now, _ := application.ParseDate("2026-11-25")
	imp := report.Impact{Base: "HEAD", Now: now, Days: 90, Invalid: "program.cue:2:24: certificationInstalls: must be a whole number, one or more"}
	var text, doc strings.Builder
	if err := imp.WriteText(&text); err != nil {
		t.Fatal(err)
	}
	if err := imp.WriteJSON(&doc); err != nil {
		t.Fatal(err)
	}
	want := []string{
		"Impact of program.cue against HEAD: not computed, the proposed program.cue does not validate: program.cue:2:24: certificationInstalls: must be a whole number, one or more\n",
		`{"now":"2026-11-25","days":90,"affected":[],"invalid":"program.cue:2:24: certificationInstalls: must be a whole number, one or more"}` + "\n",
	}
	if diff := cmp.Diff(want, []string{text.String(), doc.String()}); diff != "" {
		t.Errorf("invalid proposal (-want +got):\n%s", diff)
	}
}
