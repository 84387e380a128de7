// Package loader is the one loader of a program tree: program.cue and the
// application files of a commit read through git, or of a checkout on
// disk, judged by the schema and the policies, with what was loaded kept
// by git object name so that a tree seen once is not loaded again.
//
// It is also the one place the schema that judges a tree is chosen (see
// Catalog): every run — plan, tick, reconcile, a pull request's verdict —
// asks it, so no two of them judge one tree with different schemas.
package loader

import (
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"path"
	"slices"
	"strings"
	"sync"

	"github.com/connectbot/connectbot/internal/application"
	"github.com/connectbot/connectbot/internal/catalog"
	"github.com/connectbot/connectbot/internal/gitrepo"
	"github.com/connectbot/connectbot/internal/policy"
	"github.com/connectbot/connectbot/internal/snapshot"
)

// SchemaDir is where a program tree may carry its own schema.
const SchemaDir = "schema"

// Catalog returns the catalogue that judges the program tree fsys. The
// rule, the same for every command and every run: a tree that carries a
// schema — *.cue files in schema/ at its root — is judged by that schema;
// a tree without one by the schema embedded in the binary. For a pull
// request the tree is its base branch's tip, never the merge or the
// head: a pull request cannot change the rules that judge it. So `plan`
// on a checkout and `tick` on the commit it checks out judge alike,
// whichever binary runs them.
func Catalog(fsys fs.FS) (*catalog.Catalog, error) {
	if sub, err := fs.Sub(fsys, SchemaDir); err == nil {
		if names, _ := fs.Glob(sub, "*.cue"); len(names) > 0 {
			cat, err := catalog.New(sub, catalog.DefaultLimits)
			if err != nil {
				return nil, fmt.Errorf("the tree's %w", err)
			}
			return cat, nil
		}
	}
	return catalog.Default()
}

// Tree is a program tree: its files, and for a tree read from git the
// names of its objects, so that what was loaded once is not loaded again.
type Tree struct {
	FS fs.FS
	// Apps maps the path of every regular application file
	// (applications/<name>.cue) to its blob's SHA. Nil lists FS instead
	// and caches nothing (a checkout on disk).
	Apps map[string]string
	// AppsID, SchemaID and ProgramID name the applications/ and schema/
	// trees and the program.cue blob ("" when absent or unknown).
	AppsID, SchemaID, ProgramID string
}

// Dir is a tree with no object names, such as a checkout on disk: it is
// judged from scratch.
func Dir(fsys fs.FS) Tree { return Tree{FS: fsys} }

// treeReader is what Read needs of the repository.
type treeReader interface {
	Tree(sha string) (fs.FS, error)
	Entries(sha, dir string) (map[string]gitrepo.Entry, error)
}

// Read reads commit sha of git as a tree, with the object names that let
// a Loader reuse what it loaded before.
func Read(git treeReader, sha string) (Tree, error) {
	fsys, err := git.Tree(sha)
	if err != nil {
		return Tree{}, err
	}
	root, err := git.Entries(sha, ".")
	if err != nil {
		return Tree{}, err
	}
	t := Tree{FS: fsys, Apps: map[string]string{},
		AppsID: root[application.Dir].Object, SchemaID: root[SchemaDir].Object, ProgramID: root[catalog.ProgramFile].Object}
	if root[application.Dir].Kind != gitrepo.KindDir {
		return t, nil
	}
	apps, err := git.Entries(sha, application.Dir)
	if err != nil {
		return Tree{}, err
	}
	for name, e := range apps {
		if e.Kind == gitrepo.KindFile && strings.HasSuffix(name, application.Ext) {
			t.Apps[path.Join(application.Dir, name)] = e.Object
		}
	}
	return t, nil
}

// Loader loads and judges program trees, keeping what it loaded by git
// object name — the catalogue by the schema's tree, the configuration by
// the program.cue blob, each application file by its blob, and whole
// judged trees by their applications/ tree — so that loading a tree that
// differs from one seen before in a few files costs those files, plus the
// cross-file rules over every file. Trees without object names are
// loaded from scratch. One Loader serves a whole run (a reconcile, a
// tick, an Actions event) or a whole process (serve). It is safe for
// concurrent use; the zero value is not, use New.
type Loader struct {
	mu       sync.Mutex
	catalogs map[string]*catalog.Catalog
	configs  map[string]application.Config
	raw      *generations[rawKey]
	checked  *generations[checkedKey]
	sets     map[setKey]judgedSet
}

// minCacheFiles is the least number of files each of the two file caches
// keeps per generation. A generation holds twice the files of the largest
// tree judged, at least this many: the base's files and the pull
// requests' versions of them, so that a long-running process keeps what
// its program needs and not every version it has ever judged (two
// generations are kept, the older dropped when the newer fills).
const minCacheFiles = 256

// cacheSets bounds the judged trees kept.
const cacheSets = 4

// New returns a Loader with empty caches.
func New() *Loader {
	return &Loader{
		catalogs: map[string]*catalog.Catalog{},
		configs:  map[string]application.Config{},
		raw:      newGenerations[rawKey](minCacheFiles),
		checked:  newGenerations[checkedKey](minCacheFiles),
		sets:     map[setKey]judgedSet{},
	}
}

// rawKey names a file as the catalogue loaded it.
type rawKey struct{ path, blob, schema string }

// checkedKey names a file with the findings of the rules that read one
// file at a time.
type checkedKey struct {
	path, blob, config string
	now                application.Date
}

// setKey names a whole judged tree.
type setKey struct {
	apps, config string
	now          application.Date
}

// judgedSet is a judged tree: every file with all its findings, and as the
// catalogue loaded them.
type judgedSet struct{ judged, raw []application.File }

// Catalog returns the catalogue that judges t, by the package's one rule
// (Catalog), kept by t's schema/ tree.
func (l *Loader) Catalog(t Tree) (*catalog.Catalog, error) {
	if t.Apps == nil {
		return Catalog(t.FS)
	}
	l.mu.Lock()
	cat, ok := l.catalogs[t.SchemaID]
	l.mu.Unlock()
	if ok {
		return cat, nil
	}
	cat, err := Catalog(t.FS)
	if err != nil {
		return nil, err
	}
	l.mu.Lock()
	if len(l.catalogs) >= cacheSets {
		clear(l.catalogs)
	}
	l.catalogs[t.SchemaID] = cat
	l.mu.Unlock()
	return cat, nil
}

// Config returns t's configuration read with cat (t's catalogue), and a
// key naming it for Files ("" when it cannot be kept).
func (l *Loader) Config(cat *catalog.Catalog, t Tree) (application.Config, string, error) {
	if t.Apps == nil {
		cfg, err := snapshot.LoadConfig(cat, t.FS)
		return cfg, "", err
	}
	key := t.SchemaID + "/" + t.ProgramID
	l.mu.Lock()
	cfg, ok := l.configs[key]
	l.mu.Unlock()
	if ok {
		return cfg, key, nil
	}
	cfg, err := snapshot.LoadConfig(cat, t.FS)
	if err != nil {
		return cfg, "", err
	}
	l.mu.Lock()
	if len(l.configs) >= cacheSets {
		clear(l.configs)
	}
	l.configs[key] = cfg
	l.mu.Unlock()
	return cfg, key, nil
}

// Files loads and judges every application of t as of now, with cat and
// cfg (read by Config, whose key cfgKey is): the judged files, and the
// files as the catalogue loaded them. catKey names cat (the schema/ tree
// of the tree whose rules judge t, which for a pull request's merge is
// its base's). The result is shared: callers must not change it.
func (l *Loader) Files(cat *catalog.Catalog, catKey string, t Tree, cfg application.Config, cfgKey string, now application.Date) ([]application.File, []application.File, error) {
	if t.Apps == nil || cfgKey == "" {
		paths, err := applicationPaths(t.FS)
		if err != nil {
			return nil, nil, err
		}
		raw := cat.Applications(t.FS, paths)
		judged := cloneFiles(raw)
		policy.Check(judged, cfg, now)
		return judged, raw, nil
	}
	sk := setKey{apps: t.AppsID, config: cfgKey, now: now}
	if t.AppsID != "" {
		l.mu.Lock()
		set, ok := l.sets[sk]
		l.mu.Unlock()
		if ok {
			return set.judged, set.raw, nil
		}
	}
	paths := slices.Sorted(maps.Keys(t.Apps))
	l.raw.fit(len(paths))
	l.checked.fit(len(paths))
	raw := l.loadRaw(cat, catKey, t, paths)
	judged := l.checkEach(t, paths, raw, cfg, cfgKey, now)
	judged = cloneFiles(judged)
	policy.CrossFile(judged)
	if t.AppsID != "" {
		l.mu.Lock()
		if len(l.sets) >= cacheSets {
			clear(l.sets)
		}
		l.sets[sk] = judgedSet{judged: judged, raw: raw}
		l.mu.Unlock()
	}
	return judged, raw, nil
}

// loadRaw loads the files at paths of t through cat, each file once per
// blob and schema.
func (l *Loader) loadRaw(cat *catalog.Catalog, catKey string, t Tree, paths []string) []application.File {
	raw := make([]application.File, len(paths))
	var missing []int
	for i, p := range paths {
		if f, ok := l.raw.get(rawKey{p, t.Apps[p], catKey}); ok {
			raw[i] = f
		} else {
			missing = append(missing, i)
		}
	}
	if len(missing) == 0 {
		return raw
	}
	missPaths := make([]string, len(missing))
	for k, i := range missing {
		missPaths[k] = paths[i]
	}
	for k, f := range cat.Applications(t.FS, missPaths) {
		i := missing[k]
		raw[i] = f
		l.raw.put(rawKey{paths[i], t.Apps[paths[i]], catKey}, f)
	}
	return raw
}

// checkEach applies the rules that read one file at a time to raw, each
// file once per blob, configuration and day.
func (l *Loader) checkEach(t Tree, paths []string, raw []application.File, cfg application.Config, cfgKey string, now application.Date) []application.File {
	judged := make([]application.File, len(paths))
	var missing []int
	for i, p := range paths {
		if f, ok := l.checked.get(checkedKey{p, t.Apps[p], cfgKey, now}); ok {
			judged[i] = f
		} else {
			judged[i] = raw[i]
			missing = append(missing, i)
		}
	}
	if len(missing) == 0 {
		return judged
	}
	todo := make([]application.File, len(missing))
	for k, i := range missing {
		todo[k] = judged[i]
		todo[k].Findings = slices.Clone(todo[k].Findings)
	}
	policy.CheckEach(todo, cfg, now)
	for k, i := range missing {
		judged[i] = todo[k]
		l.checked.put(checkedKey{paths[i], t.Apps[paths[i]], cfgKey, now}, todo[k])
	}
	return judged
}

// Load judges the whole program tree t as of now — its configuration and
// every application — as a snapshot, with the catalogue that judged it
// (for reading the listings' history). An error means nothing could be
// judged, as for snapshot.Load: no program here, an unreadable
// applications/, a broken program.cue. The snapshot's files are the
// caller's to change.
func (l *Loader) Load(t Tree, now application.Date) (*snapshot.Snapshot, *catalog.Catalog, error) {
	if _, err := snapshot.ApplicationFiles(t.FS, nil); err != nil {
		return nil, nil, err
	}
	cat, err := l.Catalog(t)
	if err != nil {
		return nil, nil, err
	}
	cfg, cfgKey, err := l.Config(cat, t)
	if err != nil {
		return nil, nil, err
	}
	files, _, err := l.Files(cat, t.SchemaID, t, cfg, cfgKey, now)
	if err != nil {
		return nil, nil, err
	}
	return &snapshot.Snapshot{Config: cfg, Files: cloneFiles(files)}, cat, nil
}

// applicationPaths lists the application files of a tree read as a file
// system; a tree with none has none.
func applicationPaths(tree fs.FS) ([]string, error) {
	paths, err := snapshot.ApplicationFiles(tree, nil)
	if err != nil {
		if _, statErr := fs.Stat(tree, application.Dir); errors.Is(statErr, fs.ErrNotExist) {
			return nil, nil
		}
		if names, _ := fs.Glob(tree, application.Glob); len(names) == 0 {
			return nil, nil
		}
		return nil, err
	}
	return paths, nil
}

// cloneFiles copies files so that findings can be added to the copies.
func cloneFiles(files []application.File) []application.File {
	out := slices.Clone(files)
	for i := range out {
		out[i].Findings = slices.Clone(out[i].Findings)
	}
	return out
}

// Sizes says how many entries each of l's caches holds now: "catalogs",
// "configs", "files" (as loaded), "checked" (with their one-file
// findings, both generations of each) and "trees" (whole judged trees).
func (l *Loader) Sizes() map[string]int {
	l.mu.Lock()
	out := map[string]int{"catalogs": len(l.catalogs), "configs": len(l.configs), "trees": len(l.sets)}
	l.mu.Unlock()
	out["files"], out["checked"] = l.raw.len(), l.checked.len()
	return out
}

// generations is a bounded cache of files: lookups try the current and
// the previous generation; when the current one holds limit files it
// becomes the previous one and the oldest is dropped.
type generations[K comparable] struct {
	mu        sync.Mutex
	least     int // the limit whatever the trees
	limit     int
	cur, prev map[K]application.File
}

func newGenerations[K comparable](least int) *generations[K] {
	return &generations[K]{least: least, limit: least, cur: map[K]application.File{}}
}

// fit has a generation hold twice the files of a tree of files files,
// when that is more than it holds: the limit follows the largest tree.
func (g *generations[K]) fit(files int) {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.limit = max(g.limit, g.least, 2*files)
}

func (g *generations[K]) get(k K) (application.File, bool) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if f, ok := g.cur[k]; ok {
		return f, true
	}
	f, ok := g.prev[k]
	if ok {
		g.putLocked(k, f)
	}
	return f, ok
}

func (g *generations[K]) put(k K, f application.File) {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.putLocked(k, f)
}

func (g *generations[K]) putLocked(k K, f application.File) {
	if len(g.cur) >= g.limit {
		g.prev, g.cur = g.cur, map[K]application.File{}
	}
	g.cur[k] = f
}

// len is how many files both generations hold.
func (g *generations[K]) len() int {
	g.mu.Lock()
	defer g.mu.Unlock()
	return len(g.cur) + len(g.prev)
}
