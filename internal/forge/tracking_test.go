package forge_test

import (
	"context"
	"errors"
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

func TestAnIssueIsReadWithItsAuthor(t *testing.T) {
	srv := forgetest.NewServer(t, "o", "r")
	srv.AddUser("tidy-dev", "tidy-token")
	client := func(token string) *forge.Client {
		c, err := forge.New(forge.Options{BaseURL: srv.URL(), Token: token, Owner: "o", Repo: "r", HTTPClient: srv.Client(), Sleep: func(time.Duration) {}})
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	ctx := context.Background()
	opened, err := client("tidy-token").CreateIssue(ctx, "Application", "### Application slug\n\ntidy-ledger")
	if err != nil {
		t.Fatal(err)
	}
	srv.Commit("feature", "x", map[string]string{"a.txt": "a"})
	pr := srv.OpenPR(forgetest.PRSpec{Author: "tidy-dev", Title: "a pull request", Head: "feature"})
	bot := client(srv.Token())
	tests := []struct {
		name   string
		number int
		want   forge.Issue
	}{
		{"an issue is its opener's", opened.Number, forge.Issue{Number: opened.Number, Title: "Application", Body: "### Application slug\n\ntidy-ledger", State: "open", Author: "tidy-dev"}},
		{"a pull request's number says so", pr, forge.Issue{Number: pr, Title: "a pull request", State: "open", Author: "tidy-dev", PullRequest: true}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := bot.Issue(ctx, tt.number)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("issue #%d (-want +got):\n%s", tt.number, diff)
			}
		})
	}
	if _, err := bot.Issue(ctx, 99); !errors.Is(err, forge.ErrNotFound) {
		t.Errorf("a missing issue: %v, want ErrNotFound", err)
	}
}
