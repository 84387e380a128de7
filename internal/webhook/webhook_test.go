package webhook_test

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/connectbot/connectbot/internal/webhook"
)

// The payloads in testdata are byte-for-byte copies of real GitHub
// deliveries; see testdata/SOURCES.md.
func payload(t *testing.T, path string) []byte {
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
				Comment: &webhook.Comment{ID: 492700400, Author: "Codertocat", Body: "You are totally right! I'll get this fixed right away."}}},
		{"a comment on a pull request", "issue_comment", "go-playground-webhooks/pull-request-issue-comment.json",
			webhook.Event{Kind: "issue_comment", Action: "created", Repo: "chhsia0/knative-route-demo", Number: 3, IsPullRequest: true, Sender: "chhsia0",
				Comment: &webhook.Comment{ID: 546616131, Author: "chhsia0", Body: "/build"}}},
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

func TestParseRefusesWhatItCannotRead(t *testing.T) {
	// The recorded check_run payload has a time GitHub's own library
	// refuses ("2018-04-25 20:42:10"): kept as the negative case.
	if _, err := webhook.Parse("check_run", payload(t, "octokit-webhooks/check_run/rerequested.payload.json")); err == nil ||
		!strings.Contains(err.Error(), "check_run payload") || strings.Contains(err.Error(), "\n") {
		t.Errorf("err = %v, want a one-line payload error", err)
	}
	for name, body := range map[string]string{
		"not JSON":           "not json",
		"no repository":      `{"action":"opened","pull_request":{"number":1}}`,
		"a wrong field type": `{"action":"opened","number":"two"}`,
	} {
		if _, err := webhook.Parse("pull_request", []byte(body)); err == nil {
			t.Errorf("%s: accepted", name)
		}
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
