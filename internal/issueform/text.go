package issueform

import (
	"fmt"
	"strings"

	"github.com/connectbot/connectbot/internal/markdown"
	"github.com/connectbot/connectbot/internal/plaintext"
	"github.com/connectbot/connectbot/internal/program"
)

// ReplyMarker starts connectbot's one answer on an application issue; an
// issue that has a comment by the bot carrying it is answered already.
const ReplyMarker = "<!-- connectbot:application -->"

// Title is the title of the pull request that adds d.
func Title(d Draft) string {
	return fmt.Sprintf("Application: %s (%s)", plaintext.Cut(d.App.Integration.Name, 80), d.Slug)
}

// PRBody is the description of the pull request that adds d.
func PRBody(d Draft, who Applicant) string {
	var b strings.Builder
	fmt.Fprintf(&b, "connectbot opened this pull request from the application form in #%d, by @%s. It adds %s: **%s** by %s, with @%s as its maintainer.\n\n",
		who.Issue, who.Login, markdown.Code(d.Path), md(d.App.Integration.Name), md(d.App.Company.Name), who.Login)
	b.WriteString("Every answer of the form is in the file as a plain string, exactly as written. connectbot judges the file here like any application; a reviewer of the program approves to accept it, or closes this pull request to decline.\n\n")
	b.WriteString(program.FormMarker(who.Issue) + "\n")
	return b.String()
}

// OpenedReply is the answer on the issue once the pull request is open.
// pr 0 stands for the pull request a dry run would open.
func OpenedReply(d Draft, who Applicant, pr int) string {
	ref := fmt.Sprintf("#%d", pr)
	if pr == 0 {
		ref = "#(new)"
	}
	return fmt.Sprintf("%s\nThank you for applying, @%s. Your application is proposed in %s as %s, with you as its maintainer. "+
		"connectbot checks it there and says what passes, what is missing and what comes next; a reviewer of the program then decides. "+
		"To change an answer before the review, comment on %s.\n", ReplyMarker, who.Login, ref, markdown.Code(d.Path), ref)
}

// RefusalReply is the answer on the issue when the form's answers do not
// make an application file.
func RefusalReply(who Applicant, problems []Problem) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s\nThank you for applying, @%s. connectbot could not turn this form into an application file, so nothing was opened yet. "+
		"Please open a new issue with the application form and fix these answers:\n\n", ReplyMarker, who.Login)
	for _, p := range problems {
		fmt.Fprintf(&b, "- **%s**: %s\n", md(p.Field), md(p.Message))
	}
	b.WriteString("\nEvery answer goes into the file as plain text, exactly as written; the file format is described in the repository's README.\n")
	return b.String()
}

// md makes untrusted text inert Markdown, cut to a length a reply can
// carry.
func md(s string) string { return markdown.Escape(plaintext.Cut(s, 300)) }
