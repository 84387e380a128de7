package gitrepo

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"time"

	git "github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/config"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/object"
	"github.com/go-git/go-git/v5/storage/memory"
)

// ErrLeaseHeld means another holder has the lease and it has not expired.
var ErrLeaseHeld = errors.New("lease held by another")

// leasePrefix is where leases live on the remote: refs outside branches
// and tags, which no pull request, clone or fetch of branches sees.
const leasePrefix = "refs/connectbot/leases/"

// Lease is a lock held on origin as a ref: whoever creates the ref holds
// it, git's compare-and-swap on refs decides between two at once, and a
// lease that outlived its expiry (its holder died) may be taken over. It
// lets two connectbot processes working on one repository take turns.
type Lease struct {
	r       *Repo
	ref     plumbing.ReferenceName
	sha     plumbing.Hash
	Holder  string
	Expires time.Time
}

// AcquireLease takes the lease name on origin for holder until now+ttl.
// It fails with ErrLeaseHeld while someone else's lease has not expired;
// an expired one is taken over, under a lease on the exact ref it replaces.
func (r *Repo) AcquireLease(ctx context.Context, name, holder string, ttl time.Duration, now time.Time) (*Lease, error) {
	ref := plumbing.ReferenceName(leasePrefix + name)
	op := "acquire lease " + name
	if err := ref.Validate(); err != nil {
		return nil, newError(op, nil, fmt.Errorf("lease name %q: %w", name, err))
	}
	s, err := r.scratch()
	if err != nil {
		return nil, newError(op, nil, err)
	}
	l := &Lease{r: r, ref: ref, Holder: holder, Expires: now.Add(ttl).UTC().Truncate(time.Second)}
	sha, err := s.writeLease(ctx, l, now)
	if err != nil {
		return nil, newError(op, classify(err), err)
	}
	l.sha = sha
	spec := config.RefSpec(ref + ":" + ref)
	err = s.push(ctx, &git.PushOptions{RemoteName: remoteName, RefSpecs: []config.RefSpec{spec}, Auth: auth(r.token)})
	if err == nil {
		return l, nil
	}
	if !errors.Is(err, ErrRejected) {
		return nil, newError(op, classify(err), err, r.secrets...)
	}
	// Someone holds it: read their lease, and take it over if it expired.
	theirs, held, err := s.readRemoteLease(ctx, ref)
	if classify(err) == ErrNotFound {
		// Released between our push and our read: try again.
		return nil, newError(op, ErrLeaseHeld, fmt.Errorf("%w: released just now", ErrLeaseHeld))
	}
	if err != nil {
		return nil, newError(op, classify(err), err, r.secrets...)
	}
	if now.Before(held.Expires) {
		return nil, newError(op, ErrLeaseHeld, fmt.Errorf("%w: %s holds it until %s", ErrLeaseHeld, held.Holder, held.Expires.Format(time.RFC3339)))
	}
	err = s.push(ctx, &git.PushOptions{
		RemoteName: remoteName, RefSpecs: []config.RefSpec{spec}, Auth: auth(r.token), Force: true,
		RequireRemoteRefs: []config.RefSpec{config.RefSpec(theirs.String() + ":" + ref.String())},
	})
	if errors.Is(err, ErrRejected) {
		return nil, newError(op, ErrLeaseHeld, fmt.Errorf("%w: taken over by another first", ErrLeaseHeld))
	}
	if err != nil {
		return nil, newError(op, classify(err), err, r.secrets...)
	}
	return l, nil
}

// Release gives the lease up, unless someone took it over meanwhile
// (after it expired), whose lease is then left alone.
func (l *Lease) Release(ctx context.Context) error {
	r := l.r
	op := "release lease " + strings.TrimPrefix(l.ref.String(), leasePrefix)
	s, err := r.scratch()
	if err != nil {
		return newError(op, nil, err)
	}
	err = s.push(ctx, &git.PushOptions{
		RemoteName: remoteName, RefSpecs: []config.RefSpec{config.RefSpec(":" + l.ref)}, Auth: auth(r.token),
		RequireRemoteRefs: []config.RefSpec{config.RefSpec(l.sha.String() + ":" + l.ref.String())},
	})
	if err != nil && !errors.Is(err, ErrRejected) {
		return newError(op, classify(err), err, r.secrets...)
	}
	return nil
}

// scratch is a new, empty repository in memory whose origin is r's. Leases
// are pushed from it: git's push walks every object the remote's refs
// reach that the pushing repository holds, which for r's clone is the whole
// history, growing by the day, and for a scratch repository nothing.
func (r *Repo) scratch() (*Repo, error) {
	remote, err := r.repo.Remote(remoteName)
	if err != nil {
		return nil, err
	}
	mem, err := git.Init(memory.NewStorage(), nil)
	if err != nil {
		return nil, err
	}
	if _, err := mem.CreateRemote(&config.RemoteConfig{Name: remoteName, URLs: remote.Config().URLs}); err != nil {
		return nil, err
	}
	return &Repo{repo: mem, token: r.token, secrets: r.secrets}, nil
}

// writeLease writes the lease's commit — an empty tree, a message naming
// the holder and the expiry, and a nonce so that two leases never share a
// name — and points the local ref at it.
func (r *Repo) writeLease(ctx context.Context, l *Lease, now time.Time) (plumbing.Hash, error) {
	nonce := make([]byte, 8)
	if _, err := rand.Read(nonce); err != nil {
		return plumbing.ZeroHash, err
	}
	w := &treeWriter{ctx: ctx, r: r}
	tree, err := w.writeTree(nil)
	if err != nil {
		return plumbing.ZeroHash, err
	}
	sig := object.Signature{Name: "connectbot", Email: "connectbot@users.noreply.github.com", When: now}
	msg := fmt.Sprintf("connectbot lease\n\nholder: %s\nexpires: %s\nnonce: %s\n", oneLine(l.Holder), l.Expires.Format(time.RFC3339), hex.EncodeToString(nonce))
	h, err := w.store(&object.Commit{Author: sig, Committer: sig, Message: msg, TreeHash: tree})
	if err != nil {
		return plumbing.ZeroHash, err
	}
	return h, r.repo.Storer.SetReference(plumbing.NewHashReference(l.ref, h))
}

// readRemoteLease fetches the lease ref from origin and reads who holds
// it until when.
func (r *Repo) readRemoteLease(ctx context.Context, ref plumbing.ReferenceName) (plumbing.Hash, Lease, error) {
	local := plumbing.ReferenceName("refs/remotes/" + remoteName + "/" + strings.TrimPrefix(ref.String(), "refs/"))
	if err := r.fetchLocked(ctx, []string{"+" + ref.String() + ":" + local.String()}); err != nil {
		return plumbing.ZeroHash, Lease{}, err
	}
	got, err := r.repo.Storer.Reference(local)
	if err != nil {
		return plumbing.ZeroHash, Lease{}, err
	}
	c, err := object.GetCommit(r.repo.Storer, got.Hash())
	if err != nil {
		return plumbing.ZeroHash, Lease{}, err
	}
	held := Lease{}
	for line := range strings.SplitSeq(c.Message, "\n") {
		if v, ok := strings.CutPrefix(line, "holder: "); ok {
			held.Holder = v
		}
		if v, ok := strings.CutPrefix(line, "expires: "); ok {
			held.Expires, _ = time.Parse(time.RFC3339, v) // unreadable: expired
		}
	}
	return got.Hash(), held, nil
}

// oneLine keeps a holder's name on one line of the lease's message.
func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}

// ErrLeaseLost means a lease expired before its holder renewed it and
// someone else took it over: the holder's work must stop.
var ErrLeaseLost = errors.New("lease lost: taken over by another")

// Renew moves the lease's expiry to now+ttl, on origin, unless someone
// took it over (then ErrLeaseLost).
func (l *Lease) Renew(ctx context.Context, ttl time.Duration, now time.Time) error {
	r := l.r
	name := strings.TrimPrefix(l.ref.String(), leasePrefix)
	s, err := r.scratch()
	if err != nil {
		return newError("renew lease "+name, nil, err)
	}
	next := &Lease{r: r, ref: l.ref, Holder: l.Holder, Expires: now.Add(ttl).UTC().Truncate(time.Second)}
	sha, err := s.writeLease(ctx, next, now)
	if err != nil {
		return newError("renew lease "+name, classify(err), err)
	}
	err = s.push(ctx, &git.PushOptions{
		RemoteName: remoteName, RefSpecs: []config.RefSpec{config.RefSpec(l.ref + ":" + l.ref)}, Auth: auth(r.token), Force: true,
		RequireRemoteRefs: []config.RefSpec{config.RefSpec(l.sha.String() + ":" + l.ref.String())},
	})
	if errors.Is(err, ErrRejected) {
		return newError("renew lease "+name, ErrLeaseLost, ErrLeaseLost)
	}
	if err != nil {
		return newError("renew lease "+name, classify(err), err, r.secrets...)
	}
	l.sha, l.Expires = sha, next.Expires
	return nil
}

// Keep renews the lease every ttl/3 until the returned stop is called, so
// that it outlives the work however long that takes while its holder
// lives, and expires within ttl of the holder dying. The context returned
// is cancelled, with ErrLeaseLost as its cause, once the lease is lost:
// taken over, or expired while renewals failed.
func (l *Lease) Keep(ctx context.Context, ttl time.Duration) (context.Context, func()) {
	ctx, cancel := context.WithCancelCause(ctx)
	done := make(chan struct{})
	stopped := make(chan struct{})
	go func() {
		defer close(stopped)
		t := time.NewTicker(max(ttl/3, time.Millisecond))
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case <-ctx.Done():
				return
			case <-t.C:
			}
			now := time.Now()
			err := l.Renew(ctx, ttl, now)
			if errors.Is(err, ErrLeaseLost) || err != nil && !now.Before(l.Expires) {
				cancel(fmt.Errorf("%w: %w", ErrLeaseLost, err))
				return
			}
		}
	}()
	return ctx, func() {
		close(done)
		<-stopped
		cancel(nil)
	}
}
