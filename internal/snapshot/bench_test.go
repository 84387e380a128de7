package snapshot_test

import (
	"context"
	"fmt"
	"strconv"
	"testing"
	"testing/fstest"

	"github.com/connectbot/connectbot/internal/application"
	"github.com/connectbot/connectbot/internal/catalog"
	"github.com/connectbot/connectbot/internal/gitrepo"
	"github.com/connectbot/connectbot/internal/program"
	"github.com/connectbot/connectbot/internal/samplegen"
	"github.com/connectbot/connectbot/internal/snapshot"
)

// BenchmarkValidate judges a program of 10,000 generated applications:
// guard, schema, every policy rule and the cross-file checks, on every core.
func BenchmarkValidate(b *testing.B) {
	const n = 10000
	fsys := fstest.MapFS{}
	for i := range n {
		fsys["applications/"+samplegen.Slug(i)+".cue"] = &fstest.MapFile{Data: samplegen.Application(i)}
	}
	cat, err := catalog.Default()
	if err != nil {
		b.Fatal(err)
	}
	now, _ := application.ParseDate("2026-11-25")
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		snap, err := snapshot.Load(cat, fsys, nil, now)
		if err != nil {
			b.Fatal(err)
		}
		if e := snap.Errors(); e != 0 {
			b.Fatalf("%d errors in generated applications", e)
		}
	}
	b.ReportMetric(float64(n*b.N)/b.Elapsed().Seconds(), "files/s")
}

// BenchmarkReadListings measures the listing clock's read of git history
// (Snapshot.ReadListings), the worst case and the shipped sample:
//   - 1000: 1,000 betas past their listing due date, every listing
//     incomplete today and never complete, so that every file is asked
//     and followed back to its creation, through 200 commits that each
//     change 5 files (and 200 that change none of them);
//   - sample: the shipped program in this repository's own history, on
//     2026-12-11, when one beta (brightpath-forms) is asked.
func BenchmarkReadListings(b *testing.B) {
	b.Run("1000", func(b *testing.B) {
		const n = 1000
		steps := []step{{"2026-03-01", map[string][]byte{"program.cue": []byte("minInstalls: 10\n")}}}
		for i := range n {
			steps[0].files["applications/"+samplegen.Slug(i)+".cue"] = unpublishedBeta(betaIndex(i), false)
		}
		for k := range 200 {
			files := map[string][]byte{"docs/log.md": []byte(strconv.Itoa(k))}
			steps = append(steps, step{"2026-03-02", files})
			files = map[string][]byte{}
			for j := range 5 {
				i := (k*5 + j) % n
				files["applications/"+samplegen.Slug(i)+".cue"] = append(unpublishedBeta(betaIndex(i), false), fmt.Sprintf("// edit %d\n", k)...)
			}
			steps = append(steps, step{"2026-03-03", files})
		}
		r, tip := commitSteps(b, steps)
		benchReadListings(b, r, tip, "2026-12-31", n)
	})
	b.Run("sample", func(b *testing.B) {
		r, err := gitrepo.Open("../..")
		if err != nil {
			b.Skipf("no git history here: %v", err)
		}
		tip, err := r.Resolve("HEAD")
		if err != nil {
			b.Skipf("no git history here: %v", err)
		}
		benchReadListings(b, r, tip, "2026-12-11", 1)
	})
}

// betaIndex is the synthetic application of the i-th beta: every one of
// samplegen's six is a beta at 1, 2 and 3.
func betaIndex(i int) int { return i/3*6 + 1 + i%3 }

func benchReadListings(b *testing.B, r *gitrepo.Repo, tip, on string, asked int) {
	cat, err := catalog.Default()
	if err != nil {
		b.Fatal(err)
	}
	tree, err := r.Tree(tip)
	if err != nil {
		b.Fatal(err)
	}
	now := application.MustParseDate(on)
	snap, err := snapshot.Load(cat, tree, nil, now)
	if err != nil {
		b.Fatal(err)
	}
	if got := len(program.ListingAsked(snap.Files, snap.Config, now)); got != asked {
		b.Fatalf("%d applications asked, want %d", got, asked)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		if err := snap.ReadListings(context.Background(), cat, r, tip, now); err != nil {
			b.Fatal(err)
		}
	}
}
