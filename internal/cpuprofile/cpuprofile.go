// Package cpuprofile writes a process's CPU profile to a file, for the
// measurements at scale (docs/scale.md): connectbot with
// CONNECTBOT_CPUPROFILE and cmd/fakegithub with --cpuprofile.
package cpuprofile

import (
	"fmt"
	"os"
	"runtime/pprof"
)

// Start profiles the process's CPU into the file at path, created or
// truncated, and returns the function that stops the profile and closes
// the file. An empty path profiles nothing, and its stop does nothing.
func Start(path string) (stop func() error, err error) {
	if path == "" {
		return func() error { return nil }, nil
	}
	f, err := os.Create(path)
	if err != nil {
		return nil, err
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		f.Close()
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return func() error {
		pprof.StopCPUProfile()
		return f.Close()
	}, nil
}
