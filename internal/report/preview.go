package report

import (
	"fmt"
	"strings"

	"github.com/connectbot/connectbot/internal/markdown"
	"github.com/connectbot/connectbot/internal/plaintext"
	"github.com/connectbot/connectbot/internal/program"
)

// PreviewArtifact is the name of the validate workflow's artifact that
// holds the rendered listing page of each application a pull request
// changes.
const PreviewArtifact = "connectbot-listing-preview"

// previewChars is how much of a listing's description the comment shows;
// the whole page is in the artifact.
const previewChars = 280

// listingSections preview, for each file whose listing the pull request
// adds or changes, what its listing page will say: the names, the tagline,
// the start of the description and the two links (as code, not links),
// and where to see the whole page.
func listingSections(v program.Verdict) body {
	var doc body
	for _, f := range v.Files {
		p := f.Listing
		if p == nil {
			continue
		}
		var b strings.Builder
		fmt.Fprintf(&b, "\n#### Listing preview: %s\n\n", markdown.Code(f.Path))
		fmt.Fprintf(&b, "> **%s** by %s<br>\n", markdown.Escape(p.Name), markdown.Escape(p.Company))
		if p.Listing.Tagline != "" {
			fmt.Fprintf(&b, "> _%s_<br>\n", markdown.Escape(p.Listing.Tagline))
		}
		if p.Listing.Description != "" {
			fmt.Fprintf(&b, "> %s<br>\n", markdown.Escape(plaintext.Cut(p.Listing.Description, previewChars)))
		}
		fmt.Fprintf(&b, "> Setup: %s · Support: %s\n\n", orDash(p.Listing.SetupInstructionsURL), orDash(p.Listing.SupportURL))
		fmt.Fprintf(&b, "The whole page is in the validate run's artifact %s; to build it yourself: %s.\n",
			markdown.Code(PreviewArtifact), markdown.Code("connectbot site --preview "+f.Slug))
		doc = append(doc, piece{text: b.String(), optional: true})
	}
	return doc
}

func orDash(url string) string {
	if url == "" {
		return "–"
	}
	return markdown.Code(url)
}
