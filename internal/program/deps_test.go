package program_test

import (
	"os/exec"
	"strings"
	"testing"
)

// TestCoreStaysPure fails if the engine or the policy rules reach the
// network, GitHub, git or CUE, directly or through any dependency: the
// decisions must stay pure functions of their inputs.
func TestCoreStaysPure(t *testing.T) {
	forbidden := []string{"net/http", "github.com/google/go-github", "github.com/go-git/go-git", "cuelang.org/go"}
	for _, pkg := range []string{
		"github.com/connectbot/connectbot/internal/program",
		"github.com/connectbot/connectbot/internal/policy",
		"github.com/connectbot/connectbot/internal/application",
	} {
		out, err := exec.Command("go", "list", "-deps", pkg).Output()
		if err != nil {
			t.Fatalf("go list -deps %s: %v", pkg, err)
		}
		for _, dep := range strings.Fields(string(out)) {
			for _, f := range forbidden {
				if dep == f || strings.HasPrefix(dep, f+"/") {
					t.Errorf("%s depends on %s", pkg, dep)
				}
			}
		}
	}
}
