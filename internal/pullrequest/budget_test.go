package pullrequest_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/connectbot/connectbot/internal/forge/forgetest"
)

// maxEventRequests is the most REST requests one pull-request event may
// cost, whatever the pull request carries: a workflow token has 1,000 an
// hour per repository.
const maxEventRequests = 25

// restCalls returns the REST requests among calls (git's smart HTTP, which
// the rate limit does not count, left out).
func (w *world) restCalls(calls []string) []string {
	var out []string
	for _, c := range calls {
		_, path, _ := strings.Cut(c, " ")
		if strings.HasPrefix(path, "/repos/") {
			out = append(out, c)
		}
	}
	return out
}

// hoarder is an application listing n scopes the catalogue does not know,
// each with too short a reason: two findings each.
func hoarder(t *testing.T, maintainer string, n int) string {
	var scopes strings.Builder
	for i := range n {
		fmt.Fprintf(&scopes, "\t\t{name: \"x%d\", reason: \"Syncs.\"},\n", i)
	}
	src := newApplication(t)
	src = strings.Replace(src, `maintainers: ["newco-dev"]`, fmt.Sprintf("maintainers: [%q]", maintainer), 1)
	start := strings.Index(src, "\tscopes: [\n")
	end := strings.Index(src[start:], "\t]\n") + start
	return src[:start] + "\tscopes: [\n" + scopes.String() + src[end:]
}

func TestAPullRequestEventCostsAtMost25Requests(t *testing.T) {
	tests := []struct {
		name  string
		files func(t *testing.T) map[string]string
		short bool
	}{
		{"one push of 30 files with 740 findings each", func(t *testing.T) map[string]string {
			files := map[string]string{}
			for i := range 30 {
				files[fmt.Sprintf("applications/hoard-%02d.cue", i)] = hoarder(t, "mallory", 370)
			}
			return files
		}, false},
		{"5,000 one-line broken files", func(t *testing.T) map[string]string {
			files := map[string]string{}
			for i := range 5000 {
				files[fmt.Sprintf("applications/junk-%04d.cue", i)] = "company: 1\n"
			}
			return files
		}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.short && testing.Short() {
				t.Skip("5,000 files: skipped with -short")
			}
			w := newWorld(t)
			w.srv.Commit("flood", "Apply", tt.files(t))
			pr := w.srv.OpenPR(forgetest.PRSpec{Author: "mallory", Title: "Apply", Head: "flood"})
			before := len(w.srv.Calls())
			out := w.handle(pr)
			rest := w.restCalls(w.srv.Calls()[before:])
			t.Logf("%d REST requests: %s", len(rest), out.Done)
			if len(rest) > maxEventRequests {
				t.Errorf("one pull-request event made %d REST requests, want at most %d", len(rest), maxEventRequests)
			}
		})
	}
}
