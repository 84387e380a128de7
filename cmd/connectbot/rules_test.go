package main

import (
	"bytes"
	"os"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// TestPolicyDocIsCurrent keeps docs/policy.md equal to what
// `connectbot rules --format md` prints. Run with -update to rewrite it.
func TestPolicyDocIsCurrent(t *testing.T) {
	var stdout, stderr bytes.Buffer
	if code := Main([]string{"rules", "--format", "md"}, &stdout, &stderr, time.Now); code != exitOK {
		t.Fatalf("rules exited %d: %s", code, stderr.String())
	}
	const path = "../../docs/policy.md"
	if *update {
		if err := os.MkdirAll("../../docs", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, stdout.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./cmd/connectbot -update to create it)", err)
	}
	if diff := cmp.Diff(string(want), stdout.String()); diff != "" {
		t.Errorf("docs/policy.md is not current: run go test ./cmd/connectbot -update (-want +got):\n%s", diff)
	}
}
