// Package gitrepo is the bot's only door to git. It opens and clones
// repositories, reads the tree of a commit as an io/fs.FS, writes commits
// object by object (no worktree needed) and fetches and pushes over HTTP(S)
// or to local paths, all with go-git and never by running the git command.
//
// Commits are named by their full 40-hex SHA, and go-git types stay inside
// this package. Errors name the operation and what it acted on; they can be
// classified with errors.Is against ErrNotFound and ErrAuth (any
// operation), ErrFileTooLarge (reading a tree, or fetching one),
// ErrInvalidPath (Commit), ErrRejected and ErrDeclined (any push, the
// leases' included), ErrNoCommonHistory and ErrMalformedTree (Merge), and
// ErrLeaseHeld and ErrLeaseLost (the leases), and they never contain the
// access token.
package gitrepo

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"

	"github.com/go-git/go-billy/v5"
	"github.com/go-git/go-billy/v5/osfs"
	git "github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/config"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/cache"
	"github.com/go-git/go-git/v5/plumbing/object"
	"github.com/go-git/go-git/v5/plumbing/transport"
	githttp "github.com/go-git/go-git/v5/plumbing/transport/http"
	"github.com/go-git/go-git/v5/storage/filesystem"
	"github.com/go-git/go-git/v5/storage/memory"
)

// Errors that any operation may give, for errors.Is; those of one operation
// stand beside it.
var (
	// ErrNotFound means a revision, reference, object, file or remote
	// repository does not exist.
	ErrNotFound = errors.New("not found")
	// ErrAuth means the remote refused the credentials, or asked for some
	// and none were given.
	ErrAuth = errors.New("authentication failed")
)

// remoteName is the only remote the package uses.
const remoteName = "origin"

// tokenUser is the basic-auth user name that GitHub expects with a token.
const tokenUser = "x-access-token"

// Repo is a git repository, on disk or in memory. Its methods are safe for
// concurrent use.
type Repo struct {
	mu      sync.Mutex
	repo    *git.Repository
	token   string
	depth   int
	secrets []string // kept out of every error: the token, any password in origin's URL
	trees   treeCache
	// lazy is true until a lazy clone's first fetch.
	lazy bool
	temp string // the temporary directory Close removes; "" for none
	// guard is the on-disk clone's storage, which Maintain repacks, and
	// owner the lock that tells a live clone from a dead process's; nil
	// for other repositories.
	guard *guardedStorer
	owner io.Closer
}

// newRepo wraps repo, noting the secrets its errors must never show.
func newRepo(repo *git.Repository, token string, depth int) *Repo {
	r := &Repo{repo: repo, token: token, depth: depth, secrets: []string{token}}
	if remote, err := repo.Remote(remoteName); err == nil {
		for _, u := range remote.Config().URLs {
			r.secrets = append(r.secrets, urlPassword(u))
		}
	}
	return r
}

// Open opens the repository at dir, which may be a worktree (with a .git
// directory) or a bare repository. Fetch and Push use its "origin" remote,
// without credentials.
func Open(dir string) (*Repo, error) {
	repo, err := git.PlainOpenWithOptions(dir, &git.PlainOpenOptions{EnableDotGitCommonDir: true})
	if err != nil {
		if errors.Is(err, git.ErrRepositoryNotExists) {
			return nil, newError("open "+dir, ErrNotFound, err)
		}
		return nil, newError("open "+dir, nil, err)
	}
	return newRepo(repo, "", 0), nil
}

// CloneOptions configures Clone.
type CloneOptions struct {
	// Dir is where the clone is written, with a worktree checked out. The
	// empty string keeps the repository in memory, with no worktree.
	Dir string
	// Token, if set, is sent as HTTP basic auth (user "x-access-token") on
	// every request to the remote. It is never logged or put in an error,
	// and never sent over plain http except to a loopback address.
	Token string
	// Branch is the branch to check out and point HEAD at; empty means the
	// remote's default branch.
	Branch string
	// Depth, if positive, limits the history fetched from an HTTP(S) remote
	// to that many commits. It is ignored for local paths.
	Depth int
	// OnDisk, with Dir empty, keeps the repository (bare) in a new
	// temporary directory instead of in memory; Close removes it. A process
	// that keeps a clone for long uses it, so that what it fetches costs
	// disk, not memory.
	OnDisk bool
	// MaxFetchSize is the most, in bytes, that the objects of the clone or
	// of any later fetch may inflate to; 0 means DefaultMaxFetchSize. A
	// repository cloned without Dir also refuses, whatever this says, a pack
	// holding an object bigger than MaxFileSize: such a fetch fails with
	// ErrFileTooLarge from the sizes the pack declares, before the object
	// is inflated, and stores nothing.
	MaxFetchSize int64
	// Lazy, with Dir empty, fetches nothing until asked: the repository
	// starts empty with origin set, and its first Fetch or FetchPull
	// fetches every branch first, as a clone does, in one pack. A run that
	// may need no object at all (a reconcile with nothing new to judge)
	// uses it, with RemoteTip for where a branch points.
	Lazy bool
}

// Clone clones the repository at rawURL, a local path or an http(s) URL,
// and keeps it (a local path made absolute) as its "origin" remote.
func Clone(ctx context.Context, rawURL string, opts CloneOptions) (*Repo, error) {
	op := "clone " + redactURL(rawURL)
	secrets := []string{opts.Token, urlPassword(rawURL)}
	remote, local, err := remoteURL(rawURL, opts.Token)
	if err != nil {
		return nil, newError(op, nil, err, secrets...)
	}
	depth := opts.Depth
	if local || depth < 0 {
		depth = 0
	}
	co := &git.CloneOptions{
		URL:        remote,
		RemoteName: remoteName,
		Auth:       auth(opts.Token),
		Depth:      depth,
		Tags:       git.NoTags,
	}
	if opts.Branch != "" {
		name := plumbing.NewBranchReferenceName(opts.Branch)
		if err := name.Validate(); err != nil {
			return nil, newError(op, nil, fmt.Errorf("branch %q: %w", opts.Branch, err), secrets...)
		}
		co.ReferenceName = name
	}
	var repo *git.Repository
	var temp string
	var guard *guardedStorer
	var owner io.Closer
	if opts.Dir == "" {
		var sto *guardedStorer
		sto, temp, err = newStorage(opts)
		if err == nil && temp != "" {
			guard = sto
			owner, err = lockClone(temp)
		}
		switch {
		case err == nil && opts.Lazy:
			repo, err = initOrigin(sto, remote)
		case err == nil:
			repo, err = git.CloneContext(ctx, sto, nil, co)
		}
	} else {
		repo, err = git.PlainCloneContext(ctx, opts.Dir, false, co)
	}
	if err != nil {
		if owner != nil {
			owner.Close()
		}
		if temp != "" {
			os.RemoveAll(temp)
		}
		return nil, newError(op, classify(err), err, secrets...)
	}
	r := newRepo(repo, opts.Token, depth)
	r.temp, r.guard, r.owner = temp, guard, owner
	r.lazy = opts.Lazy && opts.Dir == ""
	return r, nil
}

// objectCacheSize is how much of its objects an on-disk clone keeps
// decoded in memory.
const objectCacheSize = 8 << 20

// diskStorage is the storage of the on-disk clone in temp.
func diskStorage(temp string) *filesystem.Storage {
	return storageOn(osfs.New(filepath.Join(temp, "repo.git")))
}

// storageOn is the storage of an on-disk clone on fs. Not go-git's
// ExclusiveAccess: with it, the first read after any write lists every
// directory of loose objects again, so a piece of work (which writes its
// merge and reads it back) would cost more with every loose object since
// the last repack; without it, a loose object is read by opening its file.
func storageOn(fs billy.Filesystem) *filesystem.Storage {
	return filesystem.NewStorageWithOptions(fs, cache.NewObjectLRU(objectCacheSize),
		filesystem.Options{LargeObjectThreshold: objectCacheSize})
}

// newStorage makes the storage of a clone without a worktree, in memory or
// in a new temporary directory (returned), that checks every pack it
// receives against opts' limits.
func newStorage(opts CloneOptions) (*guardedStorer, string, error) {
	g := &guardedStorer{limits: packLimits{object: MaxFileSize, total: opts.MaxFetchSize, objects: maxPackObjects}}
	if g.limits.total <= 0 {
		g.limits.total = DefaultMaxFetchSize
	}
	if !opts.OnDisk {
		g.Storer = memory.NewStorage()
		return g, "", nil
	}
	temp, err := os.MkdirTemp("", clonePattern)
	if err != nil {
		return nil, "", err
	}
	g.spool = temp
	g.Storer = diskStorage(temp)
	return g, temp, nil
}

// Close removes the temporary directory of a clone made with OnDisk; the
// Repo must not be used afterwards. For other repositories it does
// nothing. Closing twice is not an error.
func (r *Repo) Close() error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.temp == "" {
		return nil
	}
	err := os.RemoveAll(r.temp)
	if r.owner != nil {
		r.owner.Close()
	}
	r.temp, r.guard, r.owner = "", nil, nil
	if err != nil {
		return newError("close", nil, err)
	}
	return nil
}

// Fetch fetches refspecs (like "+refs/heads/*:refs/remotes/origin/*") from
// origin, or origin's configured refspecs when none are given. Being
// already up to date is not an error.
func (r *Repo) Fetch(ctx context.Context, refspecs ...string) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	op := "fetch " + remoteName
	if len(refspecs) > 0 {
		op += " " + strings.Join(refspecs, " ")
	}
	if err := r.fetchLocked(ctx, refspecs); err != nil {
		return newError(op, classify(err), err, r.secrets...)
	}
	return nil
}

// fetchLocked fetches refspecs from origin, after every branch on a lazy
// clone's first fetch; r.mu must be held.
func (r *Repo) fetchLocked(ctx context.Context, refspecs []string) error {
	if r.lazy {
		// One pack of what a clone fetches: the fetches after it, of the
		// base and of each pull request's head, find most objects here.
		if err := r.fetchRefspecs(ctx, nil); err != nil {
			return err
		}
		r.lazy = false
	}
	return r.fetchRefspecs(ctx, refspecs)
}

// fetchRefspecs fetches refspecs from origin (origin's own when none are
// given); r.mu must be held.
func (r *Repo) fetchRefspecs(ctx context.Context, refspecs []string) error {
	fo := &git.FetchOptions{
		RemoteName: remoteName,
		Auth:       auth(r.token),
		Depth:      r.depth,
		Tags:       git.NoTags,
	}
	for _, s := range refspecs {
		fo.RefSpecs = append(fo.RefSpecs, config.RefSpec(s))
	}
	err := r.repo.FetchContext(ctx, fo)
	if errors.Is(err, git.NoErrAlreadyUpToDate) {
		return nil
	}
	return err
}

// FetchPull fetches the head of pull request number from origin's
// refs/pull/<number>/head into refs/remotes/origin/pull/<number> and
// returns its commit SHA.
func (r *Repo) FetchPull(ctx context.Context, number int) (string, error) {
	op := fmt.Sprintf("fetch pull request %d", number)
	if number <= 0 {
		return "", newError(op, nil, errors.New("pull request numbers start at 1"))
	}
	local := plumbing.ReferenceName(fmt.Sprintf("refs/remotes/%s/pull/%d", remoteName, number))
	spec := fmt.Sprintf("+refs/pull/%d/head:%s", number, local)
	r.mu.Lock()
	defer r.mu.Unlock()
	if err := r.fetchLocked(ctx, []string{spec}); err != nil {
		return "", newError(op, classify(err), err, r.secrets...)
	}
	ref, err := r.repo.Storer.Reference(local)
	if err != nil {
		return "", newError(op, classify(err), err, r.secrets...)
	}
	return ref.Hash().String(), nil
}

// Resolve turns rev into a commit SHA. rev may be a full SHA, "HEAD", a full
// reference name ("refs/heads/main"), a local branch ("main"), a branch of
// origin that has no local branch ("feature", "origin/feature") or a tag.
func (r *Repo) Resolve(rev string) (string, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	h, err := r.resolveLocked(rev)
	if err != nil {
		return "", newError("resolve "+rev, classify(err), err)
	}
	return h.String(), nil
}

// resolveLocked resolves rev to a commit hash; r.mu must be held.
func (r *Repo) resolveLocked(rev string) (plumbing.Hash, error) {
	if h, ok := parseSHA(rev); ok {
		return r.commitHash(h)
	}
	var candidates []plumbing.ReferenceName
	switch {
	case rev == "HEAD":
		candidates = []plumbing.ReferenceName{plumbing.HEAD}
	case strings.HasPrefix(rev, "refs/"):
		candidates = []plumbing.ReferenceName{plumbing.ReferenceName(rev)}
	default:
		candidates = []plumbing.ReferenceName{
			plumbing.NewBranchReferenceName(rev),
			plumbing.NewRemoteReferenceName(remoteName, rev),
			plumbing.ReferenceName("refs/remotes/" + rev),
			plumbing.NewTagReferenceName(rev),
		}
	}
	for _, name := range candidates {
		ref, err := r.repo.Reference(name, true)
		if errors.Is(err, plumbing.ErrReferenceNotFound) {
			continue
		}
		if err != nil {
			return plumbing.ZeroHash, err
		}
		return r.commitHash(ref.Hash())
	}
	return plumbing.ZeroHash, ErrNotFound
}

// commitHash returns h if it names a commit, or the commit an annotated tag
// h points at.
func (r *Repo) commitHash(h plumbing.Hash) (plumbing.Hash, error) {
	for range 10 {
		obj, err := r.repo.Storer.EncodedObject(plumbing.AnyObject, h)
		if err != nil {
			return plumbing.ZeroHash, err
		}
		switch obj.Type() {
		case plumbing.CommitObject:
			return h, nil
		case plumbing.TagObject:
			tag, err := object.DecodeTag(r.repo.Storer, obj)
			if err != nil {
				return plumbing.ZeroHash, err
			}
			h = tag.Target
		default:
			return plumbing.ZeroHash, fmt.Errorf("%s is a %s, not a commit", h, obj.Type())
		}
	}
	return plumbing.ZeroHash, fmt.Errorf("%s: too many nested tags", h)
}

// parseSHA parses a full 40-hex commit name.
func parseSHA(s string) (plumbing.Hash, bool) {
	if len(s) != 40 {
		return plumbing.ZeroHash, false
	}
	for _, c := range s {
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F') {
			return plumbing.ZeroHash, false
		}
	}
	return plumbing.NewHash(s), true
}

// auth returns the basic auth for token, or nil for no token.
func auth(token string) transport.AuthMethod {
	if token == "" {
		return nil
	}
	return &githttp.BasicAuth{Username: tokenUser, Password: token}
}

// remoteURL checks raw, a local path or an http(s) URL, and returns what to
// give go-git: an absolute path for local repositories, or the URL.
func remoteURL(raw, token string) (remote string, local bool, err error) {
	if raw == "" {
		return "", false, errors.New("empty URL")
	}
	if !strings.Contains(raw, "://") {
		abs, err := filepath.Abs(raw)
		if err != nil {
			return "", false, err
		}
		return abs, true, nil
	}
	u, err := url.Parse(raw)
	if err != nil {
		return "", false, errors.New("malformed URL")
	}
	switch u.Scheme {
	case "file":
		return u.Path, true, nil
	case "https":
	case "http":
		if token != "" && !isLoopback(u.Hostname()) {
			return "", false, errors.New("refusing to send a token over plain http to a non-loopback host")
		}
	default:
		return "", false, fmt.Errorf("unsupported URL scheme %q (want http, https or a local path)", u.Scheme)
	}
	return raw, false, nil
}

// isLoopback reports whether host is localhost or a loopback IP address.
func isLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// urlPassword returns the password in raw's user information, if any.
func urlPassword(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.User == nil {
		return ""
	}
	p, _ := u.User.Password()
	return p
}

// redactURL hides any password in raw's user information.
func redactURL(raw string) string {
	if !strings.Contains(raw, "://") {
		return raw
	}
	u, err := url.Parse(raw)
	if err != nil {
		return "<malformed URL>"
	}
	if u.User != nil {
		u.User = url.User("redacted")
	}
	return u.String()
}
