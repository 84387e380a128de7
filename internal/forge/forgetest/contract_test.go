package forgetest_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/connectbot/connectbot/internal/forge/forgetest"
)

// openAPI is GitHub's OpenAPI description, decoded as plain JSON values.
type openAPI struct {
	doc map[string]any
}

func loadOpenAPI(t *testing.T) *openAPI {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(openAPIDir, openAPIFile))
	if err != nil {
		t.Fatal(err)
	}
	var doc map[string]any
	if err := json.Unmarshal(data, &doc); err != nil {
		t.Fatal(err)
	}
	return &openAPI{doc: doc}
}

// lookup follows a "#/a/b/c" reference.
func (o *openAPI) lookup(ref string) map[string]any {
	var cur any = o.doc
	for _, part := range strings.Split(strings.TrimPrefix(ref, "#/"), "/") {
		m, _ := cur.(map[string]any)
		cur = m[part]
	}
	m, _ := cur.(map[string]any)
	return m
}

// deref resolves $ref chains.
func (o *openAPI) deref(v map[string]any) map[string]any {
	for v != nil {
		ref, ok := v["$ref"].(string)
		if !ok {
			return v
		}
		v = o.lookup(ref)
	}
	return v
}

// responseSchema is the JSON schema of an operation's answer with status.
func (o *openAPI) responseSchema(t *testing.T, method, path string, status int) map[string]any {
	t.Helper()
	paths, _ := o.doc["paths"].(map[string]any)
	item, _ := paths[path].(map[string]any)
	op, _ := item[strings.ToLower(method)].(map[string]any)
	responses, _ := op["responses"].(map[string]any)
	resp, _ := responses[strconv.Itoa(status)].(map[string]any)
	resp = o.deref(resp)
	content, _ := resp["content"].(map[string]any)
	media, _ := content["application/json"].(map[string]any)
	schema, _ := media["schema"].(map[string]any)
	if schema == nil {
		t.Fatalf("no schema for %s %s %d in the OpenAPI description", method, path, status)
	}
	return schema
}

// webhookSchema is the schema of the payload of x-webhooks/<name>.
func (o *openAPI) webhookSchema(t *testing.T, name string) map[string]any {
	t.Helper()
	post := o.lookup("#/x-webhooks/" + name + "/post")
	body := o.deref(post["requestBody"].(map[string]any))
	content, _ := body["content"].(map[string]any)
	media, _ := content["application/json"].(map[string]any)
	schema, _ := media["schema"].(map[string]any)
	if schema == nil {
		t.Fatalf("no schema for the webhook %s in the OpenAPI description", name)
	}
	return schema
}

// component is components/schemas/<name>.
func (o *openAPI) component(t *testing.T, name string) map[string]any {
	t.Helper()
	s := o.lookup("#/components/schemas/" + name)
	if s == nil {
		t.Fatalf("no schema %q", name)
	}
	return s
}

// inaccuracies are problems check finds in what GitHub itself sends: its
// description is wrong there, the recording right. Each names the
// recording that shows it.
var inaccuracies = map[string]string{
	".check_run.details_url: null, but the schema is not nullable": "octokit-webhooks/check_run/rerequested.payload.json has details_url null",
}

// check returns every way v breaks schema, but for the inaccuracies of
// GitHub's description.
func (o *openAPI) check(at string, schema map[string]any, v any) []string {
	var out []string
next:
	for _, p := range o.problems(at, schema, v) {
		for known := range inaccuracies {
			if strings.HasSuffix(p, known) {
				continue next
			}
		}
		out = append(out, p)
	}
	return out
}

// problems returns every way v breaks schema: a required property missing, a
// null where the schema is not nullable, a value of the wrong type or
// outside an enum. It follows $ref, allOf, oneOf and anyOf, and checks
// every present property that has a schema, at any depth.
func (o *openAPI) problems(at string, schema map[string]any, v any) []string {
	nullable, _ := schema["nullable"].(bool)
	schema = o.deref(schema)
	if n, _ := schema["nullable"].(bool); n {
		nullable = true
	}
	if v == nil {
		if nullable {
			return nil
		}
		return []string{at + ": null, but the schema is not nullable"}
	}
	var problems []string
	if all, ok := schema["allOf"].([]any); ok {
		for _, s := range all {
			sub, _ := s.(map[string]any)
			problems = append(problems, o.problems(at, sub, v)...)
		}
	}
	for _, key := range []string{"oneOf", "anyOf"} {
		alts, ok := schema[key].([]any)
		if !ok {
			continue
		}
		var first []string
		matched := false
		for i, s := range alts {
			sub, _ := s.(map[string]any)
			p := o.problems(at, sub, v)
			if len(p) == 0 {
				matched = true
				break
			}
			if i == 0 {
				first = p
			}
		}
		if !matched {
			problems = append(problems, fmt.Sprintf("%s: matches no %s alternative; the first says:", at, key))
			problems = append(problems, first...)
		}
	}
	typ, _ := schema["type"].(string)
	if typ == "" && schema["properties"] != nil {
		typ = "object"
	}
	switch typ {
	case "object":
		m, ok := v.(map[string]any)
		if !ok {
			return append(problems, fmt.Sprintf("%s: want an object, got %T", at, v))
		}
		required, _ := schema["required"].([]any)
		for _, r := range required {
			name, _ := r.(string)
			if _, ok := m[name]; !ok {
				problems = append(problems, fmt.Sprintf("%s: required property %q is missing", at, name))
			}
		}
		props, _ := schema["properties"].(map[string]any)
		for name, value := range m {
			if sub, ok := props[name].(map[string]any); ok {
				problems = append(problems, o.problems(at+"."+name, sub, value)...)
			}
		}
	case "array":
		list, ok := v.([]any)
		if !ok {
			return append(problems, fmt.Sprintf("%s: want an array, got %T", at, v))
		}
		items, _ := schema["items"].(map[string]any)
		for i, item := range list {
			problems = append(problems, o.problems(fmt.Sprintf("%s[%d]", at, i), items, item)...)
		}
	case "string":
		s, ok := v.(string)
		if !ok {
			return append(problems, fmt.Sprintf("%s: want a string, got %T", at, v))
		}
		if enum, ok := schema["enum"].([]any); ok && !slices.Contains(enum, any(s)) {
			problems = append(problems, fmt.Sprintf("%s: %q is not one of %v", at, s, enum))
		}
	case "integer":
		switch f, ok := v.(float64); {
		case !ok:
			problems = append(problems, fmt.Sprintf("%s: want an integer, got %T", at, v))
		case f != math.Trunc(f):
			problems = append(problems, fmt.Sprintf("%s: want an integer, got %v", at, f))
		}
	case "number":
		if _, ok := v.(float64); !ok {
			problems = append(problems, fmt.Sprintf("%s: want a number, got %T", at, v))
		}
	case "boolean":
		if _, ok := v.(bool); !ok {
			problems = append(problems, fmt.Sprintf("%s: want a boolean, got %T", at, v))
		}
	}
	return problems
}

// apiCall sends a request to the fake with its token and decodes the answer.
func apiCall(t *testing.T, srv *forgetest.Server, method, path string, body any) (int, any) {
	t.Helper()
	var reader io.Reader
	if body != nil {
		data, err := json.Marshal(body)
		if err != nil {
			t.Fatal(err)
		}
		reader = bytes.NewReader(data)
	}
	req, err := http.NewRequest(method, srv.URL()+path, reader)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+srv.Token())
	req.Header.Set("Accept", "application/vnd.github+json")
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
	return resp.StatusCode, v
}

// TestContract sends a request to every endpoint the fake serves, in an
// order that builds the state each needs, and checks each answer against
// the schema GitHub's OpenAPI description gives for it: the operation's
// answer where the subset has the operation, the component schema where it
// does not.
func TestContract(t *testing.T) {
	spec := loadOpenAPI(t)
	srv := forgetest.NewServer(t, "octo-org", "hello-world")
	head := srv.Commit("feature", "Add acme", map[string]string{"applications/acme.cue": "company: name: \"Acme\"\n"})
	const repo = "/repos/octo-org/hello-world"

	var commentID, checkRunID, commentReview float64
	var approval int64
	idOf := func(v any) float64 {
		m, _ := v.(map[string]any)
		id, _ := m["id"].(float64)
		return id
	}
	steps := []struct {
		name   string
		method string
		path   func() string
		body   any
		status int
		// op is the OpenAPI path of the operation; "" means use schema.
		op     string
		schema func() map[string]any
		after  func(v any)
	}{
		{
			name: "creating a pull request answers a pull-request", method: "POST",
			path: func() string { return repo + "/pulls" }, body: map[string]any{"title": "Add Acme", "head": "feature", "base": "main", "body": "Adds acme."},
			status: 201, op: "/repos/{owner}/{repo}/pulls",
		},
		{
			name: "a second pull request for the same head answers a validation error", method: "POST",
			path: func() string { return repo + "/pulls" }, body: map[string]any{"title": "Again", "head": "feature", "base": "main"},
			status: 422, op: "/repos/{owner}/{repo}/pulls",
		},
		{
			name: "getting a pull request answers a pull-request", method: "GET",
			path: func() string { return repo + "/pulls/1" }, status: 200, op: "/repos/{owner}/{repo}/pulls/{pull_number}",
		},
		{
			name: "getting a missing pull request answers a basic error", method: "GET",
			path: func() string { return repo + "/pulls/99" }, status: 404, op: "/repos/{owner}/{repo}/pulls/{pull_number}",
		},
		{
			name: "listing pull requests answers pull-request-simples", method: "GET",
			path: func() string { return repo + "/pulls?state=all&head=octo-org:feature" }, status: 200, op: "/repos/{owner}/{repo}/pulls",
		},
		{
			name: "editing a pull request answers a pull-request", method: "PATCH",
			path: func() string { return repo + "/pulls/1" }, body: map[string]any{"title": "Add Acme Software", "body": "Adds acme, again."},
			status: 200, op: "/repos/{owner}/{repo}/pulls/{pull_number}",
		},
		{
			name: "closing a pull request answers a pull-request", method: "PATCH",
			path: func() string { return repo + "/pulls/1" }, body: map[string]any{"state": "closed"},
			status: 200, op: "/repos/{owner}/{repo}/pulls/{pull_number}",
		},
		{
			name: "reopening it answers a pull-request", method: "PATCH",
			path: func() string { return repo + "/pulls/1" }, body: map[string]any{"state": "open"},
			status: 200, op: "/repos/{owner}/{repo}/pulls/{pull_number}",
		},
		{
			name: "listing its events answers issue-event-for-issues", method: "GET",
			path: func() string { return repo + "/issues/1/events" }, status: 200, op: "/repos/{owner}/{repo}/issues/{issue_number}/events",
		},
		{
			name: "listing pull request files answers diff-entries", method: "GET",
			path: func() string { return repo + "/pulls/1/files" }, status: 200, op: "/repos/{owner}/{repo}/pulls/{pull_number}/files",
		},
		{
			name: "listing reviews answers pull-request-reviews", method: "GET",
			path: func() string {
				approval = srv.AddReview(1, "reviewer", "APPROVED", head)
				return repo + "/pulls/1/reviews"
			},
			status: 200, op: "/repos/{owner}/{repo}/pulls/{pull_number}/reviews",
		},
		{
			name: "reviewing answers a pull-request-review", method: "POST",
			path: func() string { return repo + "/pulls/1/reviews" }, body: map[string]any{"event": "COMMENT", "body": "Checked"},
			status: 200, op: "/repos/{owner}/{repo}/pulls/{pull_number}/reviews",
			after: func(v any) { commentReview = idOf(v) },
		},
		{
			name: "dismissing an approval answers a pull-request-review", method: "PUT",
			path:   func() string { return fmt.Sprintf("%s/pulls/1/reviews/%d/dismissals", repo, approval) },
			body:   map[string]any{"message": "Pushed since", "event": "DISMISS"},
			status: 200, op: "/repos/{owner}/{repo}/pulls/{pull_number}/reviews/{review_id}/dismissals",
		},
		{
			name: "dismissing a comment-only review answers a validation error", method: "PUT",
			path:   func() string { return fmt.Sprintf("%s/pulls/1/reviews/%.0f/dismissals", repo, commentReview) },
			body:   map[string]any{"message": "No"},
			status: 422, op: "/repos/{owner}/{repo}/pulls/{pull_number}/reviews/{review_id}/dismissals",
		},
		{
			name: "opening an issue answers an issue", method: "POST",
			path: func() string { return repo + "/issues" }, body: map[string]any{"title": "Apply: Acme", "body": "Acme applies."},
			status: 201, op: "/repos/{owner}/{repo}/issues",
		},
		{
			name: "listing issues answers issues", method: "GET",
			path: func() string { return repo + "/issues?state=all" }, status: 200, op: "/repos/{owner}/{repo}/issues",
		},
		{
			name: "creating a comment answers an issue-comment", method: "POST",
			path: func() string { return repo + "/issues/1/comments" }, body: map[string]any{"body": "<!-- connectbot -->\nHello"},
			status: 201, op: "/repos/{owner}/{repo}/issues/{issue_number}/comments",
			after: func(v any) { commentID = idOf(v) },
		},
		{
			name: "getting a comment answers an issue-comment", method: "GET",
			path: func() string { return fmt.Sprintf("%s/issues/comments/%.0f", repo, commentID) }, status: 200, op: "/repos/{owner}/{repo}/issues/comments/{comment_id}",
		},
		{
			name: "listing comments answers issue-comments", method: "GET",
			path: func() string { return repo + "/issues/1/comments" }, status: 200, op: "/repos/{owner}/{repo}/issues/{issue_number}/comments",
		},
		{
			name: "editing a comment answers an issue-comment", method: "PATCH",
			path: func() string { return fmt.Sprintf("%s/issues/comments/%.0f", repo, commentID) }, body: map[string]any{"body": "<!-- connectbot -->\nBye"},
			status: 200, op: "/repos/{owner}/{repo}/issues/comments/{comment_id}",
		},
		{
			name: "creating a label answers a label", method: "POST",
			path: func() string { return repo + "/labels" }, body: map[string]any{"name": "stage: applied", "color": "0e8a16", "description": "Waiting for review"},
			status: 201, op: "/repos/{owner}/{repo}/labels",
		},
		{
			name: "creating a label with a bad colour answers a validation error", method: "POST",
			path: func() string { return repo + "/labels" }, body: map[string]any{"name": "foo", "color": "invalid"},
			status: 422, op: "/repos/{owner}/{repo}/labels",
		},
		{
			name: "getting a label answers a label", method: "GET",
			path: func() string { return repo + "/labels/stage:%20applied" }, status: 200, op: "/repos/{owner}/{repo}/labels/{name}",
		},
		{
			name: "adding labels to an issue answers labels", method: "POST",
			path: func() string { return repo + "/issues/1/labels" }, body: map[string]any{"labels": []string{"stage: applied", "needs-review"}},
			status: 200, op: "/repos/{owner}/{repo}/issues/{issue_number}/labels",
		},
		{
			name: "listing an issue's labels answers labels", method: "GET",
			path: func() string { return repo + "/issues/1/labels" }, status: 200, op: "/repos/{owner}/{repo}/issues/{issue_number}/labels",
		},
		{
			name: "removing a label from an issue answers the labels left", method: "DELETE",
			path: func() string { return repo + "/issues/1/labels/needs-review" }, status: 200,
			op: "/repos/{owner}/{repo}/issues/{issue_number}/labels/{name}",
		},
		{
			name: "creating a check run answers a check-run", method: "POST",
			path: func() string { return repo + "/check-runs" },
			body: map[string]any{"name": "connectbot", "head_sha": head, "status": "completed", "conclusion": "failure", "external_id": "base=1;head=2",
				"output": map[string]any{"title": "1 error", "summary": "acme.cue fails", "annotations": []any{
					map[string]any{"path": "applications/acme.cue", "start_line": 1, "end_line": 1, "annotation_level": "failure", "message": "auth must be oauth2"},
				}}},
			status: 201, op: "/repos/{owner}/{repo}/check-runs",
			after: func(v any) { checkRunID = idOf(v) },
		},
		{
			name: "updating a check run answers a check-run", method: "PATCH",
			path: func() string { return fmt.Sprintf("%s/check-runs/%.0f", repo, checkRunID) },
			body: map[string]any{"name": "connectbot", "output": map[string]any{"title": "1 error", "summary": "acme.cue fails", "annotations": []any{
				map[string]any{"path": "applications/acme.cue", "start_line": 1, "end_line": 1, "annotation_level": "warning", "message": "scope reason is short"},
			}}},
			status: 200, op: "/repos/{owner}/{repo}/check-runs/{check_run_id}",
		},
		{
			name: "getting a check run answers a check-run", method: "GET",
			path: func() string { return fmt.Sprintf("%s/check-runs/%.0f", repo, checkRunID) }, status: 200,
			op: "/repos/{owner}/{repo}/check-runs/{check_run_id}",
		},
		{
			name: "listing the check runs of a commit answers a count and check-runs", method: "GET",
			path: func() string { return repo + "/commits/" + head + "/check-runs?check_name=connectbot" }, status: 200,
			op: "/repos/{owner}/{repo}/commits/{ref}/check-runs",
		},
		{
			name: "re-running a check run answers an empty object", method: "POST",
			path:   func() string { return fmt.Sprintf("%s/check-runs/%.0f/rerequest", repo, checkRunID) },
			status: 201, op: "/repos/{owner}/{repo}/check-runs/{check_run_id}/rerequest",
		},
		{
			name: "re-running a check suite answers an empty object", method: "POST",
			path:   func() string { return fmt.Sprintf("%s/check-suites/%.0f/rerequest", repo, checkRunID+1_000_000) },
			status: 201, op: "/repos/{owner}/{repo}/check-suites/{check_suite_id}/rerequest",
		},
		{
			name: "the rate limit answers a rate-limit-overview", method: "GET",
			path: func() string { return "/rate_limit" }, status: 200, op: "/rate_limit",
		},
		{
			name: "a comment over GitHub's limit answers a validation error", method: "POST",
			path: func() string { return repo + "/issues/1/comments" }, body: map[string]any{"body": strings.Repeat("x", 65537)},
			status: 422, op: "/repos/{owner}/{repo}/issues/{issue_number}/comments",
		},
		{
			name: "a check run over GitHub's limit answers a validation error", method: "POST",
			path:   func() string { return repo + "/check-runs" },
			body:   map[string]any{"name": "connectbot", "head_sha": head, "output": map[string]any{"title": "t", "summary": strings.Repeat("ü", 40000)}},
			status: 422, schema: func() map[string]any { return spec.component(t, "validation-error") },
		},
		{
			name: "creating a commit status answers a status", method: "POST",
			path: func() string { return repo + "/statuses/" + head }, body: map[string]any{"state": "failure", "description": "1 error", "context": "connectbot"},
			status: 201, op: "/repos/{owner}/{repo}/statuses/{sha}",
		},
		{
			name: "listing commit statuses answers statuses", method: "GET",
			path: func() string { return repo + "/commits/" + head + "/statuses" }, status: 200,
			op: "/repos/{owner}/{repo}/commits/{ref}/statuses",
		},
		{
			name: "creating a ref answers a git-ref", method: "POST",
			path: func() string { return repo + "/git/refs" }, body: map[string]any{"ref": "refs/heads/connectbot/remove/acme", "sha": head},
			status: 201, op: "/repos/{owner}/{repo}/git/refs",
		},
		{
			name: "getting a ref answers a git-ref", method: "GET",
			path: func() string { return repo + "/git/ref/heads/connectbot/remove/acme" }, status: 200, op: "/repos/{owner}/{repo}/git/ref/{ref}",
		},
		{
			name: "updating a ref answers a git-ref", method: "PATCH",
			path: func() string { return repo + "/git/refs/heads/connectbot/remove/acme" }, body: map[string]any{"sha": head, "force": true},
			status: 200, op: "/repos/{owner}/{repo}/git/refs/{ref}",
		},
		{
			name: "deleting a ref answers nothing", method: "DELETE",
			path: func() string { return repo + "/git/refs/heads/connectbot/remove/acme" }, status: 204, op: "/repos/{owner}/{repo}/git/refs/{ref}",
		},
		{
			name: "merging pinned to a stale SHA answers a conflict", method: "PUT",
			path: func() string { return repo + "/pulls/1/merge" }, body: map[string]any{"sha": strings.Repeat("0", 40)},
			status: 409, op: "/repos/{owner}/{repo}/pulls/{pull_number}/merge",
		},
		{
			name: "merging answers a pull-request-merge-result", method: "PUT",
			path: func() string { return repo + "/pulls/1/merge" }, body: map[string]any{"sha": head, "merge_method": "squash"},
			status: 200, op: "/repos/{owner}/{repo}/pulls/{pull_number}/merge",
		},
		{
			name: "merging a merged pull request answers method not allowed", method: "PUT",
			path: func() string { return repo + "/pulls/1/merge" }, body: map[string]any{"sha": head},
			status: 405, op: "/repos/{owner}/{repo}/pulls/{pull_number}/merge",
		},
		{
			name: "a merged pull request is still a pull-request", method: "GET",
			path: func() string { return repo + "/pulls/1" }, status: 200, op: "/repos/{owner}/{repo}/pulls/{pull_number}",
		},
	}
	for _, step := range steps {
		t.Run(step.name, func(t *testing.T) {
			status, v := apiCall(t, srv, step.method, step.path(), step.body)
			if status != step.status {
				t.Fatalf("status = %d, want %d; answer: %v", status, step.status, v)
			}
			if status == http.StatusNoContent {
				if v != nil {
					t.Errorf("a 204 with a body: %v", v)
				}
				return
			}
			var schema map[string]any
			if step.op != "" {
				schema = spec.responseSchema(t, step.method, step.op, step.status)
			} else {
				schema = step.schema()
			}
			for _, p := range spec.check("answer", schema, v) {
				t.Error(p)
			}
			if step.after != nil {
				step.after(v)
			}
		})
	}
}

// TestContractCheckerCatchesMissingProperties makes sure the contract test
// can fail: answers with a required property removed, a wrong type or a
// bad enum value are reported.
func TestContractCheckerCatchesMissingProperties(t *testing.T) {
	spec := loadOpenAPI(t)
	srv := forgetest.NewServer(t, "octo-org", "hello-world")
	srv.Commit("feature", "Add acme", map[string]string{"a.txt": "a\n"})
	n := srv.OpenPR(forgetest.PRSpec{Author: "integrator", Title: "Add a", Head: "feature"})
	_, v := apiCall(t, srv, "GET", fmt.Sprintf("/repos/octo-org/hello-world/pulls/%d", n), nil)
	schema := spec.responseSchema(t, "GET", "/repos/{owner}/{repo}/pulls/{pull_number}", 200)
	if p := spec.check("answer", schema, v); len(p) != 0 {
		t.Fatalf("the fake's pull request breaks the schema: %v", p)
	}

	tests := []struct {
		name   string
		mutate func(pr map[string]any)
		want   string
	}{
		{
			name:   "a missing top-level property is reported",
			mutate: func(pr map[string]any) { delete(pr, "head") },
			want:   `answer: required property "head" is missing`,
		},
		{
			name:   "a missing property of a referenced schema is reported",
			mutate: func(pr map[string]any) { delete(pr["base"].(map[string]any)["repo"].(map[string]any), "clone_url") },
			want:   `answer.base.repo: required property "clone_url" is missing`,
		},
		{
			name:   "a value of the wrong type is reported",
			mutate: func(pr map[string]any) { pr["number"] = "1" },
			want:   "answer.number: want an integer, got string",
		},
		{
			name:   "a value outside the enum is reported",
			mutate: func(pr map[string]any) { pr["state"] = "merged" },
			want:   `answer.state: "merged" is not one of [open closed]`,
		},
		{
			name:   "a null where the schema is not nullable is reported",
			mutate: func(pr map[string]any) { pr["user"] = nil },
			want:   "answer.user: null, but the schema is not nullable",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var pr map[string]any
			data, _ := json.Marshal(v)
			if err := json.Unmarshal(data, &pr); err != nil {
				t.Fatal(err)
			}
			tt.mutate(pr)
			got := spec.check("answer", schema, pr)
			if !slices.Contains(got, tt.want) {
				t.Errorf("problems = %q, want one to be %q", got, tt.want)
			}
		})
	}
}
