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

// TestRulesMarkdownCells checks that text from the table cannot break the
// Markdown table it is written into, and that it is otherwise kept as it is.
func TestRulesMarkdownCells(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"a pipe is escaped so it does not end the cell", "a | b", `a \| b`},
		{"a line break becomes a space so it does not end the row", "one\ntwo\r\nthree", "one two three"},
		{"an angle bracket is escaped so it is not read as a tag", "applications/<slug>.cue", "applications/&lt;slug>.cue"},
		{"a no-break space of the seed is kept", "the\u00a0HubSpot brand", "the\u00a0HubSpot brand"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, cell(tt.in)); diff != "" {
				t.Errorf("cell mismatch (-want +got):\n%s", diff)
			}
		})
	}
}
