package snapshot_test

import (
	"testing"
	"testing/fstest"

	"github.com/connectbot/connectbot/internal/application"
	"github.com/connectbot/connectbot/internal/catalog"
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
