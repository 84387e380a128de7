package webhook_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// No recorded push or check_suite delivery is in the corpus (see
// testdata/SOURCES.md). The two below are derived from recorded ones, by
// moving their real parts into the shape GitHub documents for the event,
// and changing only what is said here.

// pushPayload is a push of main in the repository of the recorded
// pull_request "opened" delivery, from its base commit to its head
// commit. Its repository, sender and installation are the recorded ones,
// except that repository.created_at and pushed_at are Unix times, as push
// payloads write them; the rest is GitHub's documented push shape with no
// commits listed. changes sets fields by dotted path.
func pushPayload(t testing.TB, changes map[string]any) []byte {
	t.Helper()
	pr := recordedJSON(t, "octokit-webhooks/pull_request/opened.payload.json")
	repo := pr["repository"].(map[string]any)
	for _, field := range []string{"created_at", "pushed_at"} {
		at, err := time.Parse(time.RFC3339, repo[field].(string))
		if err != nil {
			t.Fatal(err)
		}
		repo[field] = at.Unix()
	}
	pull := pr["pull_request"].(map[string]any)
	before := pull["base"].(map[string]any)["sha"].(string)
	after := pull["head"].(map[string]any)["sha"].(string)
	doc := map[string]any{
		"ref":          "refs/heads/main",
		"before":       before,
		"after":        after,
		"created":      false,
		"deleted":      false,
		"forced":       false,
		"base_ref":     nil,
		"compare":      repo["html_url"].(string) + "/compare/" + before[:12] + "..." + after[:12],
		"commits":      []any{},
		"head_commit":  nil,
		"pusher":       map[string]any{"name": pr["sender"].(map[string]any)["login"], "email": nil},
		"repository":   repo,
		"sender":       pr["sender"],
		"installation": pr["installation"],
	}
	return marshalWith(t, doc, changes)
}

// checkSuitePayload is the check_suite "rerequested" delivery of the
// suite of the recorded check_run "rerequested" delivery: its
// check_suite is that check run's, and its repository, sender and
// installation the recorded ones. changes sets fields by dotted path.
func checkSuitePayload(t testing.TB, changes map[string]any) []byte {
	t.Helper()
	run := recordedJSON(t, "octokit-webhooks/check_run/rerequested.payload.json")
	doc := map[string]any{
		"action":       "rerequested",
		"check_suite":  run["check_run"].(map[string]any)["check_suite"],
		"repository":   run["repository"],
		"sender":       run["sender"],
		"installation": run["installation"],
	}
	return marshalWith(t, doc, changes)
}

func recordedJSON(t testing.TB, file string) map[string]any {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", file))
	if err != nil {
		t.Fatal(err)
	}
	var doc map[string]any
	if err := json.Unmarshal(b, &doc); err != nil {
		t.Fatal(err)
	}
	return doc
}

// marshalWith sets each dotted path of changes in doc, then marshals it.
func marshalWith(t testing.TB, doc map[string]any, changes map[string]any) []byte {
	t.Helper()
	for path, v := range changes {
		keys := strings.Split(path, ".")
		m := doc
		for _, k := range keys[:len(keys)-1] {
			next, ok := m[k].(map[string]any)
			if !ok {
				t.Fatalf("change %s: %s is not an object", path, k)
			}
			m = next
		}
		m[keys[len(keys)-1]] = v
	}
	b, err := json.Marshal(doc)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
