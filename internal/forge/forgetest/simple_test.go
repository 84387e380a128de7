package forgetest_test

import (
	"slices"
	"testing"

	"github.com/connectbot/connectbot/internal/forge/forgetest"
)

// TestTheListOfPullRequestsHoldsWhatGitHubsDoes: GitHub lists pull
// requests as pull-request-simple, without what only one pull request's
// answer carries (whether it merges, its commits, additions, deletions,
// changed files): the fake's list holds no field beyond that schema's,
// so listing costs it no merge, as it costs GitHub none.
func TestTheListOfPullRequestsHoldsWhatGitHubsDoes(t *testing.T) {
	srv := forgetest.NewServer(t, "octo-org", "hello-world")
	srv.Commit("feature", "Add", map[string]string{"a.txt": "a\n"})
	srv.OpenPR(forgetest.PRSpec{Title: "Add", Head: "feature"})
	props := loadOpenAPI(t).component(t, "pull-request-simple")["properties"].(map[string]any)
	status, got := apiCall(t, srv, "GET", testRepo+"/pulls", nil)
	items, _ := got.([]any)
	if status != 200 || len(items) != 1 {
		t.Fatalf("GET pulls: %d, %d pull requests; want 200 and one", status, len(items))
	}
	var extra []string
	for k := range items[0].(map[string]any) {
		if _, ok := props[k]; !ok {
			extra = append(extra, k)
		}
	}
	slices.Sort(extra)
	if len(extra) > 0 {
		t.Errorf("the list's pull request holds %v, which GitHub's pull-request-simple does not", extra)
	}
}
