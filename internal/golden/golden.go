// Package golden is the one golden-file helper of connectbot's tests, and
// the home of their -update flag: a test compares what it produced, a
// comment, a table, a page, with a file kept in the repository, and
// `go test ./pkg -update` rewrites the file after an intended change, to
// be reviewed like code. Only tests import it.
package golden

import (
	"flag"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
)

var update = flag.Bool("update", false, "rewrite the golden files with the current output")

// Updating reports whether the tests run with -update: a test that writes
// a file other than through Check (a screenshot) writes it then.
func Updating() bool { return *update }

// Check compares got with the file at path and reports a difference as
// (-want +got). With -update it first writes got to path, creating the
// file's directory.
func Check[T ~string | ~[]byte](t testing.TB, path string, got T) {
	t.Helper()
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test with -update to create it)", err)
	}
	if diff := cmp.Diff(string(want), string(got)); diff != "" {
		t.Errorf("%s is not what the test produced; if the change is intended, run go test with -update and review the diff (-want +got):\n%s", path, diff)
	}
}
