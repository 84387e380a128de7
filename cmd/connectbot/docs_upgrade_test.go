package main

import (
	"fmt"
	"strings"
	"testing"

	"github.com/connectbot/connectbot/internal/scaffold"
)

// TestProgramDocCountsThePinsInitWrites holds docs/program.md's upgrade by
// hand to the program init writes: the output it shows of grep counting
// the lines that pin connectbot's action, and of git counting the files
// the sed that moves them changes, is what they print there.
func TestProgramDocCountsThePinsInitWrites(t *testing.T) {
	pin := scaffold.Pin{Commit: "2459feb37e15cf9f739e2a4c80cacc9bfdcf928d", Version: "v0.1.0"}
	files, err := scaffold.Files(scaffold.Options{Pin: pin})
	if err != nil {
		t.Fatal(err)
	}
	lines, changed := 0, 0
	for _, f := range files {
		if !strings.HasPrefix(f.Path, ".github/workflows/") {
			continue
		}
		n := strings.Count(string(f.Data), "uses: "+pin.Uses()+"\n")
		lines += n
		if n > 0 {
			changed++
		}
	}
	doc := mustRead(t, "../../docs/program.md")
	for _, want := range []string{
		fmt.Sprintf("%7d         uses: %s\n", lines, pin.Uses()),
		fmt.Sprintf(" %d files changed, %d insertions(+), %d deletions(-)\n", changed, lines, lines),
	} {
		if !strings.Contains(doc, want) {
			t.Errorf("docs/program.md does not show what init's workflows give:\n%q", want)
		}
	}
}
