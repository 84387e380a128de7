// Package pullrequest handles connectbot's pull requests and reviews: it
// merges a pull request's head into its base branch's tip (in git, from the
// trees), judges what that merge would put on the base branch, has
// internal/program decide, and carries the verdict out through GitHub and
// git — one sticky comment, one check with annotations, labels, and on an
// authorised approval the judged merge pushed to the base branch with the
// stage change recorded, only if the base has not moved.
package pullrequest

import (
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"slices"

	"github.com/connectbot/connectbot/internal/application"
	"github.com/connectbot/connectbot/internal/catalog"
	"github.com/connectbot/connectbot/internal/loader"
	"github.com/connectbot/connectbot/internal/policy"
	"github.com/connectbot/connectbot/internal/program"
	"github.com/connectbot/connectbot/internal/report"
)

// Entry is what a path is on one side of a change: its kind
// (program.EntryFile, program.EntrySymlink, ...; "" when absent) and the
// git object it names.
type Entry struct {
	Kind, Object string
}

// Change is one path whose entry differs between the base branch's tip and
// the merge result.
type Change struct {
	Path     string
	From, To Entry
}

// Judged is a pull request's change judged as it would merge, with the
// base's configuration.
type Judged struct {
	Changes []program.FileChange
	Config  application.Config
	// Impact is what the pull request's change to program.cue does to
	// every application on the base branch; nil when it does not touch
	// program.cue.
	Impact *report.Impact
}

// Judge judges the result of merging a pull request into its base
// branch's tip: merged is that result and changes are how it differs from
// base. The schema and program.cue come from base, never from the merge: a
// pull request cannot change the rules that judge it. Every application of
// the merge result goes through the cross-file rules; the answer is about
// the paths the merge changes, plus any application it does not change
// whose cross-file errors it adds (a second claim to its App ID, name or
// company). A merge that adds more application files than the base's
// program.cue allows is not judged: its changes come back as they are,
// for the verdict's one finding. When the merge changes program.cue, the proposed program.cue,
// read with the base's schema, is compared with the base's over every
// application on the base branch.
func (j *Judge) Judge(base, merged loader.Tree, changes []Change, now application.Date) (*Judged, error) {
	cat, err := j.Loader.Catalog(base)
	if err != nil {
		return nil, err
	}
	cfg, cfgKey, err := j.Loader.Config(cat, base)
	if err != nil {
		return nil, fmt.Errorf("base branch: %w", err)
	}
	if classified := classify(changes, base.Apps); tooMany(classified, cfg) {
		// The verdict is one finding: nothing is read file by file.
		return &Judged{Changes: classified, Config: cfg}, nil
	}
	baseFiles, baseRaw, err := j.Loader.Files(cat, base.SchemaID, base, cfg, cfgKey, now)
	if err != nil {
		return nil, fmt.Errorf("base branch: %w", err)
	}
	mergedFiles, _, err := j.Loader.Files(cat, base.SchemaID, merged, cfg, cfgKey, now)
	if err != nil {
		return nil, fmt.Errorf("merge result: %w", err)
	}
	baseByPath, mergedByPath := byPath(baseFiles), byPath(mergedFiles)
	out := &Judged{Config: cfg}
	touched := map[string]bool{}
	touchesProgram := false
	for _, c := range classify(changes, base.Apps) {
		if c.IsApplication() {
			if c.ToKind == program.EntryFile {
				c.Head = mergedByPath[c.Path]
				if c.Head == nil && application.IsPath(c.Path) {
					// Never judged clean for want of reading it.
					c.Head = unreadable(c.Path)
				}
			}
			from := c.Path
			if c.PreviousPath != "" && c.Status == program.ChangeRename {
				from = c.PreviousPath
			}
			if c.FromKind == program.EntryFile || c.Status == program.ChangeRename {
				c.Base = baseByPath[from]
			}
			c.Claimed = claimed(baseFiles, c, from)
			c.SameCompany = sameCompany(baseFiles, c, from)
			c.Previous = previous(baseFiles, c)
		}
		touched[c.Path] = true
		if c.Path == catalog.ProgramFile {
			touchesProgram = true
		}
		out.Changes = append(out.Changes, c)
	}
	out.Changes = append(out.Changes, affected(baseByPath, mergedFiles, touched)...)
	if touchesProgram {
		// The proposed program.cue, read with the base's catalogue.
		proposed, _, invalid := j.Loader.Config(cat, loader.Dir(merged.FS))
		if invalid != nil {
			out.Impact = &report.Impact{Now: now, Days: program.ImpactDays, Invalid: invalid.Error()}
			out.flagProgram(invalid)
			return out, nil
		}
		imp := report.NewImpact("the base branch", baseRaw, cfg, proposed, now, program.ImpactDays)
		out.Impact = &imp
	}
	return out, nil
}

// tooMany reports whether changes add more application files than cfg
// allows in one pull request.
func tooMany(changes []program.FileChange, cfg application.Config) bool {
	_, ok := program.TooManyApplications(changes, cfg)
	return ok
}

// claimed returns the applications on the base branch, other than the
// change's own (at from), whose company the change's head names when its
// base did not.
func claimed(base []application.File, c program.FileChange, from string) []*application.File {
	if c.Head == nil || c.Head.App == nil {
		return nil
	}
	key := policy.CompanyKey(c.Head.App.Company.Name)
	if c.Base != nil && c.Base.App != nil && policy.CompanyKey(c.Base.App.Company.Name) == key {
		return nil
	}
	var out []*application.File
	for i := range base {
		f := &base[i]
		if f.Path != from && f.Path != c.Path && f.App != nil && policy.CompanyKey(f.App.Company.Name) == key {
			out = append(out, f)
		}
	}
	return out
}

// sameCompany returns the applications on the base branch, other than the
// change's own (at from), of the company the change names at its base or
// its head.
func sameCompany(base []application.File, c program.FileChange, from string) []*application.File {
	keys := map[string]bool{}
	for _, f := range []*application.File{c.Base, c.Head} {
		if f != nil && f.App != nil {
			if k := policy.CompanyKey(f.App.Company.Name); k != "" {
				keys[k] = true
			}
		}
	}
	var out []*application.File
	for i := range base {
		f := &base[i]
		if f.Path != from && f.Path != c.Path && f.App != nil && keys[policy.CompanyKey(f.App.Company.Name)] {
			out = append(out, f)
		}
	}
	return out
}

// previous returns the application on the base branch whose slug the
// change's head names in previousApplication, or nil.
func previous(base []application.File, c program.FileChange) *application.File {
	if c.Head == nil || c.Head.App == nil || c.Head.App.PreviousApplication == "" {
		return nil
	}
	for i := range base {
		if base[i].Slug == c.Head.App.PreviousApplication {
			return &base[i]
		}
	}
	return nil
}

// unreadable is the verdict on an application file the merge changes but
// the judge could not find in the merge result.
func unreadable(p string) *application.File {
	return &application.File{Path: p, Slug: application.SlugOf(p), Findings: []application.Finding{{
		Rule: catalog.RuleInternal, Severity: application.SeverityError, Line: 1, Column: 1,
		Message: p + " is changed by the merge but could not be read from its result; report it to the program team",
	}}}
}

// classify turns the path changes into file changes with their statuses:
// an application deleted at one path and added with the same content at
// another is a rename, and a new application with the content of one on
// the base branch is a copy.
func classify(changes []Change, baseApps map[string]string) []program.FileChange {
	removedBlob := map[string]string{}
	for _, c := range changes {
		if c.From.Kind == program.EntryFile && c.To.Kind == "" && application.IsPath(c.Path) {
			removedBlob[c.From.Object] = c.Path
		}
	}
	baseBlob := map[string]string{}
	for _, p := range slices.Sorted(maps.Keys(baseApps)) {
		if _, ok := baseBlob[baseApps[p]]; !ok {
			baseBlob[baseApps[p]] = p
		}
	}
	renamedFrom := map[string]bool{}
	var out []program.FileChange
	for _, c := range changes {
		fc := program.FileChange{Path: c.Path, FromKind: c.From.Kind, ToKind: c.To.Kind}
		switch {
		case c.From.Kind == "" && c.To.Kind == program.EntryFile && application.IsPath(c.Path):
			fc.Status = program.ChangeNew
			if old, ok := removedBlob[c.To.Object]; ok && !renamedFrom[old] {
				fc.Status, fc.PreviousPath, fc.FromKind = program.ChangeRename, old, program.EntryFile
				renamedFrom[old] = true
			} else if old, ok := baseBlob[c.To.Object]; ok {
				fc.Status, fc.PreviousPath = program.ChangeCopy, old
			}
		case c.From.Kind == "":
			fc.Status = program.ChangeNew
		case c.To.Kind == "":
			fc.Status = program.ChangeDelete
		default:
			fc.Status = program.ChangeUpdate
		}
		out = append(out, fc)
	}
	// A rename replaces the deletion it came from.
	return slices.DeleteFunc(out, func(c program.FileChange) bool {
		return c.Status == program.ChangeDelete && renamedFrom[c.Path]
	})
}

// affected returns, for each application the merge does not change, the
// cross-file errors it has after the merge and not before: what this pull
// request does to someone else's file.
func affected(base map[string]*application.File, merged []application.File, touched map[string]bool) []program.FileChange {
	var out []program.FileChange
	for i := range merged {
		m := &merged[i]
		if touched[m.Path] {
			continue
		}
		had := map[string]int{}
		if b := base[m.Path]; b != nil {
			for _, f := range b.Findings {
				if f.Severity == application.SeverityError && slices.Contains(policy.CrossFileRules, f.Rule) {
					had[f.Rule]++
				}
			}
		}
		var added []application.Finding
		for _, f := range m.Findings {
			if f.Severity != application.SeverityError || !slices.Contains(policy.CrossFileRules, f.Rule) {
				continue
			}
			if had[f.Rule] > 0 {
				had[f.Rule]--
				continue
			}
			f.Message += " (this pull request adds the other claim)"
			added = append(added, f)
		}
		if len(added) == 0 {
			continue
		}
		head := *m
		head.Findings = added
		out = append(out, program.FileChange{
			Path: m.Path, Status: program.ChangeAffected, FromKind: program.EntryFile, ToKind: program.EntryFile,
			Base: base[m.Path], Head: &head,
		})
	}
	return out
}

// flagProgram records why the proposed program.cue does not validate as
// an error on that file, at its position, so the check fails and a
// reviewer cannot merge a configuration connectbot could not run on.
func (j *Judged) flagProgram(invalid error) {
	msg, at := invalid.Error(), application.Pos{Line: 1, Column: 1}
	var pe *catalog.PositionError
	if errors.As(invalid, &pe) {
		msg, at = pe.Message, application.Pos{Line: pe.Line, Column: pe.Column}
	}
	for i, c := range j.Changes {
		if c.Path == catalog.ProgramFile {
			j.Changes[i].Head = &application.File{Path: c.Path, Findings: []application.Finding{{
				Rule: catalog.RuleSchema, Severity: application.SeverityError,
				Message: msg, Line: at.Line, Column: at.Column,
			}}}
		}
	}
}

// loadOne judges a single file at a tree, or returns nil when it is absent.
func loadOne(cat *catalog.Catalog, tree fs.FS, p string, cfg application.Config, now application.Date) *application.File {
	src, err := fs.ReadFile(tree, p)
	if err != nil {
		return nil
	}
	files := []application.File{cat.Application(p, src)}
	policy.Check(files, cfg, now)
	return &files[0]
}

func byPath(files []application.File) map[string]*application.File {
	out := make(map[string]*application.File, len(files))
	for i := range files {
		out[files[i].Path] = &files[i]
	}
	return out
}
