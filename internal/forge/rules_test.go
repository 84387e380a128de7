package forge_test

import (
	"context"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestBranchRulesNameTheMergeQueue creates, as the repository's owner, a
// ruleset that puts main behind the merge queue, and reads the rules of
// main and of a branch it does not target, as go-github v60 cannot.
func TestBranchRulesNameTheMergeQueue(t *testing.T) {
	f := newFixture(t)
	body := `{"name": "queue", "target": "branch", "enforcement": "active",
  "conditions": {"ref_name": {"include": ["~DEFAULT_BRANCH"], "exclude": []}},
  "rules": [{"type": "pull_request"}, {"type": "merge_queue", "parameters": {"merge_method": "MERGE", "grouping_strategy": "ALLGREEN",
    "check_response_timeout_minutes": 60, "max_entries_to_build": 5, "max_entries_to_merge": 5, "min_entries_to_merge": 1, "min_entries_to_merge_wait_minutes": 5}}],
  "bypass_actors": []}`
	f.srv.CreateRuleset("owner-token", body)
	for _, tc := range []struct {
		branch string
		want   []string
	}{
		{branch: "main", want: []string{"pull_request", "merge_queue"}},
		{branch: "newco/apply", want: []string{}},
	} {
		got, err := f.client.BranchRules(context.Background(), tc.branch)
		if err != nil {
			t.Fatalf("%s: %v", tc.branch, err)
		}
		if diff := cmp.Diff(tc.want, got); diff != "" {
			t.Errorf("rules of %s (-want +got):\n%s", tc.branch, diff)
		}
	}
}
