package gitrepo

import (
	"bytes"
	"errors"
	"io"
	"io/fs"
	"slices"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/filemode"
	"github.com/go-git/go-git/v5/plumbing/object"
)

// MaxFileSize is the largest file, in bytes, that a Tree will read.
const MaxFileSize = 16 << 20

// ErrFileTooLarge means a file in a tree is bigger than MaxFileSize and was
// not read, or a fetch was refused for bringing such a file (or too much in
// all: PackTooLargeError).
var ErrFileTooLarge = errors.New("file too large")

// Tree returns the tree of commit sha as a read-only file system. Trees are
// decoded as paths are looked up and a blob is read, whole, only when its
// file is first read; a file bigger than MaxFileSize gives ErrFileTooLarge
// on Open or ReadFile instead of being read. Every file and directory has the
// commit's committer time as its modification time. Symbolic links are not
// followed: they are listed with fs.ModeSymlink, ReadLink returns their
// target, and opening one reads the target text. Submodules are left out.
//
// The file system implements fs.ReadFileFS, fs.ReadDirFS, fs.StatFS and
// fs.ReadLinkFS and is safe for concurrent use. Its errors wrap what os.DirFS
// gives in the same case, so errors.Is works alike on both: fs.ErrNotExist,
// fs.ErrInvalid, fs.ErrClosed, and syscall.EISDIR for reading a directory or
// syscall.ENOTDIR for listing a file.
func (r *Repo) Tree(sha string) (fs.FS, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	c, err := r.commitLocked("tree "+sha, sha)
	if err != nil {
		return nil, err
	}
	return &treeFS{r: r, root: c.TreeHash, modTime: c.Committer.When, dirs: map[plumbing.Hash]*treeDir{}}, nil
}

// treeFS is the fs.FS of one git tree.
type treeFS struct {
	r       *Repo
	root    plumbing.Hash
	modTime time.Time

	mu   sync.Mutex
	dirs map[plumbing.Hash]*treeDir // decoded trees, by hash (trees never change)
}

// treeDir is a decoded tree: its visible entries, sorted by name.
type treeDir struct {
	entries []treeEntry
}

// treeEntry is one visible entry of a tree.
type treeEntry struct {
	name string
	mode filemode.FileMode
	hash plumbing.Hash
}

// find returns the entry called name, if any.
func (d *treeDir) find(name string) (treeEntry, bool) {
	i, ok := slices.BinarySearchFunc(d.entries, name, func(e treeEntry, name string) int {
		return strings.Compare(e.name, name)
	})
	if !ok {
		return treeEntry{}, false
	}
	return d.entries[i], true
}

// dir returns the decoded tree h.
func (t *treeFS) dir(h plumbing.Hash) (*treeDir, error) {
	t.mu.Lock()
	d, ok := t.dirs[h]
	t.mu.Unlock()
	if ok {
		return d, nil
	}
	t.r.mu.Lock()
	entries, err := t.r.treeLocked(h)
	t.r.mu.Unlock()
	if err != nil {
		return nil, err
	}
	d = &treeDir{}
	for _, e := range entries {
		if !visible(e) {
			continue
		}
		d.entries = append(d.entries, treeEntry{name: e.Name, mode: e.Mode, hash: e.Hash})
	}
	slices.SortFunc(d.entries, func(a, b treeEntry) int { return strings.Compare(a.name, b.name) })
	d.entries = slices.CompactFunc(d.entries, func(a, b treeEntry) bool { return a.name == b.name })
	t.mu.Lock()
	t.dirs[h] = d
	t.mu.Unlock()
	return d, nil
}

// visible reports whether a tree entry is shown: a file, directory or
// symbolic link whose name is a valid single path element.
func visible(e object.TreeEntry) bool {
	switch e.Mode {
	case filemode.Dir, filemode.Regular, filemode.Deprecated, filemode.Executable, filemode.Symlink:
	default:
		return false
	}
	return e.Name != "" && e.Name != "." && e.Name != ".." && !strings.ContainsAny(e.Name, "/\x00")
}

// lookup finds the entry at name, a valid fs path; "." is the root tree.
func (t *treeFS) lookup(op, name string) (treeEntry, error) {
	if !fs.ValidPath(name) {
		return treeEntry{}, &fs.PathError{Op: op, Path: name, Err: fs.ErrInvalid}
	}
	e := treeEntry{name: ".", mode: filemode.Dir, hash: t.root}
	if name == "." {
		return e, nil
	}
	for elem := range strings.SplitSeq(name, "/") {
		if e.mode != filemode.Dir {
			return treeEntry{}, &fs.PathError{Op: op, Path: name, Err: fs.ErrNotExist}
		}
		d, err := t.dir(e.hash)
		if err != nil {
			return treeEntry{}, &fs.PathError{Op: op, Path: name, Err: err}
		}
		var ok bool
		if e, ok = d.find(elem); !ok {
			return treeEntry{}, &fs.PathError{Op: op, Path: name, Err: fs.ErrNotExist}
		}
	}
	return e, nil
}

// info describes entry e.
func (t *treeFS) info(e treeEntry) (*fileInfo, error) {
	fi := &fileInfo{name: e.name, modTime: t.modTime}
	switch e.mode {
	case filemode.Dir:
		fi.mode = fs.ModeDir | 0o555
		return fi, nil
	case filemode.Executable:
		fi.mode = 0o555
	case filemode.Symlink:
		fi.mode = fs.ModeSymlink | 0o777
	default:
		fi.mode = 0o444
	}
	t.r.mu.Lock()
	size, err := t.r.repo.Storer.EncodedObjectSize(e.hash)
	t.r.mu.Unlock()
	if err != nil {
		return nil, err
	}
	fi.size = size
	return fi, nil
}

// Open opens the named file or directory.
func (t *treeFS) Open(name string) (fs.File, error) {
	e, fi, err := t.stat("open", name)
	if err != nil {
		return nil, err
	}
	if e.mode == filemode.Dir {
		return &dirFile{t: t, path: name, info: fi, hash: e.hash}, nil
	}
	if fi.size > MaxFileSize {
		return nil, &fs.PathError{Op: "open", Path: name, Err: ErrFileTooLarge}
	}
	return &blobFile{t: t, path: name, info: fi, hash: e.hash}, nil
}

// Stat describes the named file or directory without reading it.
func (t *treeFS) Stat(name string) (fs.FileInfo, error) {
	_, fi, err := t.stat("stat", name)
	if err != nil {
		return nil, err
	}
	return fi, nil
}

// stat looks up the named entry for op and describes it.
func (t *treeFS) stat(op, name string) (treeEntry, *fileInfo, error) {
	e, err := t.lookup(op, name)
	if err != nil {
		return treeEntry{}, nil, err
	}
	fi, err := t.info(e)
	if err != nil {
		return treeEntry{}, nil, &fs.PathError{Op: op, Path: name, Err: err}
	}
	return e, fi, nil
}

// Lstat is Stat: symbolic links are never followed.
func (t *treeFS) Lstat(name string) (fs.FileInfo, error) {
	fi, err := t.Stat(name)
	if pe, ok := err.(*fs.PathError); ok {
		pe.Op = "lstat"
	}
	return fi, err
}

// ReadLink returns the target of the named symbolic link.
func (t *treeFS) ReadLink(name string) (string, error) {
	e, err := t.lookup("readlink", name)
	if err != nil {
		return "", err
	}
	if e.mode != filemode.Symlink {
		return "", &fs.PathError{Op: "readlink", Path: name, Err: fs.ErrInvalid}
	}
	b, err := t.readBlob(e.hash, MaxFileSize)
	if err != nil {
		return "", &fs.PathError{Op: "readlink", Path: name, Err: err}
	}
	return string(b), nil
}

// ReadFile returns the content of the named file.
func (t *treeFS) ReadFile(name string) ([]byte, error) {
	e, err := t.lookup("read", name)
	if err != nil {
		return nil, err
	}
	if e.mode == filemode.Dir {
		return nil, &fs.PathError{Op: "read", Path: name, Err: syscall.EISDIR}
	}
	b, err := t.readBlob(e.hash, MaxFileSize)
	if err != nil {
		return nil, &fs.PathError{Op: "read", Path: name, Err: err}
	}
	return b, nil
}

// ReadDir lists the named directory, sorted by name.
func (t *treeFS) ReadDir(name string) ([]fs.DirEntry, error) {
	e, err := t.lookup("readdir", name)
	if err != nil {
		return nil, err
	}
	if e.mode != filemode.Dir {
		return nil, &fs.PathError{Op: "readdir", Path: name, Err: syscall.ENOTDIR}
	}
	list, err := t.dirEntries(e.hash)
	if err != nil {
		return nil, &fs.PathError{Op: "readdir", Path: name, Err: err}
	}
	return list, nil
}

// dirEntries lists tree h.
func (t *treeFS) dirEntries(h plumbing.Hash) ([]fs.DirEntry, error) {
	d, err := t.dir(h)
	if err != nil {
		return nil, err
	}
	list := make([]fs.DirEntry, len(d.entries))
	for i, e := range d.entries {
		list[i] = dirEntry{t: t, e: e}
	}
	return list, nil
}

// readBlob reads blob h whole, refusing blobs over limit bytes. The read
// happens under the repository's lock: go-git's storage is not safe for
// concurrent use.
func (t *treeFS) readBlob(h plumbing.Hash, limit int64) ([]byte, error) {
	t.r.mu.Lock()
	defer t.r.mu.Unlock()
	size, err := t.r.repo.Storer.EncodedObjectSize(h)
	if err != nil {
		return nil, err
	}
	if size > limit {
		return nil, ErrFileTooLarge
	}
	obj, err := t.r.repo.Storer.EncodedObject(plumbing.BlobObject, h)
	if err != nil {
		return nil, err
	}
	rc, err := obj.Reader()
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	b := make([]byte, size)
	if _, err := io.ReadFull(rc, b); err != nil {
		return nil, err
	}
	return b, nil
}

// fileInfo describes a tree entry.
type fileInfo struct {
	name    string
	size    int64
	mode    fs.FileMode
	modTime time.Time
}

// Name returns the base name.
func (fi *fileInfo) Name() string { return fi.name }

// Size returns the blob's length in bytes, 0 for a directory.
func (fi *fileInfo) Size() int64 { return fi.size }

// Mode returns the type and permission bits.
func (fi *fileInfo) Mode() fs.FileMode { return fi.mode }

// ModTime returns the commit's committer time.
func (fi *fileInfo) ModTime() time.Time { return fi.modTime }

// IsDir reports whether the entry is a directory.
func (fi *fileInfo) IsDir() bool { return fi.mode.IsDir() }

// Sys returns nil.
func (fi *fileInfo) Sys() any { return nil }

// dirEntry is a directory listing entry; Info reads the blob's size.
type dirEntry struct {
	t *treeFS
	e treeEntry
}

// Name returns the base name.
func (d dirEntry) Name() string { return d.e.name }

// IsDir reports whether the entry is a directory.
func (d dirEntry) IsDir() bool { return d.e.mode == filemode.Dir }

// Type returns the entry's type bits.
func (d dirEntry) Type() fs.FileMode {
	switch d.e.mode {
	case filemode.Dir:
		return fs.ModeDir
	case filemode.Symlink:
		return fs.ModeSymlink
	}
	return 0
}

// Info describes the entry.
func (d dirEntry) Info() (fs.FileInfo, error) {
	fi, err := d.t.info(d.e)
	if err != nil {
		return nil, err
	}
	return fi, nil
}

// String formats the entry like fs.FormatDirEntry.
func (d dirEntry) String() string { return fs.FormatDirEntry(d) }

// blobFile is an open file; its blob is read on the first Read.
type blobFile struct {
	t      *treeFS
	path   string
	info   *fileInfo
	hash   plumbing.Hash
	r      *bytes.Reader
	closed bool
}

// Stat describes the file.
func (f *blobFile) Stat() (fs.FileInfo, error) {
	if f.closed {
		return nil, &fs.PathError{Op: "stat", Path: f.path, Err: fs.ErrClosed}
	}
	return f.info, nil
}

// Read reads from the blob.
func (f *blobFile) Read(p []byte) (int, error) {
	if f.closed {
		return 0, &fs.PathError{Op: "read", Path: f.path, Err: fs.ErrClosed}
	}
	if f.r == nil {
		b, err := f.t.readBlob(f.hash, MaxFileSize)
		if err != nil {
			return 0, &fs.PathError{Op: "read", Path: f.path, Err: err}
		}
		f.r = bytes.NewReader(b)
	}
	return f.r.Read(p)
}

// Close closes the file.
func (f *blobFile) Close() error {
	if f.closed {
		return &fs.PathError{Op: "close", Path: f.path, Err: fs.ErrClosed}
	}
	f.closed, f.r = true, nil
	return nil
}

// dirFile is an open directory.
type dirFile struct {
	t      *treeFS
	path   string
	info   *fileInfo
	hash   plumbing.Hash
	list   []fs.DirEntry // nil until the first ReadDir
	read   bool
	offset int
	closed bool
}

// Stat describes the directory.
func (d *dirFile) Stat() (fs.FileInfo, error) {
	if d.closed {
		return nil, &fs.PathError{Op: "stat", Path: d.path, Err: fs.ErrClosed}
	}
	return d.info, nil
}

// Read fails: a directory has no content.
func (d *dirFile) Read([]byte) (int, error) {
	return 0, &fs.PathError{Op: "read", Path: d.path, Err: syscall.EISDIR}
}

// Close closes the directory.
func (d *dirFile) Close() error {
	if d.closed {
		return &fs.PathError{Op: "close", Path: d.path, Err: fs.ErrClosed}
	}
	d.closed = true
	return nil
}

// ReadDir lists the directory's entries in order, n at a time (all of the
// rest if n <= 0), as fs.ReadDirFile documents.
func (d *dirFile) ReadDir(n int) ([]fs.DirEntry, error) {
	if d.closed {
		return nil, &fs.PathError{Op: "readdir", Path: d.path, Err: fs.ErrClosed}
	}
	if !d.read {
		list, err := d.t.dirEntries(d.hash)
		if err != nil {
			return nil, &fs.PathError{Op: "readdir", Path: d.path, Err: err}
		}
		d.list, d.read = list, true
	}
	rest := d.list[d.offset:]
	if n <= 0 {
		d.offset = len(d.list)
		return slices.Clone(rest), nil
	}
	if len(rest) == 0 {
		return nil, io.EOF
	}
	n = min(n, len(rest))
	d.offset += n
	return slices.Clone(rest[:n]), nil
}

// Author returns who wrote commit sha.
func (r *Repo) Author(sha string) (Signature, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	h, ok := parseSHA(sha)
	if !ok {
		return Signature{}, newError("read commit "+sha, ErrNotFound, errors.New("not a full commit SHA"))
	}
	c, err := r.repo.CommitObject(h)
	if err != nil {
		return Signature{}, newError("read commit "+sha, classify(err), err)
	}
	return Signature{Name: c.Author.Name, Email: c.Author.Email, When: c.Author.When}, nil
}

// Message returns the message of commit sha.
func (r *Repo) Message(sha string) (string, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	h, ok := parseSHA(sha)
	if !ok {
		return "", newError("read commit "+sha, ErrNotFound, errors.New("not a full commit SHA"))
	}
	c, err := r.repo.CommitObject(h)
	if err != nil {
		return "", newError("read commit "+sha, classify(err), err)
	}
	return c.Message, nil
}
