package forge_test

import (
	"context"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/connectbot/connectbot/internal/forge"
	"github.com/connectbot/connectbot/internal/forge/forgetest"
)

func TestIssuesAreCreatedAndListedByLabel(t *testing.T) {
	srv := forgetest.NewServer(t, "o", "r")
	c, err := forge.New(forge.Options{BaseURL: srv.URL(), Token: srv.Token(), Owner: "o", Repo: "r", HTTPClient: srv.Client(),
		Sleep: func(time.Duration) {}, PageSize: 2})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	srv.Commit("feature", "x", map[string]string{"a.txt": "a"})
	srv.OpenPR(forgetest.PRSpec{Title: "a pull request", Head: "feature"})
	for _, title := range []string{"acme-sync", "ledgerly-books", "northwind-notes"} {
		if _, err := c.CreateIssue(ctx, title, "tracking "+title, "connectbot:tracking"); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := c.CreateIssue(ctx, "unrelated", "x"); err != nil {
		t.Fatal(err)
	}
	got, err := c.ListIssues(ctx, "open", "connectbot:tracking")
	if err != nil {
		t.Fatal(err)
	}
	var titles []string
	for _, is := range got {
		titles = append(titles, is.Title)
	}
	if diff := cmp.Diff([]string{"northwind-notes", "ledgerly-books", "acme-sync"}, titles); diff != "" {
		t.Errorf("tracking issues (-want +got):\n%s", diff)
	}
	if _, err := c.CreateIssue(ctx, " ", "no title"); err == nil {
		t.Error("an issue without a title was created")
	}
	// Comments go to issues as to pull requests.
	if _, err := c.CreateComment(ctx, got[0].Number, "a reminder"); err != nil {
		t.Fatal(err)
	}
	if n := len(srv.Comments(got[0].Number)); n != 1 {
		t.Errorf("%d comments on the issue", n)
	}
}
