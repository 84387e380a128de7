//go:build !unix

package gitrepo

import (
	"errors"
	"io"
)

// canLock says advisory file locks tell a live owner here: not on this
// system, so stale clones are left for the system's temporary-file
// cleaning.
const canLock = false

func tryLock(string, int) (io.Closer, error) { return nil, errors.New("no advisory locks here") }
