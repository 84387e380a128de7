package snapshot_test

import (
	"context"
	"regexp"
	"testing"
	"time"

	"github.com/go-git/go-git/v5"
	"github.com/google/go-cmp/cmp"

	"github.com/connectbot/connectbot/internal/application"
	"github.com/connectbot/connectbot/internal/catalog"
	"github.com/connectbot/connectbot/internal/gitrepo"
	"github.com/connectbot/connectbot/internal/program"
	"github.com/connectbot/connectbot/internal/samplegen"
	"github.com/connectbot/connectbot/internal/snapshot"
)

var (
	publishedLine   = regexp.MustCompile(`(?m)^\tlistingPublishedAt: .*\n`)
	descriptionLine = regexp.MustCompile(`(?m)^\tdescription: .*\n`)
)

// unpublishedBeta is synthetic application i, a beta, with its listing
// not yet published: complete, or without its description.
func unpublishedBeta(i int, complete bool) []byte {
	src := publishedLine.ReplaceAll(samplegen.Application(i), nil)
	if !complete {
		src = descriptionLine.ReplaceAll(src, nil)
	}
	return src
}

// commitSteps writes each step as one commit on main of a new repository
// on disk, on the day given, and returns the repository and its tip.
func commitSteps(t testing.TB, steps []step) (*gitrepo.Repo, string) {
	t.Helper()
	dir := t.TempDir()
	if _, err := git.PlainInit(dir, false); err != nil {
		t.Fatal(err)
	}
	r, err := gitrepo.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	parent := ""
	for _, s := range steps {
		when, err := time.Parse(time.DateOnly, s.on)
		if err != nil {
			t.Fatal(err)
		}
		parent, err = r.Commit(context.Background(), gitrepo.Change{Parent: parent, Branch: "main", Files: s.files, Message: "step\n",
			Author: gitrepo.Signature{Name: "t", Email: "t@example.com", When: when.Add(12 * time.Hour)}})
		if err != nil {
			t.Fatal(err)
		}
	}
	return r, parent
}

type step struct {
	on    string
	files map[string][]byte
}

// TestAListingSuppliedInTimeAndDamagedLaterIsAnErrorNotARemoval reads the
// listing clock's question from real git history: synthetic application
// 1, a beta accepted on 2026-02-02, owes its listing by 2026-03-04.
func TestAListingSuppliedInTimeAndDamagedLaterIsAnErrorNotARemoval(t *testing.T) {
	const file = "applications/synthetic-00001.cue"
	slug := samplegen.Slug(1)
	program1 := map[string][]byte{"program.cue": []byte("minInstalls: 10\n")}
	with := func(files map[string][]byte, src []byte) map[string][]byte {
		out := map[string][]byte{file: src}
		for k, v := range files {
			out[k] = v
		}
		return out
	}
	tests := []struct {
		name         string
		steps        []step
		wantSupplied map[string]application.Date
		wantRule     string
		wantRemoval  bool
	}{
		{"complete on the due date, damaged after: an error to fix, no removal", []step{
			{"2026-02-10", with(program1, unpublishedBeta(1, false))},
			{"2026-03-04", map[string][]byte{file: unpublishedBeta(1, true)}},
			{"2026-03-20", map[string][]byte{file: unpublishedBeta(1, false)}},
		}, map[string]application.Date{slug: application.MustParseDate("2026-03-04")}, "connect/beta-1", false},
		{"complete only the day after the due date: overdue", []step{
			{"2026-02-10", with(program1, unpublishedBeta(1, false))},
			{"2026-03-05", map[string][]byte{file: unpublishedBeta(1, true)}},
			{"2026-03-20", map[string][]byte{file: unpublishedBeta(1, false)}},
		}, map[string]application.Date{slug: application.MustParseDate("2026-03-05")}, "connect/beta-2", true},
		{"never complete: overdue", []step{
			{"2026-02-10", with(program1, unpublishedBeta(1, false))},
			{"2026-03-20", map[string][]byte{"docs/note.md": []byte("elsewhere")}},
		}, map[string]application.Date{}, "connect/beta-2", true},
	}
	cat, err := catalog.Default()
	if err != nil {
		t.Fatal(err)
	}
	now := application.MustParseDate("2026-04-01")
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, tip := commitSteps(t, tt.steps)
			tree, err := r.Tree(tip)
			if err != nil {
				t.Fatal(err)
			}
			snap, err := snapshot.Load(cat, tree, nil, now)
			if err != nil {
				t.Fatal(err)
			}
			if err := snap.ReadListings(context.Background(), cat, r, tip, now); err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.wantSupplied, snap.ListingSuppliedOn); diff != "" {
				t.Errorf("supplied (-want +got):\n%s", diff)
			}
			var rules []string
			for _, x := range snap.Files[0].Findings {
				if x.Path == "listing" {
					rules = append(rules, x.Rule+" "+string(x.Severity))
				}
			}
			if diff := cmp.Diff([]string{tt.wantRule + " error"}, rules); diff != "" {
				t.Errorf("listing findings (-want +got):\n%s", diff)
			}
			_, plan := program.Decide(program.Input{Files: snap.Files, Config: snap.Config, ListingSuppliedOn: snap.ListingSuppliedOn, Now: now})
			removed := len(plan.Actions) == 1 && plan.Actions[0].Reason == program.ReasonListingOverdue
			if removed != tt.wantRemoval {
				t.Errorf("plan %+v, want a listing-overdue removal: %v", plan.Actions, tt.wantRemoval)
			}
		})
	}
}
