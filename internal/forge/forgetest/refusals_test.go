package forgetest_test

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/connectbot/connectbot/internal/forge/forgetest"
)

// schemaOf is the schema of an operation's answer with status: the
// operation's own where GitHub's description lists that status, else
// basic-error, the body of every error GitHub does not list.
func (o *openAPI) schemaOf(t *testing.T, method, path string, status int) map[string]any {
	t.Helper()
	paths, _ := o.doc["paths"].(map[string]any)
	item, _ := paths[path].(map[string]any)
	op, _ := item[strings.ToLower(method)].(map[string]any)
	if op == nil {
		t.Fatalf("no operation %s %s in the OpenAPI description", method, path)
	}
	responses, _ := op["responses"].(map[string]any)
	if responses[strconv.Itoa(status)] == nil {
		return o.component(t, "basic-error")
	}
	return o.responseSchema(t, method, path, status)
}

// TestWhatGitHubRefuses sends, as users and as the App, the requests
// GitHub refuses to some of them: only an App may write check runs; only
// a comment's author, the repository's owner or the App (whose
// installation has issues: write) may edit it; labels are added with the
// documented {"labels": [...]} body alone. Each answer is compared with
// GitHub's OpenAPI description.
func TestWhatGitHubRefuses(t *testing.T) {
	spec := loadOpenAPI(t)
	srv := forgetest.NewServer(t, "octo-org", "hello-world")
	srv.AddUser("alice", "alice-token")
	srv.AddUser("rivera", "rivera-token")
	srv.AddUser("octo-org", "owner-token")
	head := srv.Commit("feature", "Add acme", map[string]string{"applications/acme.cue": "v1\n"})
	n := srv.OpenPR(forgetest.PRSpec{Author: "alice", Title: "Add acme", Head: "feature"})
	bot := srv.Token()
	aliceComment := srv.AddComment(n, "alice", "Please review")
	riveraComment := srv.AddComment(n, "rivera", "/connectbot approve")
	_, run := call(t, srv, bot, "POST", "/check-runs", `{"name":"connectbot","head_sha":"`+head+`"}`)
	runID := fmt.Sprint(run["id"])

	checkRun := `{"name":"connectbot","head_sha":"` + head + `","status":"completed","conclusion":"success","output":{"title":"ok","summary":"ok"}}`
	tests := []struct {
		name, token, method, path, body string
		// op is the operation's path in GitHub's description.
		op          string
		wantStatus  int
		wantMessage string
	}{
		{name: "a user's token cannot create a check run", token: "alice-token", method: "POST", path: "/check-runs", body: checkRun,
			op: "/repos/{owner}/{repo}/check-runs", wantStatus: 403, wantMessage: "You must authenticate via a GitHub App."},
		{name: "the owner's token cannot create a check run either", token: "owner-token", method: "POST", path: "/check-runs", body: checkRun,
			op: "/repos/{owner}/{repo}/check-runs", wantStatus: 403, wantMessage: "You must authenticate via a GitHub App."},
		{name: "the App's token creates a check run", token: bot, method: "POST", path: "/check-runs", body: checkRun,
			op: "/repos/{owner}/{repo}/check-runs", wantStatus: 201},
		{name: "a user's token cannot update a check run", token: "alice-token", method: "PATCH", path: "/check-runs/" + runID, body: `{"conclusion":"success"}`,
			op: "/repos/{owner}/{repo}/check-runs/{check_run_id}", wantStatus: 403, wantMessage: "You must authenticate via a GitHub App."},
		{name: "the App's token updates a check run", token: bot, method: "PATCH", path: "/check-runs/" + runID, body: `{"conclusion":"failure"}`,
			op: "/repos/{owner}/{repo}/check-runs/{check_run_id}", wantStatus: 200},
		{name: "a user cannot edit someone else's comment", token: "alice-token", method: "PATCH", path: fmt.Sprintf("/issues/comments/%d", riveraComment), body: `{"body":"/connectbot terminate acme"}`,
			op: "/repos/{owner}/{repo}/issues/comments/{comment_id}", wantStatus: 403, wantMessage: "Must have admin rights to Repository."},
		{name: "a user edits their own comment", token: "alice-token", method: "PATCH", path: fmt.Sprintf("/issues/comments/%d", aliceComment), body: `{"body":"Please review again"}`,
			op: "/repos/{owner}/{repo}/issues/comments/{comment_id}", wantStatus: 200},
		{name: "the repository's owner edits anyone's comment", token: "owner-token", method: "PATCH", path: fmt.Sprintf("/issues/comments/%d", aliceComment), body: `{"body":"(edited by the owner)"}`,
			op: "/repos/{owner}/{repo}/issues/comments/{comment_id}", wantStatus: 200},
		{name: "the App edits anyone's comment", token: bot, method: "PATCH", path: fmt.Sprintf("/issues/comments/%d", riveraComment), body: `{"body":"(edited by the App)"}`,
			op: "/repos/{owner}/{repo}/issues/comments/{comment_id}", wantStatus: 200},
		{name: "labels as a bare array are refused", token: bot, method: "POST", path: fmt.Sprintf("/issues/%d/labels", n), body: `["stage: applied"]`,
			op: "/repos/{owner}/{repo}/issues/{issue_number}/labels", wantStatus: 422, wantMessage: "Invalid request.\n\nFor 'links/0/schema', [\"stage: applied\"] is not an object."},
		{name: "an empty list of labels is refused", token: bot, method: "POST", path: fmt.Sprintf("/issues/%d/labels", n), body: `{"labels":[]}`,
			op: "/repos/{owner}/{repo}/issues/{issue_number}/labels", wantStatus: 422, wantMessage: "Invalid request.\n\nFor 'properties/labels', [] has fewer items than 1."},
		{name: "a label that is neither a name nor an object is refused", token: bot, method: "POST", path: fmt.Sprintf("/issues/%d/labels", n), body: `{"labels":[7]}`,
			op: "/repos/{owner}/{repo}/issues/{issue_number}/labels", wantStatus: 422, wantMessage: "Invalid request.\n\nFor 'items', 7 is not a string or an object."},
		{name: "labels by name in the documented body are added", token: bot, method: "POST", path: fmt.Sprintf("/issues/%d/labels", n), body: `{"labels":["stage: applied"]}`,
			op: "/repos/{owner}/{repo}/issues/{issue_number}/labels", wantStatus: 200},
		{name: "labels as objects in the documented body are added", token: bot, method: "POST", path: fmt.Sprintf("/issues/%d/labels", n), body: `{"labels":[{"name":"needs-review"}]}`,
			op: "/repos/{owner}/{repo}/issues/{issue_number}/labels", wantStatus: 200},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, v := apiCallAs(t, srv, tt.token, tt.method, tt.path, tt.body)
			if status != tt.wantStatus {
				t.Fatalf("status = %d, want %d; answer: %v", status, tt.wantStatus, v)
			}
			if tt.wantMessage != "" {
				m, _ := v.(map[string]any)
				if m["message"] != tt.wantMessage {
					t.Errorf("message = %q, want %q", m["message"], tt.wantMessage)
				}
			}
			for _, p := range spec.check("answer", spec.schemaOf(t, tt.method, tt.op, status), v) {
				t.Error(p)
			}
		})
	}
	comments := srv.Comments(n)
	if got := comments[1].Body; got != "(edited by the App)" {
		t.Errorf("rivera's comment reads %q; alice's edit must not have changed it", got)
	}
}

// apiCallAs sends body, as written, to the repository's path with token,
// and decodes the answer.
func apiCallAs(t *testing.T, srv *forgetest.Server, token, method, path, body string) (int, any) {
	t.Helper()
	status, _, v := rawCall(t, srv, token, method, "/repos/"+srv.FullName()+path, body)
	return status, v
}

// rawCall sends body to path (from the API's root) with token ("" for
// none) and returns the status, the headers and the decoded answer.
func rawCall(t *testing.T, srv *forgetest.Server, token, method, path, body string) (int, http.Header, any) {
	t.Helper()
	req, err := http.NewRequest(method, srv.URL()+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	var v any
	if len(data) > 0 {
		if err := json.Unmarshal(data, &v); err != nil {
			t.Fatalf("%s %s: answer is not JSON: %v\n%s", method, path, err, data)
		}
	}
	return resp.StatusCode, resp.Header, v
}
