//go:build unix

package gitrepo

import (
	"errors"
	"io"
	"os"

	"golang.org/x/sys/unix"
)

// canLock says advisory file locks tell a live owner here.
const canLock = true

// tryLock takes an exclusive advisory lock on the file at p without
// waiting: errLocked when another process holds it. With os.O_CREATE in
// flag, the file is created when missing.
func tryLock(p string, flag int) (io.Closer, error) {
	f, err := os.OpenFile(p, os.O_RDWR|flag, 0o600)
	if err != nil {
		return nil, err
	}
	if err := unix.Flock(int(f.Fd()), unix.LOCK_EX|unix.LOCK_NB); err != nil {
		f.Close()
		if errors.Is(err, unix.EWOULDBLOCK) {
			return nil, errLocked
		}
		return nil, err
	}
	return f, nil
}
