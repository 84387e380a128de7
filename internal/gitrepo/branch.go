package gitrepo

import (
	"fmt"

	"github.com/go-git/go-git/v5/plumbing"
)

// DefaultBranch is the branch r's HEAD names: for a clone made without
// CloneOptions.Branch, the remote's default branch, as the remote named it
// when r was cloned.
func (r *Repo) DefaultBranch() (string, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	head, err := r.repo.Storer.Reference(plumbing.HEAD)
	if err != nil {
		return "", newError("default branch", classify(err), err)
	}
	if head.Type() != plumbing.SymbolicReference || !head.Target().IsBranch() {
		return "", newError("default branch", nil, fmt.Errorf("HEAD is %s, not a branch", head))
	}
	return head.Target().Short(), nil
}

// CheckBranchName reports whether name can name a branch, as git's
// check-ref-format does.
func CheckBranchName(name string) error {
	if name == "" {
		return fmt.Errorf("a branch needs a name")
	}
	if err := plumbing.NewBranchReferenceName(name).Validate(); err != nil {
		return fmt.Errorf("%q is not a branch name git takes", name)
	}
	return nil
}
