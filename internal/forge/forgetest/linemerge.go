package forgetest

import (
	"io"
	"os"
	"os/exec"
	"path/filepath"

	"github.com/go-git/go-git/v5/plumbing"
)

// The fake merges as GitHub does: a file both sides changed merges line
// by line, and conflicts only where both changed the same lines. It asks
// the real git client (git merge-file), which the fake, test-only, may
// rely on; connectbot's own merge (internal/gitrepo) stays file by file,
// so a pull request GitHub calls mergeable may conflict for connectbot,
// which then asks GitHub to update its branch.

// lineMerger merges one path both sides changed: base, ours and theirs
// are its three versions, all present when all is true. It returns the
// merged entry, or false for a conflict.
type lineMerger func(base, ours, theirs treeEntry, all bool) (treeEntry, bool)

// mergeLines merges three versions of a regular file line by line with
// git merge-file; anything else (a file added or deleted on one side, a
// mode changed, a symbolic link, git missing) is a conflict.
func (s *Server) mergeLines(base, ours, theirs treeEntry, all bool) (treeEntry, bool) {
	if !all || base.mode != ours.mode || base.mode != theirs.mode || !base.mode.IsRegular() {
		return treeEntry{}, false
	}
	dir, err := os.MkdirTemp("", "fakegithub-merge-")
	if err != nil {
		return treeEntry{}, false
	}
	defer os.RemoveAll(dir)
	names := []string{"ours", "base", "theirs"}
	for i, e := range []treeEntry{ours, base, theirs} {
		if err := s.blobToFile(e.hash, filepath.Join(dir, names[i])); err != nil {
			return treeEntry{}, false
		}
	}
	cmd := exec.Command("git", "merge-file", "-p", "ours", "base", "theirs")
	cmd.Dir = dir
	out, err := cmd.Output()
	if err != nil {
		// An exit status of 1 and up counts the conflicts; git failing
		// otherwise is a conflict too.
		return treeEntry{}, false
	}
	h, err := s.writeBlob(out)
	if err != nil {
		return treeEntry{}, false
	}
	return treeEntry{hash: h, mode: ours.mode}, true
}

// blobToFile writes blob h to the file name.
func (s *Server) blobToFile(h plumbing.Hash, name string) error {
	b, err := s.git.BlobObject(h)
	if err != nil {
		return err
	}
	r, err := b.Reader()
	if err != nil {
		return err
	}
	defer r.Close()
	data, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	return os.WriteFile(name, data, 0o600)
}
