package program

import (
	"fmt"
	"reflect"
	"slices"
	"strings"

	"github.com/connectbot/connectbot/internal/application"
	"github.com/connectbot/connectbot/internal/policy"
)

// Ownership rule ids: who may change what (DESIGN.md "Ownership of fields").
const (
	RuleMaintainer   = "ownership/maintainer"
	RuleProgramOwned = "ownership/program-owned"
	RuleRename       = "ownership/rename-or-delete"
	RuleOutside      = "ownership/outside-applications"
	// RuleEntry is about what a path under applications/ is: only regular
	// files named <slug>.cue, directly in applications/.
	RuleEntry = "ownership/entry"
	// RuleConflict marks a pull request that does not merge cleanly with
	// the base branch's tip.
	RuleConflict = "merge/conflict"
	// RuleMaintainersChanged is a warning for the reviewer: an integrator's
	// pull request gives other logins the right to change the file, and
	// connectbot mentions them on its reminders.
	RuleMaintainersChanged = "ownership/maintainers-changed"
	// RuleTooManyApplications marks a pull request that adds more
	// application files than program.cue's
	// maxNewApplicationsPerPullRequest: it fails with this one finding,
	// and none of its files is judged.
	RuleTooManyApplications = "pullrequest/too-many-applications"
	// RuleReapplication refuses a link to a previous application
	// (previousApplication) that is not a removed application on the base
	// branch, or that the pull request's author does not maintain: the
	// link lifts the removed file's hold on its name, App ID and company.
	RuleReapplication = "ownership/reapplication"
)

// Entry kinds: what a path is in a git tree, from its mode.
const (
	EntryFile       = "file"
	EntryExecutable = "executable"
	EntrySymlink    = "symlink"
	EntrySubmodule  = "submodule"
	EntryDirectory  = "directory"
	// EntryOther is a mode git itself does not write.
	EntryOther = "other"
)

// FileChange is one path whose entry differs between the base branch's tip
// and the result of merging the pull request into it, with its values on
// both sides. For an application file, Base and Head are the judged files
// (nil where the file does not exist on that side); Head is the file as it
// would be on the base branch after the merge.
type FileChange struct {
	Path         string
	PreviousPath string
	// Status is what the merge does to the path: ChangeNew, ChangeUpdate,
	// ChangeDelete, ChangeRename or ChangeCopy, or ChangeAffected for an
	// application it leaves as it is but whose cross-file findings it
	// changes. The verdict's Kind (changeKind) is read from it.
	Status ChangeKind
	// FromKind and ToKind are what the path is on the base branch and after
	// the merge (EntryFile, EntrySymlink, ...; "" where it is absent).
	FromKind, ToKind string
	Base, Head       *application.File
	// Claimed are the applications on the base branch, other than this
	// one, whose company the head names, when the base did not name it
	// (a new file, or a company changed to theirs): the same company
	// after policy.CompanyKey, lookalikes and legal suffixes included.
	Claimed []*application.File
	// SameCompany are the other applications on the base branch of the
	// company this one names at its base or its head (the same company
	// after policy.CompanyKey): whoever maintains one of them is of that
	// company, and does not review this change independently.
	SameCompany []*application.File
	// Previous is the application on the base branch the head names in
	// previousApplication (the removed application it applies again
	// for), or nil when it names none or none of that slug is there.
	Previous *application.File
}

// IsApplication reports whether the change is to an application file.
func (c FileChange) IsApplication() bool {
	return application.IsPath(c.Path) || (c.PreviousPath != "" && application.IsPath(c.PreviousPath))
}

// IsApplicationFile reports whether the change leaves a regular
// application file, or removes one: the only changes connectbot merges.
func (c FileChange) IsApplicationFile() bool {
	if !application.IsPath(c.Path) || (c.PreviousPath != "" && !application.IsPath(c.PreviousPath)) {
		return false
	}
	return c.ToKind == "" || c.ToKind == EntryFile
}

// NewApplications returns the paths of the application files changes
// add (new or copied, not renamed), in order.
func NewApplications(changes []FileChange) []string {
	var out []string
	for _, c := range changes {
		if (c.Status == ChangeNew || c.Status == ChangeCopy) && application.IsPath(c.Path) {
			out = append(out, c.Path)
		}
	}
	slices.Sort(out)
	return out
}

// TooManyApplications reports whether changes add more application files
// than cfg allows in one pull request (none of them is then judged), and
// the one verdict that says so, on the first of them.
func TooManyApplications(changes []FileChange, cfg application.Config) (FileVerdict, bool) {
	added := NewApplications(changes)
	limit := cfg.MaxNewApplications
	if limit <= 0 || len(added) <= limit {
		return FileVerdict{}, false
	}
	return FileVerdict{Path: added[0], Kind: ChangeNew, Findings: []application.Finding{{
		Rule: RuleTooManyApplications, Severity: application.SeverityError, Line: 1, Column: 1,
		Message: fmt.Sprintf("this pull request adds %d application files, and program.cue allows at most %d in one pull request (maxNewApplicationsPerPullRequest): none of them was checked; open a pull request for each application",
			len(added), limit),
	}}}, true
}

// Author is who opened a pull request, as the ownership rules see them.
type Author struct {
	Login string
	// Bot is true for connectbot itself.
	Bot bool
}

// Ownership checks a pull request against the ownership rules. For
// everyone, a path under applications/ must stay a regular file named
// <slug>.cue directly in applications/ (no submodule, symbolic link,
// executable, subdirectory or other file). For an integrator: they may
// touch only files whose maintainers (at the base) list them, a new file
// must list its author, nothing under program may change (compared by
// value, so formatting tricks do not help), deleting, renaming or copying
// an application needs a reviewer, and a file outside applications/ is an
// error: a reviewer makes that change in a pull request of their own.
// Reviewers of the base configuration and the bot may change anything
// else. It returns findings per path, and whether a reviewer must look.
func Ownership(author Author, changes []FileChange, cfg application.Config) (map[string][]application.Finding, bool) {
	out := map[string][]application.Finding{}
	flag := func(path, rule string, sev application.Severity, at application.Pos, format string, args ...any) {
		out[path] = append(out[path], application.Finding{
			Rule: rule, Severity: sev, Message: fmt.Sprintf(format, args...), Line: at.Line, Column: at.Column,
		})
	}
	top := application.Pos{Line: 1, Column: 1}
	needsReview := false
	for _, c := range changes {
		if msg := entryProblem(c); msg != "" {
			flag(c.Path, RuleEntry, application.SeverityError, top, "%s", msg)
		}
		if c.Status != ChangeAffected && !c.IsApplicationFile() {
			needsReview = true
		}
	}
	if author.Bot || isReviewer(cfg, author.Login) {
		return out, needsReview
	}
	for _, c := range changes {
		if c.Status == ChangeAffected {
			continue
		}
		if !c.IsApplication() {
			switch {
			case entryProblem(c) != "":
				// said already
			case application.InDir(c.Path):
				flag(c.Path, RuleOutside, application.SeverityError, top,
					"%s is not an application file: only "+application.Pattern+" files change in an integrator's pull request; a reviewer makes this change in its own pull request", c.Path)
			default:
				flag(c.Path, RuleOutside, application.SeverityError, top,
					"%s is outside "+application.Dir+"/: only application files change in an integrator's pull request; a reviewer makes this change in its own pull request", c.Path)
			}
			continue
		}
		switch c.Status {
		case ChangeDelete, ChangeRename, ChangeCopy:
			needsReview = true
			flag(c.Path, RuleRename, application.SeverityError, top,
				"%s needs a reviewer: only the program team deletes, renames or copies application files", changeWords(c))
			continue
		}
		if c.ToKind != "" && c.ToKind != EntryFile {
			continue // entryProblem said what is wrong
		}
		checkCompanyClaim(c, author, flag)
		checkReapplication(c, author, flag)
		if c.Base == nil {
			checkNewFile(c, author, flag)
			continue
		}
		if c.Base.App == nil {
			// A broken file on the base branch names no maintainers to trust.
			needsReview = true
			flag(c.Path, RuleMaintainer, application.SeverityError, top,
				"%s does not load on the base branch, so its maintainers are unknown: a reviewer must make this change", c.Path)
			continue
		}
		maintainer := isMaintainer(c.Base.App, author.Login)
		if !maintainer {
			flag(c.Path, RuleMaintainer, application.SeverityError, locate(c.Head, "maintainers"),
				"@%s is not a maintainer of %s (maintainers: %s): only they may change it",
				author.Login, c.Path, strings.Join(c.Base.App.Maintainers, ", "))
		}
		if c.Head != nil && c.Head.App != nil {
			if maintainer {
				noteMaintainers(c, c.Base.App.Maintainers, author, flag)
			}
			for _, field := range changedProgramFields(c.Base.App.Program, c.Head.App.Program) {
				flag(c.Path, RuleProgramOwned, application.SeverityError, locate(c.Head, "program."+field),
					"program.%s is owned by the program: only reviewers and connectbot change it", field)
			}
		}
	}
	return out, needsReview
}

// entryProblem says what is wrong with what a change leaves under
// applications/, or "" when nothing is.
func entryProblem(c FileChange) string {
	if !application.InDir(c.Path) || c.ToKind == "" {
		return ""
	}
	switch {
	case c.ToKind == EntrySubmodule:
		return fmt.Sprintf("%s is a submodule (a link to a commit of another repository), not a file: an application is one regular file, "+application.Pattern, c.Path)
	case c.ToKind == EntrySymlink:
		return fmt.Sprintf("%s is a symbolic link, not a file: an application is one regular file, "+application.Pattern+", with its content in it", c.Path)
	case strings.Count(c.Path, "/") > 1:
		return fmt.Sprintf("%s is in a subdirectory of %s/: application files sit directly in %s/, one per integrator", c.Path, application.Dir, application.Dir)
	case !strings.HasSuffix(c.Path, application.Ext):
		return fmt.Sprintf("%s is not a %s file: %s/ holds only application files, %s", c.Path, application.Ext, application.Dir, application.Pattern)
	case c.ToKind == EntryExecutable:
		return fmt.Sprintf("%s is executable: an application is a plain data file; clear the bit (git update-index --chmod=-x %s) and push", c.Path, c.Path)
	case c.ToKind == EntryOther:
		return fmt.Sprintf("%s has a file mode git does not write, not a regular file's: an application is one regular file, "+application.Pattern, c.Path)
	case c.ToKind != EntryFile:
		return fmt.Sprintf("%s is a %s, not a regular file: an application is one regular file, "+application.Pattern, c.Path, c.ToKind)
	}
	return ""
}

// changeWords says what a delete, rename or copy does, in words.
func changeWords(c FileChange) string {
	switch c.Status {
	case ChangeDelete:
		return "deleting " + c.Path
	case ChangeRename:
		return fmt.Sprintf("renaming %s to %s", c.PreviousPath, c.Path)
	}
	return fmt.Sprintf("copying %s to %s", c.PreviousPath, c.Path)
}

// locate finds path in f, which may be missing.
func locate(f *application.File, path string) application.Pos {
	if f == nil {
		return application.Pos{Line: 1, Column: 1}
	}
	return f.Locate(path)
}

func checkNewFile(c FileChange, author Author, flag func(string, string, application.Severity, application.Pos, string, ...any)) {
	if c.Head == nil || c.Head.App == nil {
		return // the schema findings say what is wrong; nothing to compare
	}
	app := c.Head.App
	if !isMaintainer(app, author.Login) {
		flag(c.Path, RuleMaintainer, application.SeverityError, c.Head.Locate("maintainers"),
			"a new application must list its author: add %q to maintainers", author.Login)
	}
	// A new application states its installs; everything else in program is
	// the program's to set.
	want := application.ProgramState{Stage: application.StageApplied, Installs: app.Program.Installs}
	for _, field := range changedProgramFields(want, app.Program) {
		flag(c.Path, RuleProgramOwned, application.SeverityError, c.Head.Locate("program."+field),
			"a new application sets only program.stage: \"applied\" and program.installs; program.%s is set by the program", field)
	}
}

// noteMaintainers warns the reviewer of the logins an integrator's change
// adds to or removes from a file's maintainers, compared with was (the
// base's list): a login listed there
// may change the file, and connectbot mentions it on the file's reminders,
// so the reviewer checks that each belongs to the company.
func noteMaintainers(c FileChange, was []string, author Author, flag func(string, string, application.Severity, application.Pos, string, ...any)) {
	added := loginsNotIn(c.Head.App.Maintainers, was)
	removed := loginsNotIn(was, c.Head.App.Maintainers)
	if len(added) == 0 && len(removed) == 0 {
		return
	}
	var parts []string
	if len(added) > 0 {
		parts = append(parts, "adds "+mentions(added))
	}
	if len(removed) > 0 {
		parts = append(parts, "removes "+mentions(removed))
	}
	company := c.Head.App.Company.Name
	flag(c.Path, RuleMaintainersChanged, application.SeverityWarning, c.Head.Locate("maintainers"),
		"@%s's change %s as maintainers of %s: a maintainer may change this file and is mentioned on its reminders, so check that each belongs to %q",
		author.Login, strings.Join(parts, " and "), c.Path, company)
}

// loginsNotIn returns the logins of list that are not in other, compared
// without case as GitHub does, each once, in list's order.
func loginsNotIn(list, other []string) []string {
	var out []string
	for _, l := range list {
		in := func(o string) bool { return strings.EqualFold(o, l) }
		if !slices.ContainsFunc(other, in) && !slices.ContainsFunc(out, in) {
			out = append(out, l)
		}
	}
	return out
}

// mentions writes logins as @login, comma-separated.
func mentions(logins []string) string {
	out := make([]string, len(logins))
	for i, l := range logins {
		out[i] = "@" + l
	}
	return strings.Join(out, ", ")
}

// checkCompanyClaim refuses a pull request that names the company of
// another application unless its author maintains one of that company's
// files: listing their maintainers in the new file is not enough, since
// anyone can write a name there (format/company-claim).
func checkCompanyClaim(c FileChange, author Author, flag func(string, string, application.Severity, application.Pos, string, ...any)) {
	if len(c.Claimed) == 0 || c.Head == nil || c.Head.App == nil {
		return
	}
	var owners []string
	for _, f := range c.Claimed {
		if f.App == nil {
			continue
		}
		if isMaintainer(f.App, author.Login) {
			return
		}
		owners = append(owners, fmt.Sprintf("%s (%s)", f.Path, strings.Join(f.App.Maintainers, ", ")))
	}
	if len(owners) == 0 {
		return
	}
	flag(c.Path, policy.RuleCompanyClaim, application.SeverityError, c.Head.Locate("company.name"),
		"company %q is already in the program as %s: only its maintainers may apply for it; ask one of them to apply, or to add you to the maintainers of one of its files first",
		c.Head.App.Company.Name, strings.Join(owners, ", "))
}

// checkReapplication refuses a change that links the head to a previous
// application (previousApplication, newly or to another slug) unless the
// link names a removed application on the base branch that the author
// maintains (ownership/reapplication): listing its maintainers in the new
// file is not enough, since anyone can write a login there.
func checkReapplication(c FileChange, author Author, flag func(string, string, application.Severity, application.Pos, string, ...any)) {
	if c.Head == nil || c.Head.App == nil || c.Head.App.PreviousApplication == "" {
		return
	}
	link := c.Head.App.PreviousApplication
	if c.Base != nil && c.Base.App != nil && c.Base.App.PreviousApplication == link {
		return // linked already, and judged when it was
	}
	at := c.Head.Locate("previousApplication")
	p := c.Previous
	switch {
	case p == nil || p.App == nil:
		flag(c.Path, RuleReapplication, application.SeverityError, at,
			"previousApplication names %q, which is no application on the base branch: name the slug of the removed application this one applies again for", link)
	case p.App.Program.Stage != application.StageRemoved:
		flag(c.Path, RuleReapplication, application.SeverityError, at,
			"previousApplication names %s, which is %s, not removed: only a removed application can be applied for again", p.Path, p.App.Program.Stage)
	case !isMaintainer(p.App, author.Login):
		flag(c.Path, RuleReapplication, application.SeverityError, at,
			"@%s is not a maintainer of %s (maintainers: %s): only they may apply again for it under its name, App ID and company",
			author.Login, p.Path, strings.Join(p.App.Maintainers, ", "))
	}
}

func isMaintainer(app *application.Application, login string) bool {
	for _, m := range app.Maintainers {
		if strings.EqualFold(m, login) {
			return true
		}
	}
	return false
}

// changedProgramFields names the program fields whose values differ. An
// empty list and an absent one are the same value: `feedback: []` written
// where the base has no feedback changes nothing.
func changedProgramFields(a, b application.ProgramState) []string {
	var out []string
	ta := reflect.TypeOf(a)
	va, vb := reflect.ValueOf(a), reflect.ValueOf(b)
	for i := range ta.NumField() {
		fa, fb := va.Field(i), vb.Field(i)
		if fa.Kind() == reflect.Slice && fa.Len() == 0 && fb.Len() == 0 {
			continue
		}
		if !reflect.DeepEqual(fa.Interface(), fb.Interface()) {
			name, _, _ := strings.Cut(ta.Field(i).Tag.Get("json"), ",")
			out = append(out, name)
		}
	}
	return out
}
