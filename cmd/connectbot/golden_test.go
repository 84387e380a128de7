package main

import (
	"bytes"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/connectbot/connectbot/internal/golden"
)

// fixedNow is the clock of every golden run.
func fixedNow() time.Time { return time.Date(2026, 11, 25, 9, 30, 0, 0, time.UTC) }

// TestGolden runs connectbot commands and compares what they print with
// the files in testdata/golden. Run `go test ./cmd/connectbot -update` to
// rewrite them after an intended change, then review the diff like code.
func TestGolden(t *testing.T) {
	tests := []struct {
		name     string
		args     []string
		wantExit int
	}{
		{"validate-broken.text", []string{"validate", "--repo", "testdata/broken", "--now", "2026-11-25"}, exitFound},
		{"validate-broken.json", []string{"validate", "--repo", "testdata/broken", "--now", "2026-11-25", "--format", "json"}, exitFound},
		{"validate-broken.github", []string{"validate", "--repo", "testdata/broken", "--now", "2026-11-25", "--format", "github"}, exitFound},
		{"validate-samples.text", []string{"validate", "--repo", "../..", "--now", "2026-11-25"}, exitOK},
		{"validate-samples.json", []string{"validate", "--repo", "../..", "--now", "2026-11-25", "--format", "json"}, exitOK},
		{"status-2026-11-25.text", []string{"status", "--repo", "../..", "--now", "2026-11-25"}, exitOK},
		{"status-2026-11-25.json", []string{"status", "--repo", "../..", "--now", "2026-11-25", "--format", "json"}, exitOK},
		{"status-2026-12-11.text", []string{"status", "--repo", "../..", "--now", "2026-12-11"}, exitOK},
		{"status-broken.text", []string{"status", "--repo", "testdata/broken", "--now", "2026-11-25"}, exitOK},
		{"plan-2026-11-23.text", []string{"plan", "--repo", "../..", "--now", "2026-11-23"}, exitOK},
		{"plan-2026-11-25.text", []string{"plan", "--repo", "../..", "--now", "2026-11-25"}, exitOK},
		{"plan-2026-12-03.text", []string{"plan", "--repo", "../..", "--now", "2026-12-03"}, exitOK},
		{"plan-2026-12-09.text", []string{"plan", "--repo", "../..", "--now", "2026-12-09"}, exitOK},
		{"plan-2026-12-10.text", []string{"plan", "--repo", "../..", "--now", "2026-12-10"}, exitOK},
		{"plan-2026-12-11.text", []string{"plan", "--repo", "../..", "--now", "2026-12-11"}, exitOK},
		{"plan-2026-12-11.json", []string{"plan", "--repo", "../..", "--now", "2026-12-11", "--format", "json"}, exitOK},
		{"plan-2026-12-15.text", []string{"plan", "--repo", "../..", "--now", "2026-12-15"}, exitOK},
		{"plan-broken.json", []string{"plan", "--repo", "testdata/broken", "--now", "2026-11-25", "--format", "json"}, exitOK},
		{"plan-clocks.text", []string{"plan", "--repo", "testdata/clocks", "--now", "2026-11-25"}, exitOK},
		{"status-clocks.text", []string{"status", "--repo", "testdata/clocks", "--now", "2026-11-25"}, exitOK},
		{"validate-clocks.text", []string{"validate", "--repo", "testdata/clocks", "--now", "2026-11-25"}, exitFound},
		{"calendar-2026-11-25.ics", []string{"calendar", "--repo", "../..", "--now", "2026-11-25"}, exitOK},
		{"rules.json", []string{"rules", "--format", "json"}, exitOK},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			code := Main(tt.args, &stdout, &stderr, fixedNow)
			if code != tt.wantExit {
				t.Errorf("exit %d, want %d; stderr: %s", code, tt.wantExit, stderr.String())
			}
			golden.Check(t, filepath.Join("testdata", "golden", tt.name+".golden"), stdout.Bytes())
		})
	}
}

// TestRepoPathsStayInside checks that paths outside the repository are
// refused rather than read.
func TestRepoPathsStayInside(t *testing.T) {
	_, err := repoPaths("testdata/broken", []string{"../../../../etc/passwd"})
	if err == nil || !strings.Contains(err.Error(), "outside the repository") {
		t.Errorf("got %v, want an outside-the-repository error", err)
	}
}
