package gitrepo

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/filemode"
	"github.com/go-git/go-git/v5/plumbing/object"
)

// Signature is who made a commit, and when.
type Signature struct {
	Name  string
	Email string
	When  time.Time
}

// Change describes one commit for Commit to write.
type Change struct {
	// Parent is the SHA of the commit the change applies to; empty makes a
	// root commit starting from an empty tree.
	Parent string
	// Branch is the local branch to create or move to the new commit;
	// empty leaves every reference alone.
	Branch string
	// Files maps slash-separated paths to their new content; nil content
	// deletes the file (deleting a missing file is not an error).
	// Directories left empty disappear, as in git.
	Files map[string][]byte
	// Message is the commit message.
	Message string
	// Author is the author and committer; When must be set.
	Author Signature
}

// Commit writes the commit c describes and returns its SHA. It builds the
// new tree from the parent's, writing only the blobs and trees that
// change, so it needs no worktree and works on in-memory clones; it never
// touches a worktree or index. Files keep their executable bit when
// rewritten; new files are not executable. Equal changes give equal SHAs.
func (r *Repo) Commit(ctx context.Context, c Change) (string, error) {
	op := "commit"
	if c.Branch != "" {
		op += " on " + c.Branch
	}
	var branch plumbing.ReferenceName
	if c.Branch != "" {
		branch = plumbing.NewBranchReferenceName(c.Branch)
		if err := branch.Validate(); err != nil {
			return "", newError(op, nil, fmt.Errorf("branch %q: %w", c.Branch, err))
		}
	}
	if c.Author.Name == "" || c.Author.When.IsZero() {
		return "", newError(op, nil, errors.New("the author needs a name and a time"))
	}
	root := &changeDir{files: map[string][]byte{}, dirs: map[string]*changeDir{}}
	for _, p := range slices.Sorted(maps.Keys(c.Files)) {
		if err := root.add(p, c.Files[p]); err != nil {
			return "", newError(op, ErrInvalidPath, err)
		}
	}

	r.mu.Lock()
	defer r.mu.Unlock()
	var parents []plumbing.Hash
	var base plumbing.Hash // zero: the empty tree
	if c.Parent != "" {
		h, ok := parseSHA(c.Parent)
		if !ok {
			return "", newError(op, nil, fmt.Errorf("parent %q is not a full commit SHA", c.Parent))
		}
		pc, err := object.GetCommit(r.repo.Storer, h)
		if err != nil {
			return "", newError(op, classify(err), fmt.Errorf("parent %s: %w", c.Parent, err))
		}
		parents, base = []plumbing.Hash{h}, pc.TreeHash
	}
	w := &treeWriter{ctx: ctx, r: r}
	tree, _, err := w.apply(base, root, "")
	if err != nil {
		return "", newError(op, classify(err), err)
	}
	if tree.IsZero() {
		if tree, err = w.writeTree(nil); err != nil {
			return "", newError(op, classify(err), err)
		}
	}
	sig := object.Signature{Name: c.Author.Name, Email: c.Author.Email, When: c.Author.When}
	commit := &object.Commit{
		Author:       sig,
		Committer:    sig,
		Message:      c.Message,
		TreeHash:     tree,
		ParentHashes: parents,
	}
	h, err := w.store(commit)
	if err != nil {
		return "", newError(op, classify(err), err)
	}
	if branch != "" {
		if err := r.repo.Storer.SetReference(plumbing.NewHashReference(branch, h)); err != nil {
			return "", newError(op, nil, err)
		}
	}
	return h.String(), nil
}

// changeDir is the part of a change under one directory.
type changeDir struct {
	files map[string][]byte     // base name → content (nil: delete)
	dirs  map[string]*changeDir // base name → changes below it
}

// add records content for path p, relative to d, after checking p.
func (d *changeDir) add(p string, content []byte) error {
	if err := checkPath(p); err != nil {
		return err
	}
	elems := strings.Split(p, "/")
	for i, elem := range elems[:len(elems)-1] {
		if content, ok := d.files[elem]; ok && content != nil {
			return fmt.Errorf("%w %q: %s is written as a file", ErrInvalidPath, p, strings.Join(elems[:i+1], "/"))
		}
		sub, ok := d.dirs[elem]
		if !ok {
			sub = &changeDir{files: map[string][]byte{}, dirs: map[string]*changeDir{}}
			d.dirs[elem] = sub
		}
		d = sub
	}
	name := elems[len(elems)-1]
	if _, ok := d.dirs[name]; ok && content != nil {
		return fmt.Errorf("%w %q: it is also a directory of other files", ErrInvalidPath, p)
	}
	d.files[name] = content
	return nil
}

// ErrInvalidPath means a path given to Commit is not a clean, relative,
// slash-separated path inside the repository.
var ErrInvalidPath = errors.New("invalid path")

// checkPath accepts clean, relative, slash-separated paths with no ".",
// "..", ".git" or empty elements, backslashes or NULs.
func checkPath(p string) error {
	bad := func(why string) error { return fmt.Errorf("%w %q: %s", ErrInvalidPath, p, why) }
	if p == "" {
		return bad("empty")
	}
	if strings.HasPrefix(p, "/") {
		return bad("absolute")
	}
	if strings.ContainsAny(p, "\\\x00") {
		return bad("contains a backslash or NUL")
	}
	for elem := range strings.SplitSeq(p, "/") {
		switch {
		case elem == "":
			return bad("empty path element")
		case elem == "." || elem == "..":
			return bad("dot element")
		case strings.EqualFold(elem, ".git"):
			return bad("a .git element")
		}
	}
	return nil
}

// treeWriter writes the trees and blobs of one commit.
type treeWriter struct {
	ctx context.Context
	r   *Repo
}

// apply writes the tree that results from applying d to tree base (zero for
// none) at path dir, and returns its hash, or the zero hash if it is empty.
// changed reports whether it differs from base.
func (w *treeWriter) apply(base plumbing.Hash, d *changeDir, dir string) (h plumbing.Hash, changed bool, err error) {
	if err := w.ctx.Err(); err != nil {
		return plumbing.ZeroHash, false, err
	}
	entries := map[string]object.TreeEntry{}
	if !base.IsZero() {
		t, err := object.GetTree(w.r.repo.Storer, base)
		if err != nil {
			return plumbing.ZeroHash, false, fmt.Errorf("tree %s: %w", strings.TrimSuffix(dir, "/"), err)
		}
		for _, e := range t.Entries {
			entries[e.Name] = e
		}
	}
	for _, name := range slices.Sorted(maps.Keys(d.files)) {
		content := d.files[name]
		old, exists := entries[name]
		if exists && old.Mode == filemode.Dir {
			if _, alsoDir := d.dirs[name]; !alsoDir {
				return plumbing.ZeroHash, false, fmt.Errorf("%w %q: is a directory", ErrInvalidPath, dir+name)
			}
		}
		if content == nil {
			if exists && old.Mode != filemode.Dir {
				delete(entries, name)
				changed = true
			}
			continue
		}
		blob, err := w.writeBlob(content)
		if err != nil {
			return plumbing.ZeroHash, false, err
		}
		mode := filemode.Regular
		if exists && old.Mode == filemode.Executable {
			mode = filemode.Executable
		}
		if !exists || old.Hash != blob || old.Mode != mode {
			entries[name] = object.TreeEntry{Name: name, Mode: mode, Hash: blob}
			changed = true
		}
	}
	for _, name := range slices.Sorted(maps.Keys(d.dirs)) {
		var sub plumbing.Hash
		old, exists := entries[name]
		if exists {
			if old.Mode != filemode.Dir {
				return plumbing.ZeroHash, false, fmt.Errorf("%w %q: not a directory", ErrInvalidPath, dir+name)
			}
			sub = old.Hash
		}
		h, subChanged, err := w.apply(sub, d.dirs[name], dir+name+"/")
		if err != nil {
			return plumbing.ZeroHash, false, err
		}
		if !subChanged {
			continue
		}
		changed = true
		if h.IsZero() {
			delete(entries, name)
		} else {
			entries[name] = object.TreeEntry{Name: name, Mode: filemode.Dir, Hash: h}
		}
	}
	if !changed {
		return base, false, nil
	}
	if len(entries) == 0 {
		return plumbing.ZeroHash, true, nil
	}
	h, err = w.writeTree(slices.Collect(maps.Values(entries)))
	return h, true, err
}

// writeTree stores a tree of entries, sorted the way git sorts them.
func (w *treeWriter) writeTree(entries []object.TreeEntry) (plumbing.Hash, error) {
	key := func(e object.TreeEntry) string {
		if e.Mode == filemode.Dir {
			return e.Name + "/"
		}
		return e.Name
	}
	slices.SortFunc(entries, func(a, b object.TreeEntry) int { return strings.Compare(key(a), key(b)) })
	if entries == nil {
		entries = []object.TreeEntry{}
	}
	return w.store(&object.Tree{Entries: entries})
}

// writeBlob stores content as a blob.
func (w *treeWriter) writeBlob(content []byte) (plumbing.Hash, error) {
	obj := w.r.repo.Storer.NewEncodedObject()
	obj.SetType(plumbing.BlobObject)
	obj.SetSize(int64(len(content)))
	wr, err := obj.Writer()
	if err != nil {
		return plumbing.ZeroHash, err
	}
	if _, err := wr.Write(content); err != nil {
		wr.Close()
		return plumbing.ZeroHash, err
	}
	if err := wr.Close(); err != nil {
		return plumbing.ZeroHash, err
	}
	return w.r.repo.Storer.SetEncodedObject(obj)
}

// store encodes and stores a tree or commit.
func (w *treeWriter) store(o interface {
	Encode(plumbing.EncodedObject) error
}) (plumbing.Hash, error) {
	if err := w.ctx.Err(); err != nil {
		return plumbing.ZeroHash, err
	}
	obj := w.r.repo.Storer.NewEncodedObject()
	if err := o.Encode(obj); err != nil {
		return plumbing.ZeroHash, err
	}
	return w.r.repo.Storer.SetEncodedObject(obj)
}
