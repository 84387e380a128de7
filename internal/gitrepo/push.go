package gitrepo

import (
	"context"
	"errors"
	"fmt"
	"strings"

	git "github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/config"
	"github.com/go-git/go-git/v5/plumbing"
)

// PushOptions configures Push.
type PushOptions struct {
	// Force allows the remote branch to move to a commit that does not
	// descend from where it is.
	Force bool
	// ExpectedRemote, if set, is a lease: the SHA the remote branch must be
	// at for the push to go ahead (the remote branch must exist). A push
	// with a lease may rewrite the branch, like git push --force-with-lease.
	ExpectedRemote string
}

// Push sets origin's branch to the local branch of the same name. If the
// remote refuses (not a fast-forward, a broken lease, a server-side
// refusal) the error is ErrRejected. Being already up to date is not an
// error.
func (r *Repo) Push(ctx context.Context, branch string, opts PushOptions) error {
	op := "push " + branch
	name := plumbing.NewBranchReferenceName(branch)
	if err := name.Validate(); err != nil {
		return newError(op, nil, fmt.Errorf("branch %q: %w", branch, err))
	}
	spec := config.RefSpec(name + ":" + name)
	po := &git.PushOptions{
		RemoteName: remoteName,
		RefSpecs:   []config.RefSpec{spec},
		Auth:       auth(r.token),
		Force:      opts.Force,
	}
	if opts.ExpectedRemote != "" {
		h, ok := parseSHA(opts.ExpectedRemote)
		if !ok {
			return newError(op, nil, fmt.Errorf("expected remote %q is not a full commit SHA", opts.ExpectedRemote))
		}
		po.Force = true
		po.RequireRemoteRefs = []config.RefSpec{config.RefSpec(h.String() + ":" + name.String())}
	}

	r.mu.Lock()
	defer r.mu.Unlock()
	if _, err := r.repo.Storer.Reference(name); err != nil {
		return newError(op, classify(err), fmt.Errorf("local branch: %w", err))
	}
	if err := r.push(ctx, po); err != nil {
		return newError(op, classify(err), err, r.secrets...)
	}
	return nil
}

// DeleteRemoteBranch deletes origin's branch. Deleting a branch that does
// not exist is not an error.
func (r *Repo) DeleteRemoteBranch(ctx context.Context, branch string) error {
	op := "delete remote branch " + branch
	name := plumbing.NewBranchReferenceName(branch)
	if err := name.Validate(); err != nil {
		return newError(op, nil, fmt.Errorf("branch %q: %w", branch, err))
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	err := r.push(ctx, &git.PushOptions{
		RemoteName: remoteName,
		RefSpecs:   []config.RefSpec{config.RefSpec(":" + name)},
		Auth:       auth(r.token),
	})
	if err != nil {
		return newError(op, classify(err), err, r.secrets...)
	}
	return nil
}

// The remote's refusals of a push.
var (
	// ErrRejected means the remote branch was not updated: the push was not
	// a fast-forward, the lease did not hold, or the server refused it.
	ErrRejected = errors.New("update rejected")
	// ErrDeclined means the remote declined the update by its own rules
	// (a ruleset, branch protection, a hook: git's "push declined …" or
	// "… hook declined"), whatever the branch's value: pushing again does
	// not help until the rules, or who may bypass them, change.
	ErrDeclined = errors.New("update declined by the remote's rules")
)

// push runs po against origin, treating "already up to date" as success
// and marking the remote's refusals as ErrRejected, or ErrDeclined when
// its rules declined the update; r.mu must be held.
func (r *Repo) push(ctx context.Context, po *git.PushOptions) error {
	err := r.repo.PushContext(ctx, po)
	switch {
	case err == nil, errors.Is(err, git.NoErrAlreadyUpToDate):
		return nil
	case strings.HasPrefix(err.Error(), "command error on ") && strings.Contains(err.Error(), "declined"):
		// "push declined due to repository rule violations" (a ruleset),
		// "protected branch hook declined", "pre-receive hook declined".
		return fmt.Errorf("%w: %w", ErrDeclined, err)
	case errors.Is(err, git.ErrForceNeeded),
		strings.Contains(err.Error(), "non-fast-forward"),
		// The lease (RequireRemoteRefs) failed.
		strings.HasPrefix(err.Error(), "remote ref "),
		// The server answered "ng <ref> <reason>" in its report.
		strings.HasPrefix(err.Error(), "command error on "):
		return fmt.Errorf("%w: %w", ErrRejected, err)
	}
	return err
}
