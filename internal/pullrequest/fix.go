package pullrequest

import (
	"strings"

	"github.com/connectbot/connectbot/internal/application"
	"github.com/connectbot/connectbot/internal/catalog"
	"github.com/connectbot/connectbot/internal/forge"
	"github.com/connectbot/connectbot/internal/program"
	"github.com/connectbot/connectbot/internal/report"
)

// fixes says, for each file of verdict v with an error its integrator can
// fix, how: the step form that sets the field at fault (for a file on the
// base branch already), the file in GitHub's web editor on the pull
// request's own branch, and the snippet of those fields with the head's
// own values. Errors in the program's part or in who may make the change
// are not the integrator's to fix in the file, and get none. A pull
// request opened from a form is fixed by editing its issue.
func (h *Handler) fixes(pr forge.PR, facts *program.PullRequest, v program.Verdict) []report.Fix {
	heads := map[string]*application.Application{}
	for _, c := range facts.Changes {
		if c.Head != nil {
			heads[c.Path] = c.Head.App
		}
	}
	links := h.links(pr)
	issue := 0
	if h.isBot(pr.Author) && program.IsFormBranch(pr.HeadRef) {
		issue, _ = program.FormMarkedIssue(pr.Body)
	}
	var out []report.Fix
	for _, f := range v.Files {
		var paths []string
		notes := map[string]string{}
		step := ""
		for _, x := range f.Findings {
			if x.Severity != application.SeverityError || !integratorsToFix(x) {
				continue
			}
			paths = append(paths, x.Path)
			if notes[x.Path] == "" {
				notes[x.Path] = x.Message
			}
			if s, ok := program.StepOf(x.Path); ok && step == "" && f.Kind != program.ChangeNew {
				step = s
			}
		}
		if len(paths) == 0 {
			continue
		}
		snippet, err := catalog.FixSnippet(heads[f.Path], paths, notes)
		if err != nil {
			snippet = ""
		}
		out = append(out, report.Fix{Path: f.Path, Slug: f.Slug, Step: step, Issue: issue, Snippet: snippet, Links: links})
	}
	return out
}

// integratorsToFix reports whether finding x is the integrator's to fix
// by changing their file: a field of theirs, not the program's part nor
// who may change the file.
func integratorsToFix(x application.Finding) bool {
	return x.Path != "" && x.Path != "maintainers" && !strings.HasPrefix(x.Path, "program") &&
		!strings.HasPrefix(x.Rule, "ownership/")
}

// links are where the files of pr are fixed: the forms in this
// repository, the web editor on the pull request's branch (in its fork,
// for a fork's).
func (h *Handler) links(pr forge.PR) report.Links {
	if h.Web == "" || pr.HeadRepo == "" {
		return report.Links{}
	}
	l := report.Links{Repo: h.Web, Branch: pr.HeadRef}
	if !strings.EqualFold(pr.HeadRepo, pr.BaseRepo) {
		l.EditRepo = strings.TrimSuffix(strings.TrimSuffix(h.Web, "/"), "/"+pr.BaseRepo) + "/" + pr.HeadRepo
	}
	return l
}
