package gitrepo

import (
	"github.com/go-git/go-git/v5/plumbing"
)

// Thresholds past which an on-disk clone is worth replacing by a fresh
// one (see Grown): each fetch adds a pack and each lease, merge and commit
// loose objects, and reading an object looks through every pack, so a
// clone kept for days grows slower by the hour. A fresh clone holds one
// pack and no loose objects. go-git can pack a repository's objects
// (RepackObjects) but not delete the loose objects a pack then holds, so a
// fresh clone is what keeps it small.
const (
	MaxPacks = 16
	MaxLoose = 2000
)

// Growth is how many pack files and loose objects an on-disk clone holds.
type Growth struct {
	Packs, Loose int
}

// Grown reports whether g is past MaxPacks or MaxLoose.
func (g Growth) Grown() bool { return g.Packs > MaxPacks || g.Loose > MaxLoose }

// Growth counts the pack files and loose objects of an on-disk clone; a
// clone in memory or with a worktree reports none.
func (r *Repo) Growth() (Growth, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	var g Growth
	if r.disk == nil {
		return g, nil
	}
	packs, err := r.disk.ObjectPacks()
	if err != nil {
		return g, newError("count packs", nil, err)
	}
	g.Packs = len(packs)
	err = r.disk.ForEachObjectHash(func(plumbing.Hash) error {
		g.Loose++
		return nil
	})
	if err != nil {
		return g, newError("count loose objects", nil, err)
	}
	return g, nil
}
