package gitrepo_test

import (
	"context"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/connectbot/connectbot/internal/gitrepo"
)

// historyRepo clones the seed into memory and commits steps on top of
// main, one a day from 2026-03-01, returning the repository and the last
// commit.
func historyRepo(t *testing.T, steps []map[string][]byte) (*gitrepo.Repo, string) {
	t.Helper()
	s := newSeed(t)
	ctx := context.Background()
	r, err := gitrepo.Clone(ctx, s.dir, gitrepo.CloneOptions{})
	if err != nil {
		t.Fatal(err)
	}
	parent := s.main
	for i, files := range steps {
		when := time.Date(2026, 3, 1+i, 12, 0, 0, 0, time.UTC)
		parent, err = r.Commit(ctx, gitrepo.Change{Parent: parent, Files: files, Message: "step\n",
			Author: gitrepo.Signature{Name: "t", Email: "t@example.com", When: when}})
		if err != nil {
			t.Fatal(err)
		}
	}
	return r, parent
}

type seen struct {
	Name, Since, Content string
}

// TestHistoryReportsEachVersionDatedByTheCommitThatBroughtIt: a file's
// versions come newest first, each dated by the oldest commit holding it;
// a commit that changes nothing in the directory changes no date, a file
// is followed no further back than its creation, and one the caller is
// done with no further than that.
func TestHistoryReportsEachVersionDatedByTheCommitThatBroughtIt(t *testing.T) {
	r, tip := historyRepo(t, []map[string][]byte{
		{"applications/a.cue": []byte("a1"), "applications/b.cue": []byte("b1")}, // 03-01
		{"docs/note.md": []byte("elsewhere")},                                    // 03-02
		{"applications/a.cue": []byte("a2")},                                     // 03-03
		{"applications/b.cue": []byte("b2"), "applications/c.cue": []byte("c1")}, // 03-04
		{"applications/a.cue": []byte("a3")},                                     // 03-05
	})
	tests := []struct {
		name  string
		names []string
		done  string // content after which the caller is done
		want  []seen
	}{
		{"every version of one file, newest first", []string{"a.cue"}, "", []seen{
			{"a.cue", "2026-03-05", "a3"}, {"a.cue", "2026-03-03", "a2"}, {"a.cue", "2026-03-01", "a1"},
		}},
		{"a file created later is followed back to its creation", []string{"c.cue"}, "", []seen{
			{"c.cue", "2026-03-04", "c1"},
		}},
		{"a file the caller is done with is read no further", []string{"a.cue"}, "a2", []seen{
			{"a.cue", "2026-03-05", "a3"}, {"a.cue", "2026-03-03", "a2"},
		}},
		{"a file absent at the tip has no version", []string{"gone.cue"}, "", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []seen
			err := r.History(context.Background(), tip, "applications", tt.names, func(v gitrepo.Version) bool {
				got = append(got, seen{v.Name, v.Since.UTC().Format(time.DateOnly), string(v.Content)})
				return string(v.Content) == tt.done
			})
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("versions (-want +got):\n%s", diff)
			}
		})
	}
}
