package report_test

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"

	"github.com/connectbot/connectbot/internal/application"
	"github.com/connectbot/connectbot/internal/ghlimit"
	"github.com/connectbot/connectbot/internal/program"
	"github.com/connectbot/connectbot/internal/report"
)

// unknownScopes is the verdict on a new application that requests n scopes
// outside the catalogue, each a finding as the policy words it, with scope
// names of the given filler: the case of the issue, where 300 unknown
// scopes made a comment of 248,805 characters.
func unknownScopes(n int, filler string) program.Verdict {
	f := program.FileVerdict{Path: "applications/scope-hoarder.cue", Slug: "scope-hoarder", Stage: "applied", Kind: "new"}
	for i := range n {
		name := fmt.Sprintf("crm.objects.custom%d.%s", i, filler)
		f.Findings = append(f.Findings, application.Finding{
			Rule: "developer/B6", Severity: application.SeverityError, Line: 12 + 3*i, Column: 12,
			Path:    fmt.Sprintf("integration.scopes[%d].name", i),
			Message: fmt.Sprintf("scope %q is not in the program's scope catalogue; request only catalogue scopes your integration needs", name),
		})
	}
	return program.Verdict{
		Number: 9, HeadSHA: "5f2c9e1d0b7a4c3e8f6a1b2c3d4e5f6a7b8c9d0e", Files: []program.FileVerdict{f}, Conclusion: "failure",
		Next: []string{"Fix the errors above and push: connectbot checks every new commit."},
	}
}

var omittedLine = regexp.MustCompile(`(?m)^… and (\d+) more findings? not shown here: run ` + "`connectbot validate applications/scope-hoarder.cue`" + ` to see them all\.$`)

// TestHugeReportFitsGitHubsLimits renders the comment and the check of a
// verdict far over GitHub's limits, and checks each is within its limit,
// keeps its header, verdict and next steps, keeps findings whole and
// counts the ones it leaves out.
func TestHugeReportFitsGitHubsLimits(t *testing.T) {
	tests := []struct {
		name   string
		scopes int
		filler string
	}{
		{name: "three hundred and twenty unknown scopes", scopes: 320, filler: "read"},
		{name: "scopes named in four-byte characters, where bytes and characters differ", scopes: 320, filler: strings.Repeat("🙂", 40)},
		{name: "two thousand unknown scopes", scopes: 2000, filler: "write"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v := unknownScopes(tt.scopes, tt.filler)
			comment := report.PRComment(v, nil, nil)
			if n := utf8.RuneCountInString(comment); n > ghlimit.BodyChars {
				t.Errorf("comment has %d characters, more than %d", n, ghlimit.BodyChars)
			}
			for _, want := range []string{report.CommentMarker + "\n", "### connectbot: ✘ " + strconv.Itoa(tt.scopes) + " errors in 1 of 1 file\n",
				"#### What happens next\n\n- Fix the errors above and push: connectbot checks every new commit.\n"} {
				if !strings.Contains(comment, want) {
					t.Errorf("comment lacks %q", want)
				}
			}
			checkCount(t, "comment", comment, tt.scopes)

			check := report.Check(v)
			for name, s := range map[string]string{"summary": check.Summary, "text": check.Text} {
				if len(s) > ghlimit.CheckOutputBytes || !utf8.ValidString(s) {
					t.Errorf("check %s has %d bytes (limit %d), valid UTF-8 %v", name, len(s), ghlimit.CheckOutputBytes, utf8.ValidString(s))
				}
			}
			checkCount(t, "check text", check.Text, tt.scopes)
		})
	}
}

// checkCount checks that every finding row of s is whole and that the rows
// shown and the count of those left out add up to total.
func checkCount(t *testing.T, what, s string, total int) {
	t.Helper()
	rows := 0
	for _, line := range strings.Split(s, "\n") {
		if strings.HasPrefix(line, "| ✘ | ") && strings.Contains(line, "`developer/B6`") {
			rows++
			if !strings.HasSuffix(line, "” |") {
				t.Errorf("%s: a finding row is cut: %q", what, line[max(0, len(line)-60):])
			}
		}
	}
	m := omittedLine.FindStringSubmatch(s)
	if m == nil {
		t.Fatalf("%s has no line saying what was left out; it ends:\n%s", what, s[max(0, len(s)-400):])
	}
	left, _ := strconv.Atoi(m[1])
	if rows == 0 || rows+left != total {
		t.Errorf("%s shows %d findings and says %d more were left out; want %d in all, some shown", what, rows, left, total)
	}
}

// TestHugeReportGolden keeps the cut comment and check for people to read.
func TestHugeReportGolden(t *testing.T) {
	v := unknownScopes(320, "read")
	checkGolden(t, "comment-huge.md", report.PRComment(v, nil, nil))
	check := report.Check(v)
	checkGolden(t, "check-huge.md", check.Title+"\n\n"+check.Summary+"\n---\n"+check.Text)
}

func TestSmallReportIsNotCut(t *testing.T) {
	v := unknownScopes(3, "read")
	comment := report.PRComment(v, nil, nil)
	if strings.Contains(comment, "not shown here") || strings.Count(comment, "`developer/B6`") != 3 {
		t.Errorf("a small comment was cut:\n%s", comment)
	}
	if c := report.Check(v); strings.Contains(c.Text, "not shown here") || strings.Count(c.Text, "`developer/B6`") != 3 {
		t.Errorf("a small check text was cut:\n%s", c.Text)
	}
}

func TestAnnotationsFitGitHubsLimits(t *testing.T) {
	long := strings.Repeat("é", 40_000) // 80,000 bytes
	v := program.Verdict{Files: []program.FileVerdict{{Path: "applications/a.cue", Findings: []application.Finding{{
		Rule: "r", Severity: application.SeverityError, Line: 3, Column: 1, Path: strings.Repeat("ü", 300), Message: long,
	}}}}}
	ann := report.Annotations(v)
	if len(ann) != 1 {
		t.Fatalf("%d annotations, want 1", len(ann))
	}
	a := ann[0]
	if n := utf8.RuneCountInString(a.Title); n != ghlimit.AnnotationTitleChars || !strings.HasSuffix(a.Title, "…") {
		t.Errorf("title has %d characters, want %d ending in …", n, ghlimit.AnnotationTitleChars)
	}
	if len(a.Message) > ghlimit.AnnotationMessageBytes || !utf8.ValidString(a.Message) || !strings.HasSuffix(a.Message, "…") {
		t.Errorf("message has %d bytes (limit %d), valid UTF-8 %v", len(a.Message), ghlimit.AnnotationMessageBytes, utf8.ValidString(a.Message))
	}
}

func TestFitComment(t *testing.T) {
	line := strings.Repeat("x", 99) + "\n"
	tests := []struct {
		name     string
		body     string
		wantSame bool
	}{
		{name: "a body within the limit is unchanged", body: strings.Repeat(line, 655), wantSame: true},
		{name: "a body over the limit is cut at a line", body: strings.Repeat(line, 700)},
		{name: "a body of one enormous line is cut within it", body: strings.Repeat("ß", 70_000)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := report.FitComment(tt.body)
			if (got == tt.body) != tt.wantSame {
				t.Fatalf("unchanged = %v, want %v", got == tt.body, tt.wantSame)
			}
			if n := utf8.RuneCountInString(got); n > ghlimit.BodyChars || !utf8.ValidString(got) {
				t.Errorf("%d characters, valid UTF-8 %v", n, utf8.ValidString(got))
			}
			if tt.wantSame {
				return
			}
			kept, note, _ := strings.Cut(got, "\n… cut here")
			if !strings.HasPrefix(tt.body, strings.TrimSuffix(kept, "…")) || note == "" {
				t.Errorf("not a prefix of the body with a note: ends %q", got[max(0, len(got)-120):])
			}
			if strings.Contains(tt.body, "\n") && !strings.HasSuffix(kept, "\n") {
				t.Errorf("cut within a line: ends %q", kept[max(0, len(kept)-20):])
			}
		})
	}
}

func TestManyFilesAreCutAtAFile(t *testing.T) {
	v := program.Verdict{HeadSHA: "abc", Next: []string{"A reviewer looks next."}}
	for i := range 3000 {
		v.Files = append(v.Files, program.FileVerdict{Path: fmt.Sprintf("applications/%s-%04d.cue", strings.Repeat("long-name", 5), i), Kind: "new", Stage: "applied"})
	}
	tail := regexp.MustCompile("\n… and (\\d+) more files not shown here: run `connectbot validate` to see them all\\.\n")
	comment := report.PRComment(v, nil, nil)
	check := report.Check(v)
	for _, tt := range []struct {
		what, s string
		limit   int
		size    func(string) int
	}{
		{"comment", comment, ghlimit.BodyChars, ghlimit.Chars},
		{"check summary", check.Summary, ghlimit.CheckOutputBytes, ghlimit.Bytes},
	} {
		if n := tt.size(tt.s); n > tt.limit {
			t.Errorf("%s: size %d, over %d", tt.what, n, tt.limit)
		}
		m := tail.FindStringSubmatch(tt.s)
		if m == nil {
			t.Fatalf("%s: no line saying what was left out; ends %q", tt.what, tt.s[len(tt.s)-300:])
		}
		left, _ := strconv.Atoi(m[1])
		if shown := len(regexp.MustCompile(`-\d{4}\.cue`).FindAllString(tt.s, -1)); shown+left != 3000 {
			t.Errorf("%s: %d files shown and %d left out, want 3000 in all", tt.what, shown, left)
		}
		if !strings.Contains(tt.s, "A reviewer looks next.") {
			t.Errorf("%s lost what happens next", tt.what)
		}
	}
}

// BenchmarkHugeComment renders the comment of 2,000 findings, cut to fit.
func BenchmarkHugeComment(b *testing.B) {
	v := unknownScopes(2000, "read")
	for b.Loop() {
		report.PRComment(v, nil, nil)
	}
}

func TestAnnotationsAreCappedMostSevereFirst(t *testing.T) {
	finding := func(sev application.Severity, line int) application.Finding {
		return application.Finding{Rule: "r", Severity: sev, Line: line, Column: 1, Message: "m"}
	}
	v := program.Verdict{Files: []program.FileVerdict{
		{Path: "applications/b.cue", Findings: []application.Finding{finding(application.SeverityWarning, 1), finding(application.SeverityError, 9)}},
		{Path: "applications/a.cue", Findings: []application.Finding{finding(application.SeverityWarning, 2), finding(application.SeverityError, 7), finding(application.SeverityError, 3)}},
	}}
	type mark struct {
		Path  string
		Line  int
		Level string
	}
	all := []mark{
		{"applications/a.cue", 3, "failure"}, {"applications/a.cue", 7, "failure"}, {"applications/b.cue", 9, "failure"},
		{"applications/a.cue", 2, "warning"}, {"applications/b.cue", 1, "warning"},
	}
	tests := []struct {
		name  string
		limit int
		want  []mark
	}{
		{"no limit marks every finding, errors first, then by file and line", 0, all},
		{"a limit above the findings marks every one", 10, all},
		{"a limit of three keeps the errors", 3, all[:3]},
		{"a limit of one keeps the first error of the first file", 1, all[:1]},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v.MaxAnnotations = tt.limit
			var got []mark
			for _, a := range report.Annotations(v) {
				got = append(got, mark{a.Path, a.Line, a.Level})
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("annotations (-want +got):\n%s", diff)
			}
		})
	}
}

func TestTheCheckSaysHowManyFindingsAreNotMarked(t *testing.T) {
	v := unknownScopes(740, "read")
	v.MaxAnnotations = 50
	check := report.Check(v)
	checkGolden(t, "check-capped.md", check.Title+"\n\n"+check.Summary)
	v.MaxAnnotations = 740
	if c := report.Check(v); strings.Contains(c.Summary, "marks") {
		t.Errorf("every finding is marked, yet the summary says:\n%s", c.Summary)
	}
}
