// Package pullrequest handles connectbot's pull requests and reviews: it
// gathers the facts of a pull request (its files at the base and the head
// commit, its reviews), has internal/program judge them, and carries the
// verdict out through GitHub and git — one sticky comment, one check with
// annotations, labels, and on an authorised approval a merge pinned to the
// head commit with the stage change recorded in git.
package pullrequest

import (
	"errors"
	"fmt"
	"io/fs"
	"path"

	"github.com/connectbot/connectbot/internal/application"
	"github.com/connectbot/connectbot/internal/catalog"
	"github.com/connectbot/connectbot/internal/policy"
	"github.com/connectbot/connectbot/internal/program"
	"github.com/connectbot/connectbot/internal/report"
	"github.com/connectbot/connectbot/internal/snapshot"
)

// Touched is one file a pull request changes, as GitHub lists it.
type Touched struct {
	Path, PreviousPath, Status string
}

// Judged is a pull request's files judged at both ends, with the base's
// configuration.
type Judged struct {
	Changes []program.FileChange
	Config  application.Config
	// Impact is what the pull request's change to program.cue does to
	// every application on the base branch; nil when it does not touch
	// program.cue.
	Impact *report.Impact
}

// Judge loads the base and head trees of a pull request and judges every
// application file it touches. The schema and program.cue come from the
// base tree, never from the head: a pull request cannot change the rules
// that judge it. Cross-file rules see every application at the head. When
// the pull request touches program.cue, the head's program.cue, read with
// the base's schema, is compared with the base's over every application on
// the base branch.
func Judge(base, head fs.FS, touched []Touched, now application.Date) (*Judged, error) {
	cat, err := catalog.ForTree(base)
	if err != nil {
		return nil, err
	}
	cfg, err := snapshot.LoadConfig(cat, base)
	if err != nil {
		return nil, fmt.Errorf("base branch: %w", err)
	}
	headFiles, err := loadAll(cat, head, cfg, now)
	if err != nil {
		return nil, fmt.Errorf("head: %w", err)
	}
	byPath := map[string]*application.File{}
	for i := range headFiles {
		byPath[headFiles[i].Path] = &headFiles[i]
	}
	j := &Judged{Config: cfg}
	touchesProgram := false
	for _, t := range touched {
		c := program.FileChange{Path: t.Path, PreviousPath: t.PreviousPath, Status: t.Status}
		if c.IsApplication() {
			if t.Status != program.FileRemoved {
				c.Head = byPath[t.Path]
			}
			basePath := t.Path
			if t.PreviousPath != "" {
				basePath = t.PreviousPath
			}
			if t.Status != program.FileAdded {
				c.Base = loadOne(cat, base, basePath, cfg, now)
			}
		}
		j.Changes = append(j.Changes, c)
		if t.Path == catalog.ProgramFile || t.PreviousPath == catalog.ProgramFile {
			touchesProgram = true
		}
	}
	if touchesProgram {
		proposed, invalid := snapshot.LoadConfig(cat, head)
		if invalid != nil {
			j.Impact = &report.Impact{Now: now, Days: program.ImpactDays, Invalid: invalid.Error()}
			j.flagProgram(invalid)
			return j, nil
		}
		paths, err := applicationPaths(base)
		if err != nil {
			return nil, fmt.Errorf("base branch: %w", err)
		}
		imp := report.NewImpact("the base branch", cat.Applications(base, paths), cfg, proposed, now, program.ImpactDays)
		j.Impact = &imp
	}
	return j, nil
}

// flagProgram records why the head's program.cue does not validate as an
// error on that file, at its position, so the check fails and a reviewer
// cannot merge a configuration connectbot could not run on.
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

// loadAll judges every application at a tree; a tree with none is empty.
func loadAll(cat *catalog.Catalog, tree fs.FS, cfg application.Config, now application.Date) ([]application.File, error) {
	paths, err := applicationPaths(tree)
	if err != nil {
		return nil, err
	}
	files := cat.Applications(tree, paths)
	policy.Check(files, cfg, now)
	return files, nil
}

// applicationPaths lists the application files of a tree; a tree with
// none has none.
func applicationPaths(tree fs.FS) ([]string, error) {
	paths, err := snapshot.ApplicationFiles(tree, nil)
	if err != nil {
		if _, statErr := fs.Stat(tree, snapshot.ApplicationsDir); errors.Is(statErr, fs.ErrNotExist) {
			return nil, nil
		}
		if names, _ := fs.Glob(tree, path.Join(snapshot.ApplicationsDir, "*.cue")); len(names) == 0 {
			return nil, nil
		}
		return nil, err
	}
	return paths, nil
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
