package gitrepo_test

import (
	"fmt"
	"io"
	"os"
	"sync/atomic"
	"testing"

	"github.com/go-git/go-billy/v5"
	"github.com/go-git/go-billy/v5/osfs"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/storage/filesystem"

	"github.com/connectbot/connectbot/internal/gitrepo"
)

// countingFS counts the directories listed through it.
type countingFS struct {
	billy.Filesystem
	listed atomic.Int64
}

func (c *countingFS) ReadDir(p string) ([]os.FileInfo, error) {
	c.listed.Add(1)
	return c.Filesystem.ReadDir(p)
}

// writeBlob stores content as a loose blob in st and returns its name.
func writeBlob(t *testing.T, st *filesystem.Storage, content string) plumbing.Hash {
	t.Helper()
	o := st.NewEncodedObject()
	o.SetType(plumbing.BlobObject)
	w, err := o.Writer()
	if err != nil {
		t.Fatal(err)
	}
	io.WriteString(w, content)
	w.Close()
	h, err := st.SetEncodedObject(o)
	if err != nil {
		t.Fatal(err)
	}
	return h
}

// TestReadingAnObjectJustWrittenListsNoDirectory writes an object into a
// clone's storage holding many loose objects, as judging a pull request
// writes its merge, and reads it back, as judging it then does: the read
// lists no directory, so that what a piece of work costs does not grow
// with the loose objects the clone gathers between repacks.
func TestReadingAnObjectJustWrittenListsNoDirectory(t *testing.T) {
	for _, tc := range []struct {
		name  string
		loose int
	}{
		{"among ten loose objects", 10},
		{"among a thousand loose objects", 1000},
	} {
		t.Run(tc.name, func(t *testing.T) {
			fs := &countingFS{Filesystem: osfs.New(t.TempDir())}
			st := gitrepo.DiskStorageOn(fs)
			for i := range tc.loose {
				writeBlob(t, st, fmt.Sprintf("object %d\n", i))
			}
			fs.listed.Store(0)
			h := writeBlob(t, st, "the merge\n")
			if _, err := st.EncodedObject(plumbing.BlobObject, h); err != nil {
				t.Fatal(err)
			}
			if n := fs.listed.Load(); n != 0 {
				t.Errorf("writing an object and reading it back listed %d directories, want none", n)
			}
		})
	}
}
