// Package snapshot loads the program as one tree holds it — program.cue and
// the application files — and judges every application: the schema through
// internal/catalog, then the policies through internal/policy. The tree is
// any fs.FS: a checkout on disk, or a commit read through git.
package snapshot

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strings"

	"github.com/connectbot/connectbot/internal/application"
	"github.com/connectbot/connectbot/internal/catalog"
	"github.com/connectbot/connectbot/internal/gitrepo"
	"github.com/connectbot/connectbot/internal/policy"
	"github.com/connectbot/connectbot/internal/program"
)

// Snapshot is the judged program at one point: its configuration and every
// application file with its findings.
type Snapshot struct {
	Config application.Config
	Files  []application.File
	// ListingSuppliedOn is what ReadListings read of git history for the
	// listing clock (program.Input.ListingSuppliedOn); nil when no history
	// was read.
	ListingSuppliedOn map[string]application.Date
}

// History is the git history of the branch a snapshot was read from;
// gitrepo.Repo is one.
type History interface {
	History(ctx context.Context, rev, dir string, names []string, fn func(gitrepo.Version) (done bool)) error
}

// ReadListings reads, in one walk of h's first-parent history from rev,
// when the listing of each application program.ListingAsked names was
// first complete: each version of its file is read with cat.Listing, and the
// walk stops following a file once a version complete on or before its
// due date is found (the listing was supplied in time), or at its
// creation. The days found go to s.ListingSuppliedOn — the day a version
// complete by the due date came, else the earliest complete one; a file
// never complete is left out — and listings supplied in time and
// incomplete today are judged as damaged, not overdue
// (policy.SuppliedListings). With nothing to ask, no history is read.
func (s *Snapshot) ReadListings(ctx context.Context, cat *catalog.Catalog, h History, rev string, now application.Date) error {
	supplied := map[string]application.Date{}
	s.ListingSuppliedOn = supplied
	asked := program.ListingAsked(s.Files, s.Config, now)
	if len(asked) == 0 {
		return nil
	}
	dues := map[string]application.Date{}
	names := make([]string, len(asked))
	for i, slug := range asked {
		names[i] = slug + application.Ext
		for _, f := range s.Files {
			if f.Slug == slug {
				dues[names[i]], _ = f.ClockInputs().Program.ListingDue(s.Config.ListingDueDays)
			}
		}
	}
	err := h.History(ctx, rev, application.Dir, names, func(v gitrepo.Version) bool {
		if !cat.Listing(path.Join(application.Dir, v.Name), v.Content).Complete() {
			return false
		}
		on := application.DateOf(v.Since)
		supplied[application.SlugOf(v.Name)] = on
		return on <= dues[v.Name]
	})
	if err != nil {
		return fmt.Errorf("read the listings' history: %w", err)
	}
	policy.SuppliedListings(s.Files, supplied, s.Config)
	return nil
}

// Load reads the configuration and the application files named by paths
// (files, or directories whose *.cue files are taken) from fsys, validates
// them and applies every policy rule as of now. An error means nothing could
// be judged: an unreadable path, an empty directory named explicitly or with
// no program.cue beside it, a broken program.cue.
// Problems in application files are findings, never errors.
func Load(cat *catalog.Catalog, fsys fs.FS, paths []string, now application.Date) (*Snapshot, error) {
	cfg, err := LoadConfig(cat, fsys)
	if err != nil {
		return nil, err
	}
	files, err := ApplicationFiles(fsys, paths)
	if err != nil {
		return nil, err
	}
	loaded := cat.Applications(fsys, files)
	policy.Check(loaded, cfg, now)
	return &Snapshot{Config: cfg, Files: loaded}, nil
}

// LoadConfig reads program.cue at the root of fsys, or the defaults when
// there is none.
func LoadConfig(cat *catalog.Catalog, fsys fs.FS) (application.Config, error) {
	src, err := fs.ReadFile(fsys, catalog.ProgramFile)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		src = nil
	case err != nil:
		return application.Config{}, fmt.Errorf("read %s: %w", catalog.ProgramFile, err)
	}
	return cat.Program(catalog.ProgramFile, src)
}

// ApplicationFiles expands paths into the sorted list of application files:
// a directory stands for the *.cue files directly inside it. A path named
// explicitly must exist and, if a directory, hold application files. With no
// paths the program's applications/ directory is read, and a new program —
// one with a program.cue whose applications/ is empty or not there yet, as
// git keeps no empty directory — has none, which is not an error.
func ApplicationFiles(fsys fs.FS, paths []string) ([]string, error) {
	if len(paths) == 0 {
		if newProgram(fsys) {
			return nil, nil
		}
		if noProgram(fsys) {
			return nil, ErrNoProgram
		}
		if info, err := fs.Stat(fsys, application.Dir); err == nil && !info.IsDir() {
			return nil, fmt.Errorf("%s: not a directory", application.Dir)
		}
		paths = []string{application.Dir}
	}
	seen := map[string]bool{}
	var out []string
	for _, p := range paths {
		p = path.Clean(p)
		info, err := fs.Stat(fsys, p)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", p, unwrapPathError(err))
		}
		if !info.IsDir() {
			if !seen[p] {
				seen[p] = true
				out = append(out, p)
			}
			continue
		}
		entries, err := fs.ReadDir(fsys, p)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", p, unwrapPathError(err))
		}
		n := 0
		for _, e := range entries {
			if e.IsDir() || !strings.HasSuffix(e.Name(), application.Ext) {
				continue
			}
			n++
			f := path.Join(p, e.Name())
			if !seen[f] {
				seen[f] = true
				out = append(out, f)
			}
		}
		if n == 0 {
			return nil, fmt.Errorf("%s: no application files (*%s) in this directory", p, application.Ext)
		}
	}
	sort.Strings(out)
	return out, nil
}

// ErrNoProgram is the error of a tree that holds no program at all:
// neither program.cue nor applications/.
var ErrNoProgram = errors.New("no program here: neither " + catalog.ProgramFile + " nor " + application.Dir + "/ exists")

// noProgram reports whether fsys holds neither program.cue nor
// applications/.
func noProgram(fsys fs.FS) bool {
	_, errProgram := fs.Stat(fsys, catalog.ProgramFile)
	_, errApps := fs.Stat(fsys, application.Dir)
	return errors.Is(errProgram, fs.ErrNotExist) && errors.Is(errApps, fs.ErrNotExist)
}

// newProgram reports whether fsys is a program repository with no
// application yet: a program.cue, and an applications/ directory that is
// missing or holds no *.cue file.
func newProgram(fsys fs.FS) bool {
	if _, err := fs.Stat(fsys, catalog.ProgramFile); err != nil {
		return false
	}
	entries, err := fs.ReadDir(fsys, application.Dir)
	if errors.Is(err, fs.ErrNotExist) {
		return true
	}
	if err != nil {
		return false
	}
	for _, e := range entries {
		if !e.IsDir() && strings.HasSuffix(e.Name(), application.Ext) {
			return false
		}
	}
	return true
}

// unwrapPathError drops fs.PathError's repetition of the path and says
// "not found" plainly.
func unwrapPathError(err error) error {
	if errors.Is(err, fs.ErrNotExist) {
		return errors.New("not found")
	}
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// Errors counts the error findings of every file.
func (s *Snapshot) Errors() int { return s.count(application.SeverityError) }

// Warnings counts the warning findings of every file.
func (s *Snapshot) Warnings() int { return s.count(application.SeverityWarning) }

func (s *Snapshot) count(sev application.Severity) int {
	n := 0
	for _, f := range s.Files {
		for _, x := range f.Findings {
			if x.Severity == sev {
				n++
			}
		}
	}
	return n
}
