package gitrepo_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/connectbot/connectbot/internal/forge/forgetest"
	"github.com/connectbot/connectbot/internal/gitrepo"
)

// TestALazyCloneFetchesOnlyWhatItIsAskedFor: a lazy clone downloads no
// object; RemoteTip names where a branch points (and the branch it lacks)
// from the remote's refs alone; its first Fetch brings every branch, as a
// clone does.
func TestALazyCloneFetchesOnlyWhatItIsAskedFor(t *testing.T) {
	srv := forgetest.NewServer(t, "acme-program", "connect")
	tip := srv.Commit(forgetest.DefaultBranch, "program", map[string]string{"program.cue": "minInstalls: 10\n"})
	feature := srv.Commit("feature", "more", map[string]string{"NOTES.md": "notes\n"})
	ctx := context.Background()
	srv.ResetCalls()
	r, err := gitrepo.Clone(ctx, srv.GitURL(), gitrepo.CloneOptions{Token: srv.Token(), Lazy: true})
	if err != nil {
		t.Fatal(err)
	}
	got, err := r.RemoteTip(ctx, forgetest.DefaultBranch)
	if err != nil || got != tip {
		t.Errorf("RemoteTip(main) = %q, %v; want %q", got, err, tip)
	}
	if _, err := r.RemoteTip(ctx, "nowhere"); !errors.Is(err, gitrepo.ErrNotFound) {
		t.Errorf("RemoteTip(nowhere): %v, want ErrNotFound", err)
	}
	for _, c := range srv.Calls() {
		if strings.Contains(c, "git-upload-pack") {
			t.Errorf("the lazy clone fetched objects: %s", c)
		}
	}
	if _, err := r.Resolve("refs/remotes/origin/" + forgetest.DefaultBranch); !errors.Is(err, gitrepo.ErrNotFound) {
		t.Errorf("before a fetch the branch resolves: %v", err)
	}
	if err := r.Fetch(ctx, "+refs/heads/main:refs/remotes/origin/main"); err != nil {
		t.Fatal(err)
	}
	if got, err := r.Resolve("refs/remotes/origin/" + forgetest.DefaultBranch); err != nil || got != tip {
		t.Errorf("after a fetch main is %q, %v; want %q", got, err, tip)
	}
	if got, err := r.Resolve("refs/remotes/origin/feature"); err != nil || got != feature {
		t.Errorf("after the first fetch feature is %q, %v; want %q", got, err, feature)
	}
}
