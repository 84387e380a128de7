package webhook_test

import (
	"encoding/json"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/connectbot/connectbot/internal/webhook"
)

// readPaths lists, by event kind, the fields Parse reads ("*" stands for
// any index of an array). Every other field may hold anything.
var readPaths = map[string][]string{
	webhook.KindPullRequest: {"pull_request.number", "pull_request.head.sha"},
	webhook.KindReview:      {"pull_request.number", "pull_request.head.sha"},
	webhook.KindComment:     {"issue.number", "issue.pull_request", "comment.id", "comment.user.login", "comment.body", "comment.created_at"},
	webhook.KindIssue:       {"issue.number", "issue.title", "issue.body", "issue.user.login", "issue.labels.*.name"},
	webhook.KindCheckRun:    {"check_run.name", "check_run.head_sha", "check_run.pull_requests.*.number"},
	webhook.KindCheckSuite:  {"check_suite.head_sha", "check_suite.pull_requests.*.number"},
	webhook.KindPush:        {"ref", "after", "deleted", "repository.pushed_at"},
	webhook.KindWorkflowRun: {"workflow_run.id", "workflow_run.name", "workflow_run.event", "workflow_run.status",
		"workflow_run.conclusion", "workflow_run.head_sha", "workflow_run.pull_requests.*.number", "workflow.name"},
	webhook.KindMergeGroup: {"merge_group.head_sha", "merge_group.head_ref", "merge_group.base_sha", "merge_group.base_ref"},
	webhook.KindPing:       {"installation.id"},
}

// commonPaths are read in every kind but ping.
var commonPaths = []string{"action", "repository.full_name", "sender.login", "installation.id"}

// isRead reports whether the field at path is read, or holds one that is.
func isRead(kind string, path []string) bool {
	paths := readPaths[kind]
	if kind != webhook.KindPing {
		paths = append(paths, commonPaths...)
	}
	for _, p := range paths {
		parts := strings.Split(p, ".")
		if len(path) > len(parts) {
			continue
		}
		match := true
		for i, key := range path {
			if parts[i] != key && !(parts[i] == "*" && isIndex(key)) {
				match = false
				break
			}
		}
		if match {
			return true
		}
	}
	return false
}

func isIndex(key string) bool {
	_, err := strconv.Atoi(key)
	return err == nil
}

// otherType returns a value of another JSON type than v.
func otherType(v any) any {
	switch v.(type) {
	case string:
		return 1234567890
	case float64, json.Number:
		return "2018-04-25 20:42:10"
	case bool:
		return []any{"yes"}
	case nil:
		return map[string]any{"surprise": true}
	case []any:
		return "an array no more"
	default:
		return false
	}
}

// everyPath calls f with the path and value of every value in v, its root
// excluded, and a function that replaces that value in v and returns the
// function that puts it back. Of an array, only the first element is
// walked: the others have its shape, and walking them all makes the test
// slow without making it stronger.
func everyPath(v any, path []string, f func(path []string, old any, set func(any) func())) {
	switch x := v.(type) {
	case map[string]any:
		for k, child := range x {
			p := append(path[:len(path):len(path)], k)
			f(p, child, func(nv any) func() { x[k] = nv; return func() { x[k] = child } })
			everyPath(child, p, f)
		}
	case []any:
		for i, child := range x[:min(len(x), 1)] {
			p := append(path[:len(path):len(path)], strconv.Itoa(i))
			f(p, child, func(nv any) func() { x[i] = nv; return func() { x[i] = child } })
			everyPath(child, p, f)
		}
	}
}

// TestParseIgnoresWhatItDoesNotRead gives every field the bot does not
// read, in every recorded delivery, a value of another JSON type: the
// delivery is still accepted, as the same event.
func TestParseIgnoresWhatItDoesNotRead(t *testing.T) {
	deliveries := allRecorded(t)
	deliveries = append(deliveries,
		recorded{file: "derived push", kind: webhook.KindPush, body: pushPayload(t, nil)},
		recorded{file: "derived check_suite", kind: webhook.KindCheckSuite, body: checkSuitePayload(t, nil)})
	for _, d := range deliveries {
		t.Run(d.file, func(t *testing.T) {
			t.Parallel()
			mutated := 0
			want, err := webhook.Parse(d.kind, d.body)
			if err != nil {
				t.Fatal(err)
			}
			var doc any
			if err := json.Unmarshal(d.body, &doc); err != nil {
				t.Fatal(err)
			}
			everyPath(doc, nil, func(path []string, old any, set func(any) func()) {
				if isRead(d.kind, path) {
					return
				}
				defer set(otherType(old))()
				body, err := json.Marshal(doc)
				if err != nil {
					t.Fatal(err)
				}
				mutated++
				got, err := webhook.Parse(d.kind, body)
				where := strings.Join(path, ".")
				if err != nil {
					t.Errorf("%s made a %T: refused: %v", where, otherType(old), err)
					return
				}
				if diff := cmp.Diff(want, got); diff != "" {
					t.Errorf("%s made a %T: event (-want +got):\n%s", where, otherType(old), diff)
				}
			})
			if mutated < 10 {
				t.Errorf("only %d fields mutated; the walk is broken", mutated)
			}
		})
	}
}
