package forgetest

import (
	"context"
	"errors"
	"fmt"
	"io"
	"path"
	"sort"
	"strings"
	"time"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/filemode"
	"github.com/go-git/go-git/v5/plumbing/object"
)

// This file keeps the repository's git data with go-git: commits made by
// test helpers, the merge of a pull request, and the file list of a pull
// request. Every function here expects s.mu to be held.

// treeEntry is a file in a flattened tree.
type treeEntry struct {
	hash plumbing.Hash
	mode filemode.FileMode
}

// flatTree maps a file path to its blob.
type flatTree map[string]treeEntry

// errConflict means a three-way merge found a file both sides changed.
var errConflict = errors.New("merge conflict")

func (s *Server) refHash(name plumbing.ReferenceName) (plumbing.Hash, bool) {
	ref, err := s.git.Storer.Reference(name)
	if err != nil {
		return plumbing.ZeroHash, false
	}
	return ref.Hash(), true
}

func (s *Server) setRef(name plumbing.ReferenceName, h plumbing.Hash) error {
	return s.git.Storer.SetReference(plumbing.NewHashReference(name, h))
}

func (s *Server) branchHash(branch string) (plumbing.Hash, bool) {
	return s.refHash(plumbing.NewBranchReferenceName(branch))
}

// resolve turns a branch name or a full SHA into a commit hash.
func (s *Server) resolve(rev string) (plumbing.Hash, bool) {
	if h, ok := s.branchHash(rev); ok {
		return h, true
	}
	if h, ok := s.refHash(plumbing.ReferenceName(rev)); ok {
		return h, true
	}
	if plumbing.IsHash(rev) {
		h := plumbing.NewHash(rev)
		if _, err := s.git.CommitObject(h); err == nil {
			return h, true
		}
	}
	return plumbing.ZeroHash, false
}

func (s *Server) hasCommit(sha string) bool {
	if !plumbing.IsHash(sha) {
		return false
	}
	_, err := s.git.CommitObject(plumbing.NewHash(sha))
	return err == nil
}

// flatten lists every file of the tree of commit h.
func (s *Server) flatten(h plumbing.Hash) (flatTree, error) {
	c, err := s.git.CommitObject(h)
	if err != nil {
		return nil, err
	}
	tree, err := c.Tree()
	if err != nil {
		return nil, err
	}
	// Every entry but directories: files, symbolic links and submodules.
	out := flatTree{}
	w := object.NewTreeWalker(tree, true, nil)
	defer w.Close()
	for {
		name, e, err := w.Next()
		if errors.Is(err, io.EOF) {
			return out, nil
		}
		if err != nil {
			return nil, err
		}
		if e.Mode != filemode.Dir {
			out[name] = treeEntry{hash: e.Hash, mode: e.Mode}
		}
	}
}

func (s *Server) writeBlob(content []byte) (plumbing.Hash, error) {
	obj := s.git.Storer.NewEncodedObject()
	obj.SetType(plumbing.BlobObject)
	w, err := obj.Writer()
	if err != nil {
		return plumbing.ZeroHash, err
	}
	if _, err := w.Write(content); err != nil {
		return plumbing.ZeroHash, err
	}
	if err := w.Close(); err != nil {
		return plumbing.ZeroHash, err
	}
	return s.git.Storer.SetEncodedObject(obj)
}

// writeTree stores the nested trees of files and returns the root's hash.
func (s *Server) writeTree(files flatTree) (plumbing.Hash, error) {
	type dir struct {
		files flatTree
		dirs  map[string]flatTree
	}
	d := dir{files: flatTree{}, dirs: map[string]flatTree{}}
	for p, e := range files {
		first, rest, nested := strings.Cut(p, "/")
		if !nested {
			d.files[p] = e
			continue
		}
		if d.dirs[first] == nil {
			d.dirs[first] = flatTree{}
		}
		d.dirs[first][rest] = e
	}
	var entries []object.TreeEntry
	for name, e := range d.files {
		entries = append(entries, object.TreeEntry{Name: name, Mode: e.mode, Hash: e.hash})
	}
	for name, sub := range d.dirs {
		h, err := s.writeTree(sub)
		if err != nil {
			return plumbing.ZeroHash, err
		}
		entries = append(entries, object.TreeEntry{Name: name, Mode: filemode.Dir, Hash: h})
	}
	sort.Sort(object.TreeEntrySorter(entries))
	obj := s.git.Storer.NewEncodedObject()
	if err := (&object.Tree{Entries: entries}).Encode(obj); err != nil {
		return plumbing.ZeroHash, err
	}
	return s.git.Storer.SetEncodedObject(obj)
}

// writeCommit stores a commit of files with parents and returns its hash.
func (s *Server) writeCommit(files flatTree, message string, author object.Signature, parents ...plumbing.Hash) (plumbing.Hash, error) {
	tree, err := s.writeTree(files)
	if err != nil {
		return plumbing.ZeroHash, err
	}
	committer := object.Signature{Name: "GitHub", Email: "noreply@github.com", When: s.tick()}
	if author.When.IsZero() {
		author.When = committer.When
	}
	c := &object.Commit{
		Author:       author,
		Committer:    committer,
		Message:      message,
		TreeHash:     tree,
		ParentHashes: parents,
	}
	obj := s.git.Storer.NewEncodedObject()
	if err := c.Encode(obj); err != nil {
		return plumbing.ZeroHash, err
	}
	return s.git.Storer.SetEncodedObject(obj)
}

// mergeBase returns the best common ancestor of a and b.
func (s *Server) mergeBase(a, b plumbing.Hash) (plumbing.Hash, bool) {
	ca, err := s.git.CommitObject(a)
	if err != nil {
		return plumbing.ZeroHash, false
	}
	cb, err := s.git.CommitObject(b)
	if err != nil {
		return plumbing.ZeroHash, false
	}
	bases, err := ca.MergeBase(cb)
	if err != nil || len(bases) == 0 {
		return plumbing.ZeroHash, false
	}
	return bases[0].Hash, true
}

// ancestors returns every commit reachable from h, h included.
func (s *Server) ancestors(h plumbing.Hash) map[plumbing.Hash]bool {
	seen := map[plumbing.Hash]bool{}
	queue := []plumbing.Hash{h}
	for len(queue) > 0 {
		cur := queue[0]
		queue = queue[1:]
		if seen[cur] {
			continue
		}
		seen[cur] = true
		c, err := s.git.CommitObject(cur)
		if err != nil {
			continue
		}
		queue = append(queue, c.ParentHashes...)
	}
	return seen
}

// commitsBetween returns the commits reachable from head but not from base,
// oldest first along head's first-parent line.
func (s *Server) commitsBetween(base, head plumbing.Hash) ([]*object.Commit, error) {
	exclude := s.ancestors(base)
	var out []*object.Commit
	for cur := head; !exclude[cur]; {
		c, err := s.git.CommitObject(cur)
		if err != nil {
			return nil, err
		}
		out = append(out, c)
		if len(c.ParentHashes) == 0 {
			break
		}
		cur = c.ParentHashes[0]
	}
	for i, j := 0, len(out)-1; i < j; i, j = i+1, j-1 {
		out[i], out[j] = out[j], out[i]
	}
	return out, nil
}

// mergeTrees merges file by file: a path changed on one side only takes
// that side; a path both sides changed differently is merged line by
// line by lines, as GitHub does, and a conflict when that fails.
func mergeTrees(base, ours, theirs flatTree, lines lineMerger) (flatTree, []string) {
	out := flatTree{}
	var conflicts []string
	paths := map[string]bool{}
	for _, t := range []flatTree{base, ours, theirs} {
		for p := range t {
			paths[p] = true
		}
	}
	for p := range paths {
		b, inB := base[p]
		o, inO := ours[p]
		t, inT := theirs[p]
		var e treeEntry
		var in bool
		switch {
		case inO == inT && o == t:
			e, in = o, inO
		case inO == inB && o == b:
			e, in = t, inT
		case inT == inB && t == b:
			e, in = o, inO
		default:
			merged, ok := lines(b, o, t, inB && inO && inT)
			if !ok {
				conflicts = append(conflicts, p)
				continue
			}
			e, in = merged, true
		}
		if in {
			out[p] = e
		}
	}
	sort.Strings(conflicts)
	return out, conflicts
}

// mergedTree is the tree merging head into base would give.
func (s *Server) mergedTree(base, head plumbing.Hash) (flatTree, error) {
	mb, ok := s.mergeBase(base, head)
	if !ok {
		return nil, errors.New("no common history")
	}
	if mb == base {
		return s.flatten(head)
	}
	mbTree, err := s.flatten(mb)
	if err != nil {
		return nil, err
	}
	baseTree, err := s.flatten(base)
	if err != nil {
		return nil, err
	}
	headTree, err := s.flatten(head)
	if err != nil {
		return nil, err
	}
	merged, conflicts := mergeTrees(mbTree, baseTree, headTree, s.mergeLines)
	if len(conflicts) > 0 {
		return nil, fmt.Errorf("%w in %s", errConflict, strings.Join(conflicts, ", "))
	}
	return merged, nil
}

// merge merges pull request p into its base branch with method, moves the
// base branch and returns the new base head.
func (s *Server) merge(p *pull, method, title, message, merger string) (plumbing.Hash, error) {
	base, ok := s.branchHash(p.base)
	if !ok {
		return plumbing.ZeroHash, fmt.Errorf("base branch %s is gone", p.base)
	}
	head := plumbing.NewHash(p.headSHA)
	who := object.Signature{Name: merger, Email: merger + "@users.noreply.github.com"}
	var result plumbing.Hash
	switch method {
	case "merge":
		tree, err := s.mergedTree(base, head)
		if err != nil {
			return plumbing.ZeroHash, err
		}
		if title == "" {
			title = fmt.Sprintf("Merge pull request #%d from %s/%s", p.number, s.owner, p.head)
		}
		if message == "" {
			message = p.title
		}
		result, err = s.writeCommit(tree, title+"\n\n"+message+"\n", who, base, head)
		if err != nil {
			return plumbing.ZeroHash, err
		}
	case "squash":
		tree, err := s.mergedTree(base, head)
		if err != nil {
			return plumbing.ZeroHash, err
		}
		if title == "" {
			title = fmt.Sprintf("%s (#%d)", p.title, p.number)
		}
		msg := title + "\n"
		if message != "" {
			msg += "\n" + message + "\n"
		}
		result, err = s.writeCommit(tree, msg, who, base)
		if err != nil {
			return plumbing.ZeroHash, err
		}
	case "rebase":
		commits, err := s.commitsBetween(base, head)
		if err != nil {
			return plumbing.ZeroHash, err
		}
		result = base
		for _, c := range commits {
			parent := plumbing.ZeroHash
			if len(c.ParentHashes) > 0 {
				parent = c.ParentHashes[0]
			}
			parentTree := flatTree{}
			if !parent.IsZero() {
				if parentTree, err = s.flatten(parent); err != nil {
					return plumbing.ZeroHash, err
				}
			}
			cur, err := s.flatten(result)
			if err != nil {
				return plumbing.ZeroHash, err
			}
			own, err := s.flatten(c.Hash)
			if err != nil {
				return plumbing.ZeroHash, err
			}
			tree, conflicts := mergeTrees(parentTree, cur, own, s.mergeLines)
			if len(conflicts) > 0 {
				return plumbing.ZeroHash, fmt.Errorf("%w in %s", errConflict, strings.Join(conflicts, ", "))
			}
			if result, err = s.writeCommit(tree, c.Message, c.Author, result); err != nil {
				return plumbing.ZeroHash, err
			}
		}
	default:
		return plumbing.ZeroHash, fmt.Errorf("unknown merge method %q", method)
	}
	if err := s.setRef(plumbing.NewBranchReferenceName(p.base), result); err != nil {
		return plumbing.ZeroHash, err
	}
	s.refUpdated(plumbing.NewBranchReferenceName(p.base).String(), result.String())
	return result, nil
}

// fileChange is a file a pull request changes, as GitHub lists it.
type fileChange struct {
	path, previous, status string
	blob                   plumbing.Hash
	additions, deletions   int
}

// changedFiles diffs the merge base of base and head against head, with
// rename detection, as GitHub's pull request files do.
func (s *Server) changedFiles(base, head plumbing.Hash) ([]fileChange, error) {
	mb, ok := s.mergeBase(base, head)
	if !ok {
		return nil, errors.New("no common history")
	}
	from, err := s.commitTree(mb)
	if err != nil {
		return nil, err
	}
	to, err := s.commitTree(head)
	if err != nil {
		return nil, err
	}
	changes, err := object.DiffTreeWithOptions(context.Background(), from, to, object.DefaultDiffTreeOptions)
	if err != nil {
		return nil, err
	}
	var out []fileChange
	for _, ch := range changes {
		fc := fileChange{}
		switch {
		case ch.From.Name == "":
			fc.path, fc.status, fc.blob = ch.To.Name, "added", ch.To.TreeEntry.Hash
		case ch.To.Name == "":
			fc.path, fc.status, fc.blob = ch.From.Name, "removed", ch.From.TreeEntry.Hash
		case ch.From.Name != ch.To.Name:
			fc.path, fc.previous, fc.status, fc.blob = ch.To.Name, ch.From.Name, "renamed", ch.To.TreeEntry.Hash
		default:
			fc.path, fc.status, fc.blob = ch.To.Name, "modified", ch.To.TreeEntry.Hash
		}
		if patch, err := ch.Patch(); err == nil {
			for _, st := range patch.Stats() {
				fc.additions += st.Addition
				fc.deletions += st.Deletion
			}
		}
		out = append(out, fc)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].path < out[j].path })
	return out, nil
}

func (s *Server) commitTree(h plumbing.Hash) (*object.Tree, error) {
	c, err := s.git.CommitObject(h)
	if err != nil {
		return nil, err
	}
	return c.Tree()
}

// readFile returns the content of file p at commit h.
func (s *Server) readFile(h plumbing.Hash, p string) (string, bool) {
	tree, err := s.commitTree(h)
	if err != nil {
		return "", false
	}
	f, err := tree.File(path.Clean(p))
	if err != nil {
		return "", false
	}
	r, err := f.Reader()
	if err != nil {
		return "", false
	}
	defer r.Close()
	data, err := io.ReadAll(r)
	if err != nil {
		return "", false
	}
	return string(data), true
}

// tick advances the server's clock by a second and returns it. The clock
// is fixed so that SHAs and answers are the same on every run; with a
// clock given (SetClock) it is that clock's time, kept at least a second
// after the last so that timestamps are in the order of the changes.
func (s *Server) tick() time.Time {
	next := s.clock.Add(time.Second)
	if s.now != nil {
		if t := s.now().UTC().Truncate(time.Second); t.After(next) {
			next = t
		}
	}
	s.clock = next
	return s.clock
}

// Commit commits files (path to content) on branch, deleting the paths in
// deletes, and returns the commit's SHA. A branch that does not exist
// starts from the default branch. Open pull requests from branch follow it.
func (s *Server) Commit(branch, message string, files map[string]string, deletes ...string) string {
	s.t.Helper()
	entries := make(map[string]Entry, len(files))
	for p, content := range files {
		entries[p] = Entry{Content: content}
	}
	return s.CommitEntries(branch, message, entries, deletes...)
}

// Entry is a tree entry for CommitEntries: a mode git writes ("100644"
// when empty, "100755", "120000" for a symbolic link whose Content is its
// target, "160000" for a submodule whose Content is a commit SHA, or any
// other mode, as a hostile client could push) and its content.
type Entry struct {
	Mode    string
	Content string
}

// CommitEntries is Commit with each path's mode chosen: what anyone can
// push with git, submodules and symbolic links included.
func (s *Server) CommitEntries(branch, message string, files map[string]Entry, deletes ...string) string {
	s.t.Helper()
	s.mu.Lock()
	defer s.mu.Unlock()
	defer s.flushEvents()
	parent, ok := s.branchHash(branch)
	if !ok {
		parent, ok = s.branchHash(s.defaultBranch)
	}
	tree := flatTree{}
	var parents []plumbing.Hash
	if ok {
		var err error
		if tree, err = s.flatten(parent); err != nil {
			s.t.Fatalf("forgetest: commit on %s: %v", branch, err)
		}
		parents = append(parents, parent)
	}
	for p, e := range files {
		mode := filemode.Regular
		if e.Mode != "" {
			var err error
			if mode, err = filemode.New(e.Mode); err != nil {
				s.t.Fatalf("forgetest: commit on %s: mode of %s: %v", branch, p, err)
			}
		}
		var h plumbing.Hash
		if mode == filemode.Submodule {
			h = plumbing.NewHash(e.Content)
		} else {
			var err error
			if h, err = s.writeBlob([]byte(e.Content)); err != nil {
				s.t.Fatalf("forgetest: commit on %s: %v", branch, err)
			}
		}
		tree[strings.TrimPrefix(p, "/")] = treeEntry{hash: h, mode: mode}
	}
	for _, p := range deletes {
		delete(tree, strings.TrimPrefix(p, "/"))
	}
	author := object.Signature{Name: "forgetest", Email: "forgetest@example.com"}
	h, err := s.writeCommit(tree, message+"\n", author, parents...)
	if err == nil {
		err = s.setRef(plumbing.NewBranchReferenceName(branch), h)
	}
	if err != nil {
		s.t.Fatalf("forgetest: commit on %s: %v", branch, err)
	}
	s.refUpdated(plumbing.NewBranchReferenceName(branch).String(), h.String())
	return h.String()
}

// Branch returns the SHA branch points at, or "" if there is no such
// branch.
func (s *Server) Branch(branch string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	h, ok := s.branchHash(branch)
	if !ok {
		return ""
	}
	return h.String()
}

// ReadFile returns the content of path at rev (a branch, ref or SHA).
func (s *Server) ReadFile(rev, path string) (string, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	h, ok := s.resolve(rev)
	if !ok {
		return "", false
	}
	return s.readFile(h, path)
}
