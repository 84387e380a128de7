package forgetest_test

import (
	"testing"
	"time"

	"github.com/go-git/go-billy/v5/memfs"
	"github.com/go-git/go-billy/v5/util"
	git "github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/object"
	"github.com/go-git/go-git/v5/storage/memory"

	"github.com/connectbot/connectbot/internal/forge/forgetest"
)

// TestImportReplacesMainWithAHistory imports two commits: main is the
// second, its parent the first, and nothing of NewServer's empty commit is
// left on it.
func TestImportReplacesMainWithAHistory(t *testing.T) {
	fs := memfs.New()
	src, err := git.Init(memory.NewStorage(), fs)
	if err != nil {
		t.Fatal(err)
	}
	wt, err := src.Worktree()
	if err != nil {
		t.Fatal(err)
	}
	var commits []plumbing.Hash
	for i, content := range []string{"one\n", "two\n"} {
		if err := util.WriteFile(fs, "README.md", []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
		if _, err := wt.Add("README.md"); err != nil {
			t.Fatal(err)
		}
		sig := &object.Signature{Name: "a", Email: "a@example.com", When: time.Date(2026, 1, i+1, 0, 0, 0, 0, time.UTC)}
		h, err := wt.Commit(content, &git.CommitOptions{Author: sig})
		if err != nil {
			t.Fatal(err)
		}
		commits = append(commits, h)
	}

	srv := forgetest.NewServer(t, "octo-org", "hello-world")
	if err := srv.Import(src.Storer, commits[1]); err != nil {
		t.Fatalf("Import: %v", err)
	}
	if got, want := srv.Branch(forgetest.DefaultBranch), commits[1].String(); got != want {
		t.Errorf("main = %s, want %s", got, want)
	}
	head, err := srv.Repo().CommitObject(commits[1])
	if err != nil {
		t.Fatal(err)
	}
	if len(head.ParentHashes) != 1 || head.ParentHashes[0] != commits[0] {
		t.Errorf("main's parents = %v, want [%s]", head.ParentHashes, commits[0])
	}
	if got, _ := srv.ReadFile(forgetest.DefaultBranch, "README.md"); got != "two\n" {
		t.Errorf("README.md on main = %q, want %q", got, "two\n")
	}
	if err := srv.Import(src.Storer, plumbing.NewHash("0123456789012345678901234567890123456789")); err == nil {
		t.Errorf("Import of a missing commit succeeded")
	}
}
