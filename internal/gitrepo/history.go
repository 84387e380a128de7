package gitrepo

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/filemode"
	"github.com/go-git/go-git/v5/plumbing/object"
)

// Version is one version of a file on a branch: content that an unbroken
// run of first-parent commits holds, dated by the oldest commit of the
// run — the commit that brought it, as far as the history read goes.
type Version struct {
	// Name is the file's name in the directory History was given.
	Name string
	// Since is the committer time of the oldest commit of the run.
	Since time.Time
	// Content is the file's content in those commits.
	Content []byte
}

// History walks the first-parent history of rev from its tip back and
// calls fn with each version of each named file of dir (slash-separated,
// "" for the root), newest version first. A name is followed until its
// file is absent from a commit (it did not exist before) or fn returns
// true for one of its versions (the caller has its answer). The walk
// reads each commit once for all names, skips a commit whose dir is the
// tree its child had, reads each version's content once, and ends when
// no name is followed, at a root commit, or where a shallow clone's
// history ends. fn runs without the repository's lock held.
func (r *Repo) History(ctx context.Context, rev, dir string, names []string, fn func(Version) (done bool)) error {
	op := "history of " + rev
	sha, err := r.Resolve(rev)
	if err != nil {
		return err
	}
	h, _ := parseSHA(sha)
	w := &historyWalk{r: r, dir: dir, runs: map[string]*run{}}
	for _, n := range names {
		w.runs[n] = &run{}
	}
	for !h.IsZero() && len(w.runs) > 0 {
		if err := ctx.Err(); err != nil {
			return newError(op, nil, err)
		}
		next, ended, err := w.step(h)
		if err != nil {
			return newError(op, classify(err), err)
		}
		if err := w.report(ended, fn); err != nil {
			return newError(op, classify(err), err)
		}
		h = next
	}
	// The history read ends here: each run still followed began with it.
	ended := make([]string, 0, len(w.runs))
	for n, x := range w.runs {
		if !x.blob.IsZero() {
			ended = append(ended, n)
		}
	}
	if err := w.report(ended, fn); err != nil {
		return newError(op, classify(err), err)
	}
	return nil
}

// historyWalk is the state of one History call.
type historyWalk struct {
	r    *Repo
	dir  string
	runs map[string]*run // the names still followed
	last plumbing.Hash   // dir's tree in the commit read before
}

// run is the version of a name being followed: its blob, and the time of
// the oldest commit holding it so far.
type run struct {
	blob  plumbing.Hash
	since time.Time
	// ended is the run a name just left, waiting to be reported.
	ended *run
}

// step reads commit h: each followed name whose blob differs from its
// run's ends that run (returned by name, to report) and starts another.
// It returns the first parent, or the zero hash at a root commit or where
// the history held ends.
func (w *historyWalk) step(h plumbing.Hash) (plumbing.Hash, []string, error) {
	w.r.mu.Lock()
	defer w.r.mu.Unlock()
	c, err := object.GetCommit(w.r.repo.Storer, h)
	if err != nil {
		return plumbing.ZeroHash, nil, fmt.Errorf("commit %s: %w", h, err)
	}
	next := plumbing.ZeroHash
	if len(c.ParentHashes) > 0 {
		next = c.ParentHashes[0]
		if _, err := w.r.repo.Storer.EncodedObjectSize(next); errors.Is(err, plumbing.ErrObjectNotFound) {
			next = plumbing.ZeroHash // a shallow clone: the history held ends here
		}
	}
	tree, err := w.r.dirTreeLocked(c.TreeHash, w.dir)
	if err != nil {
		return plumbing.ZeroHash, nil, fmt.Errorf("commit %s: %w", h, err)
	}
	when := c.Committer.When
	if tree == w.last && !tree.IsZero() {
		for _, x := range w.runs {
			x.since = when // nothing in dir changed: every run goes on
		}
		return next, nil, nil
	}
	w.last = tree
	blobs := map[string]plumbing.Hash{}
	if !tree.IsZero() {
		entries, err := w.r.treeLocked(tree)
		if err != nil {
			return plumbing.ZeroHash, nil, fmt.Errorf("commit %s: %w", h, err)
		}
		for _, e := range entries {
			if e.Mode.IsFile() && e.Mode != filemode.Symlink {
				blobs[e.Name] = e.Hash
			}
		}
	}
	var ended []string
	for n, x := range w.runs {
		b := blobs[n]
		if b == x.blob {
			x.since = when
			continue
		}
		if !x.blob.IsZero() {
			prev := *x
			x.ended = &prev
			ended = append(ended, n)
		}
		if b.IsZero() {
			x.blob = plumbing.ZeroHash // absent: followed no further once reported
			continue
		}
		x.blob, x.since = b, when
	}
	for n, x := range w.runs {
		if x.blob.IsZero() && x.ended == nil {
			delete(w.runs, n)
		}
	}
	return next, ended, nil
}

// report calls fn with the ended run of each name, reading its content,
// and stops following a name fn is done with or whose file is gone.
func (w *historyWalk) report(names []string, fn func(Version) bool) error {
	t := &treeFS{r: w.r}
	for _, n := range names {
		x := w.runs[n]
		if x == nil {
			continue
		}
		v := x.ended
		if v == nil {
			v = x // the walk ended: the current run is the oldest
		}
		content, err := t.readBlob(v.blob, MaxFileSize)
		if err != nil {
			return fmt.Errorf("%s: %w", n, err)
		}
		x.ended = nil
		if fn(Version{Name: n, Since: v.since, Content: content}) || x.blob.IsZero() {
			delete(w.runs, n)
		}
	}
	return nil
}

// dirTreeLocked returns the tree of dir under root, or the zero hash when
// there is none; r.mu must be held.
func (r *Repo) dirTreeLocked(root plumbing.Hash, dir string) (plumbing.Hash, error) {
	h := root
	if dir == "" {
		return h, nil
	}
	for _, part := range strings.Split(dir, "/") {
		entries, err := r.treeLocked(h)
		if err != nil {
			return plumbing.ZeroHash, err
		}
		found := false
		for _, e := range entries {
			if e.Name == part && e.Mode == filemode.Dir {
				h, found = e.Hash, true
				break
			}
		}
		if !found {
			return plumbing.ZeroHash, nil
		}
	}
	return h, nil
}
