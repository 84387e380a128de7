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
	ref := prRef(pr)
	return fmt.Sprintf("%s\nThank you for applying, @%s. Your application is proposed in %s as %s, with you as its maintainer. "+
		"connectbot checks it there and says what passes, what is missing and what comes next; a reviewer of the program then decides. "+
		"To change an answer before the review, edit this issue: connectbot updates %s.\n", ReplyMarker, who.Login, ref, markdown.Code(d.Path), ref)
}

// DecidedReply is the answer on an application issue whose pull request
// pr a reviewer has merged (merged true) or closed: editing the issue
// changes nothing any more, and the applicant is told what to do instead.
func DecidedReply(d Draft, who Applicant, pr int, merged bool) string {
	if merged {
		return fmt.Sprintf("%s\n@%s, #%d was merged: %s is in the program, and editing this issue changes nothing any more. "+
			"To change the file now, open the form of your step (Issues → New issue: listing, certification, feedback, or support and privacy), "+
			"or a pull request.\n", ReplyMarker, who.Login, pr, markdown.Code(d.Path))
	}
	return fmt.Sprintf("%s\n@%s, #%d was closed without being merged, and editing this issue changes nothing any more. "+
		"Its conversation says why. To apply again, open a new issue with the application form (Issues → New issue).\n", ReplyMarker, who.Login, pr)
}

// prRef names pull request pr in a reply: "#7", or "#(new)" for pr 0,
// the one a dry run would open.
func prRef(pr int) string {
	if pr == 0 {
		return "#(new)"
	}
	return fmt.Sprintf("#%d", pr)
}

// RefusalReply is the answer on the issue when the form's answers do not
// make an application file.
func RefusalReply(who Applicant, problems []Problem) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s\nThank you for applying, @%s. connectbot could not turn this form into an application file, so %s. "+
		"Please edit this issue to fix these answers:\n\n", ReplyMarker, who.Login, kept(who, "nothing was opened yet"))
	for _, p := range problems {
		fmt.Fprintf(&b, "- **%s**: %s\n", md(p.Field), md(p.Message))
	}
	b.WriteString("\nEvery answer goes into the file as plain text, exactly as written; the file format is described in the repository's README.\n")
	return b.String()
}

// kept says what a refusal leaves: the applicant's open pull request with
// the answers it has, or none, said as none.
func kept(who Applicant, none string) string {
	if who.PR == 0 {
		return none
	}
	return fmt.Sprintf("#%d keeps the answers it has", who.PR)
}

// md makes untrusted text inert Markdown, cut to a length a reply can
// carry.
func md(s string) string { return markdown.Escape(plaintext.Cut(s, 300)) }

// StepTitle is the title of the pull request that makes change c.
func StepTitle(c Change) string {
	return fmt.Sprintf("%s: %s (%s)", c.Form.Name, plaintext.Cut(c.App.Integration.Name, 80), c.Slug)
}

// StepPRBody is the description of the pull request that makes change c.
func StepPRBody(c Change, who Applicant) string {
	var b strings.Builder
	fmt.Fprintf(&b, "connectbot opened this pull request from the %s form in #%d, by @%s. It changes %s in %s and nothing else: comments and the rest of the file are as they were.\n\n",
		strings.ToLower(c.Form.Name), who.Issue, who.Login, markdown.Code(c.Path), fieldList(c))
	fmt.Fprintf(&b, "It is judged as @%s's own pull request: only a maintainer of the file may make it. Editing #%d updates it.\n\n", who.Login, who.Issue)
	b.WriteString(program.FormMarker(who.Issue) + "\n")
	return b.String()
}

// fieldList names the fields change c sets, as code.
func fieldList(c Change) string {
	var names []string
	for _, v := range c.Values {
		names = append(names, markdown.Code(v.Path))
	}
	return strings.Join(names, ", ")
}

// StepOpenedReply is the answer on a step form's issue once its pull
// request is open; pr 0 stands for the one a dry run would open.
func StepOpenedReply(c Change, who Applicant, pr int) string {
	ref := prRef(pr)
	return fmt.Sprintf("%s\nThank you, @%s. The change is proposed in %s: it sets %s in %s. "+
		"connectbot checks it there, as your own pull request; a reviewer of the program then decides. "+
		"To change an answer, edit this issue: connectbot updates %s.\n", ReplyMarker, who.Login, ref, fieldList(c), markdown.Code(c.Path), ref)
}

// UpdatedReply is the answer on an issue whose edit updated its pull
// request pr to commit head.
func UpdatedReply(who Applicant, pr int, head string) string {
	return fmt.Sprintf("%s\n@%s, your edit is in #%d (commit %s): connectbot checks it there again.\n", ReplyMarker, who.Login, pr, markdown.Code(head))
}

// StepRefusalReply is the answer on a step form's issue when its answers
// do not make a change connectbot can propose.
func StepRefusalReply(f Form, who Applicant, problems []Problem) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s\n@%s, connectbot could not turn this %s form into a change of your application file, so %s. "+
		"Please edit this issue to fix these answers:\n\n", ReplyMarker, who.Login, strings.ToLower(f.Name), kept(who, "nothing was opened"))
	for _, p := range problems {
		fmt.Fprintf(&b, "- **%s**: %s\n", md(p.Field), md(p.Message))
	}
	b.WriteString("\nEvery answer goes into the file as plain text, exactly as written; the file format is described in the repository's README.\n")
	return b.String()
}

// ReplacedMarker marks, hidden in its body, a pull request of a form's
// earlier answers that connectbot closed when an edit of the issue
// proposed them in another.
const ReplacedMarker = "<!-- connectbot:replaced -->"

// ReplacedBody is body, the description of a pull request opened for
// issue, once an edit of the issue proposed its answers in pr instead.
func ReplacedBody(body string, issue, pr int) string {
	if strings.Contains(body, ReplacedMarker) {
		return body
	}
	return fmt.Sprintf("**connectbot closed this pull request: #%d was edited, and this pull request is replaced by #%d, which holds the answers as they are now.**\n\n%s\n%s\n",
		issue, pr, strings.TrimRight(body, "\n"), ReplacedMarker)
}
