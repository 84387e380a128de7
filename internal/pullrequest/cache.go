package pullrequest

import (
	"maps"
	"slices"
	"sync"

	"github.com/connectbot/connectbot/internal/application"
	"github.com/connectbot/connectbot/internal/catalog"
	"github.com/connectbot/connectbot/internal/policy"
	"github.com/connectbot/connectbot/internal/snapshot"
)

// Judge judges pull requests as they would merge. It keeps what it loaded
// by git object name — the catalogue by the schema's tree, the
// configuration by the program.cue blob, each application file by its
// blob, and whole judged trees by their applications/ tree — so judging
// a pull request against a base it has seen loads and checks only the
// files that differ, then applies the cross-file rules to every file.
// Trees without object names are judged from scratch. A Judge is safe for
// concurrent use; the zero value is not, use NewJudge.
type Judge struct {
	mu       sync.Mutex
	catalogs map[string]*catalog.Catalog
	configs  map[string]application.Config
	raw      *generations[rawKey]
	checked  *generations[checkedKey]
	sets     map[setKey]judgedSet
}

// cacheFiles bounds the files kept by each of the two file caches, per
// generation: two generations are kept, the older dropped when the newer
// fills.
const cacheFiles = 20000

// cacheSets bounds the judged trees kept.
const cacheSets = 4

// NewJudge returns a Judge with empty caches.
func NewJudge() *Judge {
	return &Judge{
		catalogs: map[string]*catalog.Catalog{},
		configs:  map[string]application.Config{},
		raw:      newGenerations[rawKey](cacheFiles),
		checked:  newGenerations[checkedKey](cacheFiles),
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

// catalog returns the catalogue of base's schema.
func (j *Judge) catalog(base Tree) (*catalog.Catalog, error) {
	if base.Apps == nil {
		return catalog.ForTree(base.FS)
	}
	j.mu.Lock()
	cat, ok := j.catalogs[base.SchemaID]
	j.mu.Unlock()
	if ok {
		return cat, nil
	}
	cat, err := catalog.ForTree(base.FS)
	if err != nil {
		return nil, err
	}
	j.mu.Lock()
	if len(j.catalogs) >= cacheSets {
		clear(j.catalogs)
	}
	j.catalogs[base.SchemaID] = cat
	j.mu.Unlock()
	return cat, nil
}

// config returns base's configuration and a key naming it ("" when it
// cannot be cached).
func (j *Judge) config(cat *catalog.Catalog, base Tree) (application.Config, string, error) {
	if base.Apps == nil {
		cfg, err := snapshot.LoadConfig(cat, base.FS)
		return cfg, "", err
	}
	key := base.SchemaID + "/" + base.ProgramID
	j.mu.Lock()
	cfg, ok := j.configs[key]
	j.mu.Unlock()
	if ok {
		return cfg, key, nil
	}
	cfg, err := snapshot.LoadConfig(cat, base.FS)
	if err != nil {
		return cfg, "", err
	}
	j.mu.Lock()
	if len(j.configs) >= cacheSets {
		clear(j.configs)
	}
	j.configs[key] = cfg
	j.mu.Unlock()
	return cfg, key, nil
}

// judgeAll loads and judges every application of tree, returning the
// judged files and the files as the catalogue loaded them. The result is
// shared: callers must not change it.
//
// catKey names the catalogue (the base's schema/ tree), which is what
// loads every file of either side: never the judged tree's own schema.
func (j *Judge) judgeAll(cat *catalog.Catalog, catKey string, tree Tree, cfg application.Config, cfgKey string, now application.Date) ([]application.File, []application.File, error) {
	if tree.Apps == nil || cfgKey == "" {
		paths, err := applicationPaths(tree.FS)
		if err != nil {
			return nil, nil, err
		}
		raw := cat.Applications(tree.FS, paths)
		judged := cloneFiles(raw)
		policy.Check(judged, cfg, now)
		return judged, raw, nil
	}
	sk := setKey{apps: tree.AppsID, config: cfgKey, now: now}
	if tree.AppsID != "" {
		j.mu.Lock()
		set, ok := j.sets[sk]
		j.mu.Unlock()
		if ok {
			return set.judged, set.raw, nil
		}
	}
	paths := slices.Sorted(maps.Keys(tree.Apps))
	raw := make([]application.File, len(paths))
	var missing []int
	for i, p := range paths {
		if f, ok := j.raw.get(rawKey{p, tree.Apps[p], catKey}); ok {
			raw[i] = f
		} else {
			missing = append(missing, i)
		}
	}
	if len(missing) > 0 {
		missPaths := make([]string, len(missing))
		for k, i := range missing {
			missPaths[k] = paths[i]
		}
		for k, f := range cat.Applications(tree.FS, missPaths) {
			i := missing[k]
			raw[i] = f
			j.raw.put(rawKey{paths[i], tree.Apps[paths[i]], catKey}, f)
		}
	}
	judged := make([]application.File, len(paths))
	missing = missing[:0]
	for i, p := range paths {
		if f, ok := j.checked.get(checkedKey{p, tree.Apps[p], cfgKey, now}); ok {
			judged[i] = f
		} else {
			judged[i] = raw[i]
			missing = append(missing, i)
		}
	}
	if len(missing) > 0 {
		todo := make([]application.File, len(missing))
		for k, i := range missing {
			todo[k] = judged[i]
			todo[k].Findings = slices.Clone(todo[k].Findings)
		}
		policy.CheckEach(todo, cfg, now)
		for k, i := range missing {
			judged[i] = todo[k]
			j.checked.put(checkedKey{paths[i], tree.Apps[paths[i]], cfgKey, now}, todo[k])
		}
	}
	judged = cloneFiles(judged)
	policy.CrossFile(judged)
	if tree.AppsID != "" {
		j.mu.Lock()
		if len(j.sets) >= cacheSets {
			clear(j.sets)
		}
		j.sets[sk] = judgedSet{judged: judged, raw: raw}
		j.mu.Unlock()
	}
	return judged, raw, nil
}

// cloneFiles copies files so that findings can be added to the copies.
func cloneFiles(files []application.File) []application.File {
	out := slices.Clone(files)
	for i := range out {
		out[i].Findings = slices.Clone(out[i].Findings)
	}
	return out
}

// generations is a bounded cache of files: lookups try the current and
// the previous generation; when the current one holds limit files it
// becomes the previous one and the oldest is dropped.
type generations[K comparable] struct {
	mu        sync.Mutex
	limit     int
	cur, prev map[K]application.File
}

func newGenerations[K comparable](limit int) *generations[K] {
	return &generations[K]{limit: limit, cur: map[K]application.File{}}
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
