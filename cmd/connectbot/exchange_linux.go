package main

import "golang.org/x/sys/unix"

// exchange swaps two directories in one step (renameat2 RENAME_EXCHANGE),
// so that no reader ever finds neither. It fails where the file system
// cannot, and the caller falls back to two renames.
func exchange(a, b string) error {
	return unix.Renameat2(unix.AT_FDCWD, a, unix.AT_FDCWD, b, unix.RENAME_EXCHANGE)
}
