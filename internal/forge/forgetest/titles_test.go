package forgetest_test

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/connectbot/connectbot/internal/forge/forgetest"
)

// tooLong is GitHub's answer to a title of more than 256 characters.
func tooLong(resource string) map[string]any {
	return map[string]any{
		"message":           "Validation Failed",
		"documentation_url": "https://docs.github.com/rest",
		"errors": []any{map[string]any{
			"resource": resource, "code": "custom", "field": "title",
			"message": "title is too long (maximum is 256 characters)",
		}},
	}
}

func TestTitlesAreBoundedAsOnGitHub(t *testing.T) {
	tests := []struct {
		name   string
		method string
		path   string
		body   map[string]any
		status int
		want   map[string]any // the answer of a refusal
	}{
		{name: "a pull request titled with 256 characters opens", method: "POST", path: "/pulls",
			body: map[string]any{"title": strings.Repeat("x", 256), "head": "one", "base": "main"}, status: 201},
		{name: "a pull request titled with 257 characters is refused", method: "POST", path: "/pulls",
			body: map[string]any{"title": strings.Repeat("x", 257), "head": "two", "base": "main"}, status: 422, want: tooLong("PullRequest")},
		{name: "characters are counted, not bytes", method: "POST", path: "/pulls",
			body: map[string]any{"title": strings.Repeat("é", 256), "head": "two", "base": "main"}, status: 201},
		{name: "a pull request retitled with 257 characters is refused", method: "PATCH", path: "/pulls/1",
			body: map[string]any{"title": strings.Repeat("y", 257)}, status: 422, want: tooLong("PullRequest")},
		{name: "a pull request retitled with 256 characters takes the title", method: "PATCH", path: "/pulls/1",
			body: map[string]any{"title": strings.Repeat("z", 256)}, status: 200},
		{name: "an issue titled with 257 characters is refused", method: "POST", path: "/issues",
			body: map[string]any{"title": strings.Repeat("x", 257)}, status: 422, want: tooLong("Issue")},
		{name: "an issue titled with 256 characters opens", method: "POST", path: "/issues",
			body: map[string]any{"title": strings.Repeat("x", 256)}, status: 201},
	}
	srv := forgetest.NewServer(t, "octo-org", "hello-world")
	srv.Commit("one", "Add a", map[string]string{"a.txt": "a\n"})
	srv.Commit("two", "Add b", map[string]string{"b.txt": "b\n"})
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, v := apiCall(t, srv, tt.method, testRepo+tt.path, tt.body)
			if status != tt.status {
				t.Fatalf("status = %d, want %d (%v)", status, tt.status, v)
			}
			if tt.want == nil {
				return
			}
			if diff := cmp.Diff(any(tt.want), v); diff != "" {
				t.Errorf("answer (-want +got):\n%s", diff)
			}
		})
	}
	if got := srv.PR(1).Title; got != strings.Repeat("z", 256) {
		t.Errorf("title of #1 after the refused and the accepted edit = %q", got)
	}
}
