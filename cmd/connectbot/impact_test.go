package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/connectbot/connectbot/internal/golden"
	git "github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing/object"
)

// programRepo makes a git repository holding the sample applications and
// program.cue, committed, and returns its directory.
func programRepo(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	r, err := git.PlainInit(dir, false)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Join(dir, "applications"), 0o755); err != nil {
		t.Fatal(err)
	}
	entries, _ := os.ReadDir("../../applications")
	for _, e := range entries {
		b, _ := os.ReadFile(filepath.Join("../../applications", e.Name()))
		os.WriteFile(filepath.Join(dir, "applications", e.Name()), b, 0o644)
	}
	b, _ := os.ReadFile("../../program.cue")
	os.WriteFile(filepath.Join(dir, "program.cue"), b, 0o644)
	wt, _ := r.Worktree()
	if err := wt.AddGlob("."); err != nil {
		t.Fatal(err)
	}
	if _, err := wt.Commit("program", &git.CommitOptions{Author: &object.Signature{Name: "t", Email: "t@example.com", When: time.Now()}}); err != nil {
		t.Fatal(err)
	}
	return dir
}

func TestImpactOfRaisingTheCertificationThreshold(t *testing.T) {
	dir := programRepo(t)
	cue, _ := os.ReadFile(filepath.Join(dir, "program.cue"))
	raised := strings.Replace(string(cue), "certificationInstalls: 40", "certificationInstalls: 50", 1)
	if raised == string(cue) {
		t.Fatal("sample program.cue does not set certificationInstalls: 40")
	}
	os.WriteFile(filepath.Join(dir, "program.cue"), []byte(raised), 0o644)
	var out, errOut bytes.Buffer
	if code := Main([]string{"impact", "--repo", dir, "--now", "2026-11-25"}, &out, &errOut, fixedNow); code != 0 {
		t.Fatalf("exit %d: %s", code, errOut.String())
	}
	for _, want := range []string{
		"Impact of program.cue against HEAD, 2026-11-25 to 2027-02-22: 1 application affected",
		"- parcelpost-shipping: removal (installs-window-lapsed) on 2027-01-04 instead of promotion on 2026-11-25",
		"1 integrator newly below the certification threshold (40 → 50)",
	} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out.String())
		}
	}
	// Unchanged program.cue: nobody is affected.
	os.WriteFile(filepath.Join(dir, "program.cue"), cue, 0o644)
	out.Reset()
	Main([]string{"impact", "--repo", dir, "--now", "2026-11-25"}, &out, &errOut, fixedNow)
	if !strings.Contains(out.String(), ": 0 applications affected") {
		t.Errorf("unchanged:\n%s", out.String())
	}
}

// TestImpactGolden pins what `connectbot impact` prints, in text and JSON,
// for changes to the sample program.cue. Run `go test ./cmd/connectbot -run
// Golden -update` to rewrite the files after an intended change.
func TestImpactGolden(t *testing.T) {
	tests := []struct {
		name    string
		replace [][2]string
		format  string
	}{
		{"impact-raised-threshold.text", [][2]string{{"certificationInstalls: 40", "certificationInstalls: 50"}}, "text"},
		{"impact-raised-threshold.json", [][2]string{{"certificationInstalls: 40", "certificationInstalls: 50"}}, "json"},
		{"impact-longer-window-and-lower-threshold.text", [][2]string{
			{"certificationInstalls: 40", "certificationInstalls: 30"}, {"installWindowDays: 90", "installWindowDays: 120"},
		}, "text"},
		{"impact-unchanged.text", nil, "text"},
		{"impact-unchanged.json", nil, "json"},
	}
	dir := programRepo(t)
	cue, err := os.ReadFile(filepath.Join(dir, "program.cue"))
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			changed := string(cue)
			for _, r := range tt.replace {
				next := strings.Replace(changed, r[0], r[1], 1)
				if next == changed {
					t.Fatalf("sample program.cue lacks %q", r[0])
				}
				changed = next
			}
			if err := os.WriteFile(filepath.Join(dir, "program.cue"), []byte(changed), 0o644); err != nil {
				t.Fatal(err)
			}
			var stdout, stderr bytes.Buffer
			if code := Main([]string{"impact", "--repo", dir, "--now", "2026-11-25", "--format", tt.format}, &stdout, &stderr, fixedNow); code != exitOK {
				t.Fatalf("exit %d: %s", code, stderr.String())
			}
			golden.Check(t, filepath.Join("testdata", "golden", tt.name+".golden"), stdout.Bytes())
		})
	}
}
