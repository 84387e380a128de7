package gitrepo

import (
	"context"
	"fmt"

	git "github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/config"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/storage"
)

// initOrigin makes an empty repository in sto whose origin is remote,
// fetching every branch when a Fetch names none, as a clone's does.
func initOrigin(sto storage.Storer, remote string) (*git.Repository, error) {
	repo, err := git.Init(sto, nil)
	if err != nil {
		return nil, err
	}
	_, err = repo.CreateRemote(&config.RemoteConfig{Name: remoteName, URLs: []string{remote},
		Fetch: []config.RefSpec{config.RefSpec("+refs/heads/*:refs/remotes/" + remoteName + "/*")}})
	return repo, err
}

// RemoteTip asks origin which commit branch points at now, fetching
// nothing (git ls-remote); ErrNotFound when origin has no such branch.
func (r *Repo) RemoteTip(ctx context.Context, branch string) (string, error) {
	op := "ls-remote " + remoteName + " " + branch
	r.mu.Lock()
	remote, err := r.repo.Remote(remoteName)
	r.mu.Unlock()
	if err != nil {
		return "", newError(op, nil, err, r.secrets...)
	}
	refs, err := remote.ListContext(ctx, &git.ListOptions{Auth: auth(r.token)})
	if err != nil {
		return "", newError(op, classify(err), err, r.secrets...)
	}
	want := plumbing.NewBranchReferenceName(branch)
	for _, ref := range refs {
		if ref.Name() == want {
			return ref.Hash().String(), nil
		}
	}
	return "", newError(op, ErrNotFound, fmt.Errorf("origin has no branch %q", branch), r.secrets...)
}
