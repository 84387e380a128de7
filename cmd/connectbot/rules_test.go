package main

import (
	"bytes"
	"testing"
	"time"

	"github.com/connectbot/connectbot/internal/golden"
)

// TestPolicyDocIsCurrent keeps docs/policy.md equal to what
// `connectbot rules --format md` prints. Run with -update to rewrite it.
func TestPolicyDocIsCurrent(t *testing.T) {
	var stdout, stderr bytes.Buffer
	if code := Main([]string{"rules", "--format", "md"}, &stdout, &stderr, time.Now); code != exitOK {
		t.Fatalf("rules exited %d: %s", code, stderr.String())
	}
	golden.Check(t, "../../docs/policy.md", stdout.String())
}
