package report

import (
	"fmt"
	"net/url"
	"strings"

	"github.com/connectbot/connectbot/internal/markdown"
	"github.com/connectbot/connectbot/internal/program"
)

// Links are where a person fixes an application file on GitHub.
type Links struct {
	// Repo is the program repository's web address,
	// https://github.com/owner/name, where the forms are; "" leaves the
	// links out (the snippet is still shown).
	Repo string
	// EditRepo is the web address of the repository holding Branch (a
	// pull request's fork); "" is Repo.
	EditRepo string
	// Branch is the branch GitHub's web editor opens the file on.
	Branch string
}

// editRepo is where the file is edited.
func (l Links) editRepo() string {
	if l.EditRepo != "" {
		return l.EditRepo
	}
	return l.Repo
}

// Fix is how to fix one application file: the step form that sets the
// fields at fault, the file in GitHub's web editor, and the snippet to
// paste, with the file's own values filled in where it has them.
type Fix struct {
	Path, Slug string
	// Step is the step form that sets the fields (program.Steps); ""
	// when no form does, and the file is changed by editing it.
	Step string
	// Issue is the issue whose form opened the pull request, when it was:
	// its answers are changed by editing the issue, not the file.
	Issue int
	// Snippet is CUE to paste into the file; "" when there is none.
	Snippet string
	// Links are where the file is edited.
	Links Links
}

// FormURL is the address of a new issue with step's form, its slug
// question answered.
func FormURL(repo, step, slug string) string {
	q := url.Values{"template": {program.FormFile(step)}, "slug": {slug}}
	return repo + "/issues/new?" + q.Encode()
}

// EditURL is the address of the file at p in GitHub's web editor, on
// branch: saving it there commits to that branch, or to a new branch
// with a pull request (GitHub offers both, and forks the repository for
// someone who may not push to it).
func EditURL(repo, branch, p string) string {
	return repo + "/edit/" + escapePath(branch) + "/" + escapePath(p)
}

// escapePath escapes each segment of a slash-separated path.
func escapePath(p string) string {
	parts := strings.Split(p, "/")
	for i, s := range parts {
		parts[i] = url.PathEscape(s)
	}
	return strings.Join(parts, "/")
}

// Markdown writes the fix as the end of a comment: one line for each way,
// then the snippet in a code block.
func (f Fix) Markdown() string {
	var b strings.Builder
	fmt.Fprintf(&b, "\n#### How to change %s\n\n", markdown.Code(f.Path))
	switch {
	case f.Issue != 0:
		fmt.Fprintf(&b, "- **Edit your answers in #%d**: connectbot opened this pull request from that issue's form, and updates it when the issue is edited.\n", f.Issue)
	case f.Step != "" && f.Links.Repo != "":
		fmt.Fprintf(&b, "- **With the %s form**: [open it for %s](%s). connectbot opens the pull request for you, with only those fields changed.\n",
			f.Step, markdown.Code(f.Slug), FormURL(f.Links.Repo, f.Step, f.Slug))
	}
	if f.Links.Repo != "" && f.Issue == 0 {
		fmt.Fprintf(&b, "- **In GitHub's web editor**: [edit %s on %s](%s) and commit; GitHub offers a new branch and a pull request where you may not commit to it.\n",
			markdown.Code(f.Path), markdown.Code(f.Links.Branch), EditURL(f.Links.editRepo(), f.Links.Branch, f.Path))
	}
	if f.Snippet != "" {
		b.WriteString("- **The snippet to paste** in place of these fields of the file, each line marked REPLACE filled in:\n\n")
		b.WriteString(markdown.Fence("cue", f.Snippet))
	}
	return b.String()
}
