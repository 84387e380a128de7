package gitrepo_test

import (
	"context"
	"testing"

	"github.com/connectbot/connectbot/internal/forge/forgetest"
	"github.com/connectbot/connectbot/internal/gitrepo"
)

// TestACloneNamesTheRemotesDefaultBranch clones, in memory and on disk,
// repositories whose default branches are main and trunk.
func TestACloneNamesTheRemotesDefaultBranch(t *testing.T) {
	for _, branch := range []string{"main", "trunk"} {
		for _, onDisk := range []bool{false, true} {
			srv := forgetest.NewServer(t, "acme-program", "connect", forgetest.WithDefaultBranch(branch))
			r, err := gitrepo.Clone(context.Background(), srv.GitURL(), gitrepo.CloneOptions{Token: srv.Token(), OnDisk: onDisk})
			if err != nil {
				t.Fatal(err)
			}
			got, err := r.DefaultBranch()
			if err != nil || got != branch {
				t.Errorf("on disk %v: the default branch is %q, %v; want %q", onDisk, got, err, branch)
			}
			r.Close()
		}
	}
}

func TestCheckBranchName(t *testing.T) {
	tests := []struct {
		name, branch string
		ok           bool
	}{
		{"a plain name", "trunk", true},
		{"a name with a slash", "release/2026", true},
		{"no name", "", false},
		{"two dots", "no..dots", false},
		{"a space", "my branch", false},
		{"a trailing lock suffix", "main.lock", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := gitrepo.CheckBranchName(tt.branch); (err == nil) != tt.ok {
				t.Errorf("CheckBranchName(%q) = %v, want ok %v", tt.branch, err, tt.ok)
			}
		})
	}
}
