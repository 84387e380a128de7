package forge_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/connectbot/connectbot/internal/forge"
	"github.com/connectbot/connectbot/internal/forge/forgetest"
)

// same pins an update to the head as it is.
func same(sha string) string { return sha }

// The fake speaks update-branch as GitHub does: 202 and the base merged
// into the head branch line by line, or 422 saying why not.
func TestUpdateBranch(t *testing.T) {
	three := "one\ntwo\nthree\n"
	tests := []struct {
		name string
		// main is what main's file becomes after the branch started, head
		// the branch's, fork whether the head is a fork's.
		main, head string
		fork       bool
		// pin returns the head SHA to pin the update to, from the real one.
		pin func(sha string) string
		// mergeable is GitHub's mergeable before; want the error (nil: the
		// branch moves to a merge holding both).
		mergeable bool
		want      error
	}{
		{"a change on other lines than main's is merged into the branch", "ONE\ntwo\nthree\n", "one\ntwo\nTHREE\n", false, same, true, nil},
		{"a change of the line main changed conflicts, and is refused", "one\nTWO\nthree\n", "one\nzwei\nthree\n", false, same, false, forge.ErrValidation},
		{"a head that moved from the one pinned is refused", "ONE\ntwo\nthree\n", "one\ntwo\nTHREE\n", false, func(string) string { return strings.Repeat("a", 40) }, true, forge.ErrValidation},
		{"a fork's head, which maintainers may not edit, is refused", "ONE\ntwo\nthree\n", "one\ntwo\nTHREE\n", true, same, true, forge.ErrValidation},
		{"a branch up to date with main is refused", three, "one\ntwo\nTHREE\n", false, same, true, forge.ErrValidation},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t)
			ctx := context.Background()
			f.srv.Commit("main", "Start", map[string]string{"f.txt": three})
			sha := f.srv.Commit("change", "Change", map[string]string{"f.txt": tt.head})
			if tt.main != three {
				f.srv.Commit("main", "Meanwhile", map[string]string{"f.txt": tt.main})
			}
			spec := forgetest.PRSpec{Author: "acme-dev", Title: "Change", Head: "change"}
			if tt.fork {
				spec.HeadRepo = "acme-dev/" + repo
			}
			n := f.srv.OpenPR(spec)
			pr, err := f.client.PullRequest(ctx, n)
			if err != nil || pr.Mergeable != tt.mergeable {
				t.Fatalf("mergeable %v (%v), want %v", pr.Mergeable, err, tt.mergeable)
			}
			err = f.client.UpdateBranch(ctx, n, tt.pin(sha))
			if !errors.Is(err, tt.want) {
				t.Fatalf("UpdateBranch: %v, want %v", err, tt.want)
			}
			moved := f.srv.PR(n).HeadSHA
			if tt.want != nil {
				if moved != sha {
					t.Errorf("a refused update moved the head")
				}
				return
			}
			if got, _ := f.srv.ReadFile(moved, "f.txt"); moved == sha || got != "ONE\ntwo\nTHREE\n" {
				t.Errorf("head %s holds %q, want main merged into the branch line by line", moved, got)
			}
		})
	}
}
