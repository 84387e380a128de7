package gitrepo

import (
	"time"

	git "github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing"
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
	// deleted: the objects of work under way are younger.
	pruneAge = 10 * time.Minute
)

// Growth is how many pack files and loose objects an on-disk clone holds.
type Growth struct {
	Packs, Loose int
}

// Grown reports whether g is past MaxPacks or MaxLoose.
func (g Growth) Grown() bool { return g.Packs > MaxPacks || g.Loose > MaxLoose }

// Maintain repacks an on-disk clone once it has grown past MaxPacks packs
// or MaxLoose loose objects, as git gc does: the loose objects no ref
// reaches (older than a few minutes) are deleted, every object a ref
// reaches is written into one new pack, and the old packs and the loose
// objects now packed are deleted. It returns the growth found, and
// whether it repacked. Call it between pieces of work, never while a
// caller holds objects it wrote and has not yet put under a ref. A clone
// in memory or with a worktree is left as it is.
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
	repo, err := git.Open(disk, nil) // the storage itself: no guard on the clone's own objects
	if err != nil {
		return g, false, newError("maintain", nil, err)
	}
	err = repo.Prune(git.PruneOptions{OnlyObjectsOlderThan: time.Now().Add(-pruneAge), Handler: repo.DeleteObject})
	if err != nil {
		return g, false, newError("prune", nil, err)
	}
	if err := repo.RepackObjects(&git.RepackConfig{OnlyDeletePacksOlderThan: time.Now()}); err != nil {
		return g, false, newError("repack", nil, err)
	}
	// The storage's index still names the packs deleted: read afresh.
	r.guard.Storer = diskStorage(r.temp)
	disk.Close()
	return g, true, nil
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
