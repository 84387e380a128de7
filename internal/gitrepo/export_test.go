package gitrepo

import (
	"bufio"
	"io"
)

// CheckPack reads the pack r through as a fetch does, refusing an object
// inflating to more than object bytes, or objects to more than total.
func CheckPack(r io.Reader, object, total int64) error {
	return checkPack(bufio.NewReader(r), packLimits{object: object, total: total, objects: maxPackObjects})
}
