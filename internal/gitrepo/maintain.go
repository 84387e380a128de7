package gitrepo

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"slices"
	"time"

	git "github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/format/idxfile"
	"github.com/go-git/go-git/v5/plumbing/format/packfile"
	"github.com/go-git/go-git/v5/storage/filesystem"
)

// Thresholds past which Maintain repacks an on-disk clone: each fetch of
// new commits adds a pack, and each lease, merge and commit loose objects;
// reading an object looks through every pack, so a clone never repacked
// grows slower by the hour. They are lower than git's own (gc.auto 6700,
// gc.autoPackLimit 50): connectbot reads the objects of every pull request
// it judges, and a repack of a program's repository takes moments.
const (
	MaxPacks = 20
	MaxLoose = 2000
	// pruneAge is how old an unreachable loose object must be to be
	// deleted: the objects of work under way are younger (Maintain runs
	// between pieces of work; the minute is a margin). Unreachable loose
	// objects, the merges judged, pile up for as long: every repack lists
	// them all.
	pruneAge = time.Minute
)

// Growth is how many pack files and loose objects an on-disk clone holds.
type Growth struct {
	Packs, Loose int
}

// Grown reports whether g is past MaxPacks or MaxLoose.
func (g Growth) Grown() bool { return g.Packs > MaxPacks || g.Loose > MaxLoose }

// Maintain keeps an on-disk clone small once it has grown past MaxPacks
// packs or MaxLoose loose objects, and returns the growth it found and
// whether it repacked. Past MaxPacks, the packs but the largest are
// written into one, as git's geometric repack does, so that a repack
// costs what came in since the last, not the whole history; when those
// packs together are as large as the largest, or past MaxLoose, it
// repacks as git gc does: the loose objects no ref reaches (older than a
// minute) deleted, every object a ref reaches written into one pack,
// the old packs and the loose objects now packed deleted. Call it between
// pieces of work, never while a caller holds objects it wrote and has not
// yet put under a ref. A clone in memory or with a worktree is left as it
// is.
func (r *Repo) Maintain() (Growth, bool, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.guard == nil {
		return Growth{}, false, nil
	}
	disk := r.guard.Storer.(*filesystem.Storage)
	g, err := growth(disk)
	if err != nil || !g.Grown() {
		return g, false, err
	}
	packs, err := r.packsBySize(disk)
	if err == nil && g.Loose <= MaxLoose && packs[0].size > 2*sumSizes(packs[1:]) {
		err = consolidate(disk, packs[1:])
	} else if err == nil {
		err = repackAll(disk)
	}
	if err != nil {
		return g, false, err
	}
	// The storage's index still names the packs deleted: read afresh.
	r.guard.Storer = diskStorage(r.temp)
	disk.Close()
	return g, true, nil
}

// pack is a pack file of an on-disk clone.
type pack struct {
	hash plumbing.Hash
	size int64
}

func sumSizes(packs []pack) int64 {
	var n int64
	for _, p := range packs {
		n += p.size
	}
	return n
}

// packDir is where the clone's packs are.
func (r *Repo) packDir() string { return filepath.Join(r.temp, "repo.git", "objects", "pack") }

// packsBySize lists the clone's packs, the largest first.
func (r *Repo) packsBySize(disk *filesystem.Storage) ([]pack, error) {
	hashes, err := disk.ObjectPacks()
	if err != nil {
		return nil, newError("list packs", nil, err)
	}
	var out []pack
	for _, h := range hashes {
		info, err := os.Stat(filepath.Join(r.packDir(), "pack-"+h.String()+".pack"))
		if err != nil {
			return nil, newError("list packs", nil, err)
		}
		out = append(out, pack{hash: h, size: info.Size()})
	}
	if len(out) == 0 {
		return nil, newError("list packs", nil, errors.New("no pack"))
	}
	slices.SortFunc(out, func(a, b pack) int { return int(b.size - a.size) })
	return out, nil
}

// consolidate writes the objects of packs into one new pack and deletes
// them.
func consolidate(disk *filesystem.Storage, packs []pack) error {
	var objects []plumbing.Hash
	for _, p := range packs {
		hashes, err := packObjects(disk, p.hash)
		if err != nil {
			return newError("consolidate packs", nil, err)
		}
		objects = append(objects, hashes...)
	}
	w, err := disk.PackfileWriter()
	if err != nil {
		return newError("consolidate packs", nil, err)
	}
	cfg, err := disk.Config()
	if err != nil {
		w.Close()
		return newError("consolidate packs", nil, err)
	}
	if _, err := packfile.NewEncoder(w, disk, false).Encode(objects, cfg.Pack.Window); err != nil {
		w.Close()
		return newError("consolidate packs", nil, err)
	}
	if err := w.Close(); err != nil {
		return newError("consolidate packs", nil, err)
	}
	for _, p := range packs {
		if err := disk.DeleteOldObjectPackAndIndex(p.hash, time.Time{}); err != nil {
			return newError("consolidate packs", nil, err)
		}
	}
	return nil
}

// packObjects lists the objects in pack h, from its index.
func packObjects(disk *filesystem.Storage, h plumbing.Hash) ([]plumbing.Hash, error) {
	f, err := disk.Filesystem().Open(filepath.Join("objects", "pack", "pack-"+h.String()+".idx"))
	if err != nil {
		return nil, err
	}
	defer f.Close()
	idx := idxfile.NewMemoryIndex()
	if err := idxfile.NewDecoder(f).Decode(idx); err != nil {
		return nil, err
	}
	entries, err := idx.Entries()
	if err != nil {
		return nil, err
	}
	defer entries.Close()
	var out []plumbing.Hash
	for {
		e, err := entries.Next()
		if errors.Is(err, io.EOF) {
			return out, nil
		}
		if err != nil {
			return nil, err
		}
		out = append(out, e.Hash)
	}
}

// repackAll repacks the clone as git gc does.
func repackAll(disk *filesystem.Storage) error {
	repo, err := git.Open(disk, nil) // the storage itself: no guard on the clone's own objects
	if err != nil {
		return newError("maintain", nil, err)
	}
	err = repo.Prune(git.PruneOptions{OnlyObjectsOlderThan: time.Now().Add(-pruneAge), Handler: repo.DeleteObject})
	if err != nil {
		return newError("prune", nil, err)
	}
	if err := repo.RepackObjects(&git.RepackConfig{OnlyDeletePacksOlderThan: time.Now()}); err != nil {
		return newError("repack", nil, err)
	}
	return nil
}

// Growth counts the pack files and loose objects of an on-disk clone; a
// clone in memory or with a worktree reports none.
func (r *Repo) Growth() (Growth, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.guard == nil {
		return Growth{}, nil
	}
	return growth(r.guard.Storer.(*filesystem.Storage))
}

func growth(disk *filesystem.Storage) (Growth, error) {
	var g Growth
	packs, err := disk.ObjectPacks()
	if err != nil {
		return g, newError("count packs", nil, err)
	}
	g.Packs = len(packs)
	err = disk.ForEachObjectHash(func(plumbing.Hash) error {
		g.Loose++
		return nil
	})
	if err != nil {
		return g, newError("count loose objects", nil, err)
	}
	return g, nil
}

// ForgetRemoteRefs deletes the clone's remote-tracking references
// (refs/remotes/origin/…) but the branches named in keep: a fetch tells
// the remote what it has by walking back from every local reference, up
// to a hundred commits each, so each pull request's reference left behind
// makes every later fetch cost more. What they reached is fetched again
// when it is needed. Call it between pieces of work. It returns how many
// it deleted.
func (r *Repo) ForgetRemoteRefs(keep ...string) (int, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	kept := map[plumbing.ReferenceName]bool{}
	for _, b := range keep {
		kept[plumbing.NewRemoteReferenceName(remoteName, b)] = true
	}
	refs, err := r.repo.Storer.IterReferences()
	if err != nil {
		return 0, newError("forget remote refs", nil, err)
	}
	var drop []plumbing.ReferenceName
	err = refs.ForEach(func(ref *plumbing.Reference) error {
		if ref.Name().IsRemote() && !kept[ref.Name()] {
			drop = append(drop, ref.Name())
		}
		return nil
	})
	if err != nil {
		return 0, newError("forget remote refs", nil, err)
	}
	for _, name := range drop {
		if err := r.repo.Storer.RemoveReference(name); err != nil {
			return 0, newError("forget remote refs", nil, err)
		}
	}
	return len(drop), nil
}
