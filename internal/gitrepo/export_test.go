package gitrepo

import (
	"bufio"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/go-git/go-billy/v5"
	"github.com/go-git/go-git/v5/storage/filesystem"
)

// DiskStorageOn is the storage of an on-disk clone, on fs.
func DiskStorageOn(fs billy.Filesystem) *filesystem.Storage { return storageOn(fs) }

// CheckPack reads the pack r through as a fetch does, refusing an object
// inflating to more than object bytes, or objects to more than total.
func CheckPack(r io.Reader, object, total int64) error {
	return checkPack(bufio.NewReader(r), packLimits{object: object, total: total, objects: maxPackObjects})
}

// AgeLooseObjects makes every loose object of r's on-disk clone look
// written d ago.
func AgeLooseObjects(r *Repo, d time.Duration) error {
	then := time.Now().Add(-d)
	return filepath.WalkDir(filepath.Join(r.temp, "repo.git", "objects"), func(p string, e fs.DirEntry, err error) error {
		if err != nil || e.IsDir() || strings.Contains(p, string(filepath.Separator)+"pack"+string(filepath.Separator)) {
			return err
		}
		return os.Chtimes(p, then, then)
	})
}
