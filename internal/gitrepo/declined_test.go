package gitrepo_test

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/connectbot/connectbot/internal/forge/forgetest"
	"github.com/connectbot/connectbot/internal/gitrepo"
)

// TestAPushTheRulesDeclineIsNotAMovedBranch pushes under a lease to a
// branch a ruleset protects: the refusal is ErrDeclined, which pushing
// again does not cure, and not ErrRejected, which means the branch moved
// (a broken lease, as the second push shows).
func TestAPushTheRulesDeclineIsNotAMovedBranch(t *testing.T) {
	srv := forgetest.NewServer(t, "acme-program", "connect")
	srv.AddUser("acme-program", "owner-token")
	ctx := context.Background()
	r, err := gitrepo.Clone(ctx, srv.GitURL(), gitrepo.CloneOptions{Token: srv.Token()})
	if err != nil {
		t.Fatal(err)
	}
	tip := srv.Branch(forgetest.DefaultBranch)
	next, err := r.Commit(ctx, gitrepo.Change{Parent: tip, Branch: forgetest.DefaultBranch, Files: map[string][]byte{"a.txt": []byte("a\n")}, Message: "a\n",
		Author: gitrepo.Signature{Name: "connectbot", Email: "bot@example.com", When: time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)}})
	if err != nil {
		t.Fatal(err)
	}
	req, _ := http.NewRequest("POST", srv.URL()+"/repos/acme-program/connect/rulesets", strings.NewReader(
		`{"name":"main","enforcement":"active","conditions":{"ref_name":{"include":["~DEFAULT_BRANCH"],"exclude":[]}},"rules":[{"type":"pull_request"}]}`))
	req.Header.Set("Authorization", "token owner-token")
	resp, err := srv.Client().Do(req)
	if err != nil || resp.StatusCode != http.StatusCreated {
		t.Fatalf("ruleset: %v %v", err, resp)
	}
	resp.Body.Close()

	err = r.Push(ctx, forgetest.DefaultBranch, gitrepo.PushOptions{ExpectedRemote: tip})
	if !errors.Is(err, gitrepo.ErrDeclined) || errors.Is(err, gitrepo.ErrRejected) || !strings.Contains(err.Error(), "push declined due to repository rule violations") {
		t.Errorf("a push the ruleset declines: %v; want ErrDeclined (not ErrRejected) naming the rules", err)
	}
	err = r.Push(ctx, forgetest.DefaultBranch, gitrepo.PushOptions{ExpectedRemote: next})
	if !errors.Is(err, gitrepo.ErrRejected) || errors.Is(err, gitrepo.ErrDeclined) {
		t.Errorf("a push under a lease that does not hold: %v; want ErrRejected", err)
	}
}
