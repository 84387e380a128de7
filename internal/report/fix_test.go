package report_test

import (
	"strings"
	"testing"

	"github.com/connectbot/connectbot/internal/program"
	"github.com/connectbot/connectbot/internal/report"
)

func TestAFixSaysWhereToChangeTheFile(t *testing.T) {
	repo := "https://github.com/acme-program/connect"
	tests := []struct {
		name      string
		fix       report.Fix
		want, not []string
	}{
		{"a file on the base branch gets its step's form and the web editor on the branch",
			report.Fix{Path: "applications/acme-sync.cue", Slug: "acme-sync", Step: program.StepListing, Snippet: "listing: {}\n",
				Links: report.Links{Repo: repo, Branch: "acme-listing"}},
			[]string{repo + "/issues/new?slug=acme-sync&template=listing.yml", repo + "/edit/acme-listing/applications/acme-sync.cue", "```cue\nlisting: {}\n```\n"},
			nil},
		{"a fork's pull request is edited in the fork, its form is the program's",
			report.Fix{Path: "applications/acme-sync.cue", Slug: "acme-sync", Step: program.StepContact,
				Links: report.Links{Repo: repo, EditRepo: "https://github.com/acme-dev/connect", Branch: "support hours"}},
			[]string{repo + "/issues/new?slug=acme-sync&template=contact.yml", "https://github.com/acme-dev/connect/edit/support%20hours/applications/acme-sync.cue"},
			[]string{"snippet"}},
		{"a form's pull request is fixed by editing its issue",
			report.Fix{Path: "applications/acme-sync.cue", Slug: "acme-sync", Step: program.StepListing, Issue: 14,
				Links: report.Links{Repo: repo, Branch: "connectbot/listing/acme-sync"}},
			[]string{"Edit your answers in #14"},
			[]string{"/edit/", "/issues/new"}},
		{"without the repository's address only the snippet is shown",
			report.Fix{Path: "applications/acme-sync.cue", Slug: "acme-sync", Step: program.StepListing, Snippet: "listing: {}\n"},
			[]string{"```cue"},
			[]string{"](", "form"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := tt.fix.Markdown()
			for _, w := range tt.want {
				if !strings.Contains(got, w) {
					t.Errorf("lacks %q:\n%s", w, got)
				}
			}
			for _, n := range tt.not {
				if strings.Contains(got, n) {
					t.Errorf("has %q:\n%s", n, got)
				}
			}
		})
	}
}
