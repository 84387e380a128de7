package main

import (
	"fmt"
	"io"
	"sync"
)

// fatal is the panic serverTB.Fatalf raises; run recovers it as an error.
type fatal string

// serverTB is what forgetest.Server reports to outside a test: faults of
// the fake go to stderr, and a fatal one while setting up fails run.
type serverTB struct {
	mu       sync.Mutex
	stderr   io.Writer
	cleanups []func()
}

// Helper does nothing: there are no test frames to hide.
func (t *serverTB) Helper() {}

// Errorf writes a fault of the fake to stderr and keeps serving.
func (t *serverTB) Errorf(format string, args ...any) {
	t.mu.Lock()
	defer t.mu.Unlock()
	fmt.Fprintf(t.stderr, "fakegithub: "+format+"\n", args...)
}

// Fatalf stops the caller; run turns it into its error.
func (t *serverTB) Fatalf(format string, args ...any) {
	panic(fatal(fmt.Sprintf(format, args...)))
}

// Cleanup registers f to run when the server stops.
func (t *serverTB) Cleanup(f func()) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.cleanups = append(t.cleanups, f)
}

// close runs the cleanups, last registered first.
func (t *serverTB) close() {
	t.mu.Lock()
	fs := t.cleanups
	t.cleanups = nil
	t.mu.Unlock()
	for i := len(fs) - 1; i >= 0; i-- {
		fs[i]()
	}
}
