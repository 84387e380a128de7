package gitrepo

import (
	"errors"

	"github.com/go-git/go-git/v5/plumbing/object"
)

// Parents returns the parents of commit sha, in order, and the object name
// of its tree: enough to walk a merge queue's merge commits and to tell
// whether two commits hold the same files.
func (r *Repo) Parents(sha string) (parents []string, tree string, err error) {
	op := "read commit " + sha
	h, ok := parseSHA(sha)
	if !ok {
		return nil, "", newError(op, nil, errors.New("not a full commit SHA"))
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	c, err := object.GetCommit(r.repo.Storer, h)
	if err != nil {
		return nil, "", newError(op, classify(err), err)
	}
	for _, p := range c.ParentHashes {
		parents = append(parents, p.String())
	}
	return parents, c.TreeHash.String(), nil
}
