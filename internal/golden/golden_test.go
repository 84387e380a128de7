package golden_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/connectbot/connectbot/internal/golden"
)

// recorder is a testing.TB that records failures instead of stopping the
// test, so that Check's failures can be asserted.
type recorder struct {
	testing.TB
	failed bool
}

func (r *recorder) Helper()               {}
func (r *recorder) Errorf(string, ...any) { r.failed = true }
func (r *recorder) Fatalf(string, ...any) { r.failed = true; panic(r) }
func (r *recorder) Fatal(...any)          { r.failed = true; panic(r) }

// check runs golden.Check on a recorder and reports whether it failed.
func check(t *testing.T, path, got string) (failed bool) {
	r := &recorder{TB: t}
	defer func() {
		if v := recover(); v != nil && v != r {
			panic(v)
		}
		failed = r.failed
	}()
	golden.Check(r, path, got)
	return r.failed
}

func TestCheck(t *testing.T) {
	dir := t.TempDir()
	kept := filepath.Join(dir, "kept.golden")
	if err := os.WriteFile(kept, []byte("the same text\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, path, got string
		fails           bool
	}{
		{"the same text passes", kept, "the same text\n", false},
		{"a different text fails", kept, "another text\n", true},
		{"a missing golden file fails", filepath.Join(dir, "missing.golden"), "text\n", true},
	}
	if golden.Updating() {
		t.Skip("with -update every golden file is rewritten first")
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := check(t, tt.path, tt.got); got != tt.fails {
				t.Errorf("Check failed = %v, want %v", got, tt.fails)
			}
		})
	}
}
