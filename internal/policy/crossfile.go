package policy

import (
	"fmt"
	"regexp"
	"sort"
	"strings"

	"github.com/connectbot/connectbot/internal/application"
)

// slugRE is the form of a slug: lowercase words of letters and digits
// joined by single hyphens.
var slugRE = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)

// MaxSlug is the longest slug, in characters. A slug names the
// application's file, its listing page and connectbot's branches for it;
// a file system refuses a name past 255 bytes, so an unbounded slug could
// put on the base branch a file no one can check out.
const MaxSlug = 64

// ValidSlug reports whether s is a well-formed slug, the name of an
// application file without ".cue": at most MaxSlug characters.
func ValidSlug(s string) bool { return len(s) <= MaxSlug && slugRE.MatchString(s) }

// crossFile applies the rules that need every file at once.
func crossFile(files []application.File) {
	byAppID := map[string][]int{}
	byName := map[string][]int{}
	byCompany := map[string][]int{}
	for i := range files {
		f := &files[i]
		switch {
		case !slugRE.MatchString(f.Slug):
			f.Findings = append(f.Findings, application.Finding{
				Rule: RuleSlug, Severity: application.SeverityError, Line: 1, Column: 1,
				Message: fmt.Sprintf("file name %q is not a slug: use lowercase letters, digits and single hyphens, like acme-sync.cue", f.Slug+application.Ext),
			})
		case len(f.Slug) > MaxSlug:
			f.Findings = append(f.Findings, application.Finding{
				Rule: RuleSlug, Severity: application.SeverityError, Line: 1, Column: 1,
				Message: fmt.Sprintf("file name %q is too long: its slug has %d characters and may have at most %d, like acme-sync.cue", f.Slug[:16]+"…"+application.Ext, len(f.Slug), MaxSlug),
			})
		}
		if f.App == nil {
			continue
		}
		if id := f.App.Integration.AppID; id != "" {
			byAppID[id] = append(byAppID[id], i)
		}
		if k := compactKey(f.App.Integration.Name); k != "" {
			byName[k] = append(byName[k], i)
		}
		if k := CompanyKey(f.App.Company.Name); k != "" {
			byCompany[k] = append(byCompany[k], i)
		}
	}
	claimedTwice(files, byAppID, RuleUniqueAppID, "integration.appId", func(f *application.File, others string) string {
		return fmt.Sprintf("App ID %s is also claimed by %s; an App ID belongs to one application",
			f.App.Integration.AppID, others)
	})
	claimedTwice(files, byName, RuleUniqueName, "integration.name", func(f *application.File, others string) string {
		return fmt.Sprintf("an integration named %q is already listed in %s; names are unique ignoring case, spaces and characters that look alike",
			f.App.Integration.Name, others)
	})
	for _, group := range groups(byCompany) {
		for _, i := range group {
			for _, j := range group {
				if i == j || sharesMaintainer(files[i].App, files[j].App) {
					continue
				}
				addAt(&files[i], RuleCompanyClaim, "maintainers",
					fmt.Sprintf("company %q is already maintained by %s in %s and no maintainer is shared; ask them to add you to that file's maintainers",
						files[i].App.Company.Name, strings.Join(files[j].App.Maintainers, ", "), files[j].Path))
			}
		}
	}
}

// claimedTwice reports on each file of a group that shares a key of by
// (an App ID, a name) the other files whose claim stands against it, with
// message's words and, when it applies, how to re-apply.
func claimedTwice(files []application.File, by map[string][]int, rule, path string, message func(f *application.File, others string) string) {
	for _, group := range groups(by) {
		for _, i := range group {
			others := otherPaths(files, group, i)
			if others == "" {
				continue
			}
			addAt(&files[i], rule, path, message(&files[i], others)+reapplyHint(files, group, i))
		}
	}
}

// groups returns the index lists with more than one member, in a stable order.
func groups(m map[string][]int) [][]int {
	var out [][]int
	for _, g := range m {
		if len(g) > 1 {
			out = append(out, g)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i][0] < out[j][0] })
	return out
}

// otherPaths names the files of group, other than self, whose claim
// stands against self's: all but a removed application and the
// re-application that links it (Reapplies).
func otherPaths(files []application.File, group []int, self int) string {
	var ps []string
	for _, j := range group {
		if j != self && !Reapplies(&files[self], &files[j]) && !Reapplies(&files[j], &files[self]) {
			ps = append(ps, files[j].Path)
		}
	}
	return strings.Join(ps, ", ")
}

// Reapplies reports whether file next applies again for the removed
// application old: next names old's slug in previousApplication, old is
// removed, and they share a maintainer. old's name, App ID and company
// then do not block next. That the pull request adding the link comes
// from one of old's maintainers, not only names one, is the pull
// request's check (program.Ownership).
func Reapplies(next, old *application.File) bool {
	if next.App == nil || old.App == nil || next.App.PreviousApplication != old.Slug {
		return false
	}
	return old.App.Program.Stage == application.StageRemoved && next.App.Program.Stage != application.StageRemoved &&
		sharesMaintainer(next.App, old.App)
}

// reapplyHint tells a file that is not removed, and shares a maintainer
// with a removed file of group that it does not link, how to re-apply.
func reapplyHint(files []application.File, group []int, self int) string {
	f := files[self].App
	if f.Program.Stage == application.StageRemoved {
		return ""
	}
	for _, j := range group {
		old := files[j].App
		if j != self && old.Program.Stage == application.StageRemoved && sharesMaintainer(f, old) && f.PreviousApplication != files[j].Slug {
			return fmt.Sprintf(`; if this applies again for %s, removed on %s, add previousApplication: %q`,
				files[j].Path, removedOn(old), files[j].Slug)
		}
	}
	return ""
}

// removedOn is the day a removed application was removed, or "a day it
// does not record".
func removedOn(a *application.Application) string {
	if a.Program.Removed == nil {
		return "a day it does not record"
	}
	return a.Program.Removed.At.String()
}

func sharesMaintainer(a, b *application.Application) bool {
	for _, x := range a.Maintainers {
		for _, y := range b.Maintainers {
			if strings.EqualFold(x, y) {
				return true
			}
		}
	}
	return false
}

// CompanyKey is what makes two company names the same company: their
// words folded as names are (NFKC, case, default-ignorable characters,
// confusable skeletons), without the legal suffixes at the end ("Ltd",
// "Inc.", "GmbH & Co. KG") and without spaces. "Acme Software Ltd",
// "ACME software, Inc." and "Асme Software" (a Cyrillic А and с) have one
// key. A name of nothing but a suffix keeps it.
func CompanyKey(name string) string {
	ws := words(name)
	n := len(ws)
	for n > 1 && legalSuffixes[ws[n-1]] {
		n--
	}
	return strings.Join(ws[:n], "")
}

// legalSuffixes are the words of legal forms that do not tell one company
// from another.
var legalSuffixes = foldedSet("ltd", "limited", "inc", "incorporated", "llc", "llp", "lp", "plc",
	"corp", "corporation", "co", "company", "gmbh", "ag", "kg", "ug", "se", "sa", "sas", "sarl",
	"srl", "spa", "sl", "bv", "nv", "pty", "pte", "oy", "ab", "as", "aps", "kk")

func addAt(f *application.File, rule, path, msg string) {
	addFinding(f, rule, application.SeverityError, path, msg)
}

// sortByPosition orders findings as they appear in the file.
func sortByPosition(fs []application.Finding) {
	sort.SliceStable(fs, func(i, j int) bool {
		if fs[i].Line != fs[j].Line {
			return fs[i].Line < fs[j].Line
		}
		return fs[i].Column < fs[j].Column
	})
}

// foldedSet holds the key of each word.
func foldedSet(ws ...string) map[string]bool {
	m := make(map[string]bool, len(ws))
	for _, w := range ws {
		m[foldKey(w)] = true
	}
	return m
}
