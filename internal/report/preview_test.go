package report_test

import (
	"os"
	"strings"
	"testing"

	"github.com/connectbot/connectbot/internal/application"
	"github.com/connectbot/connectbot/internal/catalog"
	"github.com/connectbot/connectbot/internal/markdown/markdowntest"
	"github.com/connectbot/connectbot/internal/policy"
	"github.com/connectbot/connectbot/internal/program"
	"github.com/connectbot/connectbot/internal/report"
)

// TestAListingAddedIsPreviewedInTheComment adds a listing to an
// application in a pull request: the comment previews it — the names,
// tagline, the start of the description and the links as code — and says
// where the whole page is. A listing left as it was is not previewed.
func TestAListingAddedIsPreviewedInTheComment(t *testing.T) {
	base, err := os.ReadFile("testdata/advice/applied.cue")
	if err != nil {
		t.Fatal(err)
	}
	const description = "Keeps contacts in step between Acme and the CRM, both ways. Ask @acme-support or see https://acmesync.io/docs."
	head := string(base) + `listing: {
	tagline:              "Two-way contact sync"
	description:          "` + description + `"
	setupInstructionsUrl: "https://acmesync.io/docs/connect"
	supportUrl:           "https://acmesync.io/help"
}
`
	cat, err := catalog.Default()
	if err != nil {
		t.Fatal(err)
	}
	cfg := adviceConfig(t)
	now := application.MustParseDate("2026-11-25")
	judge := func(src string) *application.File {
		files := []application.File{cat.Application("applications/acme-sync.cue", []byte(src))}
		policy.Check(files, cfg, now)
		return &files[0]
	}
	comment := func(baseSrc, headSrc string) string {
		v := program.JudgePullRequest(program.PullRequest{
			Number: 9, Author: program.Author{Login: "acme-dev"}, HeadSHA: strings.Repeat("ab", 20), Config: cfg, Now: now,
			Changes: []program.FileChange{{Path: "applications/acme-sync.cue", Status: program.ChangeUpdate, Base: judge(baseSrc), Head: judge(headSrc)}},
		})
		return report.PRComment(v, nil, nil)
	}
	added := comment(string(base), head)
	start := strings.Index(added, "\n#### Listing preview")
	if start < 0 {
		t.Fatalf("no listing preview in the comment:\n%s", added)
	}
	section := added[start:]
	section = section[:strings.Index(section[1:], "\n####")+1]
	checkGolden(t, "comment-listing-preview.md", section)
	page, err := markdowntest.Render(section)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(page.Text, description) || len(page.Links) > 0 {
		t.Errorf("the preview does not copy as written, or links: %q, links %q", page.Text, page.Links)
	}
	if unchanged := comment(head, head); strings.Contains(unchanged, "Listing preview") {
		t.Errorf("a listing left as it was is previewed:\n%s", unchanged)
	}
}
