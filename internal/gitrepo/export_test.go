package gitrepo

import (
	"bufio"
	"io"

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
