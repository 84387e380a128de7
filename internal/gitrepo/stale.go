package gitrepo

import (
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"time"
)

// clonePattern names the temporary directories of on-disk clones.
const clonePattern = "connectbot-git-*"

// ownerLock is the file in a clone's temporary directory that its process
// holds locked for as long as it lives: the operating system lets go of
// the lock when the process dies, however it dies.
const ownerLock = "owner.lock"

// unlockedGrace is how old a clone's directory without an owner lock must
// be to be removed: younger, its process may be about to take the lock.
const unlockedGrace = time.Minute

// RemoveStaleClones removes from dir (os.TempDir() when "") the temporary
// clones that processes which died left behind: those whose owner lock no
// live process holds. It returns the directories removed. On systems where
// connectbot cannot tell a live owner (no advisory locks), it removes
// nothing.
func RemoveStaleClones(dir string) ([]string, error) {
	if dir == "" {
		dir = os.TempDir()
	}
	if !canLock {
		return nil, nil
	}
	found, err := filepath.Glob(filepath.Join(dir, clonePattern))
	if err != nil {
		return nil, err
	}
	var removed []string
	var errs []error
	for _, d := range found {
		stale, err := isStale(d, time.Now())
		if err != nil || !stale {
			errs = append(errs, err)
			continue
		}
		if err := os.RemoveAll(d); err != nil {
			errs = append(errs, err)
			continue
		}
		removed = append(removed, d)
	}
	return removed, errors.Join(errs...)
}

// isStale reports whether the clone in d has no live owner.
func isStale(d string, now time.Time) (bool, error) {
	info, err := os.Lstat(d)
	if err != nil || !info.IsDir() {
		return false, nil // gone meanwhile, or not ours
	}
	l, err := tryLock(filepath.Join(d, ownerLock), 0)
	if errors.Is(err, fs.ErrNotExist) {
		return now.Sub(info.ModTime()) > unlockedGrace, nil
	}
	if errors.Is(err, errLocked) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	l.Close()
	return true, nil
}

// errLocked means another process holds a clone's owner lock.
var errLocked = errors.New("locked by a live process")

// lockClone creates the owner lock of the clone in temp and holds it until
// the returned Closer is closed (or the process dies).
func lockClone(temp string) (io.Closer, error) {
	if !canLock {
		return io.NopCloser(nil), nil
	}
	// Created locked, in one step: a lock file seen unlocked is stale.
	return tryLock(filepath.Join(temp, ownerLock), os.O_CREATE)
}
