package forgetest_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/connectbot/connectbot/internal/forge/forgetest"
)

// TestGitHubsLimitsAreEnforced sends each body, check output and
// annotation just within and just over GitHub's limit, and checks that the
// one within is taken and the one over is refused with GitHub's 422 and its
// words, valid against its validation-error schema.
func TestGitHubsLimitsAreEnforced(t *testing.T) {
	spec := loadOpenAPI(t)
	srv := forgetest.NewServer(t, "octo-org", "hello-world")
	head := srv.Commit("feature", "Add acme", map[string]string{"applications/acme.cue": "x\n"})
	pr := srv.OpenPR(forgetest.PRSpec{Author: "integrator", Title: "Add acme", Head: "feature"})
	commentID := srv.AddComment(pr, forgetest.BotLogin, "<!-- marker -->")
	srv.Commit("removal", "Remove acme", map[string]string{"applications/acme.cue": "y\n"})
	srv.Commit("promotion", "Promote acme", map[string]string{"applications/acme.cue": "z\n"})

	const repo = "/repos/octo-org/hello-world"
	// Characters of two bytes: within the limits in characters, over them
	// in bytes.
	chars := func(n int) string { return strings.Repeat("é", n) }
	ascii := func(n int) string { return strings.Repeat("a", n) }
	annotation := func(title, message string) map[string]any {
		return map[string]any{"path": "applications/acme.cue", "start_line": 1, "end_line": 1, "annotation_level": "failure", "title": title, "message": message}
	}
	annotations := func(n int) []any {
		out := make([]any, n)
		for i := range out {
			out[i] = annotation("t", fmt.Sprintf("m%d", i))
		}
		return out
	}
	check := func(summary, text string, anns []any) map[string]any {
		out := map[string]any{"title": "t", "summary": summary, "annotations": anns}
		if text != "" {
			out["text"] = text
		}
		return map[string]any{"name": "connectbot", "head_sha": head, "conclusion": "failure", "output": out}
	}
	const (
		commentTooLong = `Validation Failed: [{IssueComment data unprocessable Body is too long (maximum is 65536 characters)}]`
		issueTooLong   = `Validation Failed: [{Issue body custom body is too long (maximum is 65536 characters)}]`
	)
	tests := []struct {
		name   string
		method string
		path   string
		body   map[string]any
		// want is "" for success, else the message and errors of the 422.
		want string
	}{
		{name: "a comment of 65,536 characters is created", method: "POST", path: fmt.Sprintf("%s/issues/%d/comments", repo, pr),
			body: map[string]any{"body": chars(65536)}},
		{name: "a comment of 65,537 characters is refused", method: "POST", path: fmt.Sprintf("%s/issues/%d/comments", repo, pr),
			body: map[string]any{"body": ascii(65537)}, want: commentTooLong},
		{name: "a comment edited to 65,536 characters is taken", method: "PATCH", path: fmt.Sprintf("%s/issues/comments/%d", repo, commentID),
			body: map[string]any{"body": chars(65536)}},
		{name: "a comment edited to 65,537 characters is refused", method: "PATCH", path: fmt.Sprintf("%s/issues/comments/%d", repo, commentID),
			body: map[string]any{"body": chars(65537)}, want: commentTooLong},
		{name: "a pull request with a body of 65,537 characters is refused", method: "POST", path: repo + "/pulls",
			body: map[string]any{"title": "Remove acme", "head": "removal", "base": "main", "body": ascii(65537)}, want: issueTooLong},
		{name: "a pull request with a body of 65,536 characters is opened", method: "POST", path: repo + "/pulls",
			body: map[string]any{"title": "Promote acme", "head": "promotion", "base": "main", "body": chars(65536)}},
		{name: "a pull request updated to a body of 65,537 characters is refused", method: "PATCH", path: fmt.Sprintf("%s/pulls/%d", repo, pr),
			body: map[string]any{"body": chars(65537)}, want: issueTooLong},
		{name: "an issue with a body of 65,537 characters is refused", method: "POST", path: repo + "/issues",
			body: map[string]any{"title": "Tracking acme", "body": ascii(65537)}, want: issueTooLong},
		{name: "an issue with a body of 65,536 characters is opened", method: "POST", path: repo + "/issues",
			body: map[string]any{"title": "Tracking acme", "body": chars(65536)}},
		{name: "a check summary of 65,535 bytes is taken", method: "POST", path: repo + "/check-runs",
			body: check(ascii(65535), "", nil)},
		{name: "a check summary of 70,000 characters is refused by the schema", method: "POST", path: repo + "/check-runs",
			body: check(ascii(70000), "", nil), want: "Invalid request.\n\nOnly 65535 characters are allowed; 70000 were supplied."},
		{name: "a check text of 65,536 characters is refused by the schema", method: "POST", path: repo + "/check-runs",
			body: check("s", ascii(65536), nil), want: "Invalid request.\n\nOnly 65535 characters are allowed; 65536 were supplied."},
		{name: "a check summary within the characters but over the bytes is refused", method: "POST", path: repo + "/check-runs",
			body: check(chars(40000), "", nil), want: "Validation Failed: [{CheckRun summary custom summary exceeds a maximum bytesize of 65535}]"},
		{name: "a check text within the characters but over the bytes is refused", method: "POST", path: repo + "/check-runs",
			body: check("s", chars(40000), nil), want: "Validation Failed: [{CheckRun text custom text exceeds a maximum bytesize of 65535}]"},
		{name: "fifty annotations in one request are taken", method: "POST", path: repo + "/check-runs",
			body: check("s", "", annotations(50))},
		{name: "fifty-one annotations in one request are refused", method: "POST", path: repo + "/check-runs",
			body: check("s", "", annotations(51)), want: "Invalid request.\n\nNo more than 50 items are allowed; 51 were supplied."},
		{name: "an annotation title of 255 characters is taken", method: "POST", path: repo + "/check-runs",
			body: check("s", "", []any{annotation(chars(255), "m")})},
		{name: "an annotation title of 256 characters is refused", method: "POST", path: repo + "/check-runs",
			body: check("s", "", []any{annotation("t", "m"), annotation(ascii(256), "m")}),
			want: "Validation Failed: [{CheckRun annotations custom annotations[1].title is too long (maximum is 255 characters)}]"},
		{name: "an annotation message of 64 KB is taken", method: "POST", path: repo + "/check-runs",
			body: check("s", "", []any{annotation("t", chars(32768))})},
		{name: "an annotation message over 64 KB is refused", method: "POST", path: repo + "/check-runs",
			body: check("s", "", []any{annotation("t", chars(32768)+"a")}),
			want: "Validation Failed: [{CheckRun annotations custom annotations[0].message exceeds a maximum bytesize of 65536}]"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, v := apiCall(t, srv, tt.method, tt.path, tt.body)
			if tt.want == "" {
				if status >= 300 {
					t.Fatalf("status %d: %v", status, v)
				}
				return
			}
			if status != 422 {
				t.Fatalf("status %d, want 422: %v", status, v)
			}
			for _, p := range spec.check("answer", spec.component(t, "validation-error"), v) {
				t.Error(p)
			}
			if diff := cmp.Diff(tt.want, describe(v)); diff != "" {
				t.Errorf("422 (-want +got):\n%s", diff)
			}
		})
	}
}

// describe renders a 422 answer as "message: [{resource field code
// message}...]", or its message alone when it has no errors.
func describe(v any) string {
	m, _ := v.(map[string]any)
	out, _ := m["message"].(string)
	errs, _ := m["errors"].([]any)
	if len(errs) == 0 {
		return out
	}
	var parts []string
	for _, e := range errs {
		f, _ := e.(map[string]any)
		parts = append(parts, fmt.Sprintf("{%v %v %v %v}", f["resource"], f["field"], f["code"], f["message"]))
	}
	return out + ": [" + strings.Join(parts, " ") + "]"
}

// TestRefusedBodiesChangeNothing checks that a refused edit leaves the
// comment as it was.
func TestRefusedBodiesChangeNothing(t *testing.T) {
	srv := forgetest.NewServer(t, "octo-org", "hello-world")
	srv.Commit("feature", "Add acme", map[string]string{"a.txt": "a\n"})
	pr := srv.OpenPR(forgetest.PRSpec{Author: "integrator", Title: "Add acme", Head: "feature"})
	id := srv.AddComment(pr, forgetest.BotLogin, "before")
	if status, _ := apiCall(t, srv, "PATCH", fmt.Sprintf("/repos/octo-org/hello-world/issues/comments/%d", id), map[string]any{"body": strings.Repeat("x", 70000)}); status != 422 {
		t.Fatalf("status %d, want 422", status)
	}
	if got := srv.Comments(pr); len(got) != 1 || got[0].Body != "before" {
		t.Errorf("comments after a refused edit: %+v", got)
	}
}

func TestListCheckRunsOfACommit(t *testing.T) {
	srv := forgetest.NewServer(t, "octo-org", "hello-world")
	head := srv.Commit("feature", "Add acme", map[string]string{"a.txt": "a\n"})
	for i, name := range []string{"connectbot", "lint", "connectbot"} {
		body := map[string]any{"name": name, "head_sha": head, "external_id": fmt.Sprintf("run-%d", i), "conclusion": "success",
			"output": map[string]any{"title": "t", "summary": fmt.Sprintf("summary %d", i)}}
		if status, v := apiCall(t, srv, "POST", "/repos/octo-org/hello-world/check-runs", body); status != 201 {
			t.Fatalf("create: %d %v", status, v)
		}
	}
	tests := []struct {
		name  string
		query string
		want  []string // external IDs, in order
	}{
		{name: "by default the latest run of each name is listed, newest first", query: "", want: []string{"run-2", "run-1"}},
		{name: "check_name keeps the runs of that name", query: "?check_name=connectbot", want: []string{"run-2"}},
		{name: "filter=all lists every run", query: "?check_name=connectbot&filter=all", want: []string{"run-2", "run-0"}},
		{name: "a name no run has lists none", query: "?check_name=other", want: []string{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, v := apiCall(t, srv, "GET", "/repos/octo-org/hello-world/commits/"+head+"/check-runs"+tt.query, nil)
			if status != 200 {
				t.Fatalf("status %d: %v", status, v)
			}
			m, _ := v.(map[string]any)
			runs, _ := m["check_runs"].([]any)
			got := []string{}
			for _, r := range runs {
				got = append(got, r.(map[string]any)["external_id"].(string))
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("external IDs (-want +got):\n%s", diff)
			}
			if n, _ := m["total_count"].(float64); int(n) != len(tt.want) {
				t.Errorf("total_count = %v, want %d", m["total_count"], len(tt.want))
			}
		})
	}
}
