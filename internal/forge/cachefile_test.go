package forge_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/connectbot/connectbot/internal/forge"
	"github.com/connectbot/connectbot/internal/forge/forgetest"
)

// TestTheCacheFileCarriesETagsToTheNextRun: a run saves its answers; the
// next run, a fresh client with another token (each Actions run has its
// own), reads the same pull requests answered 304 Not Modified, with the
// same content; a change is read in full.
func TestTheCacheFileCarriesETagsToTheNextRun(t *testing.T) {
	srv := forgetest.NewServer(t, "o", "r")
	srv.AddUser("connectbot-next-run", "next-token")
	srv.Commit("feature", "x", map[string]string{"a.txt": "a"})
	n := srv.OpenPR(forgetest.PRSpec{Title: "a pull request", Head: "feature"})
	file := filepath.Join(t.TempDir(), "cache", "etags.json")
	client := func(token string) *forge.Client {
		c, err := forge.New(forge.Options{BaseURL: srv.URL(), Token: token, Owner: "o", Repo: "r", HTTPClient: srv.Client(),
			Sleep: func(time.Duration) {}, CacheFile: file})
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	ctx := context.Background()
	first := client(srv.Token())
	want, err := first.ListPRs(ctx, "", "open")
	if err != nil {
		t.Fatal(err)
	}
	if err := first.SaveCache(); err != nil {
		t.Fatal(err)
	}
	if info, err := os.Stat(file); err != nil || info.Mode().Perm() != 0o600 {
		t.Fatalf("cache file: %v, %v; want one readable by its owner only", info, err)
	}
	srv.ResetCalls()
	got, err := client("next-token").ListPRs(ctx, "", "open")
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("the next run read other pull requests (-first +next):\n%s", diff)
	}
	if srv.NotModified() != 1 {
		t.Errorf("the next run's list: %d answers 304 Not Modified, want 1 (calls %v)", srv.NotModified(), srv.Calls())
	}
	srv.AddComment(n, "someone", "news")
	srv.ResetCalls()
	changed, err := client("next-token").ListPRs(ctx, "", "open")
	if err != nil {
		t.Fatal(err)
	}
	if srv.NotModified() != 0 || !changed[0].UpdatedAt.After(want[0].UpdatedAt) {
		t.Errorf("after a comment: %d answers 304, updated_at %v then %v; want it read in full, and later", srv.NotModified(), want[0].UpdatedAt, changed[0].UpdatedAt)
	}
}

func TestABrokenCacheFileCostsFullRequestsOnly(t *testing.T) {
	srv := forgetest.NewServer(t, "o", "r")
	file := filepath.Join(t.TempDir(), "etags.json")
	if err := os.WriteFile(file, []byte("{not json"), 0o600); err != nil {
		t.Fatal(err)
	}
	c, err := forge.New(forge.Options{BaseURL: srv.URL(), Token: srv.Token(), Owner: "o", Repo: "r", HTTPClient: srv.Client(),
		Sleep: func(time.Duration) {}, CacheFile: file})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.ListPRs(context.Background(), "", "open"); err != nil {
		t.Fatal(err)
	}
	if err := c.SaveCache(); err != nil {
		t.Fatal(err)
	}
}

// TestAFullPageOfPullRequestsIsAnswered304ToTheNextRun: a page of 100
// pull requests, as GitHub shapes them (each with its head's and base's
// repositories), is over a megabyte; the next run must still find it
// cached, or every idle reconcile asks P/100 pages in full.
func TestAFullPageOfPullRequestsIsAnswered304ToTheNextRun(t *testing.T) {
	srv := forgetest.NewServer(t, "o", "r")
	for i := range forge.DefaultPageSize {
		branch := fmt.Sprintf("edit-%d", i)
		srv.Commit(branch, "edit", map[string]string{fmt.Sprintf("f%d.txt", i): "x"})
		srv.OpenPR(forgetest.PRSpec{Title: "an edit", Head: branch})
	}
	file := filepath.Join(t.TempDir(), "etags.json")
	list := func() []forge.PR {
		c, err := forge.New(forge.Options{BaseURL: srv.URL(), Token: srv.Token(), Owner: "o", Repo: "r", HTTPClient: srv.Client(),
			Sleep: func(time.Duration) {}, CacheFile: file})
		if err != nil {
			t.Fatal(err)
		}
		prs, err := c.ListPRs(context.Background(), "", "open")
		if err != nil {
			t.Fatal(err)
		}
		if err := c.SaveCache(); err != nil {
			t.Fatal(err)
		}
		return prs
	}
	want := list()
	srv.ResetCalls()
	got := list()
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("the next run read other pull requests (-first +next):\n%s", diff)
	}
	if len(got) != forge.DefaultPageSize || srv.NotModified() != 1 {
		t.Errorf("the next run's list of %d pull requests: %d answers 304 Not Modified, want 1 (calls %v)", len(got), srv.NotModified(), srv.Calls())
	}
}
