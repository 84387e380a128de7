package loader

import (
	"fmt"
	"io/fs"
	"slices"

	"github.com/connectbot/connectbot/internal/application"
	"github.com/connectbot/connectbot/internal/catalog"
	"github.com/connectbot/connectbot/internal/snapshot"
)

// Program returns t's catalogue (by the package's one rule, Catalog) and
// its configuration read with it: what a command needs of a program
// before it reads any application.
func (l *Loader) Program(t Tree) (*catalog.Catalog, application.Config, error) {
	cat, err := l.Catalog(t)
	if err != nil {
		return nil, application.Config{}, err
	}
	cfg, _, err := l.Config(cat, t)
	if err != nil {
		return nil, application.Config{}, err
	}
	return cat, cfg, nil
}

// LoadPaths judges the application files of t named by paths — files, or
// directories whose *.cue files are taken — as of now, as snapshot.Load
// does, with t's catalogue and configuration. With no paths it is Load.
func (l *Loader) LoadPaths(t Tree, paths []string, now application.Date) (*snapshot.Snapshot, *catalog.Catalog, error) {
	if len(paths) == 0 {
		return l.Load(t, now)
	}
	cat, err := l.Catalog(t)
	if err != nil {
		return nil, nil, err
	}
	snap, err := snapshot.Load(cat, t.FS, paths, now)
	if err != nil {
		return nil, nil, err
	}
	return snap, cat, nil
}

// Application reads the application file at p of t and loads it with t's
// catalogue, as the catalogue reads it (no policy rule applied), with its
// source: the file an edit starts from. A file that cannot be read is an
// error; one that does not load comes back with a nil App and its
// findings. A file of a tree read from git is loaded once per blob.
func (l *Loader) Application(t Tree, p string) (application.File, []byte, error) {
	src, err := fs.ReadFile(t.FS, p)
	if err != nil {
		return application.File{}, nil, fmt.Errorf("read %s: %w", p, err)
	}
	cat, err := l.Catalog(t)
	if err != nil {
		return application.File{}, nil, err
	}
	blob, kept := t.Apps[p]
	key := rawKey{p, blob, t.SchemaID}
	if kept {
		if f, ok := l.raw.get(key); ok {
			f.Findings = slices.Clone(f.Findings)
			return f, src, nil
		}
	}
	f := cat.Application(p, src)
	if kept {
		l.raw.put(key, f)
		f.Findings = slices.Clone(f.Findings)
	}
	return f, src, nil
}

// Rewrite returns the application file at p of t with its program part
// set to state, everything else kept (catalog.SetProgram), and refuses —
// an error — a result that t's catalogue would not load: connectbot never
// writes a file it would refuse. It is the one way connectbot edits an
// application's program part, for a stage change, a removal or a date.
func (l *Loader) Rewrite(t Tree, p string, state application.ProgramState) ([]byte, error) {
	src, err := fs.ReadFile(t.FS, p)
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", p, err)
	}
	cat, err := l.Catalog(t)
	if err != nil {
		return nil, err
	}
	out, err := cat.SetProgram(p, src, state)
	if err != nil {
		return nil, err
	}
	if f := cat.Application(p, out); f.App == nil {
		return nil, fmt.Errorf("the rewritten %s would not load: %s", p, firstMessage(f.Findings))
	}
	return out, nil
}

// firstMessage is the first of findings' messages, for a one-line error.
func firstMessage(findings []application.Finding) string {
	for _, f := range findings {
		if f.Severity == application.SeverityError {
			return f.Message
		}
	}
	if len(findings) > 0 {
		return findings[0].Message
	}
	return "it has errors"
}
