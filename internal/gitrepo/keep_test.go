package gitrepo_test

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/connectbot/connectbot/internal/forge/forgetest"
	"github.com/connectbot/connectbot/internal/gitrepo"
)

func leaseWorld(t *testing.T) (*forgetest.Server, func(gitrepo.CloneOptions) *gitrepo.Repo) {
	t.Helper()
	srv := forgetest.NewServer(t, "acme-program", "connect")
	srv.Commit(forgetest.DefaultBranch, "program", map[string]string{"program.cue": "minInstalls: 10\n"})
	return srv, func(opts gitrepo.CloneOptions) *gitrepo.Repo {
		opts.Token = srv.Token()
		r, err := gitrepo.Clone(context.Background(), srv.GitURL(), opts)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { r.Close() })
		return r
	}
}

func TestAKeptLeaseOutlivesItsTTLAndADeadHoldersIsTakenOverWithinIt(t *testing.T) {
	_, clone := leaseWorld(t)
	a, b := clone(gitrepo.CloneOptions{}), clone(gitrepo.CloneOptions{})
	ctx := context.Background()
	const ttl = 3 * time.Second
	held, err := a.AcquireLease(ctx, "pr-1", "replica-a", ttl, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	kept, stop := held.Keep(ctx, ttl)
	time.Sleep(2 * ttl) // renewed twice or more meanwhile
	if _, err := b.AcquireLease(ctx, "pr-1", "replica-b", ttl, time.Now()); !errors.Is(err, gitrepo.ErrLeaseHeld) {
		t.Fatalf("a kept lease was taken after twice its TTL: %v", err)
	}
	if kept.Err() != nil {
		t.Fatalf("the holder's work was stopped: %v", context.Cause(kept))
	}
	// a dies: it renews no more. Within one TTL, b takes it over.
	stop()
	deadline := time.Now().Add(ttl + 2*time.Second)
	for {
		_, err := b.AcquireLease(ctx, "pr-1", "replica-b", ttl, time.Now())
		if err == nil {
			break
		}
		if !errors.Is(err, gitrepo.ErrLeaseHeld) || time.Now().After(deadline) {
			t.Fatalf("a dead holder's lease not taken over within its TTL: %v", err)
		}
		time.Sleep(200 * time.Millisecond)
	}
	// a's renewal now finds it lost.
	if err := held.Renew(ctx, ttl, time.Now()); !errors.Is(err, gitrepo.ErrLeaseLost) {
		t.Errorf("renewing a lease taken over: %v, want ErrLeaseLost", err)
	}
}

func TestKeepStopsTheWorkWhenTheLeaseIsTakenOver(t *testing.T) {
	_, clone := leaseWorld(t)
	a, b := clone(gitrepo.CloneOptions{}), clone(gitrepo.CloneOptions{})
	ctx := context.Background()
	now := time.Now()
	held, err := a.AcquireLease(ctx, "tick", "replica-a", time.Second, now)
	if err != nil {
		t.Fatal(err)
	}
	// b, whose clock runs ahead, finds it expired and takes it over.
	if _, err := b.AcquireLease(ctx, "tick", "replica-b", time.Hour, now.Add(time.Minute)); err != nil {
		t.Fatal(err)
	}
	kept, stop := held.Keep(ctx, time.Second)
	defer stop()
	select {
	case <-kept.Done():
	case <-time.After(10 * time.Second):
		t.Fatal("the work went on under a lease taken over")
	}
	if !errors.Is(context.Cause(kept), gitrepo.ErrLeaseLost) {
		t.Errorf("cause %v, want ErrLeaseLost", context.Cause(kept))
	}
}

func TestRemoveStaleClonesRemovesOnlyWhatADeadProcessLeft(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("no advisory locks: nothing is removed")
	}
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp)
	_, clone := leaseWorld(t)
	live := clone(gitrepo.CloneOptions{OnDisk: true})
	// A process that cloned and was killed: its lock died with it.
	if os.Getenv("GITREPO_CLONE_AND_DIE") == "" {
		cmd := exec.Command(os.Args[0], "-test.run=^TestCloneAndDie$")
		cmd.Env = append(os.Environ(), "GITREPO_CLONE_AND_DIE=1", "TMPDIR="+tmp)
		if out, err := cmd.CombinedOutput(); err == nil {
			t.Fatalf("the helper did not die:\n%s", out)
		}
	}
	old := filepath.Join(tmp, "connectbot-git-unlocked") // from a version without locks
	if err := os.Mkdir(old, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.Chtimes(old, time.Now().Add(-time.Hour), time.Now().Add(-time.Hour)); err != nil {
		t.Fatal(err)
	}
	before, _ := filepath.Glob(filepath.Join(tmp, "connectbot-git-*"))
	if len(before) != 3 {
		t.Fatalf("%d clones before, want 3 (live, dead, unlocked): %v", len(before), before)
	}
	removed, err := gitrepo.RemoveStaleClones("")
	if err != nil {
		t.Fatal(err)
	}
	after, _ := filepath.Glob(filepath.Join(tmp, "connectbot-git-*"))
	if len(removed) != 2 || len(after) != 1 || slices.Contains(removed, after[0]) {
		t.Errorf("removed %v, left %v: want the dead and the unlocked removed, the live one left", removed, after)
	}
	if _, err := live.Resolve("refs/remotes/origin/" + forgetest.DefaultBranch); err != nil {
		t.Errorf("the live clone was harmed: %v", err)
	}
}

// TestCloneAndDie is the helper process of
// TestRemoveStaleClonesRemovesOnlyWhatADeadProcessLeft: it clones to disk
// and exits without closing, as a killed process does.
func TestCloneAndDie(t *testing.T) {
	if os.Getenv("GITREPO_CLONE_AND_DIE") == "" {
		t.Skip("a helper process")
	}
	_, clone := leaseWorld(t)
	clone(gitrepo.CloneOptions{OnDisk: true})
	os.Exit(3)
}

func TestMaintainRepacksAGrownCloneIntoOnePackAndItStillWorks(t *testing.T) {
	srv, clone := leaseWorld(t)
	r := clone(gitrepo.CloneOptions{OnDisk: true})
	ctx := context.Background()
	if g, repacked, err := r.Maintain(); err != nil || repacked || g.Packs != 1 || g.Loose != 0 {
		t.Fatalf("a fresh clone: %+v repacked %v %v, want one pack, nothing to do", g, repacked, err)
	}
	var tip string
	for i := range gitrepo.MaxPacks + 1 {
		tip = srv.Commit(forgetest.DefaultBranch, "edit", map[string]string{"notes.txt": strconv.Itoa(i)})
		if err := r.Fetch(ctx); err != nil {
			t.Fatal(err)
		}
		// A commit of connectbot's own, such as a merge, is loose.
		if _, err := r.Commit(ctx, gitrepo.Change{Parent: tip, Files: map[string][]byte{"mine.txt": []byte(strconv.Itoa(i))},
			Message: "mine", Author: gitrepo.Signature{Name: "connectbot", Email: "bot@example.com", When: time.Now()}}); err != nil {
			t.Fatal(err)
		}
	}
	grown, err := r.Growth()
	if err != nil {
		t.Fatal(err)
	}
	if grown.Packs <= gitrepo.MaxPacks || grown.Loose == 0 || !grown.Grown() {
		t.Fatalf("after %d fetches and leases: %+v, want more than %d packs and some loose objects", gitrepo.MaxPacks+1, grown, gitrepo.MaxPacks)
	}
	if _, repacked, err := r.Maintain(); err != nil || !repacked {
		t.Fatalf("Maintain: repacked %v, %v", repacked, err)
	}
	after, err := r.Growth()
	if err != nil {
		t.Fatal(err)
	}
	if after.Packs != 1 || after.Loose >= grown.Loose {
		t.Errorf("after Maintain: %+v, want one pack and fewer loose objects than %d (only the young unreachable ones)", after, grown.Loose)
	}
	// Everything a ref reaches is still read, and work goes on.
	got, err := r.Resolve("refs/remotes/origin/" + forgetest.DefaultBranch)
	if err != nil || got != tip {
		t.Fatalf("main after the repack: %s %v, want %s", got, err, tip)
	}
	tree, err := r.Tree(tip)
	if err != nil {
		t.Fatal(err)
	}
	if b, err := fs.ReadFile(tree, "notes.txt"); err != nil || string(b) != strconv.Itoa(gitrepo.MaxPacks) {
		t.Errorf("notes.txt after the repack: %q %v", b, err)
	}
	srv.Commit(forgetest.DefaultBranch, "edit", map[string]string{"notes.txt": "after"})
	if err := r.Fetch(ctx); err != nil {
		t.Errorf("a fetch after the repack: %v", err)
	}
	if _, err := r.AcquireLease(ctx, "pr-2", "replica", time.Minute, time.Now()); err != nil {
		t.Errorf("a lease after the repack: %v", err)
	}
}

// TestMaintainPrunesTheLooseObjectsOfWorkDoneAMinuteAgo: serve maintains
// its clone between pieces of work, so the loose objects no ref reaches
// (the merges it judged) are done with once a minute old; kept ten
// minutes, thousands of them piled up, and every repack listed them all.
func TestMaintainPrunesTheLooseObjectsOfWorkDoneAMinuteAgo(t *testing.T) {
	srv, clone := leaseWorld(t)
	r := clone(gitrepo.CloneOptions{OnDisk: true})
	ctx := context.Background()
	for i := range gitrepo.MaxPacks + 1 {
		tip := srv.Commit(forgetest.DefaultBranch, "edit", map[string]string{"notes.txt": strconv.Itoa(i)})
		if err := r.Fetch(ctx); err != nil {
			t.Fatal(err)
		}
		if _, err := r.Commit(ctx, gitrepo.Change{Parent: tip, Files: map[string][]byte{"mine.txt": []byte(strconv.Itoa(i))},
			Message: "mine", Author: gitrepo.Signature{Name: "connectbot", Email: "bot@example.com", When: time.Now()}}); err != nil {
			t.Fatal(err)
		}
	}
	if err := gitrepo.AgeLooseObjects(r, time.Minute+time.Second); err != nil {
		t.Fatal(err)
	}
	if _, repacked, err := r.Maintain(); err != nil || !repacked {
		t.Fatalf("Maintain: repacked %v, %v", repacked, err)
	}
	if after, err := r.Growth(); err != nil || after.Loose != 0 {
		t.Errorf("after Maintain: %+v %v, want no loose object: none is reachable, all are a minute old", after, err)
	}
}

func TestMaintainWritesTheSmallPacksIntoOneAndLeavesTheLargest(t *testing.T) {
	srv := forgetest.NewServer(t, "acme-program", "connect")
	// A history far larger than what comes after: the clone's first pack.
	big := map[string]string{}
	for i := range 200 {
		big[fmt.Sprintf("applications/app-%d.cue", i)] = strings.Repeat(fmt.Sprintf("line %d of app %d\n", i, i), 200)
	}
	root := srv.Commit(forgetest.DefaultBranch, "program", big)
	r, err := gitrepo.Clone(context.Background(), srv.GitURL(), gitrepo.CloneOptions{Token: srv.Token(), OnDisk: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { r.Close() })
	ctx := context.Background()
	var tip string
	for i := range gitrepo.MaxPacks + 1 {
		tip = srv.Commit(forgetest.DefaultBranch, "edit", map[string]string{"notes.txt": strconv.Itoa(i)})
		if err := r.Fetch(ctx); err != nil {
			t.Fatal(err)
		}
	}
	if _, repacked, err := r.Maintain(); err != nil || !repacked {
		t.Fatalf("Maintain: repacked %v, %v", repacked, err)
	}
	after, err := r.Growth()
	if err != nil {
		t.Fatal(err)
	}
	if after.Packs != 2 {
		t.Errorf("after Maintain: %+v, want two packs: the first, and one of what came since", after)
	}
	for _, sha := range []string{tip, root} {
		tree, err := r.Tree(sha)
		if err != nil {
			t.Fatalf("tree of %s after the repack: %v", sha, err)
		}
		if _, err := fs.ReadFile(tree, "applications/app-7.cue"); err != nil {
			t.Errorf("applications/app-7.cue at %s after the repack: %v", sha, err)
		}
	}
}

func TestALeaseLeavesNothingInTheClone(t *testing.T) {
	_, clone := leaseWorld(t)
	r := clone(gitrepo.CloneOptions{OnDisk: true})
	ctx := context.Background()
	before, err := r.Growth()
	if err != nil {
		t.Fatal(err)
	}
	for range 3 {
		l, err := r.AcquireLease(ctx, "pr-1", "replica", time.Minute, time.Now())
		if err != nil {
			t.Fatal(err)
		}
		if err := l.Renew(ctx, time.Minute, time.Now()); err != nil {
			t.Fatal(err)
		}
		if err := l.Release(ctx); err != nil {
			t.Fatal(err)
		}
	}
	after, err := r.Growth()
	if err != nil {
		t.Fatal(err)
	}
	// Pushed from a scratch repository: a push from the clone would walk
	// its whole history each time, and leave the lease's objects in it.
	if after != before {
		t.Errorf("three leases taken, renewed and released: the clone went from %+v to %+v", before, after)
	}
}

func TestForgetRemoteRefsKeepsOnlyTheBranchesNamed(t *testing.T) {
	srv, clone := leaseWorld(t)
	srv.Commit("apply-1", "Apply", map[string]string{"applications/a.cue": "x"})
	r := clone(gitrepo.CloneOptions{OnDisk: true})
	ctx := context.Background()
	if err := r.Fetch(ctx, "+refs/heads/apply-1:refs/remotes/origin/apply-1"); err != nil {
		t.Fatal(err)
	}
	n, err := r.ForgetRemoteRefs(forgetest.DefaultBranch)
	if err != nil {
		t.Fatal(err)
	}
	if n < 1 {
		t.Errorf("forgot %d refs, want apply-1's at least", n)
	}
	if _, err := r.Resolve("refs/remotes/origin/apply-1"); err == nil {
		t.Error("apply-1's ref is still there")
	}
	if _, err := r.Resolve("refs/remotes/origin/" + forgetest.DefaultBranch); err != nil {
		t.Errorf("the base's ref was forgotten: %v", err)
	}
	if err := r.Fetch(ctx, "+refs/heads/apply-1:refs/remotes/origin/apply-1"); err != nil {
		t.Errorf("fetching it again: %v", err)
	}
}
