package webhook_test

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/connectbot/connectbot/internal/webhook"
)

// The payloads in testdata are byte-for-byte copies of real GitHub
// deliveries; see testdata/SOURCES.md.
func payload(t testing.TB, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", path))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestParseRealDeliveries(t *testing.T) {
	tests := []struct {
		name, kind, file string
		want             webhook.Event
	}{
		{"a pull request opened", "pull_request", "octokit-webhooks/pull_request/opened.payload.json",
			webhook.Event{Kind: "pull_request", Action: "opened", Repo: "Codertocat/Hello-World", Number: 2, IsPullRequest: true,
				Sender: "Codertocat", HeadSHA: "ec26c3e57ca3a959ca5aad62de7213c562f8c821", Installation: 1}},
		{"a pull request with a null body", "pull_request", "octokit-webhooks/pull_request/opened.with-null-body.json",
			webhook.Event{Kind: "pull_request", Action: "opened", Repo: "Codertocat/Hello-World", Number: 2, IsPullRequest: true,
				Sender: "Codertocat", HeadSHA: "ec26c3e57ca3a959ca5aad62de7213c562f8c821", Installation: 1}},
		{"a push to a pull request", "pull_request", "octokit-webhooks/pull_request/synchronize.payload.json",
			webhook.Event{Kind: "pull_request", Action: "synchronize", Repo: "Codertocat/Hello-World", Number: 2, IsPullRequest: true,
				Sender: "Codertocat", HeadSHA: "ec26c3e57ca3a959ca5aad62de7213c562f8c821", Installation: 1}},
		{"an approval", "pull_request_review", "go-playground-webhooks/pull-request-review.json",
			webhook.Event{Kind: "pull_request_review", Action: "submitted", Repo: "baxterthehacker/public-repo", Number: 8, IsPullRequest: true,
				Sender: "baxterthehacker", HeadSHA: "b7a1f9c27caa4e03c14a88feb56e2d4f7500aa63"}},
		{"a comment on an issue", "issue_comment", "octokit-webhooks/issue_comment/created.payload.json",
			webhook.Event{Kind: "issue_comment", Action: "created", Repo: "Codertocat/Hello-World", Number: 1, Sender: "Codertocat",
				Comment: &webhook.Comment{ID: 492700400, Author: "Codertocat", Body: "You are totally right! I'll get this fixed right away.",
					Created: time.Date(2019, 5, 15, 15, 20, 21, 0, time.UTC)}}},
		{"a comment on a pull request", "issue_comment", "go-playground-webhooks/pull-request-issue-comment.json",
			webhook.Event{Kind: "issue_comment", Action: "created", Repo: "chhsia0/knative-route-demo", Number: 3, IsPullRequest: true, Sender: "chhsia0",
				Comment: &webhook.Comment{ID: 546616131, Author: "chhsia0", Body: "/build", Created: time.Date(2019, 10, 26, 16, 9, 23, 0, time.UTC)}}},
		{"a ping", "ping", "octokit-webhooks/ping/payload.json", webhook.Event{Kind: "ping"}},
		{"an issue opened", "issues", "../actionsdata/issues/opened.payload.json",
			webhook.Event{Kind: "issues", Action: "opened", Repo: "Codertocat/Hello-World", Number: 1, Sender: "Codertocat",
				Issue: &webhook.Issue{Number: 1, Title: "Spelling error in the README file", Author: "Codertocat", Labels: []string{"bug"},
					Body: "It looks like you accidently spelled 'commit' with two 't's."}}},
		{"a workflow run completed", "workflow_run", "../actionsdata/workflow_run/completed.payload.json",
			webhook.Event{Kind: "workflow_run", Action: "completed", Repo: "octo-org/octo-repo", Sender: "Codertocat",
				HeadSHA: "3484a3fb816e0859fd6e1cea078d76385ff50625",
				Run: &webhook.WorkflowRun{ID: 289782451, Name: "test", Event: "repository_dispatch", Status: "completed",
					Conclusion: "success", HeadSHA: "3484a3fb816e0859fd6e1cea078d76385ff50625"}}},
		{"a workflow run of a pull request completed", "workflow_run", "../actionsdata/workflow_run/completed.with-pull-requests.payload.json",
			webhook.Event{Kind: "workflow_run", Action: "completed", Repo: "octo-org/octo-repo", Sender: "Codertocat",
				HeadSHA: "3484a3fb816e0859fd6e1cea078d76385ff50625",
				Run: &webhook.WorkflowRun{ID: 289782451, Name: "test", Event: "repository_dispatch", Status: "completed",
					Conclusion: "success", HeadSHA: "3484a3fb816e0859fd6e1cea078d76385ff50625", PullRequests: []int{2}}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := webhook.Parse(tt.kind, payload(t, tt.file))
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("event (-want +got):\n%s", diff)
			}
		})
	}
}

func TestParseDerivedDeliveries(t *testing.T) {
	// See derived_test.go for how these are made from recorded ones.
	pushedAt := time.Date(2019, 5, 15, 15, 20, 32, 0, time.UTC) // the recorded repository.pushed_at
	const base, head = "f95f852bd8fca8fcc58a9a2d6c842781e32a215e", "ec26c3e57ca3a959ca5aad62de7213c562f8c821"
	tests := []struct {
		name, kind string
		body       []byte
		want       webhook.Event
	}{
		{"a push to main", "push", pushPayload(t, nil),
			webhook.Event{Kind: "push", Repo: "Codertocat/Hello-World", Sender: "Codertocat", HeadSHA: head, Installation: 1,
				Ref: "refs/heads/main", After: head, PushedAt: pushedAt}},
		{"a push that deletes a branch", "push", pushPayload(t, map[string]any{
			"ref": "refs/heads/feature", "after": "0000000000000000000000000000000000000000", "deleted": true}),
			webhook.Event{Kind: "push", Repo: "Codertocat/Hello-World", Sender: "Codertocat", HeadSHA: "0000000000000000000000000000000000000000",
				Installation: 1, Ref: "refs/heads/feature", After: "0000000000000000000000000000000000000000", Deleted: true, PushedAt: pushedAt}},
		{"a push whose pushed_at is a string", "push", pushPayload(t, map[string]any{"repository.pushed_at": "2019-05-15T15:20:32Z"}),
			webhook.Event{Kind: "push", Repo: "Codertocat/Hello-World", Sender: "Codertocat", HeadSHA: head, Installation: 1,
				Ref: "refs/heads/main", After: head, PushedAt: pushedAt}},
		{"all checks re-run on a commit of a fork", "check_suite", checkSuitePayload(t, nil),
			webhook.Event{Kind: "check_suite", Action: "rerequested", Repo: "github/hello-world", Sender: "octocat",
				HeadSHA: "d6fde92930d4715a2b49857d24b940956b26d2d3", Installation: 1}},
		{"all checks re-run on a pull request's commit", "check_suite", checkSuitePayload(t, map[string]any{
			"check_suite.pull_requests": []any{map[string]any{"number": 4, "id": 1}}}),
			webhook.Event{Kind: "check_suite", Action: "rerequested", Repo: "github/hello-world", Sender: "octocat",
				HeadSHA: "d6fde92930d4715a2b49857d24b940956b26d2d3", Installation: 1, Number: 4, IsPullRequest: true}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := webhook.Parse(tt.kind, tt.body)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("event (-want +got):\n%s", diff)
			}
		})
	}
	if !strings.Contains(string(pushPayload(t, nil)), `"created_at":1557933565`) {
		t.Error("the derived push does not carry repository.created_at as a Unix time, as GitHub's do")
	}
}

func TestParseRefusesWhatItCannotRead(t *testing.T) {
	tests := []struct {
		name, kind, body, want string
	}{
		{"not JSON", "pull_request", "not json",
			"pull_request payload: invalid character 'o' in literal null (expecting 'u')"},
		{"a JSON array", "issue_comment", `[1]`,
			"issue_comment payload: the payload is a JSON array, not an object"},
		{"no repository", "pull_request", `{"action":"opened","pull_request":{"number":1}}`,
			"pull_request payload names no repository"},
		{"a null repository", "push", `{"ref":"refs/heads/main","repository":null}`,
			"push payload names no repository"},
		{"a number that is a string", "pull_request", `{"action":"opened","pull_request":{"number":"two"},"repository":{"full_name":"o/r"}}`,
			"pull_request payload: pull_request.number is a JSON string, where a JSON number was expected"},
		{"a login that is a number", "issue_comment", `{"comment":{"user":{"login":7}},"repository":{"full_name":"o/r"}}`,
			"issue_comment payload: comment.user.login is a JSON number, where a JSON string was expected"},
		{"a pull request list that is an object", "check_run", `{"check_run":{"pull_requests":{}},"repository":{"full_name":"o/r"}}`,
			"check_run payload: check_run.pull_requests is a JSON object, where a JSON array was expected"},
		{"a push time that is no time", "push", `{"ref":"refs/heads/main","repository":{"full_name":"o/r","pushed_at":"yesterday"}}`,
			`push payload: repository.pushed_at: "yesterday" is neither an RFC 3339 time nor another form GitHub has used`},
		{"a comment time that is no time", "issue_comment", `{"comment":{"created_at":"soon"},"repository":{"full_name":"o/r"}}`,
			`issue_comment payload: comment.created_at: "soon" is neither an RFC 3339 time nor another form GitHub has used`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := webhook.Parse(tt.kind, []byte(tt.body))
			if err == nil {
				t.Fatal("accepted")
			}
			if diff := cmp.Diff(tt.want, err.Error()); diff != "" {
				t.Errorf("error (-want +got):\n%s", diff)
			}
		})
	}
	if _, err := webhook.Parse("deployment", []byte(`{}`)); !errors.Is(err, webhook.ErrIgnored) {
		t.Errorf("unknown kind: err = %v, want ErrIgnored", err)
	}
}

func TestVerify(t *testing.T) {
	body := payload(t, "octokit-webhooks/ping/payload.json")
	current, old := []byte("current-secret"), []byte("old-secret")
	tests := []struct {
		name    string
		header  string
		secrets [][]byte
		ok      bool
	}{
		{"the current secret's signature passes", webhook.Sign(body, current), [][]byte{current}, true},
		{"a rotated-out secret still configured passes", webhook.Sign(body, old), [][]byte{current, old}, true},
		{"a signature with another secret fails", webhook.Sign(body, []byte("guess")), [][]byte{current}, false},
		{"a missing signature fails", "", [][]byte{current}, false},
		{"a SHA-1 signature fails", "sha1=0123456789abcdef0123456789abcdef01234567", [][]byte{current}, false},
		{"garbage fails", "sha256=zz", [][]byte{current}, false},
		{"an empty secret never matches", webhook.Sign(body, nil), [][]byte{{}}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := webhook.Verify(tt.header, body, tt.secrets)
			if (err == nil) != tt.ok {
				t.Errorf("err = %v, want ok=%v", err, tt.ok)
			}
		})
	}
	tampered := append([]byte{}, body...)
	tampered[10] ^= 1
	if webhook.Verify(webhook.Sign(body, current), tampered, [][]byte{current}) == nil {
		t.Error("a tampered body passed")
	}
}

// FuzzParse feeds the event parser arbitrary payloads: it answers with an
// event or an error, never a panic.
func FuzzParse(f *testing.F) {
	for _, p := range []string{"octokit-webhooks/pull_request/opened.payload.json", "go-playground-webhooks/pull-request-review.json",
		"octokit-webhooks/issue_comment/created.payload.json"} {
		b, err := os.ReadFile(filepath.Join("testdata", p))
		if err != nil {
			f.Fatal(err)
		}
		f.Add("pull_request", b)
	}
	f.Add("push", pushPayload(f, nil))
	f.Add("check_suite", checkSuitePayload(f, nil))
	f.Add("check_run", payload(f, "octokit-webhooks/check_run/rerequested.payload.json"))
	f.Fuzz(func(t *testing.T, kind string, body []byte) {
		e, err := webhook.Parse(kind, body)
		if err == nil && e.Kind != "ping" && e.Repo == "" {
			t.Fatalf("event without a repository: %+v", e)
		}
	})
}

func TestParseSurvivesACheckRunWithoutItsObject(t *testing.T) {
	// Found by FuzzServer: a signed check_run delivery with no check_run.
	e, err := webhook.Parse("check_run", []byte(`{"action":"rerequested","repository":{"full_name":"o/r"}}`))
	if err != nil || e.IsPullRequest || e.Number != 0 {
		t.Errorf("got %+v, %v", e, err)
	}
}
