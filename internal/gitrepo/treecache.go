package gitrepo

import (
	"errors"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/object"
)

// treeCacheEntries bounds the tree entries the cache holds in all (about
// 80 bytes each): enough for a program's applications/ tree of 10,000 files
// on every side of a few merges.
const treeCacheEntries = 200000

// treeCache keeps decoded trees by hash. Trees never change, and without it
// a large applications/ tree is decoded again for every side of every
// merge, listing and file system of every pull request.
type treeCache struct {
	trees map[plumbing.Hash][]object.TreeEntry
	size  int
}

// treeLocked returns the entries of tree h, decoding it once; r.mu must be
// held. Callers must not change the entries.
func (r *Repo) treeLocked(h plumbing.Hash) ([]object.TreeEntry, error) {
	if e, ok := r.trees.trees[h]; ok {
		return e, nil
	}
	t, err := object.GetTree(r.repo.Storer, h)
	if err != nil {
		return nil, err
	}
	if r.trees.trees == nil || r.trees.size+len(t.Entries) > treeCacheEntries {
		r.trees.trees, r.trees.size = map[plumbing.Hash][]object.TreeEntry{}, 0
	}
	r.trees.trees[h] = t.Entries
	r.trees.size += len(t.Entries)
	return t.Entries, nil
}

// commitLocked reads commit sha for operation op, with the error op
// reports; r.mu must be held.
func (r *Repo) commitLocked(op, sha string) (*object.Commit, error) {
	h, ok := parseSHA(sha)
	if !ok {
		return nil, newError(op, nil, errors.New("not a full commit SHA"))
	}
	c, err := object.GetCommit(r.repo.Storer, h)
	if err != nil {
		return nil, newError(op, classify(err), err)
	}
	return c, nil
}
