package forgetest_test

import (
	"testing"

	git "github.com/go-git/go-git/v5"
	githttp "github.com/go-git/go-git/v5/plumbing/transport/http"
	"github.com/go-git/go-git/v5/storage/memory"

	"github.com/connectbot/connectbot/internal/forge/forgetest"
)

// TestARepositoryWithAnotherDefaultBranch makes trunk the default branch:
// a clone's HEAD names it, a new branch starts from it, a pull request
// opened without a base targets it, and main does not exist.
func TestARepositoryWithAnotherDefaultBranch(t *testing.T) {
	srv := forgetest.NewServer(t, "o", "r", forgetest.WithDefaultBranch("trunk"))
	tip := srv.Commit("trunk", "Program", map[string]string{"program.cue": "reviewers: []\n"})
	srv.Commit("feature", "Edit", map[string]string{"README.md": "hello\n"})
	srv.OpenPR(forgetest.PRSpec{Title: "Edit", Head: "feature"})

	clone, err := git.Clone(memory.NewStorage(), nil, &git.CloneOptions{URL: srv.GitURL(), Auth: &githttp.BasicAuth{Username: "x-access-token", Password: srv.Token()}})
	if err != nil {
		t.Fatal(err)
	}
	head, err := clone.Head()
	if err != nil {
		t.Fatal(err)
	}
	if got := head.Name().Short(); got != "trunk" || head.Hash().String() != tip {
		t.Errorf("the clone's HEAD is %s at %s, want trunk at %s", got, head.Hash(), tip)
	}
	if prs := srv.PRs(); len(prs) != 1 || prs[0].Base != "trunk" {
		t.Errorf("pull requests %+v, want one into trunk", prs)
	}
	if got := srv.Branch(forgetest.DefaultBranch); got != "" {
		t.Errorf("main is at %q, want no main", got)
	}
	if _, ok := srv.ReadFile("feature", "program.cue"); !ok {
		t.Error("feature did not start from trunk")
	}
}
