package gitrepo

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/filemode"
	"github.com/go-git/go-git/v5/plumbing/object"
)

// EntryKind is what a path of a tree is, read from its mode.
type EntryKind string

// The kinds of tree entries. A zero EntryKind means the path is absent.
const (
	KindFile       EntryKind = "file"
	KindExecutable EntryKind = "executable"
	KindSymlink    EntryKind = "symlink"
	KindSubmodule  EntryKind = "submodule"
	KindDir        EntryKind = "directory"
	// KindOther is a mode git itself does not write.
	KindOther EntryKind = "other"
)

// Entry is one path of a tree: its kind and the object it names (a blob,
// a tree, or for a submodule a commit of another repository).
type Entry struct {
	Kind EntryKind
	// Object is the 40-hex name of the entry's object.
	Object string
}

// Exists reports whether the entry is there at all.
func (e Entry) Exists() bool { return e.Kind != "" }

// PathChange is one path whose entry differs between two trees. Paths name
// files, symbolic links and submodules, never directories: a directory that
// appears or disappears is reported file by file.
type PathChange struct {
	Path     string
	From, To Entry
}

// MergeSpec describes a merge for Merge to compute.
type MergeSpec struct {
	// Base and Head are the commits to merge: the branch merged into, and
	// the one merged.
	Base, Head string
	// Message and Author make the merge commit, whose parents are Base and
	// Head, in that order.
	Message string
	Author  Signature
}

// MergeResult is a three-way merge of two commits.
type MergeResult struct {
	Base, Head string
	// MergeBase is the best common ancestor of Base and Head.
	MergeBase string
	// Commit is the merge commit, written to the repository (but to no
	// branch); empty when there are conflicts.
	Commit string
	// Changes are the paths whose entries differ between Base and the
	// merge result, in path order: what merging would change on Base.
	Changes []PathChange
	// Conflicts are the paths both sides changed differently since the
	// merge base, in path order.
	Conflicts []string
}

// ErrNoCommonHistory means two commits share no ancestor, so they cannot be
// merged.
var ErrNoCommonHistory = errors.New("no common history")

// ErrMalformedTree means a tree holds what git itself refuses to write: two
// entries of one name, or a name that is empty, ".", "..", ".git" or holds a
// slash or a NUL.
var ErrMalformedTree = errors.New("malformed tree")

// Merge merges spec.Head into spec.Base from their trees, as the three-way
// merge git and GitHub do, path by path: a path changed on one side only
// since the merge base takes that side's entry (its mode and object), a
// path both sides changed the same way takes it, and a path both sides
// changed differently is a conflict. Files are never merged line by line,
// and renames are not followed, so this is at least as strict as git's
// merge for the changes an application pull request makes (two sides
// renaming one file differently merge here with both names, where git
// stops; with several merge bases the first is taken, where git builds a
// virtual one). Whatever it decides, Changes is exactly how the merged
// tree differs from Base: the tree that is judged is the tree that is
// pushed. Blobs are never read: only trees and their entries; a tree that
// git would refuse (ErrMalformedTree) stops the merge.
func (r *Repo) Merge(ctx context.Context, spec MergeSpec) (*MergeResult, error) {
	op := "merge " + spec.Head + " into " + spec.Base
	base, ok := parseSHA(spec.Base)
	if !ok {
		return nil, newError(op, nil, errors.New("the base is not a full commit SHA"))
	}
	head, ok := parseSHA(spec.Head)
	if !ok {
		return nil, newError(op, nil, errors.New("the head is not a full commit SHA"))
	}
	if spec.Author.Name == "" || spec.Author.When.IsZero() {
		return nil, newError(op, nil, errors.New("the author needs a name and a time"))
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	bc, err := object.GetCommit(r.repo.Storer, base)
	if err != nil {
		return nil, newError(op, classify(err), fmt.Errorf("base: %w", err))
	}
	hc, err := object.GetCommit(r.repo.Storer, head)
	if err != nil {
		return nil, newError(op, classify(err), fmt.Errorf("head: %w", err))
	}
	bases, err := bc.MergeBase(hc)
	if err != nil {
		return nil, newError(op, classify(err), err)
	}
	if len(bases) == 0 {
		return nil, newError(op, ErrNoCommonHistory, ErrNoCommonHistory)
	}
	mb := bases[0]
	res := &MergeResult{Base: spec.Base, Head: spec.Head, MergeBase: mb.Hash.String()}
	m := &merger{ctx: ctx, w: &treeWriter{ctx: ctx, r: r}}
	tree, err := m.merge("", mb.TreeHash, bc.TreeHash, hc.TreeHash)
	if err != nil {
		return nil, newError(op, classify(err), err)
	}
	slices.SortFunc(m.changes, func(a, b PathChange) int { return strings.Compare(a.Path, b.Path) })
	res.Changes, res.Conflicts = m.changes, m.conflicts
	if len(res.Conflicts) > 0 {
		return res, nil
	}
	if tree.IsZero() {
		if tree, err = m.w.writeTree(nil); err != nil {
			return nil, newError(op, classify(err), err)
		}
	}
	sig := object.Signature{Name: spec.Author.Name, Email: spec.Author.Email, When: spec.Author.When}
	h, err := m.w.store(&object.Commit{
		Author: sig, Committer: sig, Message: spec.Message, TreeHash: tree,
		ParentHashes: []plumbing.Hash{base, head},
	})
	if err != nil {
		return nil, newError(op, classify(err), err)
	}
	res.Commit = h.String()
	return res, nil
}

// SetBranch points the local branch at commit sha, creating it if needed.
func (r *Repo) SetBranch(branch, sha string) error {
	op := "set branch " + branch
	name := plumbing.NewBranchReferenceName(branch)
	if err := name.Validate(); err != nil {
		return newError(op, nil, fmt.Errorf("branch %q: %w", branch, err))
	}
	h, ok := parseSHA(sha)
	if !ok {
		return newError(op, nil, fmt.Errorf("%q is not a full commit SHA", sha))
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if _, err := object.GetCommit(r.repo.Storer, h); err != nil {
		return newError(op, classify(err), err)
	}
	if err := r.repo.Storer.SetReference(plumbing.NewHashReference(name, h)); err != nil {
		return newError(op, nil, err)
	}
	return nil
}

// merger carries one merge: it writes the merged trees and collects the
// changes against the base and the conflicts.
type merger struct {
	ctx       context.Context
	w         *treeWriter
	changes   []PathChange
	conflicts []string
}

// merge merges trees theirs (head) into ours (base) with ancestor at dir
// and returns the merged tree's hash (zero when empty). Any hash may be
// zero for a tree that does not exist.
func (m *merger) merge(dir string, ancestor, ours, theirs plumbing.Hash) (plumbing.Hash, error) {
	if err := m.ctx.Err(); err != nil {
		return plumbing.ZeroHash, err
	}
	switch {
	case ours == theirs, ancestor == theirs:
		return ours, nil
	case ancestor == ours:
		if err := m.diff(dir, ours, theirs); err != nil {
			return plumbing.ZeroHash, err
		}
		return theirs, nil
	}
	var sides [3]map[string]object.TreeEntry // ancestor, ours, theirs
	for i, h := range []plumbing.Hash{ancestor, ours, theirs} {
		var err error
		if sides[i], err = m.entries(h); err != nil {
			return plumbing.ZeroHash, err
		}
	}
	out := map[string]object.TreeEntry{}
	changed := false
	for _, name := range entryNames(sides[:]) {
		c, err := m.mergeEntry(dir, name, sides, out)
		if err != nil {
			return plumbing.ZeroHash, err
		}
		changed = changed || c
	}
	if !changed {
		return ours, nil
	}
	if len(out) == 0 {
		return plumbing.ZeroHash, nil
	}
	return m.w.writeTree(slices.Collect(maps.Values(out)))
}

// entryNames are the names in any of sets, sorted.
func entryNames(sets []map[string]object.TreeEntry) []string {
	names := map[string]bool{}
	for _, set := range sets {
		for n := range set {
			names[n] = true
		}
	}
	return slices.Sorted(maps.Keys(names))
}

// mergeEntry merges the entry name of the ancestor, ours and theirs
// trees at dir into out, and reports whether the result differs from
// ours; a name both sides changed differently is a conflict, and ours
// stays.
func (m *merger) mergeEntry(dir, name string, sides [3]map[string]object.TreeEntry, out map[string]object.TreeEntry) (bool, error) {
	eo, inO := sides[0][name]
	ea, inA := sides[1][name]
	eb, inB := sides[2][name]
	p := dir + name
	switch {
	case same(ea, inA, eb, inB), same(eo, inO, eb, inB):
		if inA {
			out[name] = ea
		}
		return false, nil
	case same(eo, inO, ea, inA):
		if err := m.replace(p, ea, inA, eb, inB); err != nil {
			return false, err
		}
		if inB {
			out[name] = eb
		}
		return true, nil
	case isTree(ea, inA) && isTree(eb, inB) && (!inO || isTree(eo, inO)):
		var anc plumbing.Hash
		if inO {
			anc = eo.Hash
		}
		h, err := m.merge(p+"/", anc, ea.Hash, eb.Hash)
		if err != nil {
			return false, err
		}
		if !h.IsZero() {
			out[name] = object.TreeEntry{Name: name, Mode: filemode.Dir, Hash: h}
		}
		return h != ea.Hash, nil
	}
	m.conflicts = append(m.conflicts, p)
	if inA {
		out[name] = ea
	}
	return false, nil
}

// replace records the changes of putting entry b (or nothing) where entry a
// (or nothing) was, at path p.
func (m *merger) replace(p string, a object.TreeEntry, inA bool, b object.TreeEntry, inB bool) error {
	var from, to plumbing.Hash
	if inA && a.Mode == filemode.Dir {
		from = a.Hash
	}
	if inB && b.Mode == filemode.Dir {
		to = b.Hash
	}
	if !from.IsZero() || !to.IsZero() {
		if err := m.diff(p+"/", from, to); err != nil {
			return err
		}
	}
	c := PathChange{Path: p}
	if inA && a.Mode != filemode.Dir {
		c.From = entryOf(a)
	}
	if inB && b.Mode != filemode.Dir {
		c.To = entryOf(b)
	}
	if c.From.Exists() || c.To.Exists() {
		m.changes = append(m.changes, c)
	}
	return nil
}

// diff records every path that differs between trees from and to (zero for
// none) at dir.
func (m *merger) diff(dir string, from, to plumbing.Hash) error {
	if from == to {
		return nil
	}
	if err := m.ctx.Err(); err != nil {
		return err
	}
	a, err := m.entries(from)
	if err != nil {
		return err
	}
	b, err := m.entries(to)
	if err != nil {
		return err
	}
	names := map[string]bool{}
	for n := range a {
		names[n] = true
	}
	for n := range b {
		names[n] = true
	}
	for _, name := range slices.Sorted(maps.Keys(names)) {
		ea, inA := a[name]
		eb, inB := b[name]
		if same(ea, inA, eb, inB) {
			continue
		}
		if err := m.replace(dir+name, ea, inA, eb, inB); err != nil {
			return err
		}
	}
	return nil
}

// entries reads tree h's entries by name; the zero hash is the empty tree.
func (m *merger) entries(h plumbing.Hash) (map[string]object.TreeEntry, error) {
	out := map[string]object.TreeEntry{}
	if h.IsZero() {
		return out, nil
	}
	entries, err := m.w.r.treeLocked(h)
	if err != nil {
		return nil, fmt.Errorf("tree %s: %w", h, err)
	}
	if err := wellFormed(entries); err != nil {
		return nil, fmt.Errorf("tree %s: %w", h, err)
	}
	for _, e := range entries {
		out[e.Name] = e
	}
	return out, nil
}

// wellFormed checks a tree's entries the way git's fsck does for what
// matters here: every name usable as one path element, and no name twice
// (git refuses both; read one way or another, they would let two readers
// of one tree see two different files).
func wellFormed(entries []object.TreeEntry) error {
	seen := make(map[string]bool, len(entries))
	for _, e := range entries {
		switch {
		case e.Name == "" || e.Name == "." || e.Name == ".." || strings.EqualFold(e.Name, ".git") || strings.ContainsAny(e.Name, "/\x00"):
			return fmt.Errorf("%w: an entry is named %q", ErrMalformedTree, e.Name)
		case seen[e.Name]:
			return fmt.Errorf("%w: two entries are named %q", ErrMalformedTree, e.Name)
		}
		seen[e.Name] = true
	}
	return nil
}

// same reports whether two optional entries are equal: both absent, or the
// same mode and object.
func same(a object.TreeEntry, inA bool, b object.TreeEntry, inB bool) bool {
	if inA != inB {
		return false
	}
	return !inA || (a.Mode == b.Mode && a.Hash == b.Hash)
}

func isTree(e object.TreeEntry, in bool) bool { return in && e.Mode == filemode.Dir }

// entryOf describes a tree entry.
func entryOf(e object.TreeEntry) Entry {
	return Entry{Kind: kindOf(e.Mode), Object: e.Hash.String()}
}

// kindOf names the kind of a mode.
func kindOf(mode filemode.FileMode) EntryKind {
	switch mode {
	case filemode.Regular, filemode.Deprecated:
		return KindFile
	case filemode.Executable:
		return KindExecutable
	case filemode.Symlink:
		return KindSymlink
	case filemode.Submodule:
		return KindSubmodule
	case filemode.Dir:
		return KindDir
	}
	return KindOther
}

// Entries lists the entries of directory dir ("" or "." for the root) at
// commit sha by name, with their kinds and objects; a directory that does
// not exist has none.
func (r *Repo) Entries(sha, dir string) (map[string]Entry, error) {
	op := "entries " + dir + " at " + sha
	r.mu.Lock()
	defer r.mu.Unlock()
	c, err := r.commitLocked(op, sha)
	if err != nil {
		return nil, err
	}
	entries, err := r.treeLocked(c.TreeHash)
	if err != nil {
		return nil, newError(op, classify(err), err)
	}
	if dir != "" && dir != "." {
		for elem := range strings.SplitSeq(dir, "/") {
			if err := wellFormed(entries); err != nil {
				return nil, newError(op, ErrMalformedTree, err)
			}
			i := slices.IndexFunc(entries, func(e object.TreeEntry) bool { return e.Name == elem })
			if i < 0 || entries[i].Mode != filemode.Dir {
				return map[string]Entry{}, nil
			}
			if entries, err = r.treeLocked(entries[i].Hash); err != nil {
				return nil, newError(op, classify(err), err)
			}
		}
	}
	if err := wellFormed(entries); err != nil {
		return nil, newError(op, ErrMalformedTree, err)
	}
	out := make(map[string]Entry, len(entries))
	for _, e := range entries {
		out[e.Name] = entryOf(e)
	}
	return out, nil
}
